// FHIR search over a synthetic snapshot: `near` agrees with the brute-force
// oracle (query/scan.h), paging neither repeats nor skips, every declared
// parameter works and nothing else does, reads return what searches return.
#include "fhir/search.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "fhir/api.h"
#include "geo/distance.h"
#include "query/executor.h"
#include "query/scan.h"
#include "testing/test_util.h"
#include "text/normalize.h"

namespace meridian::fhir {
namespace {

using nlohmann::json;
using testing::TempDir;

class FhirSearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto run =
        testing::RunMeridian("synth --rows 30000 --seed 17 --out " + dir_->File("s.csv"), *dir_);
    ASSERT_EQ(run.code, 0) << run.err;
    testing::IngestOrDie(dir_->File("s.csv"), dir_->File("s.snap"), dir_->File("s_pl.csv"));
    auto snap = Snapshot::Open(dir_->File("s.snap"));
    ASSERT_TRUE(snap.ok()) << snap.status().ToString();
    snap_ = std::move(snap).value().release();
    auto index = SearchIndex::Build(*snap_, ModalityMap::Embedded());
    ASSERT_TRUE(index.ok());
    index_ = std::move(index).value().release();
  }
  static void TearDownTestSuite() {
    delete index_;
    delete snap_;
    delete dir_;
  }

  static Response Call(const std::string& target, const std::string& method = "GET",
                       const std::string& accept = "", const SearchIndex* index = nullptr) {
    Request r;
    r.method = method;
    r.base_url = "http://h/fhir";
    r.accept = accept;
    std::string path = target, query;
    if (size_t q = target.find('?'); q != std::string::npos)
      path = target.substr(0, q), query = target.substr(q + 1);
    for (size_t at = 0; at <= path.size();) {
      size_t slash = path.find('/', at);
      if (slash == std::string::npos) slash = path.size();
      r.path.push_back(path.substr(at, slash - at));
      at = slash + 1;
    }
    while (!query.empty()) {
      size_t amp = query.find('&');
      std::string pair = query.substr(0, amp);
      query = amp == std::string::npos ? "" : query.substr(amp + 1);
      size_t eq = pair.find('=');
      r.params.emplace_back(pair.substr(0, eq), Unescape(pair.substr(eq + 1)));
    }
    return Handle(index != nullptr ? *index : *index_, r);
  }
  static std::string Unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
        i += 2;
      } else {
        out.push_back(s[i]);
      }
    }
    return out;
  }
  static json Bundle(const std::string& target) {
    Response r = Call(target);
    EXPECT_EQ(r.status, 200) << target << "\n" << r.body;
    return r.status == 200 ? json::parse(r.body) : json::object();
  }
  // Every match of a search, following next links; with each entry's
  // distance (or -1).
  static std::vector<std::pair<std::string, double>> All(const std::string& target,
                                                         size_t* pages = nullptr) {
    std::vector<std::pair<std::string, double>> out;
    std::string next = target;
    size_t n = 0;
    while (!next.empty() && n < 10000) {
      json b = Bundle(next);
      ++n;
      next.clear();
      for (const json& e : b.value("entry", json::array())) {
        if (e["search"]["mode"] != "match") continue;
        double d = -1;
        if (e["search"].contains("extension"))
          d = e["search"]["extension"][0]["valueDistance"]["value"].get<double>();
        out.emplace_back(e["resource"]["resourceType"].get<std::string>() + "/" +
                             e["resource"]["id"].get<std::string>(),
                         d);
      }
      for (const json& l : b.value("link", json::array()))
        if (l["relation"] == "next")
          next = l["url"].get<std::string>().substr(strlen("http://h/fhir/"));
    }
    if (pages != nullptr) *pages = n;
    return out;
  }

  // One page: its matches' ids and its next and previous links ("" = none).
  struct PageLinks {
    std::vector<std::string> ids;
    std::string next, previous;
  };
  static PageLinks PageAt(const std::string& target) {
    PageLinks out;
    json b = Bundle(target);
    for (const json& e : b.value("entry", json::array()))
      if (e["search"]["mode"] == "match")
        out.ids.push_back(e["resource"]["resourceType"].get<std::string>() + "/" +
                          e["resource"]["id"].get<std::string>());
    for (const json& l : b.value("link", json::array())) {
      const std::string url = l["url"].get<std::string>().substr(strlen("http://h/fhir/"));
      if (l["relation"] == "next") out.next = url;
      if (l["relation"] == "previous") out.previous = url;
    }
    return out;
  }
  // Walks next links to the end, then previous links back to the start:
  // each page on the way back must equal the one on the way out.
  static void ExpectPreviousRetracesNext(const std::string& target) {
    std::vector<PageLinks> pages = {PageAt(target)};
    EXPECT_EQ(pages[0].previous, "") << target;
    while (!pages.back().next.empty() && pages.size() < 400)
      pages.push_back(PageAt(pages.back().next));
    std::string back = pages.back().previous;
    for (size_t i = pages.size() - 1; i-- > 0;) {
      ASSERT_FALSE(back.empty()) << target << ": no previous link on page " << i + 1;
      PageLinks p = PageAt(back);
      EXPECT_EQ(p.ids, pages[i].ids) << target << " page " << i;
      EXPECT_EQ(p.next.empty(), pages[i].next.empty()) << target << " page " << i;
      if (!p.next.empty()) EXPECT_EQ(PageAt(p.next).ids, pages[i + 1].ids) << target;
      back = p.previous;
    }
    EXPECT_EQ(back, "") << target << ": the first page has no previous link";
  }

  static TempDir* dir_;
  static Snapshot* snap_;
  static SearchIndex* index_;
};
TempDir* FhirSearchTest::dir_ = nullptr;
Snapshot* FhirSearchTest::snap_ = nullptr;
SearchIndex* FhirSearchTest::index_ = nullptr;

// Location?near, paged, against the oracle: the same providers in the same
// order, at the oracle's matched location, at the oracle's distance.
TEST_F(FhirSearchTest, NearAgreesWithTheBruteForceOracle) {
  std::mt19937_64 rng(5);
  size_t nonempty = 0;
  const int n = testing::Iterations(30);
  for (int iter = 0; iter < n; ++iter) {
    const size_t row = rng() % snap_->size();
    auto locs = snap_->locations(row);
    if (locs.empty() || locs[0].precision == 0) continue;
    const double lat = std::round(static_cast<double>(locs[0].lat) * 1000) / 1000;
    const double lon = std::round(static_cast<double>(locs[0].lon) * 1000) / 1000;
    const double km = 1 + static_cast<double>(rng() % 40);
    char target[160];
    std::snprintf(target, sizeof target, "Location?near=%.3f|%.3f|%g|km&_count=%d", lat, lon, km,
                  3 + iter % 9);
    const auto got = All(target);
    Query q;
    q.has_point = true, q.lat = lat, q.lon = lon, q.radius_mi = km / kKmPerMile;
    q.limit = 1000000;
    q.sort = Query::Sort::kDistance;
    const SearchResult want = ScanSearch(*snap_, ModalityMap::Embedded(), q);
    ASSERT_EQ(got.size(), want.hits.size()) << target;
    for (size_t i = 0; i < got.size(); ++i) {
      const SearchHit& h = want.hits[i];
      EXPECT_EQ(got[i].first, "Location/" + LocationId(snap_->npi(h.row), h.location))
          << target << " #" << i;
      EXPECT_NEAR(got[i].second, h.distance_mi * kKmPerMile, 0.0006) << target << " #" << i;
    }
    nonempty += !got.empty();
  }
  EXPECT_GT(nonempty, static_cast<size_t>(n) / 3);
}

// PractitionerRole?location.near with a specialty: the oracle's individuals
// with that code, each expanded to its matching slots at the matched location.
TEST_F(FhirSearchTest, RolesNearAreTheOraclesPractitionersTimesTheirMatchingSlots) {
  std::mt19937_64 rng(8);
  for (int iter = 0, n = testing::Iterations(10); iter < n; ++iter) {
    const size_t row = rng() % snap_->size();
    auto locs = snap_->locations(row);
    if (locs.empty() || locs[0].precision == 0) continue;
    const std::string code = iter % 2 ? "2251" : "1";
    const double lat = std::round(static_cast<double>(locs[0].lat) * 1e4) / 1e4;
    const double lon = std::round(static_cast<double>(locs[0].lon) * 1e4) / 1e4;
    char target[200];
    std::snprintf(target, sizeof target,
                  "PractitionerRole?specialty=%s&location.near=%.4f|%.4f|30|mi&_count=4",
                  code.c_str(), lat, lon);
    const auto got = All(target);
    Query q;
    q.has_point = true, q.lat = lat, q.lon = lon, q.radius_mi = 30;
    q.taxonomies = {code};
    q.entity = EntityType::kIndividual;
    q.limit = 1000000;
    const SearchResult want = ScanSearch(*snap_, ModalityMap::Embedded(), q);
    std::vector<std::string> expect;
    for (const SearchHit& h : want.hits) {
      Record rec;
      ASSERT_TRUE(snap_->GetRecord(h.row, &rec).ok());
      for (const TaxonomySlot& t : rec.taxonomies)
        if (t.code.starts_with(code))
          expect.push_back("PractitionerRole/" + RoleId(rec.npi, h.location, t.slot));
    }
    ASSERT_EQ(got.size(), expect.size()) << target;
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].first, expect[i]) << target;
  }
}

// address-city and address-postalcode against a scan of every decoded
// record: primary practice city (then the locations in that city), postal
// codes by prefix at any location, and with near the matched location.
TEST_F(FhirSearchTest, CityAndPostalCodeAgreeWithARecordScan) {
  std::vector<Record> recs(snap_->size());
  std::map<std::string, size_t> zip_count;
  for (size_t row = 0; row < snap_->size(); ++row) {
    ASSERT_TRUE(snap_->GetRecord(row, &recs[row]).ok());
    if (recs[row].entity != EntityType::kDeactivated)
      ++zip_count[recs[row].practice.address.postal_code.substr(0, 5)];
  }
  std::string zip;  // a busy five-digit ZIP
  for (const auto& [z, n] : zip_count)
    if (z.size() == 5 && (zip.empty() || n > zip_count[zip])) zip = z;
  ASSERT_FALSE(zip.empty());
  const Place* busiest = nullptr;
  for (const Place& pl : snap_->places())
    if (!pl.city.empty() && (busiest == nullptr || pl.rows > busiest->rows)) busiest = &pl;
  ASSERT_NE(busiest, nullptr);
  const std::string city_prefix = busiest->city.substr(0, 5);
  auto norm_city = [](const std::string& c) {
    std::string out;
    AppendNormalizedTokens(c, &out);
    return out;
  };
  auto digits = [](const std::string& code) {
    std::string d;
    for (char c : code)
      if (c >= '0' && c <= '9') d += c;
    return code.size() >= 5 && d.size() >= 5 && d.substr(0, 5) == code.substr(0, 5) ? d : "";
  };
  struct Case {
    std::string target;
    std::function<void(size_t row, std::set<std::string>*)> expect;
  };
  const std::string prefix3 = zip.substr(0, 3);
  std::string org_prefix;  // of an organization practising in the busiest place
  for (size_t row = 0; row < snap_->size() && org_prefix.empty(); ++row)
    if (recs[row].entity == EntityType::kOrganization &&
        norm_city(recs[row].practice.address.city) == busiest->city &&
        digits(recs[row].practice.address.postal_code).size() >= 5)
      org_prefix = recs[row].practice.address.postal_code.substr(0, 3);
  std::vector<Case> cases = {
      {"Location?address-postalcode=" + zip,
       [&](size_t row, std::set<std::string>* out) {
         for (uint32_t k = 0; recs[row].LocationAt(k) != nullptr; ++k)
           if (digits(recs[row].LocationAt(k)->address.postal_code).starts_with(zip))
             out->insert("Location/" + LocationId(recs[row].npi, k));
       }},
      {"Practitioner?address-postalcode=" + prefix3,
       [&](size_t row, std::set<std::string>* out) {
         if (recs[row].entity != EntityType::kIndividual) return;
         for (uint32_t k = 0; recs[row].LocationAt(k) != nullptr; ++k)
           if (digits(recs[row].LocationAt(k)->address.postal_code).starts_with(prefix3))
             out->insert("Practitioner/" + NpiToString(recs[row].npi));
       }},
      {"Location?address-city=" + city_prefix,
       [&](size_t row, std::set<std::string>* out) {
         if (!norm_city(recs[row].practice.address.city).starts_with(city_prefix)) return;
         for (uint32_t k = 0; recs[row].LocationAt(k) != nullptr; ++k)
           if (norm_city(recs[row].LocationAt(k)->address.city).starts_with(city_prefix))
             out->insert("Location/" + LocationId(recs[row].npi, k));
       }},
      {"Organization?address-city=" + city_prefix + "&address-postalcode=" + org_prefix,
       [&](size_t row, std::set<std::string>* out) {
         if (recs[row].entity != EntityType::kOrganization ||
             !norm_city(recs[row].practice.address.city).starts_with(city_prefix))
           return;
         for (uint32_t k = 0; recs[row].LocationAt(k) != nullptr; ++k) {
           const Address& a = recs[row].LocationAt(k)->address;
           if (digits(a.postal_code).starts_with(org_prefix) &&
               norm_city(a.city).starts_with(city_prefix))
             out->insert("Organization/" + NpiToString(recs[row].npi));
         }
       }},
  };
  for (const Case& c : cases) {
    std::set<std::string> want;
    for (size_t row = 0; row < snap_->size(); ++row)
      if (recs[row].entity != EntityType::kDeactivated) c.expect(row, &want);
    const auto got = All(c.target + "&_count=7");
    std::set<std::string> got_set;
    for (const auto& [id, d] : got) got_set.insert(id);
    EXPECT_EQ(got_set.size(), got.size()) << c.target << ": a resource came twice";
    EXPECT_EQ(got_set, want) << c.target;
    EXPECT_GT(want.size(), 0u) << c.target;
    EXPECT_EQ(Bundle(c.target + "&_summary=count")["total"].get<size_t>(), want.size()) << c.target;
  }
  // With near: the matched (nearest in range) location must have the code.
  const Place& at = *busiest;
  char near[128];
  std::snprintf(near, sizeof near, "%.4f|%.4f|40|km", at.lat, at.lon);
  const std::string target =
      std::string("Location?near=") + near + "&address-postalcode=" + prefix3 + "&_count=5";
  Query q;
  q.has_point = true, q.lat = std::stod(std::string(near)),
  q.lon = std::stod(std::string(near).substr(std::string(near).find('|') + 1));
  q.radius_mi = 40 / kKmPerMile;
  q.limit = 1000000;
  const SearchResult all = ScanSearch(*snap_, ModalityMap::Embedded(), q);
  std::vector<std::string> want;
  for (const SearchHit& h : all.hits)
    if (digits(recs[h.row].LocationAt(h.location)->address.postal_code).starts_with(prefix3))
      want.push_back("Location/" + LocationId(snap_->npi(h.row), h.location));
  std::vector<std::string> got;
  for (const auto& [id, d] : All(target)) got.push_back(id);
  EXPECT_EQ(got, want) << target;
  // The engine's postal filter agrees with the scan oracle's (which reads
  // the records, not the column).
  q.postal = {{static_cast<uint32_t>(std::stoi(prefix3)) * 100,
               static_cast<uint32_t>(std::stoi(prefix3)) * 100 + 99}};
  const SearchResult oracle = ScanSearch(*snap_, ModalityMap::Embedded(), q);
  const SearchResult engine = Execute(*index_, q);
  ASSERT_EQ(engine.hits.size(), oracle.hits.size());
  for (size_t i = 0; i < oracle.hits.size(); ++i) EXPECT_EQ(engine.hits[i].row, oracle.hits[i].row);
  EXPECT_EQ(oracle.hits.size(), want.size());
}

TEST_F(FhirSearchTest, AddressParametersRefuseWhatTheyCannotMatch) {
  for (const char* target :
       {"Location?address-postalcode=K1A0B1", "Location?address-postalcode=",
        "Location?address-postalcode=1234567890", "Location?address-city=--"}) {
    Response r = Call(target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_NE(r.body.find(std::string(target).substr(9, std::string(target).find('=') - 9)),
              std::string::npos)
        << r.body;
  }
}

// Small pages and big pages give the same sequence, with no repeats, and
// _total=accurate counts it.
TEST_F(FhirSearchTest, PagingNeverRepeatsOrSkipsAndTotalsCount) {
  Record org;
  std::string partof;
  for (size_t row = 0; row < snap_->size() && partof.empty(); ++row) {
    if (snap_->entity(row) != EntityType::kOrganization) continue;
    ASSERT_TRUE(snap_->GetRecord(row, &org).ok());
    if (index_->org_links().Find(org.org_name).size() > 3) partof = NpiToString(org.npi);
  }
  std::vector<std::string> searches = {
      "Practitioner?name=smith",
      "Practitioner?family=john&gender=female",
      "PractitionerRole?specialty=2251&location.address-state=CA",
      "PractitionerRole?location.address-state=WY",
      "Location?address-state=VT",
      "Organization?address-state=NY&name=health",
      "Location?near=40.75|-73.99|5|km&modality=acupuncture",
      "Location?address-postalcode=100,112",
      "PractitionerRole?location.address-city=new&specialty=1",
      "PractitionerRole?location.address-city=chica&location.near=41.88|-87.63|30|km",
  };
  if (!partof.empty()) {
    searches.push_back("PractitionerRole?organization=Organization/" + partof);
    searches.push_back("Endpoint?organization=Organization/" + partof);
    searches.push_back("OrganizationAffiliation?primary-organization=Organization/" + partof);
    searches.push_back("Organization?partof=Organization/" + partof);
  }
  size_t seen = 0, multi_page = 0;
  for (const std::string& s : searches) {
    size_t small_pages = 0;
    const auto small = All(s + "&_count=3", &small_pages);
    const auto big = All(s + "&_count=100");
    EXPECT_FALSE(big.empty()) << s;
    ASSERT_EQ(small.size(), big.size()) << s;
    std::set<std::string> unique;
    for (size_t i = 0; i < small.size(); ++i) {
      EXPECT_EQ(small[i].first, big[i].first) << s << " #" << i;
      unique.insert(small[i].first);
    }
    EXPECT_EQ(unique.size(), small.size()) << s << ": a resource came twice";
    EXPECT_EQ(small_pages, std::max<size_t>(1, (small.size() + 2) / 3)) << s;
    seen += small.size();
    multi_page += small.size() > 100;
    json counted = Bundle(s + "&_summary=count");
    EXPECT_EQ(counted["total"].get<size_t>(), small.size()) << s;
    EXPECT_FALSE(counted.contains("entry"));
    json accurate = Bundle(s + "&_total=accurate&_count=1");
    EXPECT_EQ(accurate["total"].get<size_t>(), small.size()) << s;
    if (small.size() < 600) ExpectPreviousRetracesNext(s + "&_count=4");
  }
  EXPECT_GT(seen, 1000u);
  EXPECT_GE(multi_page, 3u) << "some searches should need several big pages";
}

// Each parameter the CapabilityStatement declares answers 200 with a
// sample value; the statement lists exactly the table.
TEST_F(FhirSearchTest, EveryDeclaredParameterWorksAndTheStatementListsExactlyThem) {
  const std::map<std::string, std::string> sample = {
      {"_id", "1234567893"},
      {"identifier", "http://hl7.org/fhir/sid/us-npi|1234567893"},
      {"name", "smith"},
      {"family", "smith"},
      {"given", "john"},
      {"gender", "female"},
      {"address-state", "WI"},
      {"modality", "acupuncture"},
      {"specialty", "http://nucc.org/provider-taxonomy|171100000X"},
      {"practitioner", "Practitioner/1234567893"},
      {"location", "Location/1234567893-0"},
      {"organization", "Organization/1234567893"},
      {"partof", "Organization/1234567893"},
      {"location.near", "43.07|-89.40|10|km"},
      {"near", "43.07|-89.40|10|mi"},
      {"location.address-state", "WI"},
      {"practitioner.name", "smith"},
      {"practitioner.gender", "male"},
      {"participating-organization", "Organization/1234567893"},
      {"primary-organization", "Organization/1234567893"},
      {"address-city", "Madison"},
      {"location.address-city", "new york"},
      {"address-postalcode", "53703"},
      {"location.address-postalcode", "537,100"},
  };
  const std::map<std::string, std::string> id_sample = {
      {"Location", "1234567893-0"},
      {"PractitionerRole", "1234567893-0-1"},
      {"Endpoint", "1234567893-1"},
      {"OrganizationAffiliation", "1234567893-parent"}};
  for (const ParamDef& d : SearchParams()) {
    std::string value = sample.at(d.name);
    if (d.name == "_id" && id_sample.count(TypeName(d.type)))
      value = id_sample.at(TypeName(d.type));
    const std::string target = std::string(TypeName(d.type)) + "?" + d.name + "=" + value;
    Response r = Call(target);
    EXPECT_EQ(r.status, 200) << target << "\n" << r.body;
  }
  json cap = json::parse(Call("metadata").body);
  EXPECT_EQ(cap["resourceType"], "CapabilityStatement");
  EXPECT_EQ(cap["fhirVersion"], "4.0.1");
  std::set<std::string> declared, table;
  for (const json& res : cap["rest"][0]["resource"])
    for (const json& p : res["searchParam"])
      declared.insert(res["type"].get<std::string>() + "?" + p["name"].get<std::string>());
  for (const ParamDef& d : SearchParams())
    table.insert(std::string(TypeName(d.type)) + "?" + d.name);
  EXPECT_EQ(declared, table);
  std::set<std::string> includes, table_includes;
  for (const json& res : cap["rest"][0]["resource"])
    for (const json& i : res["searchInclude"]) includes.insert(i.get<std::string>());
  for (const IncludeDef& d : Includes()) table_includes.insert(d.Spec());
  EXPECT_EQ(includes, table_includes);
  EXPECT_EQ(cap["rest"][0]["operation"][0]["name"], "export");
}

TEST_F(FhirSearchTest, UnknownAndBadParametersAre400NamingTheParameter) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Practitioner?specialty=2251", "specialty"},  // a PractitionerRole parameter
      {"Practitioner?name:exact=smith", "name:exact"},
      {"Practitioner?_sort=name", "_sort"},
      {"Location?near=43|-89|10|furlongs", "near"},
      {"Location?near=91|0", "near"},
      {"Location?near=43|-89|900|mi", "near"},
      {"Practitioner?gender=mail", "gender"},
      {"Practitioner?_count=0", "_count"},
      {"Practitioner?_count=101", "_count"},
      {"Practitioner?_count=5&_count=6", "_count"},
      {"Practitioner?modality=reiki", "modality"},
      {"PractitionerRole?_include=PractitionerRole:service", "_include"},
      {"Practitioner?_id=12", "_id"},
      {"Practitioner?_page=e00000000.-.0", "_page"},
      {"Practitioner?_summary=true", "_summary"},
      {"Endpoint?", "_id"},
      {"Practitioner?_id=1234567893&name=smith", "name"},
  };
  for (const auto& [target, param] : cases) {
    Response r = Call(target);
    ASSERT_EQ(r.status, 400) << target << "\n" << r.body;
    json o = json::parse(r.body);
    EXPECT_EQ(o["resourceType"], "OperationOutcome");
    EXPECT_EQ(o["issue"][0]["severity"], "error");
    EXPECT_EQ(o["issue"][0]["expression"][0], param) << target;
  }
}

TEST_F(FhirSearchTest, ReadsReturnWhatSearchesReturnAndErrorsAreOperationOutcomes) {
  size_t checked = 0;
  for (const std::string& s :
       {"Practitioner?address-state=TX&_count=20", "Organization?address-state=TX&_count=20",
        "Location?near=41.88|-87.63|20|km&_count=20",
        "PractitionerRole?specialty=2251&_count=20"}) {
    json b = Bundle(s);
    for (const json& e : b["entry"]) {
      const std::string url = e["fullUrl"];
      Response r = Call(url.substr(strlen("http://h/fhir/")));
      ASSERT_EQ(r.status, 200) << url;
      EXPECT_EQ(json::parse(r.body), e["resource"]) << url;
      ++checked;
    }
  }
  EXPECT_GT(checked, 50u);
  // A deactivated NPI is 410, an unknown one 404, a malformed id 404.
  for (size_t row = 0; row < snap_->size(); ++row) {
    if (snap_->entity(row) != EntityType::kDeactivated) continue;
    Response gone = Call("Practitioner/" + NpiToString(snap_->npi(row)));
    EXPECT_EQ(gone.status, 410) << gone.body;
    EXPECT_EQ(json::parse(gone.body)["issue"][0]["code"], "deleted");
    break;
  }
  EXPECT_EQ(Call("Practitioner/1234567893").status, 404);
  EXPECT_EQ(Call("Practitioner/abc").status, 404);
  EXPECT_EQ(Call("Location/1234567893").status, 404);
  EXPECT_EQ(Call("Patient/1").status, 404);
  EXPECT_EQ(Call("Patient?name=x").status, 404);
  // JSON only: XML by _format or by Accept is 406.
  EXPECT_EQ(Call("Practitioner?_format=xml").status, 406);
  EXPECT_EQ(Call("metadata", "GET", "application/fhir+xml").status, 406);
  EXPECT_EQ(Call("metadata", "GET", "application/fhir+json").status, 200);
  EXPECT_EQ(Call("metadata", "GET", "*/*").status, 200);
  EXPECT_EQ(Call("Practitioner", "POST").status, 405);
  EXPECT_EQ(Call("Practitioner/_search", "POST").status, 200);
}

TEST_F(FhirSearchTest, IncludesAddEachReferencedResourceOnce) {
  json b = Bundle(
      "PractitionerRole?specialty=2&location.near=34.05|-118.24|30|km&_count=30&_include="
      "PractitionerRole:practitioner&_include=PractitionerRole:location");
  std::set<std::string> matched_refs, included;
  size_t matches = 0;
  for (const json& e : b["entry"]) {
    const std::string key = e["resource"]["resourceType"].get<std::string>() + "/" +
                            e["resource"]["id"].get<std::string>();
    if (e["search"]["mode"] == "match") {
      ++matches;
      matched_refs.insert(e["resource"]["practitioner"]["reference"].get<std::string>());
      matched_refs.insert(e["resource"]["location"][0]["reference"].get<std::string>());
    } else {
      EXPECT_EQ(e["search"]["mode"], "include");
      EXPECT_TRUE(included.insert(key).second) << key << " included twice";
    }
  }
  ASSERT_GT(matches, 0u);
  EXPECT_EQ(included, matched_refs);
  // _revinclude: a practitioner's roles.
  json p =
      Bundle("Practitioner?address-state=OR&_count=5&_revinclude=PractitionerRole:practitioner");
  std::set<std::string> people, role_owners;
  for (const json& e : p["entry"]) {
    if (e["search"]["mode"] == "match")
      people.insert("Practitioner/" + e["resource"]["id"].get<std::string>());
    else
      role_owners.insert(e["resource"]["practitioner"]["reference"].get<std::string>());
  }
  EXPECT_FALSE(people.empty());
  EXPECT_EQ(role_owners, people);
}

// A page link from another snapshot fails clearly (the data changed).
TEST_F(FhirSearchTest, APageLinkFromAnotherSnapshotFailsClearly) {
  json b = Bundle("Practitioner?address-state=CA&_count=2");
  std::string next;
  for (const json& l : b["link"])
    if (l["relation"] == "next")
      next = l["url"].get<std::string>().substr(strlen("http://h/fhir/"));
  ASSERT_FALSE(next.empty());
  TempDir other;
  auto run = testing::RunMeridian("synth --rows 2000 --seed 3 --out " + other.File("o.csv"), other);
  ASSERT_EQ(run.code, 0);
  testing::IngestOrDie(other.File("o.csv"), other.File("o.snap"), other.File("o_pl.csv"));
  auto snap = Snapshot::Open(other.File("o.snap"));
  ASSERT_TRUE(snap.ok());
  auto index = SearchIndex::Build(**snap, ModalityMap::Embedded());
  ASSERT_TRUE(index.ok());
  Response r = Call(next, "GET", "", index->get());
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("updated"), std::string::npos) << r.body;
  EXPECT_EQ(Call(next).status, 200);
}

// A previous link is a seek by position; a page past kMaxSeek has none, and
// a hand-made seek past it, or past the end, is refused.
TEST_F(FhirSearchTest, PreviousLinksStopAtTheSeekDepth) {
  const std::string search = "PractitionerRole?specialty=1&_count=100";
  PageLinks first = PageAt(search);
  ASSERT_FALSE(first.next.empty());
  // The next link's token, with its position moved (token: e<id>.<cursor>.<skip>.<position>).
  const size_t at = first.next.find("_page=") + 6;
  const std::string token = Unescape(first.next.substr(at));
  const std::string id = token.substr(0, 9);
  auto with_token = [&](const std::string& t) { return first.next.substr(0, at) + t; };
  const size_t total = Bundle(search + "&_summary=count")["total"].get<size_t>();
  ASSERT_GT(total, kMaxSeek + 300) << "the fixture should have a deep search";
  PageLinks deep = PageAt(with_token(id + ".@.0." + std::to_string(kMaxSeek)));
  EXPECT_EQ(deep.ids.size(), 100u);
  EXPECT_FALSE(deep.previous.empty());
  // Following next from a seek continues where the seek landed.
  PageLinks after = PageAt(deep.next);
  EXPECT_EQ(after.ids.size(), 100u);
  ASSERT_NE(after.previous, "");
  EXPECT_EQ(PageAt(after.previous).ids, deep.ids);
  EXPECT_EQ(PageAt(after.next).previous, "") << "a page past the seek depth has no previous link";
  EXPECT_EQ(Call(with_token(id + ".@.0." + std::to_string(kMaxSeek + 1))).status, 400);
  EXPECT_EQ(Call(with_token(id + ".@.0.5000000")).status, 400);
}

}  // namespace
}  // namespace meridian::fhir

namespace meridian::fhir {
namespace {

// Subparts that name their parent: OrganizationAffiliation and partof find
// them from the parent, an affiliation from the subpart, and nothing else
// (an organization that merely shares words of the name is not a subpart).
TEST(FhirAffiliations, SubpartsNamingTheirParent) {
  TempDir dir;
  std::string csv = testing::NppesHeaderLine();
  auto org = [&](const std::string& npi, const std::string& name, const std::string& parent) {
    csv += testing::NppesRow({{"NPI", npi},
                              {"Entity Type Code", "2"},
                              {"Provider Organization Name (Legal Business Name)", name},
                              {"Is Organization Subpart", parent.empty() ? "N" : "Y"},
                              {"Parent Organization LBN", parent},
                              {"Provider Business Practice Location Address State Name", "WI"},
                              {"Provider Business Practice Location Address Postal Code", "53703"},
                              {"Healthcare Provider Taxonomy Code_1", "261QP2000X"}});
  };
  org("1003000126", "ACME HEALTH", "");
  org("1003000134", "ACME HEALTH EAST CLINIC", "ACME HEALTH");
  org("1003000142", "ACME HEALTH WEST CLINIC", "acme health");
  org("1003000159", "ACME HEALTH PARTNERS", "");
  org("1003000167", "OTHER CLINIC", "OTHER HEALTH");
  testing::WriteAll(dir.File("o.csv"), csv);
  testing::IngestOrDie(dir.File("o.csv"), dir.File("o.snap"));
  auto snap = Snapshot::Open(dir.File("o.snap"));
  ASSERT_TRUE(snap.ok());
  auto index = SearchIndex::Build(**snap, ModalityMap::Embedded());
  ASSERT_TRUE(index.ok());
  auto ids = [&](const std::string& type, QueryParams params) {
    Request r;
    r.method = "GET";
    r.base_url = "http://h/fhir";
    r.path = {type};
    r.params = std::move(params);
    Response resp = Handle(**index, r);
    EXPECT_EQ(resp.status, 200) << resp.body;
    std::vector<std::string> out;
    for (const json& e : json::parse(resp.body).value("entry", json::array()))
      out.push_back(e["search"]["mode"].get<std::string>() + " " +
                    e["resource"]["resourceType"].get<std::string>() + "/" +
                    e["resource"]["id"].get<std::string>());
    return out;
  };
  EXPECT_EQ(ids("OrganizationAffiliation", {{"primary-organization", "Organization/1003000126"}}),
            std::vector<std::string>({"match OrganizationAffiliation/1003000134-parent",
                                      "match OrganizationAffiliation/1003000142-parent"}));
  EXPECT_EQ(
      ids("Organization", {{"partof", "Organization/1003000126"}}),
      std::vector<std::string>({"match Organization/1003000134", "match Organization/1003000142"}));
  EXPECT_EQ(ids("OrganizationAffiliation",
                {{"participating-organization", "Organization/1003000134"},
                 {"_include", "OrganizationAffiliation:participating-organization"}}),
            std::vector<std::string>({"match OrganizationAffiliation/1003000134-parent",
                                      "include Organization/1003000134"}));
  EXPECT_TRUE(
      ids("OrganizationAffiliation", {{"participating-organization", "Organization/1003000126"}})
          .empty());  // the parent is no subpart
  EXPECT_TRUE(ids("OrganizationAffiliation", {{"primary-organization", "Organization/1003000159"}})
                  .empty());
  Request read;
  read.method = "GET";
  read.path = {"OrganizationAffiliation", "1003000167-parent"};
  json a = json::parse(Handle(**index, read).body);
  EXPECT_EQ(a["organization"]["display"], "Other Health");
  EXPECT_FALSE(a["organization"].contains("reference")) << "NPPES gives the parent's name only";
  EXPECT_EQ(a["participatingOrganization"]["reference"], "Organization/1003000167");
  read.path = {"OrganizationAffiliation", "1003000126-parent"};
  EXPECT_EQ(Handle(**index, read).status, 404);
}

}  // namespace
}  // namespace meridian::fhir
