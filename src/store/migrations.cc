#include "store/migrations.h"

namespace meridian::store {

namespace {

// Migration 1: every table people or operators write. "{ID}" is the
// backend's auto-numbered key.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE reports({ID}, created_unix BIGINT NOT NULL, updated_unix BIGINT NOT NULL,
  npi TEXT NOT NULL, kind TEXT NOT NULL, details TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'open',
  note TEXT NOT NULL DEFAULT '');
CREATE INDEX reports_by_status ON reports(status, created_unix);
CREATE TABLE corrections({ID}, npi TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,
  nppes_value TEXT NOT NULL, source TEXT NOT NULL, author TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active', flag_reason TEXT NOT NULL DEFAULT '',
  created_unix BIGINT NOT NULL);
CREATE INDEX corrections_by_npi ON corrections(npi);
CREATE TABLE users({ID}, email TEXT NOT NULL UNIQUE, role TEXT NOT NULL,
  password_hash TEXT NOT NULL DEFAULT '', created_unix BIGINT NOT NULL);
CREATE TABLE password_tokens(token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id), expires_unix BIGINT NOT NULL,
  used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE sessions(token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL, created_unix BIGINT NOT NULL, expires_unix BIGINT NOT NULL);
CREATE TABLE login_failures({ID}, throttle_key TEXT NOT NULL, at_unix BIGINT NOT NULL);
CREATE INDEX login_failures_by_key ON login_failures(throttle_key, at_unix);
CREATE TABLE api_tokens(token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users(id),
  label TEXT NOT NULL, created_unix BIGINT NOT NULL);
CREATE TABLE audit_log({ID}, at_unix BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  target TEXT NOT NULL, before_value TEXT NOT NULL, after_value TEXT NOT NULL);
CREATE TABLE subscribers({ID}, email TEXT NOT NULL UNIQUE, zip TEXT NOT NULL DEFAULT '',
  created_unix BIGINT NOT NULL, confirmed_unix BIGINT, unsubscribed_unix BIGINT);
CREATE TABLE consents({ID}, subscriber_id BIGINT NOT NULL REFERENCES subscribers(id),
  kind TEXT NOT NULL, text TEXT NOT NULL, at_unix BIGINT NOT NULL);
CREATE TABLE digest_sends({ID}, subscriber_id BIGINT NOT NULL REFERENCES subscribers(id),
  week TEXT NOT NULL, status TEXT NOT NULL, at_unix BIGINT NOT NULL,
  UNIQUE(subscriber_id, week));
CREATE TABLE snapshot_manifest({ID}, snapshot_id TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
  sha256 TEXT NOT NULL, bytes BIGINT NOT NULL, created_unix BIGINT NOT NULL,
  active INTEGER NOT NULL DEFAULT 0);
)sql";

// Migration 2: the weekly digest. Migration 1's subscribers, consents and
// digest_sends tables were placeholders nothing ever wrote; they are
// replaced. Addresses are found by a keyed hash (email_hash) so that the
// send log and the suppression list keep no address in clear; the
// subscriber row (the only clear copy) goes when the person deletes it.
constexpr const char* kMigration2 = R"sql(
DROP TABLE digest_sends;
DROP TABLE consents;
DROP TABLE subscribers;
CREATE TABLE settings(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE subscribers({ID}, email TEXT NOT NULL, email_hash TEXT NOT NULL UNIQUE,
  place TEXT NOT NULL DEFAULT '', radius_miles INTEGER NOT NULL DEFAULT 10,
  care TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,
  created_unix BIGINT NOT NULL, confirmed_unix BIGINT NOT NULL DEFAULT 0,
  updated_unix BIGINT NOT NULL, window_unix BIGINT NOT NULL DEFAULT 0,
  window_requests INTEGER NOT NULL DEFAULT 0);
CREATE INDEX subscribers_by_status ON subscribers(status, id);
CREATE TABLE consents({ID}, subscriber_id BIGINT NOT NULL REFERENCES subscribers(id),
  at_unix BIGINT NOT NULL, action TEXT NOT NULL, wording_version TEXT NOT NULL,
  wording_sha256 TEXT NOT NULL, choices TEXT NOT NULL, client_hash TEXT NOT NULL);
CREATE INDEX consents_by_subscriber ON consents(subscriber_id);
CREATE TABLE digest_issues(week TEXT PRIMARY KEY, created_unix BIGINT NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '', lease_until BIGINT NOT NULL DEFAULT 0,
  finished_unix BIGINT NOT NULL DEFAULT 0);
CREATE TABLE digest_sends({ID}, week TEXT NOT NULL, email_hash TEXT NOT NULL,
  status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  message_id TEXT NOT NULL DEFAULT '', reply TEXT NOT NULL DEFAULT '',
  claimed_unix BIGINT NOT NULL, done_unix BIGINT NOT NULL DEFAULT 0,
  UNIQUE(week, email_hash));
CREATE TABLE suppressions(email_hash TEXT PRIMARY KEY, failures INTEGER NOT NULL,
  suppressed INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL, at_unix BIGINT NOT NULL);
)sql";

// Migration 3: a report form's one-time key, so a form sent twice (a person
// pressing again after a timeout, a client retrying after a failover) makes
// one report. NULL for reports without one (UNIQUE allows many NULLs).
// And the manifest's history: the order snapshots were activated in, and
// which were rolled back from (a rollback never returns to one of those).
constexpr const char* kMigration3 = R"sql(
ALTER TABLE reports ADD COLUMN submission TEXT;
CREATE UNIQUE INDEX reports_by_submission ON reports(submission);
ALTER TABLE snapshot_manifest ADD COLUMN state TEXT NOT NULL DEFAULT 'published';
ALTER TABLE snapshot_manifest ADD COLUMN activated_seq BIGINT NOT NULL DEFAULT 0;
)sql";

std::string Render(std::string sql, Dialect d) {
  const std::string id = d == Dialect::kSqlite
                             ? "id INTEGER PRIMARY KEY"
                             : "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
  for (size_t at; (at = sql.find("{ID}")) != std::string::npos;) sql.replace(at, 4, id);
  return sql;
}

}  // namespace

std::vector<std::string> Migrations(Dialect dialect) {
  return {Render(kMigration1, dialect), Render(kMigration2, dialect), Render(kMigration3, dialect)};
}

}  // namespace meridian::store
