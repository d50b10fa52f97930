// HTTP semantics over a real socket (issue 20): HEAD, OPTIONS and CORS
// preflights, Date, ETags and If-None-Match, 414/415, Link, RateLimit-*,
// X-Request-Id, cursors bound to their search, enumerated values in any case.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "http/server.h"
#include "testing/loopback.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using nlohmann::json;
using testing::BodyOf;
using testing::RawHeader;
using testing::StatusOf;

class HttpSemantics : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir_.File("s.snap"));
  }
  void Start(double rate = 10000, double burst = 10000) {
    ServiceOptions so;
    so.snapshot = dir_.File("s.snap");
    so.rate_per_second = rate, so.rate_burst = burst;
    so.error_log = nullptr;
    auto s = Service::Create(so);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
    ServerOptions o;
    o.port = 0;
    server_ = std::make_unique<Server>(service_.get(), o);
    ASSERT_TRUE(server_->Start().ok());
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    if (server_ == nullptr) return;
    server_->Stop();
    thread_.join();
  }
  // One request on its own connection; the whole raw response.
  std::string Send(const std::string& method, const std::string& target,
                   const std::string& headers = "", const std::string& body = "") {
    const int fd = testing::ConnectLoopback(server_->port(), 5);
    EXPECT_GE(fd, 0);
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers;
    if (!body.empty() || method == "POST")
      req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "Connection: close\r\n\r\n" + body;
    testing::SendAll(fd, req);
    std::string r = testing::ReadToClose(fd);
    ::close(fd);
    return r;
  }
  std::string Get(const std::string& target, const std::string& headers = "") {
    return Send("GET", target, headers);
  }

  testing::TempDir dir_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(HttpSemantics, HeadAnswersWhereverGetDoesWithTheSameHeadersAndNoBody) {
  Start();
  // (Not a search here: its took_us may differ in length between two calls.)
  for (const char* target : {"/healthz", "/api/v1/providers/1114920261", "/api/v1/taxonomies", "/",
                             "/articles", "/api/v1/openapi.json", "/fhir/metadata"}) {
    const std::string get = Get(target), head = Send("HEAD", target);
    EXPECT_EQ(StatusOf(head), StatusOf(get)) << target;
    EXPECT_EQ(RawHeader(head, "Content-Type"), RawHeader(get, "Content-Type")) << target;
    // The length GET's body has, and no body.
    EXPECT_EQ(RawHeader(head, "Content-Length"), std::to_string(BodyOf(get).size())) << target;
    EXPECT_EQ(BodyOf(head), "") << target;
  }
  EXPECT_EQ(StatusOf(Send("HEAD", "/api/v1/nope")), 404);
  const std::string search = Send("HEAD", "/api/v1/search?state=TX");
  EXPECT_EQ(StatusOf(search), 200);
  EXPECT_GT(std::stoul(RawHeader(search, "Content-Length")), 100u);
  EXPECT_EQ(BodyOf(search), "");
}

TEST_F(HttpSemantics, OptionsAndCorsPreflightLetBrowserAppsPostJson) {
  Start();
  const std::string pre = Send("OPTIONS", "/api/v1/guide/answers",
                               "Origin: https://app.example\r\n"
                               "Access-Control-Request-Method: POST\r\n"
                               "Access-Control-Request-Headers: content-type\r\n");
  EXPECT_EQ(StatusOf(pre), 204) << pre;
  EXPECT_EQ(RawHeader(pre, "Access-Control-Allow-Origin"), "*");
  EXPECT_NE(RawHeader(pre, "Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(RawHeader(pre, "Access-Control-Allow-Headers").find("Content-Type"), std::string::npos);
  EXPECT_EQ(RawHeader(pre, "Access-Control-Max-Age"), "86400");
  EXPECT_EQ(BodyOf(pre), "");
  // Plain OPTIONS: what the path allows.
  EXPECT_EQ(RawHeader(Send("OPTIONS", "/api/v1/search"), "Allow"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(RawHeader(Send("OPTIONS", "/api/v1/guide/answers"), "Allow"), "POST, OPTIONS");
  EXPECT_EQ(RawHeader(Send("OPTIONS", "/guide"), "Allow"), "GET, HEAD, POST, OPTIONS");
  EXPECT_EQ(StatusOf(Send("OPTIONS", "*")), 204);
  EXPECT_EQ(StatusOf(Send("OPTIONS", "/api/v1/nope")), 404);
  // Pages are not shared with other origins, preflight or not.
  bool found = true;
  RawHeader(Send("OPTIONS", "/guide",
                 "Origin: https://app.example\r\nAccess-Control-Request-Method: POST\r\n"),
            "Access-Control-Allow-Origin", &found);
  EXPECT_FALSE(found);
  // 405 names every method the path takes.
  const std::string wrong = Send("DELETE", "/api/v1/search");
  EXPECT_EQ(StatusOf(wrong), 405);
  EXPECT_EQ(RawHeader(wrong, "Allow"), "GET, HEAD, OPTIONS");
}

TEST_F(HttpSemantics, CorsAndDateOnEveryApiAnswerErrorsIncluded) {
  Start();
  const std::vector<std::pair<std::string, int>> cases = {
      {Get("/api/v1/search?state=TX"), 200},
      {Get("/api/v1/nope"), 404},
      {Get("/api/v1/search?sex=X"), 400},
      {Send("POST", "/api/v1/search"), 405},
      {Get("/api/v1/providers/1000000000"), 404},
      {Get("/api/v1/search?q=" + std::string(9000, 'a')), 414},
      {Send("POST", "/api/v1/guide/answers", "Content-Type: application/json\r\n",
            std::string(70000, ' ')),
       413},
      {Get("/fhir/Practitioner?bogus=1"), 400},
  };
  for (const auto& [r, status] : cases) {
    EXPECT_EQ(StatusOf(r), status) << r.substr(0, 300);
    EXPECT_EQ(RawHeader(r, "Access-Control-Allow-Origin"), "*") << r.substr(0, 300);
    const std::string expose = RawHeader(r, "Access-Control-Expose-Headers");
    for (const char* h : {"ETag", "Retry-After", "Link", "RateLimit-Remaining", "X-Request-Id"})
      EXPECT_NE(expose.find(h), std::string::npos) << h << " in " << r.substr(0, 300);
    // RFC 9110 6.6.1: "Sun, 06 Nov 1994 08:49:37 GMT".
    const std::string date = RawHeader(r, "Date");
    EXPECT_EQ(date.size(), 29u) << r.substr(0, 300);
    EXPECT_TRUE(date.ends_with(" GMT")) << date;
  }
  EXPECT_EQ(RawHeader(Get("/"), "Date").size(), 29u);
  bool found = true;
  RawHeader(Get("/"), "Access-Control-Allow-Origin", &found);
  EXPECT_FALSE(found);
}

TEST_F(HttpSemantics, ProbesAndMetricsAreNeverCached) {
  Start();
  for (const char* t : {"/healthz", "/readyz", "/metrics"}) {
    const std::string r = Get(t);
    EXPECT_EQ(StatusOf(r), 200) << t;
    EXPECT_EQ(RawHeader(r, "Cache-Control"), "no-store") << t;
    bool found = true;
    RawHeader(r, "ETag", &found);
    EXPECT_FALSE(found) << t;
  }
}

TEST_F(HttpSemantics, EntityTagsRevalidateWithWeakComparisonStarAndLists) {
  Start();
  for (const char* target : {"/api/v1/search?state=TX&limit=3", "/api/v1/providers/1114920261",
                             "/api/v1/taxonomies", "/articles", "/fhir/metadata"}) {
    const std::string first = Get(target);
    ASSERT_EQ(StatusOf(first), 200) << target;
    const std::string tag = RawHeader(first, "ETag");
    ASSERT_TRUE(tag.starts_with("W/\"")) << target << ": " << tag;
    EXPECT_EQ(RawHeader(first, "Vary"), "Accept-Encoding") << target;
    EXPECT_EQ(RawHeader(Get(target), "ETag"), tag) << target;  // stable
    for (const std::string& inm : {tag, tag.substr(2), "\"other\", " + tag, std::string("*")}) {
      const std::string again = Get(target, "If-None-Match: " + inm + "\r\n");
      EXPECT_EQ(StatusOf(again), 304) << target << " with " << inm;
      EXPECT_EQ(BodyOf(again), "") << target;
      EXPECT_EQ(RawHeader(again, "ETag"), tag) << target;
      EXPECT_EQ(RawHeader(again, "Cache-Control"), RawHeader(first, "Cache-Control")) << target;
    }
    EXPECT_EQ(StatusOf(Get(target, "If-None-Match: \"other\"\r\n")), 200) << target;
    // The gzip representation has its own tag; one never validates the other.
    const std::string zipped = Get(target, "Accept-Encoding: gzip\r\n");
    const std::string ztag = RawHeader(zipped, "ETag");
    EXPECT_NE(ztag, tag) << target;
    EXPECT_EQ(StatusOf(Get(target, "Accept-Encoding: gzip\r\nIf-None-Match: " + ztag + "\r\n")),
              304);
    EXPECT_EQ(StatusOf(Get(target, "If-None-Match: " + ztag + "\r\n")), 200) << target;
  }
  // Another search, another tag; errors carry none.
  EXPECT_NE(RawHeader(Get("/api/v1/search?state=TX&limit=2"), "ETag"),
            RawHeader(Get("/api/v1/search?state=TX&limit=3"), "ETag"));
  bool found = true;
  RawHeader(Get("/api/v1/search?sex=X"), "ETag", &found);
  EXPECT_FALSE(found);
  // New data, new tags: a reload of another snapshot at the same path.
  const std::string before = RawHeader(Get("/api/v1/search?state=TX&limit=3"), "ETag");
  testing::WriteAll(
      dir_.File("fewer.csv"),
      testing::ReadAll(testing::TestData("npidata_sample_99.csv"))
          .substr(0,
                  testing::ReadAll(testing::TestData("npidata_sample_99.csv")).rfind('\n', 20000)));
  testing::IngestOrDie(dir_.File("fewer.csv"), dir_.File("s.snap"));
  ASSERT_TRUE(service_->Reload().ok());
  EXPECT_NE(RawHeader(Get("/api/v1/search?state=TX&limit=3"), "ETag"), before);
  EXPECT_EQ(StatusOf(Get("/api/v1/search?state=TX&limit=3", "If-None-Match: " + before + "\r\n")),
            200);
}

TEST_F(HttpSemantics, JsonRoutesTakeOnlyJsonBodies) {
  Start();
  const std::string body = R"({"answers":{}})";
  const std::string plain =
      Send("POST", "/api/v1/guide/answers", "Content-Type: text/plain\r\n", body);
  EXPECT_EQ(StatusOf(plain), 415) << plain;
  EXPECT_EQ(RawHeader(plain, "Accept-Post"), "application/json");
  EXPECT_EQ(json::parse(BodyOf(plain))["error"]["code"], "unsupported_media_type");
  EXPECT_EQ(StatusOf(Send("POST", "/api/v1/guide/answers", "", body)), 415);  // none given
  for (const char* type :
       {"application/json", "application/json; charset=utf-8", "Application/JSON"}) {
    const std::string r =
        Send("POST", "/api/v1/guide/answers", std::string("Content-Type: ") + type + "\r\n", body);
    EXPECT_NE(StatusOf(r), 415) << type;
  }
}

TEST_F(HttpSemantics, RateLimitHeadersSayWhatIsLeft) {
  Start(/*rate=*/0.5, /*burst=*/3);
  int last = 99;
  for (int i = 0; i < 3; ++i) {
    const std::string r = Get("/api/v1/search?state=TX");
    ASSERT_EQ(StatusOf(r), 200) << i;
    EXPECT_EQ(RawHeader(r, "RateLimit-Limit"), "3");
    const int left = std::stoi(RawHeader(r, "RateLimit-Remaining"));
    EXPECT_LT(left, last);
    last = left;
    EXPECT_GE(std::stoi(RawHeader(r, "RateLimit-Reset")), 1);
  }
  const std::string refused = Get("/api/v1/search?state=TX");
  EXPECT_EQ(StatusOf(refused), 429);
  EXPECT_EQ(RawHeader(refused, "RateLimit-Remaining"), "0");
  EXPECT_GE(std::stoi(RawHeader(refused, "Retry-After")), 1);
  // Cheap routes are not limited and say nothing of it.
  bool found = true;
  RawHeader(Get("/api/v1/taxonomies"), "RateLimit-Limit", &found);
  EXPECT_FALSE(found);
}

TEST_F(HttpSemantics, RequestIdsAreEchoedOrMade) {
  Start();
  EXPECT_EQ(RawHeader(Get("/healthz", "X-Request-Id: abc-123.x:y_z\r\n"), "X-Request-Id"),
            "abc-123.x:y_z");
  std::set<std::string> made;
  for (const char* sent : {"", "X-Request-Id: has spaces\r\n", "X-Request-Id: <script>\r\n"}) {
    const std::string id = RawHeader(Get("/healthz", sent), "X-Request-Id");
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(id.find_first_of(" <>"), std::string::npos) << id;
    made.insert(id);
  }
  EXPECT_EQ(made.size(), 3u);  // one per request
}

TEST_F(HttpSemantics, NextLinksAndCursorsBoundToTheirSearch) {
  Start();
  const std::string first = Get("/api/v1/search?state=TX&limit=2&sort=name");
  ASSERT_EQ(StatusOf(first), 200);
  const json page1 = json::parse(BodyOf(first));
  ASSERT_TRUE(page1["next_cursor"].is_string()) << page1.dump();
  const std::string cursor = page1["next_cursor"];
  const std::string link = RawHeader(first, "Link");
  ASSERT_TRUE(link.starts_with("</api/v1/search?")) << link;
  ASSERT_TRUE(link.ends_with(">; rel=\"next\"")) << link;
  const std::string next = link.substr(1, link.find('>') - 1);
  EXPECT_NE(next.find("state=TX"), std::string::npos);
  const std::string second = Get(next);
  ASSERT_EQ(StatusOf(second), 200) << second;
  const json page2 = json::parse(BodyOf(second));
  ASSERT_FALSE(page2["results"].empty());
  EXPECT_NE(page2["results"][0]["npi"], page1["results"][0]["npi"]);
  // The cursor with other filters, or another sort: its own error code.
  for (const std::string& other :
       {"state=TX&entity=individual&limit=2&sort=name", "state=WI&limit=2&sort=name",
        "state=TX&limit=2&sort=name&sex=F", "state=TX&limit=2&sort=name&q=smith"}) {
    const std::string r = Get("/api/v1/search?" + other + "&cursor=" + cursor);
    EXPECT_EQ(StatusOf(r), 400) << other;
    EXPECT_EQ(json::parse(BodyOf(r))["error"]["code"], "cursor_mismatch") << other;
  }
  // After a reload of other data: cursor_expired.
  testing::WriteAll(
      dir_.File("fewer.csv"),
      testing::ReadAll(testing::TestData("npidata_sample_99.csv"))
          .substr(0,
                  testing::ReadAll(testing::TestData("npidata_sample_99.csv")).rfind('\n', 20000)));
  testing::IngestOrDie(dir_.File("fewer.csv"), dir_.File("s.snap"));
  ASSERT_TRUE(service_->Reload().ok());
  const std::string stale = Get(next);
  EXPECT_EQ(StatusOf(stale), 400);
  EXPECT_EQ(json::parse(BodyOf(stale))["error"]["code"], "cursor_expired");
}

TEST_F(HttpSemantics, EnumeratedValuesInAnyCaseAndUnknownTaxonomiesSuggested) {
  Start();
  auto npis = [&](const std::string& query) {
    const std::string r = Get("/api/v1/search?" + query);
    EXPECT_EQ(StatusOf(r), 200) << query << ": " << BodyOf(r);
    std::vector<std::string> out;
    const json doc = json::parse(BodyOf(r));  // kept: the loop reads into it
    for (const json& h : doc["results"]) out.push_back(h["npi"]);
    return out;
  };
  EXPECT_EQ(npis("sex=f&limit=50"), npis("sex=F&limit=50"));
  EXPECT_EQ(npis("entity=Organization&limit=50"), npis("entity=organization&limit=50"));
  EXPECT_EQ(npis("sort=NAME&limit=50"), npis("sort=name&limit=50"));
  EXPECT_EQ(npis("modality=Chiropractic&limit=50"), npis("modality=chiropractic&limit=50"));
  EXPECT_EQ(npis("include_deactivated=TRUE&limit=50"), npis("include_deactivated=true&limit=50"));
  EXPECT_EQ(npis("state=tx&limit=50"), npis("state=TX&limit=50"));
  EXPECT_EQ(npis("taxonomy=207r00000x&limit=50"), npis("taxonomy=207R00000X&limit=50"));
  // An unknown code: 400 with the codes nearest to it.
  const std::string r = Get("/api/v1/search?taxonomy=207R0000ZZ");
  ASSERT_EQ(StatusOf(r), 400) << r;
  const json e = json::parse(BodyOf(r))["error"];
  EXPECT_EQ(e["param"], "taxonomy");
  ASSERT_TRUE(e["suggestions"].is_array()) << e.dump();
  EXPECT_FALSE(e["suggestions"].empty());
  for (const json& s : e["suggestions"])
    EXPECT_TRUE(s.get<std::string>().starts_with("207R0000")) << s;
}

TEST_F(HttpSemantics, NppesRegistryNamesNumberAndPostalCode) {
  Start();
  auto search = [&](const std::string& query) {
    const std::string r = Get("/api/v1/search?" + query);
    EXPECT_EQ(StatusOf(r), 200) << query << ": " << BodyOf(r);
    return json::parse(BodyOf(r));
  };
  const json all = search("limit=100");
  ASSERT_GE(all["results"].size(), 10u);
  const json& some = all["results"][3];
  const std::string npi = some["npi"], zip = some["address"]["postal_code"];
  const std::string state = some["address"]["state"];
  // number: that NPI and nothing else; other filters still apply.
  const json one = search("number=" + npi);
  ASSERT_EQ(one["total"], 1);
  EXPECT_EQ(one["results"][0]["npi"], npi);
  EXPECT_EQ(search("number=" + npi + "&state=" + state)["total"], 1);
  EXPECT_EQ(search("number=" + npi + "&state=" + std::string(state == "TX" ? "WI" : "TX"))["total"],
            0);
  EXPECT_EQ(search("number=1000000004")["total"], 0);  // no such NPI: none
  EXPECT_EQ(StatusOf(Get("/api/v1/search?number=12345")), 400);
  EXPECT_EQ(StatusOf(Get("/api/v1/search?number=" + npi + "&near=10001")), 400);
  // postal_code: five digits (or ZIP+4), or a prefix with *; every hit has
  // a location in it, and every provider in `all` with one is found.
  const std::string five = zip.substr(0, 5);
  for (const std::string& pc :
       {five, zip.size() == 9 ? zip : five + "0000", five.substr(0, 3) + "*"}) {
    const json got = search("postal_code=" + pc + "&limit=100");
    EXPECT_GE(got["total"].get<int>(), 1) << pc;
    std::set<std::string> found;
    for (const json& h : got["results"]) found.insert(h["npi"]);
    EXPECT_TRUE(found.count(npi)) << pc;
    const std::string want = pc.ends_with("*") ? pc.substr(0, pc.size() - 1) : five;
    for (const json& h : all["results"])
      if (h["address"]["postal_code"].is_string() &&
          h["address"]["postal_code"].get<std::string>().starts_with(want))
        EXPECT_TRUE(found.count(h["npi"])) << pc << " misses " << h["npi"];
  }
  for (const char* bad : {"5", "1*", "12345*", "abcde", "1234"})
    EXPECT_EQ(StatusOf(Get(std::string("/api/v1/search?postal_code=") + bad)), 400) << bad;
}

TEST_F(HttpSemantics, NppesExactNameFieldsAgreeWithTheRecords) {
  Start();
  auto body = [&](const std::string& target) {
    const std::string r = Get(target);
    EXPECT_EQ(StatusOf(r), 200) << target << ": " << BodyOf(r);
    return json::parse(BodyOf(r));
  };
  auto upper = [](std::string v) {
    for (char& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return v;
  };
  // The oracle: every provider's own fields, from its record.
  std::map<std::string, std::set<std::string>> by_last, by_first;
  std::map<std::string, std::set<std::string>> by_org;
  const json all = body("/api/v1/search?limit=100");  // kept: the loop reads into it
  for (const json& h : all["results"]) {
    const json p = body("/api/v1/providers/" + h["npi"].get<std::string>())["provider"]["name"];
    if (p["last"].is_string()) by_last[upper(p["last"])].insert(h["npi"]);
    if (p["first"].is_string()) by_first[upper(p["first"])].insert(h["npi"]);
    if (p["organization"].is_string()) by_org[upper(p["organization"])].insert(h["npi"]);
  }
  ASSERT_GE(by_last.size(), 5u);
  ASSERT_GE(by_org.size(), 2u);
  auto npis = [&](const std::string& query) {
    std::set<std::string> out;
    const json doc = body("/api/v1/search?limit=100&" + query);
    for (const json& h : doc["results"]) out.insert(h["npi"]);
    return out;
  };
  auto simple = [](const std::string& v) {  // names the test can spell in a URL as they are
    return v.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos;
  };
  int checked = 0;
  for (const auto& [last, want] : by_last) {
    if (!simple(last)) continue;
    EXPECT_EQ(npis("last_name=" + last), want) << last;
    std::string lower = last;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(npis("last_name=" + lower), want) << lower;  // any case
    // A prefix: every last name that starts with it.
    const std::string pre = last.substr(0, 3);
    std::set<std::string> starts;
    for (const auto& [l, n] : by_last)
      if (l.starts_with(pre)) starts.insert(n.begin(), n.end());
    EXPECT_EQ(npis("last_name=" + pre + "*"), starts) << pre;
    ++checked;
  }
  EXPECT_GE(checked, 5);
  for (const auto& [first, want] : by_first) {
    if (!simple(first)) continue;
    EXPECT_EQ(npis("first_name=" + first), want) << first;
  }
  for (const auto& [org, want] : by_org) {
    std::string q;  // spaces as +
    for (char c : org) q += c == ' ' ? '+' : c;
    if (org.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ ") != std::string::npos) continue;
    const std::set<std::string> got = npis("organization_name=" + q);
    for (const std::string& n : want) EXPECT_TRUE(got.count(n)) << org;
  }
  // With other filters, and refused when malformed.
  const auto& [some_last, some_npis] = *by_last.begin();
  EXPECT_EQ(body("/api/v1/search?last_name=" + some_last + "&entity=organization")["total"], 0);
  EXPECT_EQ(StatusOf(Get("/api/v1/search?last_name=S*")), 400);
  EXPECT_EQ(StatusOf(Get("/api/v1/search?last_name=*")), 400);
  EXPECT_EQ(body("/api/v1/search?last_name=Zzyzzyva")["total"], 0);
}

TEST_F(HttpSemantics, MetricsCanHaveAListenerOfTheirOwn) {
  Start();
  // A second listener on the same service, as `serve --metrics-listen` runs it.
  ServerOptions mo;
  mo.port = 0;
  mo.threads = 1;
  mo.paths = ServerOptions::Paths::kMetricsOnly;
  mo.handle_signals = false;
  Server metrics(service_.get(), mo);
  ASSERT_TRUE(metrics.Start().ok());
  std::thread t([&] { metrics.Run(); });
  auto on = [](uint16_t port, const std::string& target) {
    const int fd = testing::ConnectLoopback(port, 5);
    testing::SendAll(fd, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string r = testing::ReadToClose(fd);
    ::close(fd);
    return r;
  };
  const std::string m = on(metrics.port(), "/metrics");
  EXPECT_EQ(StatusOf(m), 200);
  EXPECT_NE(BodyOf(m).find("meridian_requests_total"), std::string::npos);
  EXPECT_EQ(StatusOf(on(metrics.port(), "/readyz")), 200);
  EXPECT_EQ(StatusOf(on(metrics.port(), "/api/v1/search?state=TX")), 404);
  EXPECT_EQ(StatusOf(on(metrics.port(), "/")), 404);
  metrics.Stop();
  t.join();
  // The public listener without /metrics.
  ServerOptions po;
  po.port = 0;
  po.paths = ServerOptions::Paths::kAllButMetrics;
  po.handle_signals = false;
  Server pub(service_.get(), po);
  ASSERT_TRUE(pub.Start().ok());
  std::thread t2([&] { pub.Run(); });
  EXPECT_EQ(StatusOf(on(pub.port(), "/metrics")), 404);
  EXPECT_EQ(StatusOf(on(pub.port(), "/api/v1/search?state=TX")), 200);
  pub.Stop();
  t2.join();
}

}  // namespace
}  // namespace meridian
