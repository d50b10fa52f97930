// Store: the system of record for everything people and operators write
// (reports, corrections, operator users and sessions, API tokens, the audit
// log, digest subscribers, consent records, digest sends, the snapshot
// manifest), on SQLite (one file, the default) or PostgreSQL (many
// servers). Nothing outside src/store/ writes SQL.
//
// Contract: every write returns only after it is committed durably (SQLite
// WAL with synchronous=FULL; PostgreSQL's commit). A database that is down,
// read-only or busy gives Unavailable (HTTP 503: try again); a second copy
// of something unique gives AlreadyExists. Times are Unix seconds (UTC).
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace meridian::store {

class SqlDb;

// Notifications on one channel (PostgreSQL LISTEN), on a connection of its
// own. Wait() returns true when one arrived, false after `timeout` or when
// the connection failed (the next Wait() reconnects and listens again; a
// notification sent while disconnected is lost, so callers also poll).
// A held fleet lock (Store::TryFleetLock); released when destroyed.
class FleetLock {
 public:
  virtual ~FleetLock() = default;
};

class Listener {
 public:
  virtual ~Listener() = default;
  virtual bool Wait(std::chrono::milliseconds timeout) = 0;
};

struct Report {
  int64_t id = 0;
  uint32_t npi = 0;
  std::string kind, details;
  std::string state;   // the listing's practice state when it was reported
  std::string status;  // open | resolved | rejected
  std::string note;    // the operators' note
  int64_t created = 0, updated = 0;
  // The form's one-time key (empty: none). AddReport with a key already
  // stored makes no new report and answers the first one's id.
  std::string submission = {};
};

struct ReportFilter {
  std::string status, state, kind;  // empty = any
  int limit = 100;
};

// An editor's correction of one field of one listing: an overlay applied
// when the record is shown, never a change to the snapshot.
struct Correction {
  int64_t id = 0;
  uint32_t npi = 0;
  // phone | address | not_practising_here | no_dry_needling | note
  std::string field;
  std::string value;        // the corrected value (address: line1|city|state|zip)
  std::string nppes_value;  // what NPPES said when the correction was made
  std::string source;       // e.g. "called the office on 2026-12-01"
  std::string author;       // the operator's email
  std::string status;       // active | flagged (NPPES changed the field) | retired
  std::string flag_reason;
  int64_t created = 0;
};

struct User {
  int64_t id = 0;
  std::string email, role;    // role: editor | admin
  std::string password_hash;  // Argon2id string (libsodium); empty until set
  int64_t created = 0;
};

struct Session {
  std::string token_hash;  // the cookie's hash; the cookie itself is never stored
  int64_t user_id = 0;
  std::string csrf;
  int64_t created = 0, expires = 0;
};

struct SnapshotManifest {
  int64_t id = 0;
  std::string snapshot_id;  // what it was built from, e.g. the weekly ZIP's name
  std::string path, sha256;
  int64_t bytes = 0, created_unix = 0;
  bool active = false;
};

// A digest subscriber. `email_hash` is the keyed hash the caller computed
// (digest/ keeps the key); `care` is a comma list of modality ids.
struct Subscriber {
  int64_t id = 0;
  std::string email, email_hash, place;
  int radius_miles = 10;
  std::string care;
  std::string status;  // pending | active | paused
  int64_t created = 0, confirmed = 0, updated = 0;
};

// What a subscriber agreed to, and when: the exact wording (its version and
// SHA-256) and the choices made. `client_hash` is a keyed hash of the
// client's address, never the address.
struct Consent {
  int64_t id = 0, subscriber_id = 0, at = 0;
  std::string action;  // subscribe | confirm | change | pause | resume
  std::string wording_version, wording_sha256, choices, client_hash;
};

// What a sign-up request did (the caller answers the same either way).
enum class SignupOutcome {
  kNew,            // a pending subscriber was created: send a confirmation
  kPendingAgain,   // still pending: its choices were replaced; send a confirmation again
  kAlreadyActive,  // active or paused: nothing changed; tell the address so
  kThrottled,      // too many requests for this address lately: send nothing
};

// One digest send: a (week, address) pair, claimed before the message goes.
struct DigestSend {
  std::string week, email_hash;
  std::string status;  // claimed | sent | failed | suppressed
  int attempts = 0;
  std::string message_id, reply;
  int64_t claimed = 0, done = 0;
};

struct DigestIssueSummary {
  std::string week;
  int64_t created = 0, finished = 0;
  int64_t claimed = 0, sent = 0, failed = 0, suppressed = 0;
};

struct AuditEntry {
  int64_t id = 0, at = 0;
  std::string actor, action, target, before, after;
};

class Store {
 public:
  // The schema version this binary writes (migrations 1..kSchemaVersion).
  static constexpr int kSchemaVersion = 3;

  // "sqlite:PATH" or a PostgreSQL URI / connection string
  // ("postgresql://...", "postgres://...", "host=... dbname=..."). Opening
  // does not migrate; see Migrate() and CheckMigrated().
  static Result<std::unique_ptr<Store>> Open(const std::string& url);
  ~Store();

  // Applies the migrations this database lacks, each in its own
  // transaction; idempotent. Refuses a database newer than this binary.
  // A pre-store "report a problem" SQLite file (the old --reports file) is
  // migrated in: its reports are kept.
  Status Migrate();
  // The database's schema version (0 when never migrated).
  Result<int> SchemaVersion();
  // OK when the schema is exactly this binary's; otherwise
  // FailedPrecondition naming the command that fixes it.
  Status CheckMigrated();
  // "sqlite" or "postgresql".
  const char* backend() const;

  // Reports ("report a problem with this listing").
  Result<int64_t> AddReport(const Report& r);
  Result<int64_t> CountReports();
  Result<std::vector<Report>> ListReports(const ReportFilter& f);
  Result<Report> GetReport(int64_t id);
  // Sets status (open | resolved | rejected) and note; audited.
  Status UpdateReport(int64_t id, const std::string& status, const std::string& note,
                      const std::string& actor);

  // Corrections.
  Result<int64_t> AddCorrection(const Correction& c);            // audited (author is the actor)
  Result<std::vector<Correction>> CorrectionsFor(uint32_t npi);  // active and flagged
  Result<std::vector<Correction>> ListCorrections(const std::string& status);  // "" = all
  Status SetCorrectionStatus(int64_t id, const std::string& status, const std::string& reason,
                             const std::string& actor);

  // Operator users, passwords and sessions.
  // Adds a user with no password and a one-time set-password token (its
  // hash is stored; the token itself is returned once). Audited.
  Result<int64_t> AddUser(const std::string& email, const std::string& role,
                          const std::string& token_hash, int64_t token_expires,
                          const std::string& actor);
  Result<User> FindUserByEmail(const std::string& email);
  Result<User> GetUser(int64_t id);
  // Uses a set-password token once: sets the hash, burns the token.
  Result<User> SetPassword(const std::string& token_hash, const std::string& password_hash,
                           int64_t now);
  // Also drops sessions that expired by `s.created`.
  Status CreateSession(const Session& s);
  Result<Session> FindSession(const std::string& token_hash, int64_t now);
  Status DeleteSession(const std::string& token_hash);
  // Login throttling: failures per key ("account:..." / "client:..."),
  // kept a day (older ones are dropped as new ones come).
  Status RecordLoginFailure(const std::string& key, int64_t now);
  Result<int64_t> LoginFailuresSince(const std::string& key, int64_t since);
  Status ClearLoginFailures(const std::string& key);
  // Bearer tokens for the admin API (only hashes are stored).
  Status AddApiToken(int64_t user_id, const std::string& token_hash, const std::string& label,
                     const std::string& actor);
  Result<User> FindApiToken(const std::string& token_hash);

  // The snapshot manifest: each snapshot `meridian refresh` put in place.
  // Recording one makes it the active one (the others stop being active) and
  // audits it. AlreadyExists when snapshot_id was recorded before.
  Status RecordSnapshot(const SnapshotManifest& m, const std::string& actor);
  Result<std::vector<SnapshotManifest>> ListSnapshots(int limit);
  // `meridian publish`: makes `m` the active snapshot, inserting it unless
  // its snapshot_id is recorded already (publishing the same file again
  // activates it again), and audits it. On PostgreSQL it also sends NOTIFY
  // meridian_manifest (a wake-up hint for following servers).
  Status ActivateSnapshot(const SnapshotManifest& m, const std::string& actor);
  // A lock named `name` that one process of the fleet holds at a time, for
  // jobs that should run once (the weekly refresh and publish): nullptr
  // when another holds it. PostgreSQL: a session advisory lock on a
  // connection of its own (released if that process dies); SQLite: an
  // flock on "<file>.lock" (one host). A lock is not a fence: what the job
  // writes must still be safe to write twice (unique keys).
  Result<std::unique_ptr<FleetLock>> TryFleetLock(const std::string& name);
  // Wakes a follower when the manifest changes (NOTIFY meridian_manifest);
  // nullptr on SQLite. A hint only: notifications are lost while
  // disconnected, so followers poll too.
  std::unique_ptr<Listener> ListenManifest();
  // The active snapshot; NotFound when none is.
  Result<SnapshotManifest> ActiveSnapshot();
  // `meridian publish --rollback`: the snapshot that was active before the
  // active one (never one rolled back from) becomes active again.
  // FailedPrecondition when there is none.
  Result<SnapshotManifest> RollbackSnapshot(const std::string& actor);
  // Two-phase activation. `publish --stage` records `m` as staged: followers
  // fetch and check it but keep serving the active one; the active row, if
  // it is `m`, stays active. NOTIFY as for ActivateSnapshot.
  Status StageSnapshot(const SnapshotManifest& m, const std::string& actor);
  // The newest staged snapshot that is not active; NotFound when none.
  Result<SnapshotManifest> StagedSnapshot();
  // `publish --activate NAME`: the recorded snapshot NAME becomes active
  // (followers that staged it swap at once). NotFound when not recorded.
  Result<SnapshotManifest> ActivateSnapshotNamed(const std::string& name, const std::string& actor);

  // Settings shared by every server on this store. Returns the value of
  // `name`, storing `initial` first when there is none (the first writer
  // wins; every caller sees the same value).
  Result<std::string> SettingOrInit(const std::string& name, const std::string& initial);

  // ---- the weekly digest (store/digest_store.cc) ----
  // A sign-up: creates a pending subscriber, or replaces a pending one's
  // choices, or leaves an active/paused one alone. At most
  // `max_requests` per address in `window_seconds` (then kThrottled, and
  // nothing is written). The consent record is kept for kNew and
  // kPendingAgain. *sub is the subscriber as stored afterwards.
  Result<SignupOutcome> Signup(const Subscriber& wanted, const Consent& consent, int64_t now,
                               int max_requests, int64_t window_seconds, Subscriber* sub);
  Result<Subscriber> GetSubscriber(int64_t id);
  Result<Subscriber> FindSubscriber(const std::string& email_hash);
  // pending -> active, with the consent record. A subscriber already active
  // stays as it is (OK).
  Status ConfirmSubscriber(int64_t id, const Consent& consent, int64_t now);
  // Replaces place, radius, care and status (active | paused) and keeps
  // the consent record.
  Status UpdateSubscriber(const Subscriber& s, const Consent& consent, int64_t now);
  // The subscriber and its consent records are deleted; the send log keeps
  // only the hashed address.
  Status DeleteSubscriber(int64_t id);
  Result<std::vector<Consent>> ConsentsFor(int64_t subscriber_id);
  // Deletes pending subscribers created before `created_before`; how many.
  Result<int64_t> PurgePending(int64_t created_before);
  // Active subscribers with id > after_id, in id order, at most `limit`.
  Result<std::vector<Subscriber>> ActiveSubscribers(int64_t after_id, int limit);
  Result<int64_t> CountSubscribers(const std::string& status);

  // A digest run for `week` holds a lease, so one server in a fleet sends:
  // true when `owner` holds it (new, expired, or already its own) until
  // now + seconds.
  // `dead_owner`, when not empty, is an owner known to have died (a killed
  // process on this host): its lease is taken over at once.
  Result<bool> LeaseDigest(const std::string& week, const std::string& owner, int64_t now,
                           int64_t seconds, const std::string& dead_owner = "");
  // Who holds the week's lease ("" when nobody has).
  Result<std::string> DigestLeaseOwner(const std::string& week);
  Status FinishDigest(const std::string& week, int64_t now);
  // Whether the week's run finished (every send done).
  Result<bool> DigestFinished(const std::string& week);
  Result<std::vector<DigestIssueSummary>> ListDigests(int limit);
  // Claims (week, email_hash) for sending. Returns the row as stored: status
  // "claimed" means this run sends it (a new claim, or one a killed run left
  // in flight); "sent", "failed" or "suppressed" mean it is done.
  Result<DigestSend> ClaimSend(const std::string& week, const std::string& email_hash,
                               const std::string& message_id, int64_t now);
  // Records how a claimed send ended: status sent | failed | suppressed, or
  // "claimed" again after a temporary failure (attempts + 1).
  Status FinishSend(const std::string& week, const std::string& email_hash,
                    const std::string& status, const std::string& reply, int64_t now);
  // Permanent delivery failures: after `threshold` of them the address is
  // suppressed (no more digests; a new sign-up is answered as usual and
  // sends nothing).
  Status RecordPermanentFailure(const std::string& email_hash, const std::string& reason,
                                int threshold, int64_t now);
  Result<bool> IsSuppressed(const std::string& email_hash);
  // The send log of one address, newest week first (a subscriber's export).
  Result<std::vector<DigestSend>> SendsFor(const std::string& email_hash);

  // The audit log.
  Status Audit(const std::string& actor, const std::string& action, const std::string& target,
               const std::string& before, const std::string& after);
  Result<std::vector<AuditEntry>> ListAudit(int limit);

 private:
  explicit Store(std::unique_ptr<SqlDb> db);
  std::unique_ptr<SqlDb> db_;
};

}  // namespace meridian::store
