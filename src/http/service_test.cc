#include "http/service.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "http/routes.h"
#include "query/query.h"
#include "testing/http_test_util.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using nlohmann::json;
using testing::TempDir;

// One service over the 99 real NPPES rows for the whole suite.
class ServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir_->File("s.snap"));
    ServiceOptions o;
    o.snapshot = dir_->File("s.snap");
    o.admin_token = "sesame";
    o.rate_per_second = 1000, o.rate_burst = 1000;
    auto s = Service::Create(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value().release();
  }
  static void TearDownTestSuite() {
    delete service_;
    delete dir_;
  }
  static HttpResponse Get(const std::string& target, testing::Headers headers = {}) {
    return service_->Handle(testing::MakeRequest("GET", target, "", std::move(headers)));
  }
  // API bodies are sent as JSON (Content-Type: application/json) unless
  // the test gives its own headers.
  static HttpResponse Post(const std::string& path, const std::string& body,
                           testing::Headers headers = {}) {
    if (headers.empty() && path.starts_with("/api/"))
      headers.emplace_back("content-type", "application/json");
    return service_->Handle(testing::MakeRequest("POST", path, body, std::move(headers)));
  }
  static std::string HeaderOf(const HttpResponse& r, const std::string& name) {
    return testing::HeaderOf(r, name);
  }
  static TempDir* dir_;
  static Service* service_;
};
TempDir* ServiceTest::dir_ = nullptr;
Service* ServiceTest::service_ = nullptr;

TEST_F(ServiceTest, HealthReadinessAndMetrics) {
  EXPECT_EQ(Get("/healthz").status, 200);
  HttpResponse ready = Get("/readyz");
  ASSERT_EQ(ready.status, 200);
  EXPECT_EQ(json::parse(ready.body)["records"], 99);
  // The version served, in /readyz and on every response (the file's name).
  const std::string version = json::parse(ready.body)["snapshot"].get<std::string>();
  EXPECT_TRUE(version.ends_with(".snap")) << version;
  EXPECT_EQ(version.find('/'), std::string::npos);
  EXPECT_EQ(HeaderOf(ready, "X-Meridian-Snapshot"), version);
  EXPECT_EQ(HeaderOf(Get("/api/v1/search?state=TX"), "X-Meridian-Snapshot"), version);
  EXPECT_EQ(HeaderOf(Get("/no/such/page"), "X-Meridian-Snapshot"), version);
  HttpResponse m = Get("/metrics");
  EXPECT_EQ(m.content_type, "text/plain; version=0.0.4");
  EXPECT_NE(m.body.find("meridian_requests_total{route=\"search\",code=\"2xx\"}"),
            std::string::npos);
  EXPECT_NE(m.body.find("meridian_request_seconds_bucket{route=\"search\",le=\"+Inf\"}"),
            std::string::npos);
  EXPECT_NE(m.body.find("meridian_snapshot_records 99"), std::string::npos);
  EXPECT_NE(m.body.find("meridian_snapshot_age_seconds"), std::string::npos);
  EXPECT_NE(m.body.find("meridian_snapshot_info{version=\"" + version + "\"} 1"),
            std::string::npos);
}

TEST_F(ServiceTest, SearchAnswersAndBadParametersAre400WithTheParamNamed) {
  HttpResponse ok = Get("/api/v1/search?state=TX&entity=organization&limit=2");
  ASSERT_EQ(ok.status, 200) << ok.body;
  json j = json::parse(ok.body);
  EXPECT_GT(j["total"].get<int>(), 0);
  EXPECT_LE(j["results"].size(), 2u);
  EXPECT_TRUE(j.contains("facets") && j.contains("took_us"));
  EXPECT_EQ(HeaderOf(ok, "Access-Control-Allow-Origin"), "*");
  HttpResponse bad = Get("/api/v1/search?modality=reiki");
  ASSERT_EQ(bad.status, 400);
  json e = json::parse(bad.body)["error"];
  EXPECT_EQ(e["param"], "modality");
  EXPECT_EQ(e["code"], "bad_parameter");
  EXPECT_FALSE(e["suggestions"].empty());
  HttpResponse place = Get("/api/v1/search?city=Nowhereville");
  ASSERT_EQ(place.status, 400);
  EXPECT_EQ(json::parse(place.body)["error"]["param"], "city");
  EXPECT_EQ(Get("/api/v1/search?near=%zz").status, 400);
  EXPECT_EQ(Get("/api/v1/search?bogus=1").status, 400);
}

TEST_F(ServiceTest, ProviderRecordWithKnowledgeEtagAndGone) {
  HttpResponse r = Get("/api/v1/providers/1114920261");  // a D.O. in the real sample
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  EXPECT_EQ(j["provider"]["npi"], "1114920261");
  EXPECT_EQ(j["self_reported"], true);
  EXPECT_EQ(j["knowledge"]["cards"][0]["id"], "do");
  const std::string etag = HeaderOf(r, "ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(Get("/api/v1/providers/1114920261", {{"if-none-match", etag}}).status, 304);
  EXPECT_EQ(Get("/api/v1/providers/1999999999").status, 404);
  EXPECT_EQ(Get("/api/v1/providers/12345").status, 400);
  // A deactivated row of the sample: 410 with its date.
  Record rec;
  auto d = service_->data();
  for (size_t i = 0; i < d->snap->size(); ++i)
    if (d->snap->entity(i) == EntityType::kDeactivated) {
      HttpResponse g = Get("/api/v1/providers/" + NpiToString(d->snap->npi(i)));
      ASSERT_EQ(g.status, 410) << g.body;
      EXPECT_TRUE(json::parse(g.body)["error"].contains("deactivation_date"));
      break;
    }
}

TEST_F(ServiceTest, ReferenceRoutes) {
  json t = json::parse(Get("/api/v1/taxonomies").body);
  EXPECT_EQ(t["taxonomies"].size(), 883u);
  json m = json::parse(Get("/api/v1/modalities").body);
  EXPECT_EQ(m["modalities"].size(), 7u);
  json s = json::parse(Get("/api/v1/states/wi/rules").body);
  EXPECT_EQ(s["name"], "Wisconsin");
  EXPECT_EQ(s["rules"].size(), 6u);
  for (const json& r : s["rules"]) EXPECT_FALSE(r["sources"].empty());
  EXPECT_EQ(Get("/api/v1/states/PR/rules").status, 404);
  json c = json::parse(Get("/api/v1/credentials").body);
  EXPECT_GE(c["credentials"].size(), 17u);
  json zip = json::parse(Get("/api/v1/places?q=537").body);
  ASSERT_FALSE(zip["places"].empty());
  EXPECT_EQ(zip["places"][0]["label"].get<std::string>().substr(0, 3), "537");
  EXPECT_EQ(Get("/api/v1/places?q=5").status, 400);
  EXPECT_EQ(Get("/api/v1/places").status, 400);
  EXPECT_EQ(Get("/api/v1/guide").status, 200);
}

TEST_F(ServiceTest, GuideAnswersValidateTheBody) {
  HttpResponse ok = Post(
      "/api/v1/guide/answers",
      R"({"answers":{"where":"low_back","cautions":["blood_thinners"],"red_flags":["fever"]}})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  json j = json::parse(ok.body);
  EXPECT_EQ(j["urgent"][0]["id"], "urgent_fever");
  EXPECT_EQ(j["options"].size(), 7u);
  for (const char* body : {"not json", "[]", R"({"answers":5})", R"({"extra":1})",
                           R"({"answers":{"where":"elbow"}})", R"({"answers":{"where":[1]}})"}) {
    HttpResponse bad = Post("/api/v1/guide/answers", body);
    EXPECT_EQ(bad.status, 400) << body;
    EXPECT_TRUE(json::parse(bad.body).contains("error")) << body;
  }
  EXPECT_EQ(
      json::parse(
          Post("/api/v1/guide/answers", R"({"answers":{"where":"elbow"}})").body)["error"]["param"],
      "answers.where");
}

TEST_F(ServiceTest, UnknownPathsMethodsAndParameters) {
  EXPECT_EQ(Get("/nope").status, 404);
  HttpResponse m = Post("/api/v1/search", "");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(HeaderOf(m, "Allow"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(json::parse(m.body)["error"]["code"], "method_not_allowed");
  HttpResponse x = Get("/api/v1/taxonomies?x=1");
  EXPECT_EQ(x.status, 400);
  EXPECT_EQ(json::parse(x.body)["error"]["param"], "x");
  EXPECT_EQ(Get("/api/v1/search?near=10001&utm_source=newsletter").status, 400);
}

// Shared and newsletter links carry tracking parameters; pages ignore what
// they do not take instead of showing an error page (they answered 400).
// Found by http_fuzz: a path with bytes that are not UTF-8 was echoed into
// the error message, and the body was not JSON. Each must parse now.
TEST_F(ServiceTest, PathsThatAreNotUtf8StillGetJsonErrors) {
  for (const char* target : {"/fhir/Pr\xff"
                             "ct",
                             "/fhir/Practitioner/12\xc3", "/api/v1/states/W\xff/rules",
                             "/api/v1/articles/a\xff", "/api/v1/providers/\xe2\x82"}) {
    HttpResponse r = Get(target);
    EXPECT_GE(r.status, 400) << target;
    EXPECT_TRUE(json::accept(r.body)) << target << ": " << r.body;
  }
}

TEST_F(ServiceTest, PagesIgnoreParametersTheyDoNotTake) {
  for (const char* target :
       {"/?utm_source=newsletter", "/search?where=10001&utm_source=newsletter&utm_medium=email",
        "/guide?fbclid=abc", "/about?ref=share", "/provider/1114920261?utm_campaign=x"}) {
    HttpResponse r = Get(target);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.content_type.rfind("text/html", 0), 0u) << target;
  }
  // The parameters a page does take still count.
  HttpResponse s = Get("/search?where=10001&utm_source=newsletter&care=chiropractic");
  EXPECT_NE(s.body.find("10001"), std::string::npos);
}

// One error path: every API error body is built from a Status, with the
// code word, the parameter and the HTTP status that Status maps to.
TEST_F(ServiceTest, ApiErrorsCarryCodeParamAndSuggestions) {
  struct Case {
    std::string target;
    int status;
    std::string code, param;
    bool suggestions;
  };
  const Case cases[] = {
      {"/api/v1/search?modality=reiki", 400, "bad_parameter", "modality", true},
      {"/api/v1/search?near=1", 400, "bad_parameter", "near", false},
      {"/api/v1/search?near=%ZZ", 400, "bad_query_string", "", false},
      {"/api/v1/providers/12", 400, "bad_parameter", "npi", false},
      {"/api/v1/providers/1234567893", 404, "not_found", "npi", false},
      {"/api/v1/states/ZZ/rules", 404, "not_found", "state", false},
      {"/api/v1/places", 400, "bad_parameter", "q", false},
      {"/api/v1/nope", 404, "not_found", "", false},
  };
  for (const Case& c : cases) {
    HttpResponse r = Get(c.target);
    EXPECT_EQ(r.status, c.status) << c.target;
    auto e = json::parse(r.body)["error"];
    EXPECT_EQ(e["code"], c.code) << c.target;
    if (c.param.empty())
      EXPECT_TRUE(e["param"].is_null()) << c.target;
    else
      EXPECT_EQ(e["param"], c.param) << c.target;
    EXPECT_EQ(e.contains("suggestions"), c.suggestions) << c.target;
    EXPECT_FALSE(e["message"].get<std::string>().empty()) << c.target;
  }
  // The guide names the question that was answered wrongly and its choices.
  auto g = json::parse(Post("/api/v1/guide/answers", R"({"answers":{"where":"elbow"}})").body);
  EXPECT_EQ(g["error"]["param"], "answers.where");
  EXPECT_EQ(g["error"]["suggestions"][0], "low_back");
}

// Everything a request reads is built while loading: the first request
// after a load or reload pays for nothing, and nothing in a Dataset changes
// once it serves.
TEST_F(ServiceTest, LinksAndNameOrderAreBuiltBeforeServing) {
  std::shared_ptr<const Dataset> d = service_->data();
  d->index->WaitForBackgroundWork();  // the place postings land once, on their own schedule
  const size_t before = d->index->memory_bytes();
  ASSERT_EQ(Get("/api/v1/search?state=TX&sort=name&limit=3").status, 200);
  EXPECT_EQ(d->index->memory_bytes(), before);  // the name rank was built by that search
  EXPECT_EQ(d->index->NameRank().size(), d->snap->size());
}

TEST_F(ServiceTest, AdminReloadNeedsTheTokenAndSwaps) {
  EXPECT_EQ(Post("/admin/reload", "").status, 401);
  EXPECT_EQ(Post("/admin/reload", "", {{"authorization", "Bearer wrong"}}).status, 401);
  auto before = service_->data();
  HttpResponse r = Post("/admin/reload", "", {{"authorization", "Bearer sesame"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(service_->data(), before);   // a new dataset...
  EXPECT_EQ(before->snap->size(), 99u);  // ...the old one still valid for its holders
  EXPECT_EQ(service_->data()->snap->size(), 99u);
}

// A bad snapshot on disk is refused; the old one keeps serving.
TEST(ServiceReload, BadSnapshotIsRefusedAndTheOldKeepsServing) {
  TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("s.snap"));
  ServiceOptions o;
  o.snapshot = dir.File("s.snap");
  auto s = Service::Create(o);
  ASSERT_TRUE(s.ok());
  std::string bytes = testing::ReadAll(dir.File("s.snap"));
  bytes[bytes.size() / 2] ^= 0x40;  // one flipped bit
  // Put in place as snapshots are (a new file renamed over the old): the
  // serving one stays mapped, and rewriting it in place would pull pages
  // from under the index's background work (SIGBUS while it is truncated).
  testing::WriteAll(dir.File("bad.snap"), bytes);
  std::filesystem::rename(dir.File("bad.snap"), dir.File("s.snap"));
  Status r = (*s)->Reload();
  EXPECT_FALSE(r.ok());
  HttpRequest req;
  req.method = "GET", req.path = "/api/v1/search", req.query = "state=TX";
  EXPECT_EQ((*s)->Handle(req).status, 200);
  EXPECT_NE((*s)->MetricsText().find("meridian_reloads_total{result=\"failed\"} 1"),
            std::string::npos);
}

// A search past the work bound (ServiceOptions::search_budget): the API says
// 400 too_broad and what to narrow, the page says it in plain words, and a
// narrower search still answers.
TEST(ServiceSearchBudget, BroadSearchesAre400TooBroadAndNarrowOnesAnswer) {
  TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("s.snap"));
  ServiceOptions o;
  o.snapshot = dir.File("s.snap");
  o.rate_per_second = 1000, o.rate_burst = 1000;
  o.search_budget = 150;  // less than reading the 99 rows (2 units each)
  auto s = Service::Create(o);
  ASSERT_TRUE(s.ok());
  auto get = [&](const std::string& target) {
    return (*s)->Handle(testing::MakeRequest("GET", target, "", {}));
  };
  HttpResponse broad = get("/api/v1/search?sort=name");
  ASSERT_EQ(broad.status, 400) << broad.body;
  json e = json::parse(broad.body)["error"];
  EXPECT_EQ(e["code"], "too_broad");
  EXPECT_TRUE(e["param"].is_null());
  EXPECT_NE(e["message"].get<std::string>().find("add a place"), std::string::npos);
  HttpResponse words = get("/api/v1/search?q=a");
  ASSERT_EQ(words.status, 400) << words.body;
  EXPECT_EQ(json::parse(words.body)["error"]["param"], "q");
  HttpResponse page = get("/search?where=10001&name=a&radius=500");
  EXPECT_EQ(page.status, 400);
  EXPECT_NE(page.body.find("too many providers for us to sort"), std::string::npos);
  // A near search by distance costs a few units per site: it answers.
  HttpResponse near = get("/api/v1/search?near=10001&radius=5&limit=1");
  EXPECT_EQ(near.status, 200) << near.body;
}

TEST(ServiceRateLimit, ExpensiveRoutesGet429WithRetryAfter) {
  TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("s.snap"));
  ServiceOptions o;
  o.snapshot = dir.File("s.snap");
  o.rate_per_second = 1, o.rate_burst = 3;
  auto s = Service::Create(o);
  ASSERT_TRUE(s.ok());
  HttpRequest req;
  req.method = "GET", req.path = "/api/v1/search", req.query = "state=TX", req.client = "a";
  for (int i = 0; i < 3; ++i) EXPECT_EQ((*s)->Handle(req).status, 200);
  HttpResponse limited = (*s)->Handle(req);
  EXPECT_EQ(limited.status, 429);
  bool retry = false;
  for (const auto& [k, v] : limited.headers) retry = retry || (k == "Retry-After" && v == "1");
  EXPECT_TRUE(retry);
  req.client = "b";  // another client is not affected
  EXPECT_EQ((*s)->Handle(req).status, 200);
  HttpRequest cheap;
  cheap.method = "GET", cheap.path = "/api/v1/credentials", cheap.client = "a";
  EXPECT_EQ((*s)->Handle(cheap).status, 200);  // cheap routes are not limited
}

// FHIR through the service: its content type, CORS, OperationOutcome
// errors even before a FHIR handler runs (unknown path, method, rate), and
// POST _search with a form body.
TEST_F(ServiceTest, FhirRoutesAnswerFhirJsonAndErrorsAreOperationOutcomes) {
  HttpResponse cap = Get("/fhir/metadata");
  ASSERT_EQ(cap.status, 200) << cap.body;
  EXPECT_EQ(cap.content_type, "application/fhir+json; charset=utf-8");
  EXPECT_EQ(json::parse(cap.body)["resourceType"], "CapabilityStatement");
  EXPECT_EQ(HeaderOf(cap, "Access-Control-Allow-Origin"), "*");
  HttpResponse search = Get("/fhir/Practitioner?address-state=TX&_count=2", {{"host", "h.test"}});
  ASSERT_EQ(search.status, 200) << search.body;
  json b = json::parse(search.body);
  EXPECT_EQ(b["type"], "searchset");
  EXPECT_TRUE(
      b["entry"][0]["fullUrl"].get<std::string>().starts_with("http://h.test/fhir/Practitioner/"));
  for (const auto& [target, status] : std::vector<std::pair<std::string, int>>{
           {"/fhir/Practitioner/1/2/3", 404}, {"/fhir", 404}, {"/fhir/Practitioner?foo=1", 400}}) {
    HttpResponse r = Get(target);
    EXPECT_EQ(r.status, status) << target;
    EXPECT_EQ(json::parse(r.body)["resourceType"], "OperationOutcome") << target;
  }
  HttpResponse wrong = Post("/fhir/Practitioner", "");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(json::parse(wrong.body)["resourceType"], "OperationOutcome");
  HttpResponse posted = Post("/fhir/Practitioner/_search", "address-state=TX&_count=2",
                             {{"content-type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(json::parse(posted.body)["entry"],
            json::parse(Get("/fhir/Practitioner?address-state=TX&_count=2").body)["entry"]);
  EXPECT_EQ(Post("/fhir/Practitioner/_search", "{}", {{"content-type", "application/json"}}).status,
            400);
  // $export as clients may encode it.
  HttpResponse kick = Get("/fhir/%24export");
  EXPECT_EQ(kick.status, 400);
  EXPECT_NE(kick.body.find("respond-async"), std::string::npos) << kick.body;
  HttpResponse status = Get("/fhir/%24export-status/abc");
  EXPECT_EQ(status.status, 404);
  EXPECT_NE(status.body.find("no export abc"), std::string::npos) << status.body;
}

// Golden request -> response files over the real sample (reviewed like
// code; regenerate with MERIDIAN_UPDATE_GOLDEN=1).
TEST_F(ServiceTest, GoldenResponses) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"provider_do", "/api/v1/providers/1114920261"},
      {"state_rules_wi", "/api/v1/states/WI/rules"},
      {"search_tx_orgs", "/api/v1/search?state=TX&entity=organization&limit=3"},
      {"search_bad_radius", "/api/v1/search?near=53703&radius=900mi"},
      {"places_madison", "/api/v1/places?q=537"},
  };
  for (const auto& [name, target] : cases) {
    HttpResponse r = Get(target);
    json j = json::parse(r.body);
    if (j.contains("took_us")) j["took_us"] = 0;  // the one field that varies
    const std::string got =
        "GET " + target + "\n" + std::to_string(r.status) + "\n" + j.dump(1) + "\n";
    const std::string path = testing::SourceDir() + "/tests/golden/http/" + name + ".txt";
    if (std::getenv("MERIDIAN_UPDATE_GOLDEN") != nullptr) testing::WriteAll(path, got);
    EXPECT_EQ(got, testing::ReadAll(path)) << name;
  }
}

}  // namespace
}  // namespace meridian

namespace meridian {
namespace {

// The access log and the error log hold what an operator needs and nothing
// a person typed or where they came from: no query text, no path
// arguments, no bodies, no client address.
TEST(ServiceLogs, NeverHoldQueryTextOrClientAddress) {
  testing::TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("s.snap"));
  std::FILE* access = std::fopen(dir.File("access.log").c_str(), "w+");
  std::FILE* errors = std::fopen(dir.File("error.log").c_str(), "w+");
  ASSERT_TRUE(access && errors);
  ServiceOptions o;
  o.snapshot = dir.File("s.snap");
  o.access_log = access;
  o.error_log = errors;
  o.before_dispatch = [](const HttpRequest& req) {
    if (req.path == "/api/v1/credentials") throw std::out_of_range("Zyxwvut");
  };
  auto s = Service::Create(o);
  ASSERT_TRUE(s.ok());
  const std::string secret = "Zyxwvut", address = "203.0.113.77";
  std::vector<HttpRequest> requests = {
      testing::MakeRequest("GET", "/api/v1/search?q=" + secret + "&near=10001"),
      testing::MakeRequest("GET", "/search?where=" + secret),
      testing::MakeRequest("GET", "/api/v1/providers/" + secret),
      testing::MakeRequest("GET", "/" + secret),
      testing::MakeRequest("POST", "/api/v1/guide/answers",
                           R"({"answers":{"where":")" + secret + "\"}}"),
      testing::MakeRequest("GET", "/api/v1/credentials?x=" + secret),
      testing::MakeRequest("GET", "/api/v1/credentials"),
  };
  for (HttpRequest& r : requests) {
    r.client = address;
    (*s)->Handle(r);
  }
  s->reset();
  std::fclose(access);
  std::fclose(errors);
  const std::string log = testing::ReadAll(dir.File("access.log"));
  const std::string err = testing::ReadAll(dir.File("error.log"));
  size_t lines = 0;
  for (size_t at = 0, nl; (nl = log.find('\n', at)) != std::string::npos; at = nl + 1, ++lines)
    EXPECT_FALSE(json::parse(log.substr(at, nl - at), nullptr, false).is_discarded());
  EXPECT_EQ(lines, requests.size());
  EXPECT_NE(log.find("\"route\":\"search\""), std::string::npos) << log;
  EXPECT_NE(err.find("std::out_of_range"), std::string::npos) << err;
  for (const std::string* text : {&log, &err}) {
    EXPECT_EQ(text->find(secret), std::string::npos) << *text;
    EXPECT_EQ(text->find(address), std::string::npos) << *text;
    EXPECT_EQ(text->find("10001"), std::string::npos) << *text;
  }
}

}  // namespace
}  // namespace meridian
