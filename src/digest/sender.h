// The weekly run: every active subscriber gets the week's digest at most
// once.
//
// How the send-once guarantee works: a run first takes the week's lease in
// the store (one server of a fleet sends; a lease not renewed for
// `lease_seconds` can be taken over). For each subscriber it then claims
// the (week, address hash) row before sending; the row is unique, so a
// second claim finds it. After the SMTP server accepts the message the row
// is marked sent. A run started again after a crash skips rows marked sent,
// failed or suppressed and sends the rest, including the one message that
// was in flight when the process died (claimed, not marked): if the server
// had accepted that one, the copy carries the same Message-ID, so it is
// recognisably the same message. Nothing marked sent is ever sent again.
//
// Temporary failures (4xx, a dropped connection) are retried with
// exponential back-off; a message still failing stays claimed for the next
// run. Permanent failures (5xx) mark the send failed and count against the
// address; after `suppress_after` of them it gets no more digests.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "digest/compose.h"
#include "digest/keys.h"
#include "digest/mailer.h"
#include "store/store.h"

namespace meridian::digest {

struct SendOptions {
  std::string owner;                       // who holds the lease, e.g. "host:pid"
  int64_t lease_seconds = 600;             // renewed every batch
  double rate_per_second = 50;             // messages per second at most (0 = no limit)
  int max_attempts = 4;                    // per message per run, for temporary failures
  std::chrono::milliseconds backoff{500};  // doubled after each temporary failure
  int suppress_after = 2;                  // permanent failures before an address is suppressed
  int batch = 500;                         // subscribers read per store query
  std::function<int64_t()> now;            // Unix seconds; default: the clock
  // Whether the process named by a lease owner is known to be gone (a run
  // on this host that was killed); its lease is then taken over at once.
  std::function<bool(const std::string& owner)> owner_is_dead;
};

struct SendReport {
  bool lease_held = false;  // false: another server is sending this week
  int64_t purged_pending = 0;
  size_t subscribers = 0;   // active subscribers seen
  size_t sent = 0;          // sent by this run
  size_t already_done = 0;  // sent (or failed) by an earlier run
  size_t failed = 0;        // permanent failures
  size_t suppressed = 0;    // skipped: the address is suppressed
  size_t deferred = 0;      // still failing temporarily: left for the next run
  size_t retries = 0;       // temporary failures retried
  double seconds = 0, compose_seconds = 0, near_seconds = 0, send_seconds = 0;
};

// A new lease owner for this process ("host:pid:n", n counting the owners
// made here, so two senders in one process are told apart), and whether an
// owner named that way is a process of this host that no longer runs.
std::string LocalOwner();
bool LocalOwnerIsDead(const std::string& owner);

Result<SendReport> SendDigest(store::Store* store, Mailer* mailer, const DigestSite& site,
                              const DigestKeys& keys, const WeekIssue& issue,
                              const SendOptions& options);

}  // namespace meridian::digest
