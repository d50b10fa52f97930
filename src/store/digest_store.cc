// The Store's digest tables (migration 2): subscribers, consent records,
// digest runs and their send log, suppressions; and shared settings.
#include <string>
#include <vector>

#include "store/sql.h"
#include "store/store.h"

namespace meridian::store {

namespace {

constexpr const char* kSubscriberColumns =
    "id, email, email_hash, place, radius_miles, care, status, created_unix, confirmed_unix, "
    "updated_unix";

Subscriber SubscriberOf(const SqlRow& r) {
  Subscriber s;
  s.id = I(r, 0), s.email = S(r, 1), s.email_hash = S(r, 2), s.place = S(r, 3);
  s.radius_miles = static_cast<int>(I(r, 4)), s.care = S(r, 5), s.status = S(r, 6);
  s.created = I(r, 7), s.confirmed = I(r, 8), s.updated = I(r, 9);
  return s;
}

Consent ConsentOf(const SqlRow& r) {
  Consent c;
  c.id = I(r, 0), c.subscriber_id = I(r, 1), c.at = I(r, 2), c.action = S(r, 3);
  c.wording_version = S(r, 4), c.wording_sha256 = S(r, 5), c.choices = S(r, 6);
  c.client_hash = S(r, 7);
  return c;
}

DigestSend SendOf(const SqlRow& r) {
  DigestSend d;
  d.week = S(r, 0), d.email_hash = S(r, 1), d.status = S(r, 2);
  d.attempts = static_cast<int>(I(r, 3)), d.message_id = S(r, 4), d.reply = S(r, 5);
  d.claimed = I(r, 6), d.done = I(r, 7);
  return d;
}

DigestIssueSummary IssueOf(const SqlRow& r) {
  DigestIssueSummary d;
  d.week = S(r, 0), d.created = I(r, 1), d.finished = I(r, 2), d.claimed = I(r, 3);
  d.sent = I(r, 4), d.failed = I(r, 5), d.suppressed = I(r, 6);
  return d;
}

int64_t CountOf(const SqlRow& r) { return I(r, 0); }

Status AddConsent(SqlConn& c, int64_t subscriber_id, const Consent& k, int64_t now) {
  return c
      .Query(
          "INSERT INTO consents(subscriber_id, at_unix, action, wording_version, "
          "wording_sha256, choices, client_hash) VALUES($1, $2, $3, $4, $5, $6, $7)",
          {N(subscriber_id), N(now), k.action, k.wording_version, k.wording_sha256, k.choices,
           k.client_hash})
      .status();
}

Status CheckChoices(const Subscriber& s) {
  if (s.radius_miles < 1 || s.radius_miles > 100)
    return Status::InvalidArgument("radius must be 1 to 100 miles").WithParam("radius");
  if (s.place.size() > 100) return Status::InvalidArgument("place is too long").WithParam("place");
  if (s.care.size() > 300)
    return Status::InvalidArgument("too many kinds of care").WithParam("care");
  return Status::OK();
}

}  // namespace

Result<std::string> Store::SettingOrInit(const std::string& name, const std::string& initial) {
  std::string value;
  Status s = db_->Transaction([&](SqlConn& c) -> Status {
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("INSERT INTO settings(name, value) VALUES($1, $2) ON CONFLICT DO NOTHING",
                {name, initial})
            .status());
    auto rows = c.Query("SELECT value FROM settings WHERE name = $1", {name});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Internal("store: setting " + name + " vanished");
    value = S((*rows)[0], 0);
    return Status::OK();
  });
  if (!s.ok()) return s;
  return value;
}

Result<SignupOutcome> Store::Signup(const Subscriber& wanted, const Consent& consent, int64_t now,
                                    int max_requests, int64_t window_seconds, Subscriber* sub) {
  MERIDIAN_RETURN_IF_ERROR(CheckChoices(wanted));
  if (wanted.email.empty() || wanted.email_hash.empty())
    return Status::InvalidArgument("an email address is required").WithParam("email");
  SignupOutcome outcome = SignupOutcome::kNew;
  Status s = db_->Transaction([&](SqlConn& c) -> Status {
    auto rows = c.Query(std::string("SELECT ") + kSubscriberColumns +
                            ", window_unix, window_requests FROM subscribers WHERE email_hash = $1",
                        {wanted.email_hash});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) {
      auto id = c.Query(
          "INSERT INTO subscribers(email, email_hash, place, radius_miles, care, status, "
          "created_unix, updated_unix, window_unix, window_requests) "
          "VALUES($1, $2, $3, $4, $5, 'pending', $6, $6, $6, 1) RETURNING id",
          {wanted.email, wanted.email_hash, wanted.place, N(wanted.radius_miles), wanted.care,
           N(now)});
      if (!id.ok()) return id.status();
      *sub = wanted;
      sub->id = I((*id)[0], 0), sub->status = "pending", sub->created = now, sub->updated = now;
      outcome = SignupOutcome::kNew;
      return AddConsent(c, sub->id, consent, now);
    }
    *sub = SubscriberOf((*rows)[0]);
    int64_t window = I((*rows)[0], 10), requests = I((*rows)[0], 11);
    if (now - window >= window_seconds) window = now, requests = 0;
    if (requests >= max_requests) {
      outcome = SignupOutcome::kThrottled;
      return Status::OK();
    }
    MERIDIAN_RETURN_IF_ERROR(c.Query("UPDATE subscribers SET window_unix = $2, window_requests = "
                                     "$3 WHERE id = $1",
                                     {N(sub->id), N(window), N(requests + 1)})
                                 .status());
    if (sub->status != "pending") {
      outcome = SignupOutcome::kAlreadyActive;
      return Status::OK();
    }
    // Still pending: the newest choices count, and the 48 hours start again.
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("UPDATE subscribers SET place = $2, radius_miles = $3, care = $4, "
                "created_unix = $5, updated_unix = $5 WHERE id = $1",
                {N(sub->id), wanted.place, N(wanted.radius_miles), wanted.care, N(now)})
            .status());
    sub->place = wanted.place, sub->radius_miles = wanted.radius_miles, sub->care = wanted.care;
    sub->created = now, sub->updated = now;
    outcome = SignupOutcome::kPendingAgain;
    return AddConsent(c, sub->id, consent, now);
  });
  if (!s.ok()) return s;
  return outcome;
}

Result<Subscriber> Store::GetSubscriber(int64_t id) {
  return SelectOne<Subscriber>(
      db_.get(), std::string("SELECT ") + kSubscriberColumns + " FROM subscribers WHERE id = $1",
      {N(id)}, SubscriberOf, Status::NotFound("no such subscriber"));
}

Result<Subscriber> Store::FindSubscriber(const std::string& email_hash) {
  return SelectOne<Subscriber>(
      db_.get(),
      std::string("SELECT ") + kSubscriberColumns + " FROM subscribers WHERE email_hash = $1",
      {email_hash}, SubscriberOf, Status::NotFound("no such subscriber"));
}

Status Store::ConfirmSubscriber(int64_t id, const Consent& consent, int64_t now) {
  return db_->Transaction([&](SqlConn& c) -> Status {
    auto rows = c.Query("SELECT status FROM subscribers WHERE id = $1", {N(id)});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("no such subscriber");
    if (S((*rows)[0], 0) != "pending") return Status::OK();
    MERIDIAN_RETURN_IF_ERROR(c.Query("UPDATE subscribers SET status = 'active', confirmed_unix = "
                                     "$2, updated_unix = $2 WHERE id = $1",
                                     {N(id), N(now)})
                                 .status());
    return AddConsent(c, id, consent, now);
  });
}

Status Store::UpdateSubscriber(const Subscriber& s, const Consent& consent, int64_t now) {
  MERIDIAN_RETURN_IF_ERROR(CheckChoices(s));
  if (s.status != "active" && s.status != "paused")
    return Status::InvalidArgument("status must be active or paused").WithParam("status");
  return db_->Transaction([&](SqlConn& c) -> Status {
    auto rows = c.Query(
        "UPDATE subscribers SET place = $2, radius_miles = $3, care = $4, status = $5, "
        "updated_unix = $6 WHERE id = $1 AND status <> 'pending' RETURNING id",
        {N(s.id), s.place, N(s.radius_miles), s.care, s.status, N(now)});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("no such subscriber");
    return AddConsent(c, s.id, consent, now);
  });
}

Status Store::DeleteSubscriber(int64_t id) {
  return db_->Transaction([&](SqlConn& c) -> Status {
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("DELETE FROM consents WHERE subscriber_id = $1", {N(id)}).status());
    auto rows = c.Query("DELETE FROM subscribers WHERE id = $1 RETURNING id", {N(id)});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("no such subscriber");
    return Status::OK();
  });
}

Result<std::vector<Consent>> Store::ConsentsFor(int64_t subscriber_id) {
  return Select<Consent>(db_.get(),
                         "SELECT id, subscriber_id, at_unix, action, wording_version, "
                         "wording_sha256, choices, client_hash FROM consents "
                         "WHERE subscriber_id = $1 ORDER BY id",
                         {N(subscriber_id)}, ConsentOf);
}

Result<int64_t> Store::PurgePending(int64_t created_before) {
  int64_t n = 0;
  Status s = db_->Transaction([&](SqlConn& c) -> Status {
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("DELETE FROM consents WHERE subscriber_id IN (SELECT id FROM subscribers "
                "WHERE status = 'pending' AND created_unix < $1)",
                {N(created_before)})
            .status());
    auto rows = c.Query(
        "DELETE FROM subscribers WHERE status = 'pending' AND created_unix < $1 RETURNING id",
        {N(created_before)});
    if (!rows.ok()) return rows.status();
    n = static_cast<int64_t>(rows->size());
    return Status::OK();
  });
  if (!s.ok()) return s;
  return n;
}

Result<std::vector<Subscriber>> Store::ActiveSubscribers(int64_t after_id, int limit) {
  return Select<Subscriber>(db_.get(),
                            std::string("SELECT ") + kSubscriberColumns +
                                " FROM subscribers WHERE status = 'active' AND id > $1 "
                                "ORDER BY id LIMIT $2",
                            {N(after_id), N(limit < 1 ? 1 : limit)}, SubscriberOf);
}

Result<int64_t> Store::CountSubscribers(const std::string& status) {
  return SelectOne<int64_t>(db_.get(), "SELECT count(*) FROM subscribers WHERE status = $1",
                            {status}, CountOf, Status::Internal("count returned nothing"));
}

Result<bool> Store::LeaseDigest(const std::string& week, const std::string& owner, int64_t now,
                                int64_t seconds, const std::string& dead_owner) {
  bool held = false;
  Status s = db_->Transaction([&](SqlConn& c) -> Status {
    MERIDIAN_RETURN_IF_ERROR(c.Query("INSERT INTO digest_issues(week, created_unix) VALUES($1, $2) "
                                     "ON CONFLICT DO NOTHING",
                                     {week, N(now)})
                                 .status());
    auto rows = c.Query(
        "UPDATE digest_issues SET lease_owner = $2, lease_until = $3 WHERE week = $1 AND "
        "(lease_owner = $2 OR lease_until < $4 OR (lease_owner = $5 AND $5 <> '')) "
        "RETURNING week",
        {week, owner, N(now + seconds), N(now), dead_owner});
    if (!rows.ok()) return rows.status();
    held = !rows->empty();
    return Status::OK();
  });
  if (!s.ok()) return s;
  return held;
}

Result<std::string> Store::DigestLeaseOwner(const std::string& week) {
  auto rows =
      Select<std::string>(db_.get(), "SELECT lease_owner FROM digest_issues WHERE week = $1",
                          {week}, [](const SqlRow& r) { return S(r, 0); });
  if (!rows.ok()) return rows.status();
  return rows->empty() ? std::string() : rows->front();
}

Result<bool> Store::DigestFinished(const std::string& week) {
  auto rows = Select<int64_t>(db_.get(), "SELECT finished_unix FROM digest_issues WHERE week = $1",
                              {week}, CountOf);
  if (!rows.ok()) return rows.status();
  return !rows->empty() && rows->front() > 0;
}

Status Store::FinishDigest(const std::string& week, int64_t now) {
  return db_->Transaction([&](SqlConn& c) {
    return c
        .Query("UPDATE digest_issues SET finished_unix = $2, lease_until = 0 WHERE week = $1",
               {week, N(now)})
        .status();
  });
}

Result<std::vector<DigestIssueSummary>> Store::ListDigests(int limit) {
  return Select<DigestIssueSummary>(
      db_.get(),
      "SELECT i.week, i.created_unix, i.finished_unix, "
      "count(CASE WHEN s.status = 'claimed' THEN 1 END), "
      "count(CASE WHEN s.status = 'sent' THEN 1 END), "
      "count(CASE WHEN s.status = 'failed' THEN 1 END), "
      "count(CASE WHEN s.status = 'suppressed' THEN 1 END) "
      "FROM digest_issues i LEFT JOIN digest_sends s ON s.week = i.week "
      "GROUP BY i.week, i.created_unix, i.finished_unix ORDER BY i.week DESC LIMIT $1",
      {N(limit < 1 ? 1 : limit)}, IssueOf);
}

Result<DigestSend> Store::ClaimSend(const std::string& week, const std::string& email_hash,
                                    const std::string& message_id, int64_t now) {
  DigestSend out;
  Status s = db_->Transaction([&](SqlConn& c) -> Status {
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("INSERT INTO digest_sends(week, email_hash, status, message_id, claimed_unix) "
                "VALUES($1, $2, 'claimed', $3, $4) ON CONFLICT DO NOTHING",
                {week, email_hash, message_id, N(now)})
            .status());
    auto rows = c.Query(
        "SELECT week, email_hash, status, attempts, message_id, reply, claimed_unix, done_unix "
        "FROM digest_sends WHERE week = $1 AND email_hash = $2",
        {week, email_hash});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Internal("store: a claimed send vanished");
    out = SendOf((*rows)[0]);
    return Status::OK();
  });
  if (!s.ok()) return s;
  return out;
}

Status Store::FinishSend(const std::string& week, const std::string& email_hash,
                         const std::string& status, const std::string& reply, int64_t now) {
  if (status != "sent" && status != "failed" && status != "suppressed" && status != "claimed")
    return Status::InvalidArgument("unknown send status " + status);
  return db_->Transaction([&](SqlConn& c) -> Status {
    auto rows = c.Query(
        "UPDATE digest_sends SET status = $3, reply = $4, attempts = attempts + 1, done_unix = $5 "
        "WHERE week = $1 AND email_hash = $2 AND status = 'claimed' RETURNING week",
        {week, email_hash, status, reply.substr(0, 500), N(now)});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::FailedPrecondition("that send is not claimed");
    return Status::OK();
  });
}

Status Store::RecordPermanentFailure(const std::string& email_hash, const std::string& reason,
                                     int threshold, int64_t now) {
  return db_->Transaction([&](SqlConn& c) -> Status {
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("INSERT INTO suppressions(email_hash, failures, reason, at_unix) "
                "VALUES($1, 0, $2, $3) ON CONFLICT DO NOTHING",
                {email_hash, reason.substr(0, 500), N(now)})
            .status());
    return c
        .Query(
            "UPDATE suppressions SET failures = failures + 1, reason = $2, at_unix = $3, "
            "suppressed = CASE WHEN failures + 1 >= CAST($4 AS INTEGER) THEN 1 ELSE 0 END "
            "WHERE email_hash = $1",
            {email_hash, reason.substr(0, 500), N(now), N(threshold)})
        .status();
  });
}

Result<bool> Store::IsSuppressed(const std::string& email_hash) {
  auto n = SelectOne<int64_t>(
      db_.get(), "SELECT count(*) FROM suppressions WHERE email_hash = $1 AND suppressed = 1",
      {email_hash}, CountOf, Status::Internal("count returned nothing"));
  if (!n.ok()) return n.status();
  return *n > 0;
}

Result<std::vector<DigestSend>> Store::SendsFor(const std::string& email_hash) {
  return Select<DigestSend>(
      db_.get(),
      "SELECT week, email_hash, status, attempts, message_id, reply, claimed_unix, done_unix "
      "FROM digest_sends WHERE email_hash = $1 ORDER BY week DESC",
      {email_hash}, SendOf);
}

}  // namespace meridian::store
