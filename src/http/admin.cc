#include "http/admin.h"

#include <ctime>
#include <map>
#include <nlohmann/json.hpp>

#include "http/admin_auth.h"
#include "http/api.h"
#include "http/articles.h"
#include "http/page_kit.h"
#include "http/pages.h"
#include "http/query_string.h"
#include "text/display_case.h"
#include "util/json.h"

namespace meridian {

using page::data;
using page::Get;
using page::Html;
using page::List;
using page::Render;
using page::SetIf;

namespace {

constexpr const char* kCookie = "meridian_admin";

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

bool Loopback(const HttpRequest& req) {
  return req.client == "127.0.0.1" || req.client == "::1" || req.client.starts_with("127.");
}

std::string CookieValue(const HttpRequest& req, std::string_view name) {
  std::string_view all = req.Header("cookie");
  while (!all.empty()) {
    size_t end = all.find(';');
    std::string_view part = all.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.starts_with(name) && part.size() > name.size() && part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
    if (end == std::string_view::npos) break;
    all.remove_prefix(end + 1);
  }
  return "";
}

std::string SetCookie(const HttpRequest& req, const std::string& value, int max_age) {
  return std::string(kCookie) + "=" + value + "; Path=/; Max-Age=" + std::to_string(max_age) +
         "; HttpOnly; SameSite=Strict" + (Loopback(req) ? "" : "; Secure");
}

HttpResponse Redirect(const std::string& to) {
  HttpResponse r{303, "text/plain; charset=utf-8", "See " + to, {{"Location", to}}};
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// A console page: never cached, never indexed.
HttpResponse Page(const Dataset& d, const std::string& title, const std::string& body,
                  int status = 200) {
  HttpResponse r = Html(&d, title, body, status);
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Robots-Tag", "noindex");
  return r;
}

// A store failure as a page: 503 with Retry-After when it is down.
HttpResponse StoreError(const Dataset& d, const Status& s) {
  if (s.code() == StatusCode::kUnavailable) {
    HttpResponse r = PageMessage(&d, 503, "The console cannot reach its database",
                                 "Nothing was changed. Please try again in a minute.");
    r.headers.emplace_back("Retry-After", "30");
    return r;
  }
  if (s.code() == StatusCode::kNotFound) return PageMessage(&d, 404, "Not found", s.message());
  if (s.code() == StatusCode::kInvalidArgument)
    return PageMessage(&d, 400, "Please check the form", s.message());
  return PageMessage(&d, 500, "Something went wrong", "Please try again.");
}

HttpResponse ApiStoreError(const Status& s) {
  HttpResponse r = ApiError(s);
  if (s.code() == StatusCode::kUnavailable) r.headers.emplace_back("Retry-After", "30");
  return r;
}

bool ParseId(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// A JSON object of strings (the admin API's bodies).
Result<std::map<std::string, std::string>> ParseJsonObject(const std::string& body) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::InvalidArgument("the body must be a JSON object");
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) return Status::InvalidArgument(k + " must be a string").WithParam(k);
    out[k] = v.get<std::string>();
  }
  return out;
}

// A correction of `rec`, with what NPPES says for the field beside it.
store::Correction CorrectionOf(const Record& rec, const std::string& field,
                               const std::string& value, const std::string& source,
                               const std::string& author) {
  return {.npi = rec.npi,
          .field = field,
          .value = value,
          .nppes_value = NppesValue(rec, field),
          .source = source,
          .author = author};
}

// The listing an NPI names in the snapshot; false when there is none.
bool Listing(const Dataset& d, const std::string& npi_text, uint32_t* npi, Record* rec) {
  if (!ParseNpi(npi_text, npi)) return false;
  const int64_t row = d.snap->Find(*npi);
  return row >= 0 && d.snap->GetRecord(static_cast<size_t>(row), rec).ok();
}

bool Has(const QueryParams& p, std::string_view name) {
  for (const auto& [k, v] : p)
    if (k == name) return true;
  return false;
}

QueryParams Form(const HttpRequest& req) {
  QueryParams form;
  if (!ParseQueryString(req.body, &form).ok()) form.clear();
  return form;
}

void WriteReport(const store::Report& r, JsonWriter* w) {
  w->BeginObject();
  w->Key("id").Int(r.id);
  w->Field("npi", NpiToString(r.npi)).Field("kind", r.kind).Field("details", r.details);
  w->Optional("state", r.state).Field("status", r.status).Optional("note", r.note);
  w->Field("created", FormatUnixDate(r.created)).Field("updated", FormatUnixDate(r.updated));
  w->EndObject();
}

void WriteCorrection(const store::Correction& c, JsonWriter* w) {
  w->BeginObject();
  w->Key("id").Int(c.id);
  w->Field("npi", NpiToString(c.npi)).Field("field", c.field).Field("value", c.value);
  w->Optional("nppes_value", c.nppes_value).Field("source", c.source).Field("author", c.author);
  w->Field("status", c.status).Optional("flag_reason", c.flag_reason);
  w->Field("created", FormatUnixDate(c.created));
  w->EndObject();
}

const char* FieldLabel(const std::string& field) {
  if (field == "phone") return "Phone";
  if (field == "address") return "Practice address";
  if (field == "not_practising_here") return "No longer practising here";
  if (field == "no_dry_needling") return "Does not offer dry needling";
  return "Note for patients";
}

}  // namespace

std::string NppesValue(const Record& rec, const std::string& field) {
  const Address& a = rec.practice.address;
  if (field == "phone") return a.phone;
  if (field == "address") return a.line1 + "|" + a.city + "|" + a.state + "|" + a.postal_code;
  return "";
}

Status FlagChangedCorrections(store::Store* store, const Dataset& d) {
  auto active = store->ListCorrections("active");
  if (!active.ok()) return active.status();
  for (const store::Correction& c : *active) {
    if (c.field != "phone" && c.field != "address") continue;
    const int64_t row = d.snap->Find(c.npi);
    Record rec;
    if (row < 0 || !d.snap->GetRecord(static_cast<size_t>(row), &rec).ok()) continue;
    const std::string now = NppesValue(rec, c.field);
    if (now != c.nppes_value)
      MERIDIAN_RETURN_IF_ERROR(store->SetCorrectionStatus(
          c.id, "flagged", "NPPES now says " + (now.empty() ? "nothing" : now), "nppes-update"));
  }
  return Status::OK();
}

Result<AdminConsole::Who> AdminConsole::SignedIn(const HttpRequest& req) {
  const std::string cookie = CookieValue(req, kCookie);
  if (cookie.empty()) return Status::Unauthenticated("not signed in");
  auto session = store_->FindSession(admin::TokenHash(cookie), Now());
  if (!session.ok()) return session.status();
  auto user = store_->GetUser(session->user_id);
  if (!user.ok()) return user.status();
  return Who{*user, *session};
}

Result<store::User> AdminConsole::Bearer(const HttpRequest& req) {
  std::string_view auth = req.Header("authorization");
  if (!auth.starts_with("Bearer ") || auth.size() < 20)
    return Status::Unauthenticated("send Authorization: Bearer <token> (meridian admin token)");
  return store_->FindApiToken(admin::TokenHash(auth.substr(7)));
}

HttpResponse AdminConsole::Handle(RouteId id, const std::vector<std::string>& args,
                                  const QueryParams& params, const HttpRequest& req,
                                  const Dataset& d) {
  const bool api = req.path.starts_with("/api/");
  if (store_ == nullptr)
    return api ? ApiError(Status::NotFound("the console is off (no store)"))
               : PageMessage(&d, 404, "The console is off", "This server has no store.");
  if (api) return Api(id, args, params, req, d);
  switch (id) {
    case RouteId::kAdminLoginPage:
      return LoginPage(d, "", 200);
    case RouteId::kAdminLogin:
      return Login(req, d);
    case RouteId::kAdminSetPasswordPage:
      return SetPasswordPage(params, d);
    case RouteId::kAdminSetPassword:
      return SetPassword(req, d);
    default:
      break;
  }
  auto who = SignedIn(req);
  if (!who.ok()) {
    if (who.status().code() == StatusCode::kUnavailable) return StoreError(d, who.status());
    return Redirect("/admin/login");
  }
  // Every form carries the session's CSRF token.
  if (req.method == "POST" && !admin::SameSecret(Get(Form(req), "csrf"), who->session.csrf))
    return PageMessage(&d, 403, "This form has expired", "Go back, reload the page and try again.");
  switch (id) {
    case RouteId::kAdminLogout:
      return Logout(req, d);
    case RouteId::kAdminHome:
      return Queue(*who, params, d);
    case RouteId::kAdminReportPage:
      return ReportPage(*who, args[0], d);
    case RouteId::kAdminReport:
      return UpdateReport(*who, args[0], req, d);
    case RouteId::kAdminCorrectPage:
      return CorrectPage(*who, args[0], d);
    case RouteId::kAdminCorrect:
      return Correct(*who, args[0], req, d);
    case RouteId::kAdminCorrections:
      return Corrections(*who, d);
    case RouteId::kAdminAudit:
      return Audit(*who, d);
    case RouteId::kAdminDigest:
      return Digest(*who, d);
    default:
      return PageMessage(&d, 404, "Not found", "We could not find that page.");
  }
}

HttpResponse AdminConsole::LoginPage(const Dataset& d, const std::string& message, int status) {
  data v;
  SetIf(v, "message", message);
  return Page(d, "Sign in", Render("admin_login", v), status);
}

HttpResponse AdminConsole::Login(const HttpRequest& req, const Dataset& d) {
  const QueryParams form = Form(req);
  const std::string email = Get(form, "email"), password = Get(form, "password");
  const std::string account = "account:" + email, client = "client:" + req.client;
  const int64_t since = Now() - admin::kThrottleWindowSeconds;
  auto by_account = store_->LoginFailuresSince(account, since);
  auto by_client = store_->LoginFailuresSince(client, since);
  if (!by_account.ok()) return StoreError(d, by_account.status());
  if (!by_client.ok()) return StoreError(d, by_client.status());
  // The same words whether or not the account exists.
  if (*by_account >= admin::kMaxFailuresPerAccount || *by_client >= admin::kMaxFailuresPerClient) {
    HttpResponse r = LoginPage(d, "Too many tries. Wait 15 minutes, then try again.", 429);
    r.headers.emplace_back("Retry-After", std::to_string(admin::kThrottleWindowSeconds));
    return r;
  }
  auto user = store_->FindUserByEmail(email);
  if (!user.ok() && user.status().code() != StatusCode::kNotFound)
    return StoreError(d, user.status());
  const bool good = admin::VerifyPassword(user.ok() ? user->password_hash : "", password);
  if (!good) {
    (void)store_->RecordLoginFailure(account, Now());
    (void)store_->RecordLoginFailure(client, Now());
    return LoginPage(d, "The email or password is wrong.", 401);
  }
  (void)store_->ClearLoginFailures(account);
  // A new session every time: a token the client brought is never kept.
  const std::string token = admin::NewToken();
  store::Session s{admin::TokenHash(token), user->id, admin::NewToken(), Now(),
                   Now() + admin::kSessionSeconds};
  if (Status st = store_->CreateSession(s); !st.ok()) return StoreError(d, st);
  (void)store_->Audit(user->email, "session.start", user->email, "", "");
  HttpResponse r = Redirect("/admin");
  r.headers.emplace_back("Set-Cookie", SetCookie(req, token, admin::kSessionSeconds));
  return r;
}

HttpResponse AdminConsole::Logout(const HttpRequest& req, const Dataset& d) {
  Status s = store_->DeleteSession(admin::TokenHash(CookieValue(req, kCookie)));
  if (!s.ok()) return StoreError(d, s);
  HttpResponse r = Redirect("/admin/login");
  r.headers.emplace_back("Set-Cookie", SetCookie(req, "", 0));
  return r;
}

HttpResponse AdminConsole::SetPasswordPage(const QueryParams& params, const Dataset& d) {
  data v;
  v.set("token", Get(params, "token"));
  return Page(d, "Set your password", Render("admin_set_password", v));
}

HttpResponse AdminConsole::SetPassword(const HttpRequest& req, const Dataset& d) {
  const QueryParams form = Form(req);
  const std::string token = Get(form, "token"), password = Get(form, "password");
  data v;
  v.set("token", token);
  auto again = [&](const std::string& message) {
    v.set("message", message);
    return Page(d, "Set your password", Render("admin_set_password", v), 400);
  };
  if (password.size() < admin::kMinPasswordLength)
    return again("Use at least 12 characters. A few words in a row work well.");
  if (password != Get(form, "password2")) return again("The two passwords are not the same.");
  const std::string hash = admin::HashPassword(password);
  if (hash.empty()) return PageMessage(&d, 500, "Something went wrong", "Please try again.");
  auto user = store_->SetPassword(admin::TokenHash(token), hash, Now());
  if (!user.ok()) {
    if (user.status().code() == StatusCode::kNotFound)
      return PageMessage(&d, 400, "This link does not work any more",
                         "Ask an admin for a new one.");
    return StoreError(d, user.status());
  }
  return PageMessage(&d, 200, "Your password is set", "You can sign in now at /admin/login.");
}

HttpResponse AdminConsole::Queue(const Who& who, const QueryParams& params, const Dataset& d) {
  store::ReportFilter f{Get(params, "status"), Get(params, "state"), Get(params, "kind"), 200};
  if (!Has(params, "status")) f.status = "open";
  auto reports = store_->ListReports(f);
  if (!reports.ok()) return StoreError(d, reports.status());
  auto flagged = store_->ListCorrections("flagged");
  if (!flagged.ok()) return StoreError(d, flagged.status());
  data v;
  v.set("email", who.user.email);
  v.set("csrf", who.session.csrf);
  v.set("is_admin", page::Bool(who.user.role == "admin"));
  data due = List();
  for (const content::Article* a : ReviewsDue(*d.content, TodayUtc())) {
    data item;
    item.set("slug", a->slug);
    item.set("title", a->title);
    item.set("next_review", a->next_review);
    due.push_back(item);
  }
  v.set("has_due", page::Bool(!due.is_empty_list()));
  v.set("due", due);
  data rows = List();
  for (const store::Report& r : *reports) {
    data item;
    item.set("id", std::to_string(r.id));
    item.set("npi", NpiToString(r.npi));
    item.set("kind", r.kind);
    item.set("state", r.state);
    item.set("status", r.status);
    item.set("created", FormatUnixDate(r.created));
    item.set("details", r.details.substr(0, 120));
    rows.push_back(item);
  }
  v.set("reports", rows);
  v.set("count", std::to_string(reports->size()));
  v.set("flagged", std::to_string(flagged->size()));
  for (const char* k : {"status", "state", "kind"}) v.set(std::string("f_") + k, Get(params, k));
  if (!Has(params, "status")) v.set("f_status", "open");
  return Page(d, "Reports", Render("admin_queue", v));
}

HttpResponse AdminConsole::ReportPage(const Who& who, const std::string& id_text,
                                      const Dataset& d) {
  int64_t id = 0;
  if (!ParseId(id_text, &id)) return PageMessage(&d, 404, "Not found", "No such report.");
  auto r = store_->GetReport(id);
  if (!r.ok()) return StoreError(d, r.status());
  data v;
  v.set("csrf", who.session.csrf);
  v.set("id", std::to_string(r->id));
  v.set("npi", NpiToString(r->npi));
  v.set("kind", r->kind);
  v.set("details", r->details);
  v.set("status", r->status);
  v.set("note", r->note);
  v.set("created", FormatUnixDate(r->created));
  const int64_t row = d.snap->Find(r->npi);
  Record rec;
  if (row >= 0 && d.snap->GetRecord(static_cast<size_t>(row), &rec).ok()) {
    data listing;
    listing.set("name", ReadableName(rec));
    listing.set("address", page::AddressLine(rec.practice.address));
    listing.set("phone", page::Phone(rec.practice.address.phone));
    listing.set("credential", rec.credential);
    v.set("listing", listing);
  }
  return Page(d, "Report R-" + std::to_string(r->id), Render("admin_report", v));
}

HttpResponse AdminConsole::UpdateReport(const Who& who, const std::string& id_text,
                                        const HttpRequest& req, const Dataset& d) {
  int64_t id = 0;
  if (!ParseId(id_text, &id)) return PageMessage(&d, 404, "Not found", "No such report.");
  const QueryParams form = Form(req);
  Status s = store_->UpdateReport(id, Get(form, "status"), Get(form, "note"), who.user.email);
  if (!s.ok()) return StoreError(d, s);
  return Redirect("/admin");
}

HttpResponse AdminConsole::CorrectPage(const Who& who, const std::string& npi_text,
                                       const Dataset& d) {
  uint32_t npi = 0;
  Record rec;
  if (!Listing(d, npi_text, &npi, &rec))
    return PageMessage(&d, 404, "Not found", "We have no provider with that number.");
  auto existing = store_->CorrectionsFor(npi);
  if (!existing.ok()) return StoreError(d, existing.status());
  data v;
  v.set("csrf", who.session.csrf);
  v.set("npi", NpiToString(npi));
  v.set("name", ReadableName(rec));
  v.set("address", page::AddressLine(rec.practice.address));
  v.set("phone", page::Phone(rec.practice.address.phone));
  data rows = List();
  for (const store::Correction& c : *existing) {
    data item;
    item.set("field", FieldLabel(c.field));
    item.set("value", c.value);
    item.set("source", c.source);
    item.set("author", c.author);
    item.set("status", c.status);
    item.set("created", FormatUnixDate(c.created));
    rows.push_back(item);
  }
  v.set("corrections", rows);
  return Page(d, "Correct a listing", Render("admin_correct", v));
}

HttpResponse AdminConsole::Correct(const Who& who, const std::string& npi_text,
                                   const HttpRequest& req, const Dataset& d) {
  uint32_t npi = 0;
  Record rec;
  if (!Listing(d, npi_text, &npi, &rec))
    return PageMessage(&d, 404, "Not found", "We have no provider with that number.");
  const QueryParams form = Form(req);
  std::string value = Get(form, "value");
  if (Get(form, "field") == "address")
    value = Get(form, "line1") + "|" + Get(form, "city") + "|" + Get(form, "state") + "|" +
            Get(form, "zip");
  auto id = store_->AddCorrection(
      CorrectionOf(rec, Get(form, "field"), value, Get(form, "source"), who.user.email));
  if (!id.ok()) return StoreError(d, id.status());
  (void)cache_->Reload();
  return Redirect("/provider/" + NpiToString(npi));
}

HttpResponse AdminConsole::Corrections(const Who& who, const Dataset& d) {
  auto all = store_->ListCorrections("");
  if (!all.ok()) return StoreError(d, all.status());
  data v;
  v.set("csrf", who.session.csrf);
  data rows = List();
  for (const store::Correction& c : *all) {
    if (c.status == "retired") continue;
    data item;
    item.set("npi", NpiToString(c.npi));
    item.set("field", FieldLabel(c.field));
    item.set("value", c.value);
    item.set("nppes", c.nppes_value);
    item.set("source", c.source);
    item.set("author", c.author);
    item.set("created", FormatUnixDate(c.created));
    item.set("flagged", page::Bool(c.status == "flagged"));
    SetIf(item, "reason", c.flag_reason);
    rows.push_back(item);
  }
  v.set("corrections", rows);
  return Page(d, "Corrections", Render("admin_corrections", v));
}

HttpResponse AdminConsole::Audit(const Who& who, const Dataset& d) {
  if (who.user.role != "admin")
    return PageMessage(&d, 403, "Admins only", "Ask an admin to look at the audit log.");
  auto entries = store_->ListAudit(500);
  if (!entries.ok()) return StoreError(d, entries.status());
  data v;
  data rows = List();
  for (const store::AuditEntry& e : *entries) {
    data item;
    item.set("at", FormatUnixDate(e.at));
    item.set("actor", e.actor);
    item.set("action", e.action);
    item.set("target", e.target);
    item.set("before", e.before);
    item.set("after", e.after);
    rows.push_back(item);
  }
  v.set("entries", rows);
  return Page(d, "Audit log", Render("admin_audit", v));
}

HttpResponse AdminConsole::Digest(const Who&, const Dataset& d) {
  data v;
  for (const char* status : {"pending", "active", "paused"}) {
    auto n = store_->CountSubscribers(status);
    if (!n.ok()) return StoreError(d, n.status());
    v.set(std::string("n_") + status, std::to_string(*n));
  }
  const std::string next = digest_next_ ? digest_next_() : "";
  page::SetIf(v, "next", next);
  auto runs = store_->ListDigests(52);
  if (!runs.ok()) return StoreError(d, runs.status());
  data rows = List();
  for (const store::DigestIssueSummary& r : *runs) {
    data item;
    item.set("week", r.week);
    item.set("started", FormatUnixDate(r.created));
    item.set("finished", r.finished > 0 ? FormatUnixDate(r.finished) : std::string("not yet"));
    item.set("sent", std::to_string(r.sent));
    item.set("failed", std::to_string(r.failed));
    item.set("suppressed", std::to_string(r.suppressed));
    item.set("in_flight", std::to_string(r.claimed));
    rows.push_back(item);
  }
  v.set("runs", rows);
  v.set("has_runs", page::Bool(!runs->empty()));
  return Page(d, "Weekly digest", Render("admin_digest", v));
}

HttpResponse AdminConsole::Api(RouteId id, const std::vector<std::string>& args,
                               const QueryParams& params, const HttpRequest& req,
                               const Dataset& d) {
  auto user = Bearer(req);
  if (!user.ok())
    return user.status().code() == StatusCode::kUnavailable ? ApiStoreError(user.status())
                                                            : ApiError(user.status());
  JsonWriter w;
  switch (id) {
    case RouteId::kApiAdminReports: {
      store::ReportFilter f{Get(params, "status"), Get(params, "state"), Get(params, "kind"), 500};
      auto reports = store_->ListReports(f);
      if (!reports.ok()) return ApiStoreError(reports.status());
      w.BeginObject().Key("reports").BeginArray();
      for (const store::Report& r : *reports) WriteReport(r, &w);
      w.EndArray().EndObject();
      break;
    }
    case RouteId::kApiAdminReport: {
      int64_t rid = 0;
      if (!ParseId(args[0], &rid)) return ApiError(Status::NotFound("no such report"));
      auto body = ParseJsonObject(req.body);
      if (!body.ok()) return ApiError(body.status());
      Status s = store_->UpdateReport(rid, (*body)["status"], (*body)["note"], user->email);
      if (!s.ok()) return ApiStoreError(s);
      auto r = store_->GetReport(rid);
      if (!r.ok()) return ApiStoreError(r.status());
      WriteReport(*r, &w);
      break;
    }
    case RouteId::kApiAdminCorrections: {
      auto all = store_->ListCorrections(Get(params, "status"));
      if (!all.ok()) return ApiStoreError(all.status());
      w.BeginObject().Key("corrections").BeginArray();
      for (const store::Correction& c : *all) WriteCorrection(c, &w);
      w.EndArray().EndObject();
      break;
    }
    case RouteId::kApiAdminCorrect: {
      auto body = ParseJsonObject(req.body);
      if (!body.ok()) return ApiError(body.status());
      uint32_t npi = 0;
      Record rec;
      if (!Listing(d, (*body)["npi"], &npi, &rec))
        return ApiError(Status::InvalidArgument("no provider with that NPI").WithParam("npi"));
      auto cid = store_->AddCorrection(
          CorrectionOf(rec, (*body)["field"], (*body)["value"], (*body)["source"], user->email));
      if (!cid.ok()) return ApiStoreError(cid.status());
      (void)cache_->Reload();
      auto now = store_->CorrectionsFor(npi);
      if (!now.ok()) return ApiStoreError(now.status());
      HttpResponse r;
      r.status = 201;
      JsonWriter out;
      for (const store::Correction& x : *now)
        if (x.id == *cid) WriteCorrection(x, &out);
      r.body = out.str();
      return r;
    }
    default:
      return ApiError(Status::NotFound("no such admin route"));
  }
  HttpResponse r;
  r.body = w.str();
  return r;
}

}  // namespace meridian
