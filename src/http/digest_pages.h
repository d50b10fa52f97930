// The digest's web pages: sign-up (/digest, and the form on the home and
// article pages), the confirmation page (GET shows a button, only POST
// confirms), the settings page reached from every email, the JSON export,
// and unsubscribe (a page with a button, and RFC 8058 one-click POST).
// The rules live in digest/subscriptions.h; this file turns forms into
// calls and answers into pages.
//
// Thread safety: Handle() may be called from any number of threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "digest/subscriptions.h"
#include "http/rate_limiter.h"
#include "http/routes.h"
#include "http/service.h"

namespace meridian {

class DigestPages {
 public:
  // `subs` null: the digest is off (no store); every digest route answers 404.
  DigestPages(std::unique_ptr<digest::Outbox> outbox, std::unique_ptr<digest::Subscriptions> subs);

  HttpResponse Handle(RouteId id, const QueryParams& params, const HttpRequest& req,
                      const Dataset& d);
  // The sign-up form for other pages (home, articles), HTML.
  static std::string SignupForm(const std::string& error = "", const std::string& email = "",
                                const std::string& place = "", int radius = 10,
                                const std::string& care = "");
  digest::Outbox* outbox() { return outbox_.get(); }
  bool on() const { return subs_ != nullptr; }

 private:
  HttpResponse Signup(const HttpRequest& req, const Dataset& d);
  HttpResponse ConfirmPage(const QueryParams& params, const Dataset& d);
  HttpResponse Confirm(const HttpRequest& req, const Dataset& d);
  HttpResponse ManagePage(const std::string& token, const Dataset& d, const std::string& message,
                          const std::string& error, int status = 200);
  HttpResponse ManagePost(const HttpRequest& req, const Dataset& d);
  HttpResponse Export(const QueryParams& params, const Dataset& d);
  HttpResponse UnsubscribePage(const QueryParams& params, const Dataset& d);
  HttpResponse Unsubscribe(const HttpRequest& req, const QueryParams& params, const Dataset& d);
  int64_t Now() const;

  std::unique_ptr<digest::Outbox> outbox_;
  std::unique_ptr<digest::Subscriptions> subs_;
  RateLimiter signup_limiter_{1.0 / 120, 5};  // per client: 5 at once, then one per 2 minutes
};

}  // namespace meridian
