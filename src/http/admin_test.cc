#include "http/admin.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "http/admin_auth.h"
#include "testing/http_test_util.h"
#include "testing/pg_cluster.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::HeaderOf;
using testing::TempDir;

// The console over a small synthetic snapshot, on each store backend.
class AdminTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto r = testing::RunMeridian("synth --rows 500 --seed 7 --out " + dir_->File("d.csv"), *dir_);
    ASSERT_EQ(r.code, 0) << r.err;
    testing::IngestOrDie(dir_->File("d.csv"), dir_->File("d.snap"), dir_->File("d_pl.csv"));
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override {
    std::string url = "sqlite:" + dir_->File("s" + std::to_string(++n_) + ".sqlite");
    if (GetParam() == "postgresql") {
      std::string why;
      testing::PgCluster* pg = testing::SharedPostgres(&why);
      ASSERT_NE(pg, nullptr) << why;
      auto db = pg->NewDatabase();
      ASSERT_TRUE(db.ok());
      url = *db;
    }
    auto st = store::Store::Open(url);
    ASSERT_TRUE(st.ok() && (*st)->Migrate().ok());
    ServiceOptions o;
    o.snapshot = dir_->File("d.snap");
    o.store = url;
    o.rate_per_second = 1e6, o.rate_burst = 1e6;
    o.corrections_max_age = std::chrono::milliseconds(100);
    auto s = Service::Create(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
    store_ = service_->store();
  }

  // A user with a password, through the one-time link and the form.
  void AddUser(const std::string& email, const std::string& role, const std::string& password) {
    const std::string token = admin::NewToken();
    ASSERT_TRUE(store_->AddUser(email, role, admin::TokenHash(token), 4102444800, "test").ok());
    HttpResponse r = Post("/admin/set-password",
                          "token=" + token + "&password=" + password + "&password2=" + password);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  HttpResponse Post(const std::string& path, const std::string& body,
                    const std::string& cookie = "", const std::string& client = "test") {
    testing::Headers h = {{"sec-fetch-site", "same-origin"}};
    if (!cookie.empty()) h.emplace_back("cookie", cookie);
    HttpRequest req = testing::MakeRequest("POST", path, body, h);
    req.client = client;
    return service_->Handle(req);
  }
  HttpResponse Get(const std::string& target, const std::string& cookie = "") {
    testing::Headers h;
    if (!cookie.empty()) h.emplace_back("cookie", cookie);
    return service_->Handle(testing::MakeRequest("GET", target, "", h));
  }
  // Signs in; returns "meridian_admin=<token>".
  std::string SignIn(const std::string& email, const std::string& password,
                     const std::string& client = "test") {
    HttpResponse r = Post("/admin/login", "email=" + email + "&password=" + password, "", client);
    EXPECT_EQ(r.status, 303) << r.body;
    const std::string set = HeaderOf(r, "Set-Cookie");
    return set.substr(0, set.find(';'));
  }
  // The CSRF token on a console page.
  static std::string Csrf(const std::string& html) {
    const std::string key = "name=\"csrf\" value=\"";
    const size_t at = html.find(key);
    if (at == std::string::npos) return "";
    return html.substr(at + key.size(), html.find('"', at + key.size()) - at - key.size());
  }
  uint32_t SomeNpi() {
    auto d = service_->data();
    for (size_t i = 0; i < d->snap->size(); ++i)
      if (d->snap->entity(i) != EntityType::kDeactivated) {
        Record rec;
        EXPECT_TRUE(d->snap->GetRecord(i, &rec).ok());
        return rec.npi;
      }
    return 0;
  }

  static TempDir* dir_;
  static int n_;
  std::unique_ptr<Service> service_;
  store::Store* store_ = nullptr;
};
TempDir* AdminTest::dir_ = nullptr;
int AdminTest::n_ = 0;

TEST_P(AdminTest, SignInSetsAStrictSessionAndSignOutEndsIt) {
  AddUser("ed@example.org", "editor", "correct horse battery");
  EXPECT_EQ(Get("/admin").status, 303);  // not signed in: to the sign-in page
  EXPECT_EQ(HeaderOf(Get("/admin"), "Location"), "/admin/login");
  HttpResponse r = Post("/admin/login", "email=ed@example.org&password=correct+horse+battery", "",
                        "203.0.113.9");
  ASSERT_EQ(r.status, 303) << r.body;
  const std::string set = HeaderOf(r, "Set-Cookie");
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(set.find("; Secure"), std::string::npos) << "Secure is dropped only for loopback";
  const std::string local = SignIn("ed@example.org", "correct+horse+battery", "127.0.0.1");
  const std::string cookie = set.substr(0, set.find(';'));
  HttpResponse queue = Get("/admin", cookie);
  ASSERT_EQ(queue.status, 200) << queue.body;
  EXPECT_NE(queue.body.find("Signed in as ed@example.org"), std::string::npos);
  EXPECT_EQ(HeaderOf(queue, "Cache-Control"), "no-store");
  // Sign out: the session is gone on the server, not just the cookie.
  HttpResponse out = Post("/admin/logout", "csrf=" + Csrf(queue.body), cookie);
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(Get("/admin", cookie).status, 303);
  EXPECT_EQ(Get("/admin", local).status, 200);  // another session stays
}

// A token the client brings is never adopted; an expired session is out.
TEST_P(AdminTest, SessionFixationAndExpiry) {
  AddUser("ed@example.org", "editor", "correct horse battery");
  const std::string planted = "meridian_admin=" + admin::NewToken();
  HttpResponse r =
      Post("/admin/login", "email=ed@example.org&password=correct+horse+battery", planted);
  ASSERT_EQ(r.status, 303);
  const std::string set = HeaderOf(r, "Set-Cookie");
  EXPECT_EQ(set.find(planted), std::string::npos);
  EXPECT_EQ(Get("/admin", planted).status, 303);
  EXPECT_EQ(Get("/admin", set.substr(0, set.find(';'))).status, 200);
  const std::string token = admin::NewToken();
  auto user = store_->FindUserByEmail("ed@example.org");
  ASSERT_TRUE(store_->CreateSession({admin::TokenHash(token), user->id, "c", 1, 2}).ok());
  EXPECT_EQ(Get("/admin", "meridian_admin=" + token).status, 303);
}

TEST_P(AdminTest, FormsNeedTheCsrfTokenAndThisSite) {
  AddUser("ed@example.org", "editor", "correct horse battery");
  auto id =
      store_->AddReport({.npi = SomeNpi(), .kind = "closed", .details = "Shut.", .state = "WI"});
  ASSERT_TRUE(id.ok());
  const std::string cookie = SignIn("ed@example.org", "correct+horse+battery");
  const std::string path = "/admin/reports/" + std::to_string(*id);
  HttpResponse page = Get(path, cookie);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Shut."), std::string::npos);
  const std::string csrf = Csrf(page.body);
  ASSERT_EQ(csrf.size(), 43u);
  EXPECT_EQ(Post(path, "status=resolved&note=x", cookie).status, 403);  // missing
  EXPECT_EQ(Post(path, "status=resolved&note=x&csrf=" + admin::NewToken(), cookie).status,
            403);  // wrong
  HttpRequest cross = testing::MakeRequest("POST", path, "status=resolved&csrf=" + csrf,
                                           {{"sec-fetch-site", "cross-site"}, {"cookie", cookie}});
  EXPECT_EQ(service_->Handle(cross).status, 403);  // from another site
  EXPECT_EQ(store_->GetReport(*id)->status, "open");
  EXPECT_EQ(Post(path, "status=resolved&note=Called+them&csrf=" + csrf, cookie).status, 303);
  EXPECT_EQ(store_->GetReport(*id)->status, "resolved");
  auto audit = store_->ListAudit(5);
  EXPECT_EQ((*audit)[0].actor, "ed@example.org");
  EXPECT_EQ((*audit)[0].action, "report.update");
}

// Five wrong passwords lock the account for a while, with the same words
// whether or not the account exists.
TEST_P(AdminTest, LoginThrottlingDoesNotTellAccountsApart) {
  AddUser("ed@example.org", "editor", "correct horse battery");
  HttpResponse wrong_known = Post("/admin/login", "email=ed@example.org&password=nope", "", "a");
  HttpResponse wrong_unknown =
      Post("/admin/login", "email=nobody@example.org&password=nope", "", "b");
  EXPECT_EQ(wrong_known.status, 401);
  EXPECT_EQ(wrong_unknown.status, 401);
  EXPECT_EQ(wrong_known.body, wrong_unknown.body);
  for (int i = 0; i < 4; ++i) {
    Post("/admin/login", "email=ed@example.org&password=nope", "", "c" + std::to_string(i));
    Post("/admin/login", "email=nobody@example.org&password=nope", "", "d" + std::to_string(i));
  }
  HttpResponse locked =
      Post("/admin/login", "email=ed@example.org&password=correct+horse+battery", "", "e");
  HttpResponse locked_unknown =
      Post("/admin/login", "email=nobody@example.org&password=whatever", "", "f");
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked_unknown.status, 429);
  EXPECT_EQ(locked.body, locked_unknown.body);
  EXPECT_NE(locked.body.find("Too many tries"), std::string::npos);
  EXPECT_TRUE(HeaderOf(locked, "Set-Cookie").empty());
  // Per client too: one address trying many accounts.
  for (int i = 0; i < admin::kMaxFailuresPerClient; ++i)
    Post("/admin/login", "email=u" + std::to_string(i) + "@example.org&password=x", "", "g");
  AddUser("al@example.org", "admin", "another long password");
  EXPECT_EQ(
      Post("/admin/login", "email=al@example.org&password=another+long+password", "", "g").status,
      429);
  EXPECT_EQ(
      Post("/admin/login", "email=al@example.org&password=another+long+password", "", "h").status,
      303);
}

TEST_P(AdminTest, EditorsCannotDoAdminOnlyThings) {
  AddUser("ed@example.org", "editor", "correct horse battery");
  AddUser("al@example.org", "admin", "another long password");
  const std::string editor = SignIn("ed@example.org", "correct+horse+battery");
  const std::string admin_cookie = SignIn("al@example.org", "another+long+password");
  EXPECT_EQ(Get("/admin/audit", editor).status, 403);
  HttpResponse audit = Get("/admin/audit", admin_cookie);
  EXPECT_EQ(audit.status, 200);
  EXPECT_NE(audit.body.find("session.start"), std::string::npos);
  // The digest's page: subscribers and runs, for any operator, signed in only.
  EXPECT_EQ(Get("/admin/digest").status, 303);
  ASSERT_TRUE(store_->LeaseDigest("2026-W49", "t", 1, 60).ok());
  ASSERT_TRUE(store_->ClaimSend("2026-W49", "h", "<m>", 2).ok());
  ASSERT_TRUE(store_->FinishSend("2026-W49", "h", "sent", "", 3).ok());
  HttpResponse digest = Get("/admin/digest", editor);
  ASSERT_EQ(digest.status, 200) << digest.body;
  EXPECT_NE(digest.body.find("<td>2026-W49</td>"), std::string::npos);
  EXPECT_NE(digest.body.find("No run is scheduled on this server"), std::string::npos);
  // Short passwords and spent links are refused.
  const std::string token = admin::NewToken();
  ASSERT_TRUE(
      store_->AddUser("new@example.org", "editor", admin::TokenHash(token), 4102444800, "test")
          .ok());
  EXPECT_EQ(
      Post("/admin/set-password", "token=" + token + "&password=short&password2=short").status,
      400);
  EXPECT_EQ(Post("/admin/set-password",
                 "token=" + token + "&password=long+enough+now&password2=long+enough+now")
                .status,
            200);
  EXPECT_EQ(Post("/admin/set-password",
                 "token=" + token + "&password=long+enough+again&password2=long+enough+again")
                .status,
            400);
}

// A correction shows on the profile page and in the API next to what
// NPPES says, survives a reload of the snapshot, and is flagged when NPPES
// changes the field.
TEST_P(AdminTest, CorrectionsShowNextToNppesAndAreFlaggedWhenItChanges) {
  AddUser("ed@example.org", "editor", "correct horse battery");
  const std::string cookie = SignIn("ed@example.org", "correct+horse+battery");
  const std::string npi = NpiToString(SomeNpi());
  HttpResponse form = Get("/admin/providers/" + npi + "/correct", cookie);
  ASSERT_EQ(form.status, 200) << form.body;
  HttpResponse saved = Post("/admin/providers/" + npi + "/correct",
                            "field=phone&value=6085551234&source=called+the+office+on+2026-12-01"
                            "&csrf=" +
                                Csrf(form.body),
                            cookie);
  ASSERT_EQ(saved.status, 303) << saved.body;
  HttpResponse page = Get("/provider/" + npi);
  EXPECT_NE(page.body.find("Correction:</strong> Phone: (608) 555-1234"), std::string::npos)
      << page.body.substr(0, 2000);
  EXPECT_NE(page.body.find("Source: called the office on 2026-12-01"), std::string::npos);
  auto api = nlohmann::json::parse(Get("/api/v1/providers/" + npi).body);
  ASSERT_EQ(api["corrections"].size(), 1u);
  EXPECT_EQ(api["corrections"][0]["value"], "6085551234");
  EXPECT_EQ(api["corrections"][0]["flagged"], false);
  EXPECT_EQ(api["provider"]["practice_location"]["phone"],
            api["corrections"][0]["nppes_value"]);  // NPPES's own value, untouched
  ASSERT_TRUE(service_->Reload().ok());             // the same data again: nothing to flag
  EXPECT_EQ(store_->ListCorrections("active")->size(), 1u);
  // A correction made when NPPES said something else: the next load flags it.
  store::Correction old{.npi = SomeNpi(),
                        .field = "address",
                        .value = "1 New St|Madison|WI|53703",
                        .nppes_value = "9 Old Rd|Madison|WI|53703",
                        .source = "their website",
                        .author = "ed@example.org"};
  ASSERT_TRUE(store_->AddCorrection(old).ok());
  ASSERT_TRUE(service_->Reload().ok());
  auto flagged = store_->ListCorrections("flagged");
  ASSERT_EQ(flagged->size(), 1u);
  EXPECT_EQ((*flagged)[0].field, "address");
  EXPECT_NE((*flagged)[0].flag_reason.find("NPPES now says"), std::string::npos);
  EXPECT_NE(Get("/admin/corrections", cookie).body.find("Flagged"), std::string::npos);
  EXPECT_NE(Get("/provider/" + npi).body.find("NPPES has changed this since"), std::string::npos);
}

// A corrected practice address changes where the listing is found; "no
// longer practising here" takes it out of place searches there. The index
// is rebuilt in the background; Reload() here waits for the same result.
TEST_P(AdminTest, SearchFindsACorrectedAddressWhereItNowIs) {
  const uint32_t npi = SomeNpi();
  const std::string npi_text = NpiToString(npi);
  auto d = service_->data();
  Record rec;
  ASSERT_TRUE(d->snap->GetRecord(static_cast<size_t>(d->snap->Find(npi)), &rec).ok());
  const std::string old_zip = rec.practice.address.postal_code.substr(0, 5);
  const std::string new_zip = old_zip == "99501" ? "33139" : "99501";  // Anchorage or Miami Beach
  auto found = [&](const std::string& zip) {
    auto j =
        nlohmann::json::parse(Get("/api/v1/search?near=" + zip + "&radius=2mi&limit=100").body);
    for (const auto& hit : j["results"])
      if (hit["npi"] == npi_text) return true;
    return false;
  };
  ASSERT_TRUE(found(old_zip));
  ASSERT_FALSE(found(new_zip));
  ASSERT_TRUE(store_
                  ->AddCorrection({.npi = npi,
                                   .field = "address",
                                   .value = "1 Main St|Somewhere|AK|" + new_zip,
                                   .nppes_value = NppesValue(rec, "address"),
                                   .source = "called the office on 2026-12-01",
                                   .author = "ed@example.org"})
                  .ok());
  ASSERT_TRUE(service_->Reload().ok());
  EXPECT_TRUE(found(new_zip));
  EXPECT_FALSE(found(old_zip));
  // FHIR shows the correction next to NPPES's address, on the listing and
  // on its practice location.
  const std::string type = rec.entity == EntityType::kIndividual ? "Practitioner" : "Organization";
  for (const std::string& path :
       {"/fhir/" + type + "/" + npi_text, "/fhir/Location/" + npi_text + "-0"}) {
    auto r = nlohmann::json::parse(Get(path).body);
    bool shown = false;
    for (const auto& ext : r["extension"])
      if (ext["url"] == "urn:meridian:fhir:StructureDefinition:editor-correction")
        for (const auto& sub : ext["extension"])
          shown = shown || (sub["url"] == "value" &&
                            sub["valueString"] == "1 Main St|Somewhere|AK|" + new_zip);
    EXPECT_TRUE(shown) << path << " " << r.dump();
  }
  ASSERT_TRUE(store_
                  ->AddCorrection({.npi = npi,
                                   .field = "not_practising_here",
                                   .value = "",
                                   .nppes_value = "",
                                   .source = "the office said so",
                                   .author = "ed@example.org"})
                  .ok());
  ASSERT_TRUE(service_->Reload().ok());
  EXPECT_FALSE(found(new_zip));
  EXPECT_FALSE(found(old_zip));
  // Without waiting: a search notices the change and rebuilds in the background.
  auto all = store_->ListCorrections("");
  for (const store::Correction& c : *all)
    ASSERT_TRUE(store_->SetCorrectionStatus(c.id, "retired", "", "ed@example.org").ok());
  bool back = false;
  for (int i = 0; i < 200 && !back; ++i) {
    back = found(old_zip);
    if (!back) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(back) << "the background rebuild did not bring the listing back";
}

TEST_P(AdminTest, AdminApiNeedsABearerToken) {
  AddUser("ed@example.org", "editor", "correct horse battery");
  auto user = store_->FindUserByEmail("ed@example.org");
  const std::string token = admin::NewToken();
  ASSERT_TRUE(store_->AddApiToken(user->id, admin::TokenHash(token), "robot", "test").ok());
  auto id = store_->AddReport({.npi = SomeNpi(), .kind = "other", .details = "x"});
  auto call = [&](const std::string& method, const std::string& target, const std::string& body,
                  const std::string& bearer) {
    testing::Headers h;
    if (!bearer.empty()) h.emplace_back("authorization", "Bearer " + bearer);
    if (method == "POST") h.emplace_back("content-type", "application/json");
    return service_->Handle(testing::MakeRequest(method, target, body, h));
  };
  // A body that does not say it is JSON: 415, whoever sends it.
  EXPECT_EQ(
      service_
          ->Handle(testing::MakeRequest("POST", "/api/v1/admin/reports/1", "status=rejected",
                                        {{"authorization", "Bearer " + token},
                                         {"content-type", "application/x-www-form-urlencoded"}}))
          .status,
      415);
  EXPECT_EQ(call("GET", "/api/v1/admin/reports", "", "").status, 401);
  EXPECT_EQ(call("GET", "/api/v1/admin/reports", "", admin::NewToken()).status, 401);
  HttpResponse list = call("GET", "/api/v1/admin/reports?status=open", "", token);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(nlohmann::json::parse(list.body)["reports"].size(), 1u);
  HttpResponse upd = call("POST", "/api/v1/admin/reports/" + std::to_string(*id),
                          "{\"status\":\"rejected\",\"note\":\"spam\"}", token);
  ASSERT_EQ(upd.status, 200) << upd.body;
  EXPECT_EQ(nlohmann::json::parse(upd.body)["status"], "rejected");
  EXPECT_EQ(
      call("POST", "/api/v1/admin/reports/" + std::to_string(*id), "{\"status\":7}", token).status,
      400);
  HttpResponse fix = call("POST", "/api/v1/admin/corrections",
                          "{\"npi\":\"" + NpiToString(SomeNpi()) +
                              "\",\"field\":\"no_dry_needling\",\"value\":\"\",\"source\":"
                              "\"asked at the front desk\"}",
                          token);
  ASSERT_EQ(fix.status, 201) << fix.body;
  EXPECT_EQ(nlohmann::json::parse(fix.body)["author"], "ed@example.org");
  EXPECT_EQ(call("GET", "/api/v1/admin/corrections?status=active", "", token).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, AdminTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace meridian
