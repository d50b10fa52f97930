#include "http/digest_pages.h"

#include <ctime>

#include "digest/wording.h"
#include "http/page_kit.h"
#include "http/pages.h"
#include "http/query_string.h"

namespace meridian {

using page::data;
using page::Get;
using page::Html;
using page::Render;

namespace {

constexpr int kRadii[] = {5, 10, 25, 50, 100};

// Every value of `name`, joined with commas (checkboxes).
std::string Joined(const QueryParams& form, const std::string& name) {
  std::string out;
  for (const auto& [k, v] : form)
    if (k == name && !v.empty()) out += (out.empty() ? "" : ",") + v;
  return out;
}

data FormData(const std::string& error, const std::string& email, const std::string& place,
              int radius, const std::string& care) {
  data v;
  page::SetIf(v, "error", error);
  v.set("email", email);
  v.set("place", place);
  data radii = page::List();
  for (int r : kRadii) {
    data o;
    o.set("value", std::to_string(r));
    o.set("selected", page::Bool(r == radius));
    radii.push_back(o);
  }
  v.set("radii", radii);
  data mods = page::List();
  const std::string padded = "," + care + ",";
  for (const Modality& m : ModalityMap::Embedded().modalities()) {
    data o;
    o.set("id", m.id);
    o.set("label", m.label);
    o.set("checked", page::Bool(padded.find("," + m.id + ",") != std::string::npos));
    mods.push_back(o);
  }
  v.set("modalities", mods);
  v.set("wording", digest::kConsentWording);
  return v;
}

HttpResponse Off(const Dataset& d) {
  return PageMessage(&d, 404, "The digest is off", "This server does not send a digest.");
}

HttpResponse StoreDown(const Dataset& d) {
  HttpResponse r = PageMessage(&d, 503, "We could not do that just now",
                               "Nothing was changed. Please try again in a minute.");
  r.headers.emplace_back("Retry-After", "30");
  return r;
}

HttpResponse BadLink(const Dataset& d) {
  return PageMessage(&d, 400, "This link does not work",
                     "It may be old, or already used to delete the digest. You can sign up again "
                     "at /digest.");
}

// A failure from the subscriptions: the store being down, a bad link, or
// something else (500).
HttpResponse Failure(const Dataset& d, const Status& s) {
  if (s.code() == StatusCode::kUnavailable) return StoreDown(d);
  if (s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kNotFound)
    return BadLink(d);
  return PageMessage(&d, 500, "Sorry", "Something went wrong on our side. Please try again later.");
}

// A page that says what happened, with a way back home.
HttpResponse Done(const Dataset& d, const std::string& heading, const std::string& message) {
  data v;
  v.set("heading", heading);
  v.set("message", message);
  v.set("back", "/");
  v.set("back_label", "Back to the home page");
  return Html(&d, heading, Render("message", v));
}

QueryParams FormOf(const HttpRequest& req) {
  QueryParams form;
  (void)ParseQueryString(req.body, &form);
  return form;
}

}  // namespace

DigestPages::DigestPages(std::unique_ptr<digest::Outbox> outbox,
                         std::unique_ptr<digest::Subscriptions> subs)
    : outbox_(std::move(outbox)), subs_(std::move(subs)) {}

int64_t DigestPages::Now() const { return static_cast<int64_t>(std::time(nullptr)); }

std::string DigestPages::SignupForm(const std::string& error, const std::string& email,
                                    const std::string& place, int radius, const std::string& care) {
  return Render("digest_form", FormData(error, email, place, radius, care));
}

HttpResponse DigestPages::Handle(RouteId id, const QueryParams& params, const HttpRequest& req,
                                 const Dataset& d) {
  if (id == RouteId::kPageDigest) {
    data v;
    v.set("form", SignupForm());
    return Html(&d, "The weekly digest", Render("digest", v));
  }
  if (subs_ == nullptr) return Off(d);
  switch (id) {
    case RouteId::kPageDigestSignup:
      return Signup(req, d);
    case RouteId::kPageDigestConfirm:
      return ConfirmPage(params, d);
    case RouteId::kPageDigestConfirmPost:
      return Confirm(req, d);
    case RouteId::kPageDigestManage:
      return ManagePage(Get(params, "t"), d, "", "");
    case RouteId::kPageDigestManagePost:
      return ManagePost(req, d);
    case RouteId::kPageDigestExport:
      return Export(params, d);
    case RouteId::kPageDigestUnsubscribe:
      return UnsubscribePage(params, d);
    case RouteId::kDigestUnsubscribe:
      return Unsubscribe(req, params, d);
    default:
      return Off(d);
  }
}

HttpResponse DigestPages::Signup(const HttpRequest& req, const Dataset& d) {
  const QueryParams form = FormOf(req);
  digest::SignupForm f;
  f.email = Get(form, "email");
  f.place = Get(form, "place");
  f.radius = Get(form, "radius");
  f.care = Joined(form, "care");
  f.honeypot = Get(form, "website");
  f.client = req.client;
  double retry = 0;
  // Over the per-client limit: the same answer as a success, nothing kept
  // and nothing sent (a bot learns nothing; a person can try again later).
  const bool allowed = signup_limiter_.Allow(req.client, RateLimiter::Clock::now(), &retry);
  Status s = allowed ? subs_->Signup(f, *d.snap, ModalityMap::Embedded(), Now()) : Status::OK();
  if (s.code() == StatusCode::kInvalidArgument) {
    int radius = 10;
    if (s.param() != "radius" && !f.radius.empty() && f.radius.size() < 4 &&
        f.radius.find_first_not_of("0123456789") == std::string::npos)
      radius = std::stoi(f.radius);
    data v;
    v.set("form", SignupForm(s.message(), f.email, f.place, radius, f.care));
    return Html(&d, "The weekly digest", Render("digest", v), 400);
  }
  if (!s.ok()) return Failure(d, s);
  return Done(d, "Check your email",
              "If we can send to that address, we have sent it an email. Open the link in it "
              "within 48 hours to start your digest. If nothing comes, look in your spam folder.");
}

HttpResponse DigestPages::ConfirmPage(const QueryParams& params, const Dataset& d) {
  const std::string token = Get(params, "t");
  auto s = subs_->CheckConfirm(token, Now());
  if (!s.ok()) return Failure(d, s.status());
  data v;
  v.set("email", s->email);
  v.set("token", token);
  return Html(&d, "Confirm your weekly digest", Render("digest_confirm", v));
}

HttpResponse DigestPages::Confirm(const HttpRequest& req, const Dataset& d) {
  const QueryParams form = FormOf(req);
  auto view = subs_->Confirm(Get(form, "t"), req.client, Now());
  if (!view.ok()) return Failure(d, view.status());
  return ManagePage(view->token, d, "Thank you. Your weekly digest is on.", "");
}

HttpResponse DigestPages::ManagePage(const std::string& token, const Dataset& d,
                                     const std::string& message, const std::string& error,
                                     int status) {
  auto view = subs_->Manage(token, Now());
  if (!view.ok()) return Failure(d, view.status());
  const store::Subscriber& s = view->subscriber;
  data v = FormData("", s.email, s.place, s.radius_miles, s.care);
  page::SetIf(v, "message", message);
  page::SetIf(v, "error", error);
  v.set("token", view->token);
  v.set("paused", page::Bool(s.status == "paused"));
  HttpResponse r = Html(&d, "Your weekly digest", Render("digest_manage", v), status);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpResponse DigestPages::ManagePost(const HttpRequest& req, const Dataset& d) {
  const QueryParams form = FormOf(req);
  const std::string token = Get(form, "t"), action = Get(form, "action");
  Status s;
  std::string done;
  if (action == "save") {
    digest::SignupForm f;
    f.place = Get(form, "place");
    f.radius = Get(form, "radius");
    f.care = Joined(form, "care");
    f.client = req.client;
    s = subs_->Change(token, f, *d.snap, ModalityMap::Embedded(), Now());
    if (s.code() == StatusCode::kInvalidArgument && !s.param().empty())
      return ManagePage(token, d, "", s.message(), 400);
    done = "We saved your choices.";
  } else if (action == "pause" || action == "resume") {
    s = subs_->SetPaused(token, action == "pause", req.client, Now());
    done = action == "pause" ? "The digest is paused." : "The digest is on again.";
  } else if (action == "delete") {
    s = subs_->Delete(token, Now());
    if (!s.ok()) return Failure(d, s);
    return Done(d, "We deleted your digest",
                "Your address and choices are gone from Meridian. We will not email you again. "
                "You can sign up again at any time.");
  } else {
    return PageMessage(&d, 400, "We could not read the form", "Please go back and try again.");
  }
  if (!s.ok()) return Failure(d, s);
  return ManagePage(token, d, done, "");
}

HttpResponse DigestPages::Export(const QueryParams& params, const Dataset& d) {
  auto json = subs_->Export(Get(params, "t"), Now());
  if (!json.ok()) return Failure(d, json.status());
  HttpResponse r{200, "application/json", *json, {}};
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"meridian-digest.json\"");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpResponse DigestPages::UnsubscribePage(const QueryParams& params, const Dataset& d) {
  const std::string token = Get(params, "t");
  auto view = subs_->Manage(token, Now());
  if (!view.ok()) return Failure(d, view.status());
  data v;
  v.set("email", view->subscriber.email);
  v.set("token", token);
  v.set("manage", "/digest/manage?t=" + token);
  HttpResponse r = Html(&d, "Stop the weekly digest", Render("digest_unsubscribe", v));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpResponse DigestPages::Unsubscribe(const HttpRequest& req, const QueryParams& params,
                                      const Dataset& d) {
  // RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the
  // List-Unsubscribe URL, whose query carries the token; the page's form
  // sends the token in the body.
  std::string token = Get(params, "t");
  if (token.empty()) token = Get(FormOf(req), "t");
  Status s = subs_->Delete(token, Now());
  if (!s.ok()) return Failure(d, s);
  return Done(d, "You are unsubscribed",
              "We will not send you the digest again, and we deleted your address.");
}

}  // namespace meridian
