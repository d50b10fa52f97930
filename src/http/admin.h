// The operator console (/admin pages) and the admin JSON API
// (/api/v1/admin/...), on the Store: sign-in with Argon2id passwords,
// sessions in the store (HttpOnly; Secure; SameSite=Strict cookies, Secure
// dropped only for loopback clients), a CSRF token on every form, login
// throttling per account and per client that never says whether an account
// exists; the report queue; corrections; the audit log (admins only).
//
// Thread safety: Handle() may be called from any number of threads.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/correction_cache.h"
#include "http/routes.h"
#include "http/service.h"
#include "query/query.h"
#include "store/store.h"

namespace meridian {

class AdminConsole {
 public:
  // `store` may be null: every console route then answers 404. `cache` is
  // told when a correction changes, so pages show it at once.
  AdminConsole(store::Store* store, CorrectionCache* cache) : store_(store), cache_(cache) {}

  // Where the console reads the next scheduled digest ("" = not scheduled).
  void set_digest_next(std::function<std::string()> next) { digest_next_ = std::move(next); }

  HttpResponse Handle(RouteId id, const std::vector<std::string>& args, const QueryParams& params,
                      const HttpRequest& req, const Dataset& d);

 private:
  struct Who {
    store::User user;
    store::Session session;
  };
  // The signed-in operator, from the session cookie.
  Result<Who> SignedIn(const HttpRequest& req);
  // The operator a bearer token belongs to (admin API).
  Result<store::User> Bearer(const HttpRequest& req);

  HttpResponse LoginPage(const Dataset& d, const std::string& message, int status);
  HttpResponse Login(const HttpRequest& req, const Dataset& d);
  HttpResponse Logout(const HttpRequest& req, const Dataset& d);
  HttpResponse SetPasswordPage(const QueryParams& params, const Dataset& d);
  HttpResponse SetPassword(const HttpRequest& req, const Dataset& d);
  HttpResponse Queue(const Who& who, const QueryParams& params, const Dataset& d);
  HttpResponse ReportPage(const Who& who, const std::string& id, const Dataset& d);
  HttpResponse UpdateReport(const Who& who, const std::string& id, const HttpRequest& req,
                            const Dataset& d);
  HttpResponse CorrectPage(const Who& who, const std::string& npi, const Dataset& d);
  HttpResponse Correct(const Who& who, const std::string& npi, const HttpRequest& req,
                       const Dataset& d);
  HttpResponse Corrections(const Who& who, const Dataset& d);
  HttpResponse Audit(const Who& who, const Dataset& d);
  HttpResponse Api(RouteId id, const std::vector<std::string>& args, const QueryParams& params,
                   const HttpRequest& req, const Dataset& d);

  HttpResponse Digest(const Who& who, const Dataset& d);

  store::Store* store_;
  CorrectionCache* cache_;
  std::function<std::string()> digest_next_;
};

// What NPPES says for a correctable field of `rec` ("" for fields NPPES
// does not have): the value a correction is shown next to, and compared
// with when a new snapshot loads.
std::string NppesValue(const Record& rec, const std::string& field);

// Flags every active correction whose field NPPES now says differently
// from when the correction was made (a later weekly update changed it), so
// an editor looks again instead of either side silently winning.
Status FlagChangedCorrections(store::Store* store, const Dataset& d);

}  // namespace meridian
