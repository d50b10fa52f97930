// What a person can do with the digest, for the web pages: sign up (double
// opt-in), confirm, change place, radius and kinds of care, pause, export
// what is held, delete. The pages stay thin; the rules are here.
//
// No enumeration: Signup() does the same work and gives the same answer
// whether or not the address is known (a new or pending address is sent a
// confirmation, an active one a note with its settings link, a throttled
// one nothing); only a malformed address or place is refused, and that
// depends on the text alone.
//
// Mail from a request goes through the Outbox: a background thread sends
// it, so no page waits on a mail server and the answer takes the same time.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "digest/compose.h"
#include "digest/keys.h"
#include "digest/mailer.h"
#include "store/store.h"

namespace meridian::digest {

// A queue of messages and one thread that sends them, retrying temporary
// failures a few times. Messages still queued when it is destroyed are
// sent first (up to a few seconds).
class Outbox {
 public:
  explicit Outbox(std::unique_ptr<Mailer> mailer, size_t max_queued = 10000);
  ~Outbox();
  // False when the queue is full (the message is dropped).
  bool Post(const std::string& from, const std::string& to, std::string message);
  // Blocks until the queue is empty (tests).
  void Drain();
  const Mailer& mailer() const { return *mailer_; }
  Mailer* mutable_mailer() { return mailer_.get(); }
  uint64_t sent() const;
  uint64_t failed() const;

 private:
  struct Item {
    std::string from, to, message;
  };
  void Run();
  std::unique_ptr<Mailer> mailer_;
  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_, idle_;
  std::deque<Item> queue_;
  bool stop_ = false, busy_ = false;
  uint64_t sent_ = 0, failed_ = 0;
  std::thread thread_;
};

struct SignupForm {
  std::string email, place, radius, care;  // care: comma list of modality ids
  std::string honeypot;                    // a field people never see; bots fill it
  std::string client;                      // the client's network address (hashed, never kept)
};

// What the manage page shows.
struct ManageView {
  store::Subscriber subscriber;
  std::string token;  // the manage token, for the forms
};

class Subscriptions {
 public:
  // REQUIRES: `store` (migrated) and `outbox` outlive this.
  Subscriptions(store::Store* store, DigestKeys keys, DigestSite site, Outbox* outbox);

  // InvalidArgument (param email, place, radius or care) for input that is
  // wrong whoever sends it; Unavailable when the store is down; otherwise
  // OK, whatever the address's state. `snap` resolves the place.
  Status Signup(const SignupForm& form, const Snapshot& snap, const ModalityMap& modalities,
                int64_t now);
  // The subscriber a confirm token names, still pending or already active.
  Result<store::Subscriber> CheckConfirm(const std::string& token, int64_t now);
  // Confirms (POST only): pending -> active; already active is fine.
  Result<ManageView> Confirm(const std::string& token, const std::string& client, int64_t now);
  // The subscriber a manage token names (also the unsubscribe token).
  Result<ManageView> Manage(const std::string& token, int64_t now);
  Status Change(const std::string& token, const SignupForm& form, const Snapshot& snap,
                const ModalityMap& modalities, int64_t now);
  Status SetPaused(const std::string& token, bool paused, const std::string& client, int64_t now);
  Status Delete(const std::string& token, int64_t now);
  // Everything held about the subscriber, as JSON.
  Result<std::string> Export(const std::string& token, int64_t now);

  const DigestSite& site() const { return site_; }
  const DigestKeys& keys() const { return keys_; }

 private:
  Result<store::Subscriber> FromToken(const std::string& token, const std::string& purpose,
                                      int64_t now);
  Status CheckChoices(const SignupForm& form, const Snapshot& snap, const ModalityMap& modalities,
                      store::Subscriber* s);
  store::Consent ConsentFor(const std::string& action, const store::Subscriber& s,
                            const std::string& client) const;

  store::Store* store_;
  DigestKeys keys_;
  DigestSite site_;
  Outbox* outbox_;
};

}  // namespace meridian::digest
