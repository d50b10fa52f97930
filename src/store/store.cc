#include "store/store.h"

#include <charconv>
#include <ctime>

#include "store/migrations.h"
#include "store/sql.h"

namespace meridian::store {

namespace {

using Rows = std::vector<SqlRow>;

constexpr const char* kReportColumns =
    "id, npi, kind, details, state, status, note, created_unix, updated_unix";

Report ReportOf(const SqlRow& r) {
  Report x;
  x.id = I(r, 0), x.npi = static_cast<uint32_t>(I(r, 1)), x.kind = S(r, 2), x.details = S(r, 3);
  x.state = S(r, 4), x.status = S(r, 5), x.note = S(r, 6), x.created = I(r, 7);
  x.updated = I(r, 8);
  return x;
}

constexpr const char* kCorrectionColumns =
    "id, npi, field, value, nppes_value, source, author, status, flag_reason, created_unix";

Correction CorrectionOf(const SqlRow& r) {
  Correction c;
  c.id = I(r, 0), c.npi = static_cast<uint32_t>(I(r, 1)), c.field = S(r, 2), c.value = S(r, 3);
  c.nppes_value = S(r, 4), c.source = S(r, 5), c.author = S(r, 6), c.status = S(r, 7);
  c.flag_reason = S(r, 8), c.created = I(r, 9);
  return c;
}

User UserOf(const SqlRow& r) {
  User u;
  u.id = I(r, 0), u.email = S(r, 1), u.role = S(r, 2), u.password_hash = S(r, 3);
  u.created = I(r, 4);
  return u;
}

Status AuditIn(SqlConn& c, const std::string& actor, const std::string& action,
               const std::string& target, const std::string& before, const std::string& after) {
  return c
      .Query(
          "INSERT INTO audit_log(at_unix, actor, action, target, before_value, after_value) "
          "VALUES($1, $2, $3, $4, $5, $6)",
          {N(Now()), actor, action, target, before, after})
      .status();
}

bool OneOf(const std::string& v, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed)
    if (v == a) return true;
  return false;
}

// A pre-store "report a problem" file: a reports table with created_utc
// and no schema_migrations table.
Result<bool> IsLegacyReportsFile(SqlConn& c) {
  auto rows = c.Query(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'reports' "
      "AND sql LIKE '%created_utc%'");
  if (!rows.ok()) return rows.status();
  return I((*rows)[0], 0) > 0;
}

int64_t CountOf(const SqlRow& r) { return I(r, 0); }

AuditEntry AuditOf(const SqlRow& r) {
  return AuditEntry{I(r, 0), I(r, 1), S(r, 2), S(r, 3), S(r, 4), S(r, 5), S(r, 6)};
}

Session SessionOf(const SqlRow& r) { return Session{S(r, 0), I(r, 1), S(r, 2), I(r, 3), I(r, 4)}; }

constexpr const char* kUserColumns = "id, email, role, password_hash, created_unix";

}  // namespace

Store::Store(std::unique_ptr<SqlDb> db) : db_(std::move(db)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::string& url) {
  std::unique_ptr<SqlDb> db;
  if (url.starts_with("sqlite:")) {
    const std::string path = url.substr(7);
    if (path.empty()) return Status::InvalidArgument("--store sqlite:PATH needs a file path");
    auto d = OpenSqlite(path);
    if (!d.ok()) return d.status();
    db = std::move(d).value();
  } else if (url.starts_with("postgresql://") || url.starts_with("postgres://") ||
             url.find("dbname=") != std::string::npos || url.find("host=") != std::string::npos) {
    auto d = OpenPostgres(url);
    if (!d.ok()) return d.status();
    db = std::move(d).value();
  } else {
    return Status::InvalidArgument("unknown store \"" + url.substr(0, url.find(':')) +
                                   "\": use sqlite:PATH or a postgresql:// connection string")
        .WithParam("store");
  }
  return std::unique_ptr<Store>(new Store(std::move(db)));
}

const char* Store::backend() const {
  return db_->dialect() == Dialect::kSqlite ? "sqlite" : "postgresql";
}

Result<int> Store::SchemaVersion() {
  int version = 0;
  Status s = db_->WithConn([&](SqlConn& c) -> Status {
    auto exists = c.Query(db_->dialect() == Dialect::kSqlite
                              ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                "name = 'schema_migrations'"
                              : "SELECT count(*) FROM information_schema.tables WHERE "
                                "table_schema = current_schema() AND table_name = "
                                "'schema_migrations'");
    if (!exists.ok()) return exists.status();
    if (I((*exists)[0], 0) == 0) return Status::OK();
    auto v = c.Query("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!v.ok()) return v.status();
    version = static_cast<int>(I((*v)[0], 0));
    return Status::OK();
  });
  if (!s.ok()) return s;
  return version;
}

Status Store::Migrate() {
  const std::vector<std::string> migrations = Migrations(db_->dialect());
  const bool sqlite = db_->dialect() == Dialect::kSqlite;
  MERIDIAN_RETURN_IF_ERROR(db_->WithConn([&](SqlConn& c) {
    return c.Script(
        "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, "
        "applied_unix BIGINT NOT NULL)");
  }));
  for (size_t i = 0; i < migrations.size(); ++i) {
    const int version = static_cast<int>(i + 1);
    MERIDIAN_RETURN_IF_ERROR(db_->Transaction([&](SqlConn& c) -> Status {
      // Another server may be migrating too: PostgreSQL serializes on this
      // lock, SQLite on BEGIN IMMEDIATE.
      if (!sqlite)
        MERIDIAN_RETURN_IF_ERROR(c.Script("LOCK TABLE schema_migrations IN EXCLUSIVE MODE"));
      auto have = c.Query("SELECT coalesce(max(version), 0) FROM schema_migrations");
      if (!have.ok()) return have.status();
      const int64_t current = I((*have)[0], 0);
      if (current > static_cast<int64_t>(migrations.size()))
        return Status::FailedPrecondition(
            "the store's schema is version " + N(current) + ", newer than this binary's " +
            N(static_cast<int64_t>(migrations.size())) + "; run a newer meridian");
      if (current >= version) return Status::OK();
      bool legacy = false;
      if (sqlite && version == 1) {
        auto l = IsLegacyReportsFile(c);
        if (!l.ok()) return l.status();
        legacy = *l;
        if (legacy) MERIDIAN_RETURN_IF_ERROR(c.Script("ALTER TABLE reports RENAME TO reports_v0"));
      }
      MERIDIAN_RETURN_IF_ERROR(c.Script(migrations[i]));
      if (legacy)
        MERIDIAN_RETURN_IF_ERROR(c.Script(
            "INSERT INTO reports(id, created_unix, updated_unix, npi, kind, details, status) "
            "SELECT id, CAST(strftime('%s', created_utc) AS INTEGER), "
            "CAST(strftime('%s', created_utc) AS INTEGER), npi, kind, details, "
            "CASE status WHEN 'new' THEN 'open' ELSE status END FROM reports_v0; "
            "DROP TABLE reports_v0;"));
      return c
          .Query("INSERT INTO schema_migrations(version, applied_unix) VALUES($1, $2)",
                 {N(version), N(Now())})
          .status();
    }));
  }
  // A database newer than every migration this binary knows.
  return CheckMigrated();
}

Status Store::CheckMigrated() {
  auto v = SchemaVersion();
  if (!v.ok()) return v.status();
  if (*v == kSchemaVersion) return Status::OK();
  if (*v > kSchemaVersion)
    return Status::FailedPrecondition("the store's schema is version " + N(*v) +
                                      ", newer than this binary's " + N(kSchemaVersion) +
                                      "; run a newer meridian");
  return Status::FailedPrecondition("the store is at schema version " + N(*v) +
                                    ", this binary needs " + N(kSchemaVersion) +
                                    "; run: meridian store migrate --store <the same store>");
}

// ---- reports ----

Result<int64_t> Store::AddReport(const Report& r) {
  if (!OneOf(r.kind, {"address", "credential", "closed", "other"}))
    return Status::InvalidArgument("unknown report kind").WithParam("kind");
  int64_t id = 0;
  const int64_t now = Now();
  if (r.submission.size() > 100)
    return Status::InvalidArgument("submission key too long").WithParam("submission");
  const SqlParam key = r.submission.empty() ? SqlParam() : SqlParam(r.submission);
  Status s = db_->Transaction([&](SqlConn& c) -> Status {
    auto rows = c.Query(
        "INSERT INTO reports(created_unix, updated_unix, npi, kind, details, state, submission) "
        "VALUES($1, $1, $2, $3, $4, $5, $6) ON CONFLICT (submission) DO NOTHING RETURNING id",
        {N(now), N(r.npi), r.kind, r.details, r.state, key});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) {  // sent before: the first report stands
      rows = c.Query("SELECT id FROM reports WHERE submission = $1", {key});
      if (!rows.ok()) return rows.status();
      if (rows->empty()) return Status::Internal("report submission neither new nor stored");
    }
    id = I((*rows)[0], 0);
    return Status::OK();
  });
  if (!s.ok()) return s;
  return id;
}

Result<int64_t> Store::CountReports() {
  return SelectOne<int64_t>(db_.get(), "SELECT count(*) FROM reports", {}, CountOf,
                            Status::Internal("count returned no row"));
}

Result<std::vector<Report>> Store::ListReports(const ReportFilter& f) {
  // Empty filters match everything; values only ever travel as parameters.
  return Select<Report>(db_.get(),
                        std::string("SELECT ") + kReportColumns +
                            " FROM reports WHERE ($1 = '' OR status = $1) AND "
                            "($2 = '' OR state = $2) AND ($3 = '' OR kind = $3) "
                            "ORDER BY created_unix DESC, id DESC LIMIT $4",
                        {f.status, f.state, f.kind, N(f.limit < 1 ? 1 : f.limit)}, ReportOf);
}

Result<Report> Store::GetReport(int64_t id) {
  return SelectOne<Report>(db_.get(),
                           std::string("SELECT ") + kReportColumns + " FROM reports WHERE id = $1",
                           {N(id)}, ReportOf, Status::NotFound("no report " + N(id)));
}

Status Store::UpdateReport(int64_t id, const std::string& status, const std::string& note,
                           const std::string& actor) {
  if (!OneOf(status, {"open", "resolved", "rejected"}))
    return Status::InvalidArgument("a report is open, resolved or rejected").WithParam("status");
  return db_->Transaction([&](SqlConn& c) -> Status {
    auto before = c.Query("SELECT status, note FROM reports WHERE id = $1", {N(id)});
    if (!before.ok()) return before.status();
    if (before->empty()) return Status::NotFound("no report " + N(id));
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("UPDATE reports SET status = $1, note = $2, updated_unix = $3 WHERE id = $4",
                {status, note, N(Now()), N(id)})
            .status());
    return AuditIn(c, actor, "report.update", "report " + N(id),
                   S((*before)[0], 0) + ": " + S((*before)[0], 1), status + ": " + note);
  });
}

// ---- corrections ----

Result<int64_t> Store::AddCorrection(const Correction& x) {
  if (!OneOf(x.field, {"phone", "address", "not_practising_here", "no_dry_needling", "note"}))
    return Status::InvalidArgument("unknown correction field").WithParam("field");
  if (x.source.empty())
    return Status::InvalidArgument("say where the correction comes from").WithParam("source");
  int64_t id = 0;
  Status s = db_->Transaction([&](SqlConn& c) -> Status {
    // A new correction of a field replaces the old one (kept, retired).
    MERIDIAN_RETURN_IF_ERROR(c.Query("UPDATE corrections SET status = 'retired' WHERE npi = $1 "
                                     "AND field = $2 AND status <> 'retired'",
                                     {N(x.npi), x.field})
                                 .status());
    auto rows = c.Query(
        "INSERT INTO corrections(npi, field, value, nppes_value, source, author, created_unix) "
        "VALUES($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        {N(x.npi), x.field, x.value, x.nppes_value, x.source, x.author, N(Now())});
    if (!rows.ok()) return rows.status();
    id = I((*rows)[0], 0);
    return AuditIn(c, x.author, "correction.add", "npi " + N(x.npi) + " " + x.field, x.nppes_value,
                   x.value + " (source: " + x.source + ")");
  });
  if (!s.ok()) return s;
  return id;
}

Result<std::vector<Correction>> Store::CorrectionsFor(uint32_t npi) {
  return Select<Correction>(
      db_.get(),
      std::string("SELECT ") + kCorrectionColumns +
          " FROM corrections WHERE npi = $1 AND status <> 'retired' ORDER BY id",
      {N(npi)}, CorrectionOf);
}

Result<std::vector<Correction>> Store::ListCorrections(const std::string& status) {
  return Select<Correction>(db_.get(),
                            std::string("SELECT ") + kCorrectionColumns +
                                " FROM corrections WHERE ($1 = '' OR status = $1) ORDER BY id",
                            {status}, CorrectionOf);
}

Status Store::SetCorrectionStatus(int64_t id, const std::string& status, const std::string& reason,
                                  const std::string& actor) {
  if (!OneOf(status, {"active", "flagged", "retired"}))
    return Status::InvalidArgument("a correction is active, flagged or retired")
        .WithParam("status");
  return db_->Transaction([&](SqlConn& c) -> Status {
    auto before = c.Query("SELECT status FROM corrections WHERE id = $1", {N(id)});
    if (!before.ok()) return before.status();
    if (before->empty()) return Status::NotFound("no correction " + N(id));
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("UPDATE corrections SET status = $1, flag_reason = $2 WHERE id = $3",
                {status, reason, N(id)})
            .status());
    return AuditIn(c, actor, "correction." + status, "correction " + N(id), S((*before)[0], 0),
                   status + (reason.empty() ? "" : ": " + reason));
  });
}

// ---- users, sessions, tokens ----

Result<int64_t> Store::AddUser(const std::string& email, const std::string& role,
                               const std::string& token_hash, int64_t token_expires,
                               const std::string& actor) {
  if (!OneOf(role, {"editor", "admin"}))
    return Status::InvalidArgument("a role is editor or admin").WithParam("role");
  if (email.find('@') == std::string::npos)
    return Status::InvalidArgument("not an email address").WithParam("email");
  int64_t id = 0;
  Status s = db_->Transaction([&](SqlConn& c) -> Status {
    auto rows =
        c.Query("INSERT INTO users(email, role, created_unix) VALUES($1, $2, $3) RETURNING id",
                {email, role, N(Now())});
    if (!rows.ok()) return rows.status();
    id = I((*rows)[0], 0);
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("INSERT INTO password_tokens(token_hash, user_id, expires_unix) "
                "VALUES($1, $2, $3)",
                {token_hash, N(id), N(token_expires)})
            .status());
    return AuditIn(c, actor, "user.add", email, "", role);
  });
  if (!s.ok()) return s;
  return id;
}

Result<User> Store::FindUserByEmail(const std::string& email) {
  return SelectOne<User>(db_.get(),
                         std::string("SELECT ") + kUserColumns + " FROM users WHERE email = $1",
                         {email}, UserOf, Status::NotFound("no such user"));
}

Result<User> Store::GetUser(int64_t id) {
  return SelectOne<User>(db_.get(),
                         std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1",
                         {N(id)}, UserOf, Status::NotFound("no such user"));
}

Result<User> Store::SetPassword(const std::string& token_hash, const std::string& password_hash,
                                int64_t now) {
  User out;
  Status s = db_->Transaction([&](SqlConn& c) -> Status {
    auto rows = c.Query(
        "SELECT user_id FROM password_tokens WHERE token_hash = $1 AND used = 0 AND "
        "expires_unix > $2",
        {token_hash, N(now)});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("this link is not valid any more");
    const int64_t user = I((*rows)[0], 0);
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("UPDATE password_tokens SET used = 1 WHERE token_hash = $1", {token_hash})
            .status());
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("UPDATE users SET password_hash = $1 WHERE id = $2", {password_hash, N(user)})
            .status());
    // A new password ends every session the old one opened.
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("DELETE FROM sessions WHERE user_id = $1", {N(user)}).status());
    auto u =
        c.Query(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1", {N(user)});
    if (!u.ok()) return u.status();
    out = UserOf((*u)[0]);
    return AuditIn(c, out.email, "user.set_password", out.email, "", "");
  });
  if (!s.ok()) return s;
  return out;
}

Status Store::CreateSession(const Session& x) {
  return db_->Transaction([&](SqlConn& c) -> Status {
    // Expired sessions go as new ones come.
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("DELETE FROM sessions WHERE expires_unix <= $1", {N(x.created)}).status());
    return c
        .Query(
            "INSERT INTO sessions(token_hash, user_id, csrf, created_unix, expires_unix) "
            "VALUES($1, $2, $3, $4, $5)",
            {x.token_hash, N(x.user_id), x.csrf, N(x.created), N(x.expires)})
        .status();
  });
}

Result<Session> Store::FindSession(const std::string& token_hash, int64_t now) {
  return SelectOne<Session>(db_.get(),
                            "SELECT token_hash, user_id, csrf, created_unix, expires_unix FROM "
                            "sessions WHERE token_hash = $1 AND expires_unix > $2",
                            {token_hash, N(now)}, SessionOf,
                            Status::Unauthenticated("not signed in"));
}

Status Store::DeleteSession(const std::string& token_hash) {
  return db_->Transaction([&](SqlConn& c) {
    return c.Query("DELETE FROM sessions WHERE token_hash = $1", {token_hash}).status();
  });
}

Status Store::RecordLoginFailure(const std::string& key, int64_t now) {
  return db_->Transaction([&](SqlConn& c) -> Status {
    // Failed sign-ins are kept a day at most (they only serve throttling).
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("DELETE FROM login_failures WHERE at_unix < $1", {N(now - 86400)}).status());
    return c
        .Query("INSERT INTO login_failures(throttle_key, at_unix) VALUES($1, $2)", {key, N(now)})
        .status();
  });
}

Result<int64_t> Store::LoginFailuresSince(const std::string& key, int64_t since) {
  return SelectOne<int64_t>(
      db_.get(), "SELECT count(*) FROM login_failures WHERE throttle_key = $1 AND at_unix >= $2",
      {key, N(since)}, CountOf, Status::Internal("count returned no row"));
}

Status Store::ClearLoginFailures(const std::string& key) {
  return db_->Transaction([&](SqlConn& c) {
    return c.Query("DELETE FROM login_failures WHERE throttle_key = $1", {key}).status();
  });
}

Status Store::AddApiToken(int64_t user_id, const std::string& token_hash, const std::string& label,
                          const std::string& actor) {
  return db_->Transaction([&](SqlConn& c) -> Status {
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("INSERT INTO api_tokens(token_hash, user_id, label, created_unix) "
                "VALUES($1, $2, $3, $4)",
                {token_hash, N(user_id), label, N(Now())})
            .status());
    return AuditIn(c, actor, "token.add", "user " + N(user_id), "", label);
  });
}

Result<User> Store::FindApiToken(const std::string& token_hash) {
  return SelectOne<User>(db_.get(),
                         "SELECT u.id, u.email, u.role, u.password_hash, u.created_unix FROM "
                         "api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
                         {token_hash}, UserOf, Status::Unauthenticated("unknown token"));
}

// ---- audit ----

Status Store::Audit(const std::string& actor, const std::string& action, const std::string& target,
                    const std::string& before, const std::string& after) {
  return db_->Transaction(
      [&](SqlConn& c) { return AuditIn(c, actor, action, target, before, after); });
}

// The next activation's place in the manifest's history.
#define kNextSeq "(SELECT coalesce(max(activated_seq), 0) + 1 FROM snapshot_manifest)"

Status Store::RecordSnapshot(const SnapshotManifest& m, const std::string& actor) {
  return db_->Transaction([&](SqlConn& c) -> Status {
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("UPDATE snapshot_manifest SET active = 0 WHERE active = 1").status());
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("INSERT INTO snapshot_manifest(snapshot_id, path, sha256, bytes, created_unix, "
                "active, activated_seq) VALUES($1, $2, $3, $4, $5, 1, " kNextSeq ")",
                {m.snapshot_id, m.path, m.sha256, N(m.bytes), N(m.created_unix)})
            .status());
    return AuditIn(c, actor, "snapshot.activate", m.snapshot_id, "", m.path + " " + m.sha256);
  });
}

namespace {

constexpr const char* kManifestColumns =
    "id, snapshot_id, path, sha256, bytes, created_unix, active FROM snapshot_manifest ";

SnapshotManifest ManifestOf(const SqlRow& r) {
  SnapshotManifest m;
  m.id = I(r, 0), m.snapshot_id = S(r, 1), m.path = S(r, 2), m.sha256 = S(r, 3);
  m.bytes = I(r, 4), m.created_unix = I(r, 5), m.active = I(r, 6) != 0;
  return m;
}

// Wakes servers that LISTEN meridian_manifest (PostgreSQL only; delivered
// at commit).
Status NotifyManifest(SqlConn& c, Dialect d) {
  if (d != Dialect::kPostgres) return Status::OK();
  return c.Query("NOTIFY meridian_manifest").status();
}

}  // namespace

Result<std::vector<SnapshotManifest>> Store::ListSnapshots(int limit) {
  return Select<SnapshotManifest>(
      db_.get(), std::string("SELECT ") + kManifestColumns + "ORDER BY id DESC LIMIT $1",
      {N(limit < 1 ? 1 : limit)}, ManifestOf);
}

Status Store::ActivateSnapshot(const SnapshotManifest& m, const std::string& actor) {
  return db_->Transaction([&](SqlConn& c) -> Status {
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("UPDATE snapshot_manifest SET active = 0 WHERE active = 1").status());
    auto updated = c.Query(
        "UPDATE snapshot_manifest SET active = 1, state = 'published', activated_seq = " kNextSeq
        " WHERE snapshot_id = $1 AND sha256 = $2 RETURNING id",
        {m.snapshot_id, m.sha256});
    if (!updated.ok()) return updated.status();
    if (updated->empty())
      MERIDIAN_RETURN_IF_ERROR(
          c.Query("INSERT INTO snapshot_manifest(snapshot_id, path, sha256, bytes, created_unix, "
                  "active, activated_seq) VALUES($1, $2, $3, $4, $5, 1, " kNextSeq ")",
                  {m.snapshot_id, m.path, m.sha256, N(m.bytes), N(m.created_unix)})
              .status());
    MERIDIAN_RETURN_IF_ERROR(NotifyManifest(c, db_->dialect()));
    return AuditIn(c, actor, "snapshot.publish", m.snapshot_id, "", m.path + " " + m.sha256);
  });
}

Status Store::StageSnapshot(const SnapshotManifest& m, const std::string& actor) {
  return db_->Transaction([&](SqlConn& c) -> Status {
    auto updated = c.Query(
        "UPDATE snapshot_manifest SET state = 'staged' WHERE snapshot_id = $1 AND sha256 = $2 "
        "AND active = 0 RETURNING id",
        {m.snapshot_id, m.sha256});
    if (!updated.ok()) return updated.status();
    auto known =
        c.Query("SELECT id FROM snapshot_manifest WHERE snapshot_id = $1", {m.snapshot_id});
    if (!known.ok()) return known.status();
    if (known->empty())
      MERIDIAN_RETURN_IF_ERROR(
          c.Query("INSERT INTO snapshot_manifest(snapshot_id, path, sha256, bytes, created_unix, "
                  "active, state) VALUES($1, $2, $3, $4, $5, 0, 'staged')",
                  {m.snapshot_id, m.path, m.sha256, N(m.bytes), N(m.created_unix)})
              .status());
    MERIDIAN_RETURN_IF_ERROR(NotifyManifest(c, db_->dialect()));
    return AuditIn(c, actor, "snapshot.stage", m.snapshot_id, "", m.path + " " + m.sha256);
  });
}

Result<SnapshotManifest> Store::StagedSnapshot() {
  return SelectOne<SnapshotManifest>(
      db_.get(),
      std::string("SELECT ") + kManifestColumns +
          "WHERE state = 'staged' AND active = 0 ORDER BY id DESC LIMIT 1",
      {}, ManifestOf, Status::NotFound("no snapshot is staged"));
}

Result<SnapshotManifest> Store::ActivateSnapshotNamed(const std::string& name,
                                                      const std::string& actor) {
  auto row = SelectOne<SnapshotManifest>(
      db_.get(), std::string("SELECT ") + kManifestColumns + "WHERE snapshot_id = $1", {name},
      ManifestOf, Status::NotFound(name + " is not in the manifest; publish it first"));
  if (!row.ok()) return row.status();
  MERIDIAN_RETURN_IF_ERROR(ActivateSnapshot(*row, actor));
  row->active = true;
  return row;
}

Result<std::unique_ptr<FleetLock>> Store::TryFleetLock(const std::string& name) {
  return db_->TryLock(name);
}

std::unique_ptr<Listener> Store::ListenManifest() { return db_->Listen("meridian_manifest"); }

Result<SnapshotManifest> Store::ActiveSnapshot() {
  return SelectOne<SnapshotManifest>(
      db_.get(), std::string("SELECT ") + kManifestColumns + "WHERE active = 1 ORDER BY id DESC",
      {}, ManifestOf, Status::NotFound("no snapshot is active; publish one"));
}

Result<SnapshotManifest> Store::RollbackSnapshot(const std::string& actor) {
  SnapshotManifest back;
  Status s = db_->Transaction([&](SqlConn& c) -> Status {
    auto active = c.Query(std::string("SELECT ") + kManifestColumns + "WHERE active = 1");
    if (!active.ok()) return active.status();
    if (active->empty()) return Status::FailedPrecondition("no snapshot is active");
    const SnapshotManifest current = ManifestOf(active->front());
    // The one activated before it that was not itself rolled back from
    // (rows from before migration 3 have no activation order: by id).
    auto before = c.Query(std::string("SELECT ") + kManifestColumns +
                              "WHERE id <> $1 AND state <> 'rolled_back' AND "
                              "(activated_seq > 0 OR id < $1) "
                              "ORDER BY activated_seq DESC, id DESC LIMIT 1",
                          {N(current.id)});
    if (!before.ok()) return before.status();
    if (before->empty())
      return Status::FailedPrecondition("no snapshot was published before " + current.snapshot_id);
    back = ManifestOf(before->front());
    MERIDIAN_RETURN_IF_ERROR(c.Query("UPDATE snapshot_manifest SET active = 0, state = "
                                     "'rolled_back' WHERE id = $1",
                                     {N(current.id)})
                                 .status());
    MERIDIAN_RETURN_IF_ERROR(
        c.Query("UPDATE snapshot_manifest SET active = 1, activated_seq = " kNextSeq
                " WHERE id = $1",
                {N(back.id)})
            .status());
    back.active = true;
    MERIDIAN_RETURN_IF_ERROR(NotifyManifest(c, db_->dialect()));
    return AuditIn(c, actor, "snapshot.rollback", back.snapshot_id, current.snapshot_id,
                   back.snapshot_id);
  });
  if (!s.ok()) return s;
  return back;
}

#undef kNextSeq

Result<std::vector<AuditEntry>> Store::ListAudit(int limit) {
  return Select<AuditEntry>(db_.get(),
                            "SELECT id, at_unix, actor, action, target, before_value, after_value "
                            "FROM audit_log ORDER BY id DESC LIMIT $1",
                            {N(limit < 1 ? 1 : limit)}, AuditOf);
}

}  // namespace meridian::store
