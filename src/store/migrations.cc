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

std::string Render(std::string sql, Dialect d) {
  const std::string id = d == Dialect::kSqlite
                             ? "id INTEGER PRIMARY KEY"
                             : "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
  for (size_t at; (at = sql.find("{ID}")) != std::string::npos;) sql.replace(at, 4, id);
  return sql;
}

}  // namespace

std::vector<std::string> Migrations(Dialect dialect) { return {Render(kMigration1, dialect)}; }

}  // namespace meridian::store
