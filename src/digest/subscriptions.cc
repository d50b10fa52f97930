#include "digest/subscriptions.h"

#include "digest/wording.h"
#include "util/json.h"

namespace meridian::digest {

namespace {

constexpr int kMaxSignupsPerAddress = 3;  // per window, for one address
constexpr int64_t kSignupWindowSeconds = 3600;
constexpr int kOutboxAttempts = 3;

}  // namespace

// ---- Outbox ----

Outbox::Outbox(std::unique_ptr<Mailer> mailer, size_t max_queued)
    : mailer_(std::move(mailer)), max_queued_(max_queued), thread_([this] { Run(); }) {}

Outbox::~Outbox() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool Outbox::Post(const std::string& from, const std::string& to, std::string message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= max_queued_) {
      ++failed_;
      return false;
    }
    queue_.push_back({from, to, std::move(message)});
  }
  cv_.notify_one();
  return true;
}

void Outbox::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

uint64_t Outbox::sent() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sent_;
}

uint64_t Outbox::failed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failed_;
}

void Outbox::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  const auto give_up_at_stop = std::chrono::seconds(5);
  std::chrono::steady_clock::time_point stop_deadline{};
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_ && stop_deadline == std::chrono::steady_clock::time_point{})
      stop_deadline = std::chrono::steady_clock::now() + give_up_at_stop;
    if (queue_.empty() || (stop_ && std::chrono::steady_clock::now() > stop_deadline)) {
      if (stop_) return;
      continue;
    }
    Item item = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    MailResult r;
    for (int attempt = 1; attempt <= kOutboxAttempts; ++attempt) {
      r = mailer_->Send(item.from, item.to, item.message);
      if (r.kind != MailResult::kTemporary) break;
      if (attempt < kOutboxAttempts)
        std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
    }
    lock.lock();
    busy_ = false;
    ++(r.kind == MailResult::kSent ? sent_ : failed_);
    if (queue_.empty()) idle_.notify_all();
  }
}

// ---- Subscriptions ----

Subscriptions::Subscriptions(store::Store* store, DigestKeys keys, DigestSite site, Outbox* outbox)
    : store_(store), keys_(std::move(keys)), site_(std::move(site)), outbox_(outbox) {}

store::Consent Subscriptions::ConsentFor(const std::string& action, const store::Subscriber& s,
                                         const std::string& client) const {
  store::Consent c;
  c.action = action;
  c.wording_version = kConsentVersion;
  c.wording_sha256 = Sha256Hex(kConsentWording);
  JsonWriter w;
  w.BeginObject().Field("place", s.place).Key("radius_miles").Int(s.radius_miles);
  w.Field("care", s.care).Field("status", s.status.empty() ? "pending" : s.status).EndObject();
  c.choices = w.str();
  c.client_hash = client.empty() ? "" : keys_.ClientHash(client);
  return c;
}

Status Subscriptions::CheckChoices(const SignupForm& form, const Snapshot& snap,
                                   const ModalityMap& modalities, store::Subscriber* s) {
  std::string place = form.place;
  while (!place.empty() && place.back() == ' ') place.pop_back();
  while (!place.empty() && place.front() == ' ') place.erase(0, 1);
  if (!place.empty()) {
    auto p = ResolveSubscriberPlace(snap, place);
    if (!p.ok())
      return Status::InvalidArgument(
                 "We could not find that place. Try a ZIP code, or a town "
                 "and state such as Madison, WI.")
          .WithParam("place");
  }
  s->place = place;
  s->radius_miles = 10;
  if (!form.radius.empty()) {
    int r = 0;
    for (char c : form.radius) {
      if (c < '0' || c > '9' || r > 1000) {
        r = -1;
        break;
      }
      r = r * 10 + (c - '0');
    }
    if (r < 1 || r > 100)
      return Status::InvalidArgument("Please pick a distance from 1 to 100 miles.")
          .WithParam("radius");
    s->radius_miles = r;
  }
  auto care = CareMask(modalities, form.care);
  if (!care.ok())
    return Status::InvalidArgument("Please pick kinds of care from the list.").WithParam("care");
  s->care = form.care;
  return Status::OK();
}

Status Subscriptions::Signup(const SignupForm& form, const Snapshot& snap,
                             const ModalityMap& modalities, int64_t now) {
  const std::string email = NormalizeEmail(form.email);
  if (email.empty())
    return Status::InvalidArgument("Please enter an email address such as name@example.com.")
        .WithParam("email");
  store::Subscriber wanted;
  MERIDIAN_RETURN_IF_ERROR(CheckChoices(form, snap, modalities, &wanted));
  if (!form.honeypot.empty()) return Status::OK();  // a bot: the same answer, nothing kept
  wanted.email = email;
  wanted.email_hash = keys_.EmailHash(email);
  // Requests never confirmed are deleted after 48 hours (the weekly run
  // does this too).
  MERIDIAN_RETURN_IF_ERROR(store_->PurgePending(now - kConfirmSeconds).status());
  store::Subscriber stored;
  auto outcome = store_->Signup(wanted, ConsentFor("subscribe", wanted, form.client), now,
                                kMaxSignupsPerAddress, kSignupWindowSeconds, &stored);
  if (!outcome.ok()) return outcome.status();
  MailMessage m;
  switch (*outcome) {
    case store::SignupOutcome::kNew:
    case store::SignupOutcome::kPendingAgain:
      m = ComposeConfirmation(site_, keys_, stored, now);
      break;
    case store::SignupOutcome::kAlreadyActive:
      m = ComposeAlreadySubscribed(site_, keys_, stored, now);
      break;
    case store::SignupOutcome::kThrottled:
      return Status::OK();
  }
  // A suppressed address (its mail server refused us for good) gets nothing.
  auto suppressed = store_->IsSuppressed(wanted.email_hash);
  if (!suppressed.ok()) return suppressed.status();
  if (!*suppressed) outbox_->Post(site_.from_address, email, RenderMime(m));
  return Status::OK();
}

Result<store::Subscriber> Subscriptions::FromToken(const std::string& token,
                                                   const std::string& purpose, int64_t now) {
  auto claims = keys_.Verify(token, purpose, now);
  if (!claims.ok()) return claims.status();
  auto s = store_->GetSubscriber(claims->subscriber_id);
  if (!s.ok()) {
    if (s.status().code() == StatusCode::kNotFound)
      return Status::InvalidArgument("this link is not valid or has expired");
    return s.status();
  }
  if (s->created != claims->created)
    return Status::InvalidArgument("this link is not valid or has expired");
  return s;
}

Result<store::Subscriber> Subscriptions::CheckConfirm(const std::string& token, int64_t now) {
  return FromToken(token, "confirm", now);
}

Result<ManageView> Subscriptions::Confirm(const std::string& token, const std::string& client,
                                          int64_t now) {
  auto s = FromToken(token, "confirm", now);
  if (!s.ok()) return s.status();
  store::Subscriber active = *s;
  active.status = "active";
  MERIDIAN_RETURN_IF_ERROR(
      store_->ConfirmSubscriber(s->id, ConsentFor("confirm", active, client), now));
  auto fresh = store_->GetSubscriber(s->id);
  if (!fresh.ok()) return fresh.status();
  return ManageView{*fresh, keys_.Sign({"manage", fresh->id, fresh->created, 0})};
}

Result<ManageView> Subscriptions::Manage(const std::string& token, int64_t now) {
  auto s = FromToken(token, "manage", now);
  if (!s.ok()) return s.status();
  if (s->status == "pending")
    return Status::InvalidArgument("this link is not valid or has expired");
  return ManageView{*s, token};
}

Status Subscriptions::Change(const std::string& token, const SignupForm& form, const Snapshot& snap,
                             const ModalityMap& modalities, int64_t now) {
  auto view = Manage(token, now);
  if (!view.ok()) return view.status();
  store::Subscriber s = view->subscriber;
  MERIDIAN_RETURN_IF_ERROR(CheckChoices(form, snap, modalities, &s));
  return store_->UpdateSubscriber(s, ConsentFor("change", s, form.client), now);
}

Status Subscriptions::SetPaused(const std::string& token, bool paused, const std::string& client,
                                int64_t now) {
  auto view = Manage(token, now);
  if (!view.ok()) return view.status();
  store::Subscriber s = view->subscriber;
  s.status = paused ? "paused" : "active";
  return store_->UpdateSubscriber(s, ConsentFor(paused ? "pause" : "resume", s, client), now);
}

Status Subscriptions::Delete(const std::string& token, int64_t now) {
  auto s = FromToken(token, "manage", now);
  if (!s.ok()) return s.status();
  return store_->DeleteSubscriber(s->id);
}

Result<std::string> Subscriptions::Export(const std::string& token, int64_t now) {
  auto view = Manage(token, now);
  if (!view.ok()) return view.status();
  const store::Subscriber& s = view->subscriber;
  auto consents = store_->ConsentsFor(s.id);
  if (!consents.ok()) return consents.status();
  auto sends = store_->SendsFor(s.email_hash);
  if (!sends.ok()) return sends.status();
  JsonWriter w;
  w.BeginObject();
  w.Field("email", s.email).Field("place", s.place).Key("radius_miles").Int(s.radius_miles);
  w.Key("care").BeginArray();
  for (size_t i = 0; i < s.care.size();) {
    size_t comma = s.care.find(',', i);
    if (comma == std::string::npos) comma = s.care.size();
    if (comma > i) w.String(s.care.substr(i, comma - i));
    i = comma + 1;
  }
  w.EndArray();
  w.Field("status", s.status).Key("created_unix").Int(s.created);
  w.Key("confirmed_unix").Int(s.confirmed).Key("updated_unix").Int(s.updated);
  w.Key("consents").BeginArray();
  for (const store::Consent& c : *consents) {
    w.BeginObject().Key("at_unix").Int(c.at).Field("action", c.action);
    w.Field("wording_version", c.wording_version).Field("wording_sha256", c.wording_sha256);
    if (c.wording_version == kConsentVersion) w.Field("wording", kConsentWording);
    w.Field("choices", c.choices).Field("client_hash", c.client_hash).EndObject();
  }
  w.EndArray();
  w.Key("digests").BeginArray();
  for (const store::DigestSend& d : *sends)
    w.BeginObject()
        .Field("week", d.week)
        .Field("status", d.status)
        .Key("at_unix")
        .Int(d.done != 0 ? d.done : d.claimed)
        .EndObject();
  w.EndArray();
  w.Field("note",
          "This is everything Meridian keeps about you. Your IP address is not kept: "
          "client_hash is a one-way keyed hash of it.");
  w.EndObject();
  return w.str();
}

}  // namespace meridian::digest
