// The executor against the brute-force oracle over a synthetic snapshot:
// thousands of random queries combining every filter, both sorts and paging;
// the ordered rows and every facet count must be identical.
#include "query/executor.h"

#include <gtest/gtest.h>

#include <random>

#include "geo/distance.h"
#include "query/result_json.h"
#include "query/scan.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::TempDir;

class ExecutorVsOracle : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto run =
        testing::RunMeridian("synth --rows 25000 --seed 77 --out " + dir_->File("s.csv"), *dir_);
    ASSERT_EQ(run.code, 0) << run.err;
    testing::IngestOrDie(dir_->File("s.csv"), dir_->File("s.snap"), dir_->File("s_pl.csv"));
    snap_ = Snapshot::Open(dir_->File("s.snap"))->release();
    index_ = SearchIndex::Build(*snap_, ModalityMap::Embedded()).value().release();
    index_->WaitForBackgroundWork();  // the place postings, so every text plan runs
  }
  static void TearDownTestSuite() {
    delete index_;
    delete snap_;
    delete dir_;
  }
  // The oracle's answer against the engine's under each text plan given,
  // each with every way of marking the words' rows.
  static void Compare(const Query& q, const std::string& what,
                      std::initializer_list<TextPlan> plans = {TextPlan::kAuto}) {
    SearchResult want = ScanSearch(*snap_, ModalityMap::Embedded(), q);
    // Only words are marked: without them one run per text plan does.
    const bool words = !q.text.empty() || !q.names.empty();
    for (TextPlan plan : plans)
      for (MarkPlan mark : {MarkPlan::kAuto, MarkPlan::kByPostings, MarkPlan::kWholeBitmap}) {
        if (!words && mark != MarkPlan::kAuto) continue;
        SCOPED_TRACE("text plan " + std::to_string(static_cast<int>(plan)) + ", mark plan " +
                     std::to_string(static_cast<int>(mark)));
        CompareResults(q, want, Execute(*index_, q, ExecuteOptions{plan, UINT64_MAX, mark}), what);
      }
  }
  static void CompareResults(const Query& q, const SearchResult& want, const SearchResult& got,
                             const std::string& what) {
    ASSERT_EQ(want.total, got.total) << what;
    ASSERT_EQ(want.hits.size(), got.hits.size()) << what;
    for (size_t i = 0; i < want.hits.size(); ++i)
      ASSERT_TRUE(want.hits[i] == got.hits[i]) << what << " #" << i;
    ASSERT_TRUE(want.facets == got.facets) << what << ": facets differ";
    // By name, the oracle's cursor holds a rank within the matches, not the
    // index's global name rank: compare only whether there is a next page.
    if (q.sort == Query::Sort::kName)
      ASSERT_EQ(want.next_cursor.empty(), got.next_cursor.empty()) << what;
    else
      ASSERT_EQ(want.next_cursor, got.next_cursor) << what;
  }
  // One modality, or now and then "any of them".
  static int RandomModality(std::mt19937_64& rng, const ModalityMap& mods) {
    const size_t n = mods.modalities().size();
    const size_t pick = rng() % (n + 1);
    return pick == n ? kAnyModality : static_cast<int>(pick);
  }
  // A word of a random row, maybe cut short or given a typo.
  static std::string RandomWord(std::mt19937_64& rng) {
    for (;;) {
      auto terms = snap_->text().row_terms(rng() % snap_->size());
      if (terms.empty()) continue;
      std::string w(snap_->text().term(terms[rng() % terms.size()]));
      switch (rng() % 5) {
        case 0:  // as typed so far
          if (w.size() > 2) w.resize(2 + rng() % (w.size() - 1));
          break;
        case 1:  // a substitution
          w[rng() % w.size()] = static_cast<char>('a' + rng() % 26);
          break;
        case 2:  // a swap
          if (w.size() > 2) {
            size_t at = rng() % (w.size() - 1);
            std::swap(w[at], w[at + 1]);
          }
          break;
        case 3:  // a deletion
          if (w.size() > 3) w.erase(rng() % w.size(), 1);
          break;
        default:
          break;
      }
      return w;
    }
  }
  static TempDir* dir_;
  static Snapshot* snap_;
  static SearchIndex* index_;
};
TempDir* ExecutorVsOracle::dir_ = nullptr;
Snapshot* ExecutorVsOracle::snap_ = nullptr;
SearchIndex* ExecutorVsOracle::index_ = nullptr;

TEST_F(ExecutorVsOracle, InvariantsHold) { EXPECT_TRUE(index_->CheckInvariants().ok()); }

TEST_F(ExecutorVsOracle, RandomQueriesWithEveryFilter) {
  std::mt19937_64 rng(4242);
  std::uniform_real_distribution<double> u(0, 1);
  const ModalityMap& mods = ModalityMap::Embedded();
  const std::vector<std::string> states = {"NY", "CA", "WI", "TX", "PA", "NJ"};
  const std::vector<std::string> creds = {"LAC", "DPT", "DO", "MD", "DC", "LMT", "DIPLAC"};
  const std::vector<std::string> codes = {"171100000X", "2251", "111N", "207", "363L", "1"};
  for (int iter = 0, n = testing::Iterations(1000); iter < n; ++iter) {
    Query q;
    if (rng() % 4 != 0) {
      size_t row = rng() % snap_->size();
      auto locs = snap_->locations(row);
      q.has_point = true;
      q.lat = !locs.empty() && locs[0].precision ? locs[0].lat + (u(rng) - 0.5) * 0.3 : 40.7;
      q.lon = !locs.empty() && locs[0].precision ? locs[0].lon + (u(rng) - 0.5) * 0.3 : -74.0;
      const double radii[] = {1, 5, 10, 25, 50, 200};
      q.radius_mi = radii[rng() % 6];
      if (rng() % 5 == 0 && !locs.empty() && locs[0].precision) {
        // Radius exactly at a provider's distance: the boundary is inclusive,
        // and the engine's chord shortcut must defer to the exact distance.
        q.radius_mi = HaversineMiles(q.lat, q.lon, locs[0].lat, locs[0].lon);
      }
    }
    if (rng() % 3 == 0) q.modality = RandomModality(rng, mods);
    if (rng() % 5 == 0) q.entity = rng() % 2 ? EntityType::kIndividual : EntityType::kOrganization;
    if (rng() % 5 == 0) q.state = states[rng() % states.size()];
    if (rng() % 6 == 0) q.sex = rng() % 2 ? 'F' : 'M';
    if (rng() % 6 == 0) q.credentials = {creds[rng() % creds.size()]};
    if (rng() % 6 == 0) q.taxonomies = {codes[rng() % codes.size()]};
    q.include_deactivated = rng() % 6 == 0;
    q.has_secondary = rng() % 10 == 0;
    q.sort = !q.has_point || rng() % 4 == 0 ? Query::Sort::kName : Query::Sort::kDistance;
    q.limit = rng() % 3 == 0 ? 1u << 30 : 1 + rng() % 100;
    q.offset = rng() % 4 == 0 ? rng() % 200 : 0;
    // Name sort decodes every match in the oracle: keep those queries narrow.
    if (q.sort == Query::Sort::kName && !q.has_point && q.state.empty()) q.state = "WI";
    Compare(q, "iteration " + std::to_string(iter));
  }
}

TEST_F(ExecutorVsOracle, RandomTextQueries) {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> u(0, 1);
  const ModalityMap& mods = ModalityMap::Embedded();
  for (int iter = 0, n = testing::Iterations(150); iter < n; ++iter) {
    Query q;
    q.text.push_back(RandomWord(rng));
    if (rng() % 3 == 0) q.text.push_back(RandomWord(rng));
    if (rng() % 2 == 0) {
      size_t row = rng() % snap_->size();
      auto locs = snap_->locations(row);
      q.has_point = true;
      q.lat = !locs.empty() && locs[0].precision ? locs[0].lat : 40.7;
      q.lon = !locs.empty() && locs[0].precision ? locs[0].lon : -74.0;
      const double radii[] = {2, 10, 50, 500};
      q.radius_mi = radii[rng() % 4];
    }
    if (rng() % 4 == 0) q.modality = RandomModality(rng, mods);
    if (rng() % 6 == 0) q.entity = rng() % 2 ? EntityType::kIndividual : EntityType::kOrganization;
    q.include_deactivated = rng() % 6 == 0;
    const int s = static_cast<int>(rng() % 3);
    q.sort = s == 0                  ? Query::Sort::kRelevance
             : s == 1 && q.has_point ? Query::Sort::kDistance
                                     : Query::Sort::kRelevance;
    if (rng() % 8 == 0) q.sort = Query::Sort::kName;
    q.limit = rng() % 3 == 0 ? 1u << 30 : 1 + rng() % 20;
    q.offset = rng() % 4 == 0 ? rng() % 20 : 0;
    std::string what = "iteration " + std::to_string(iter) + " q=";
    for (const std::string& w : q.text) what += w + " ";
    // Both candidate plans, whichever the cost model would pick.
    Compare(q, what, {TextPlan::kAuto, TextPlan::kSites, TextPlan::kPostings, TextPlan::kPlaces});
  }
}

// The work bound: under any budget a search either answers exactly what the
// unbounded engine answers, having spent no more than the budget, or is
// refused (too_broad, nothing in it) because its whole cost is over the
// budget. Budgets from one unit to more than any search here costs.
TEST_F(ExecutorVsOracle, TheBudgetAnswersExactlyOrRefusesWhatCostsMore) {
  std::mt19937_64 rng(515);
  std::uniform_real_distribution<double> u(0, 1);
  const ModalityMap& mods = ModalityMap::Embedded();
  size_t refused = 0, answered = 0;
  for (int iter = 0, n = testing::Iterations(400); iter < n; ++iter) {
    Query q;
    if (rng() % 3 != 0) {
      auto locs = snap_->locations(rng() % snap_->size());
      q.has_point = true;
      q.lat = !locs.empty() && locs[0].precision ? locs[0].lat : 40.7;
      q.lon = !locs.empty() && locs[0].precision ? locs[0].lon : -74.0;
      const double radii[] = {5, 25, 100, 500};
      q.radius_mi = radii[rng() % 4];
    }
    if (rng() % 2 == 0) q.text.push_back(RandomWord(rng));
    if (rng() % 3 == 0) q.modality = RandomModality(rng, mods);
    if (rng() % 6 == 0) q.credentials = {"MD"};
    if (rng() % 5 == 0) q.state = "NY";
    const int s = static_cast<int>(rng() % 3);
    q.sort = s == 0                  ? Query::Sort::kName
             : s == 1 && q.has_point ? Query::Sort::kDistance
             : !q.text.empty()       ? Query::Sort::kRelevance
                                     : Query::Sort::kName;
    q.limit = 1 + rng() % 50;
    q.offset = rng() % 4 == 0 ? rng() % 500 : 0;
    const SearchResult full = Execute(*index_, q, ExecuteOptions{TextPlan::kAuto, UINT64_MAX});
    ASSERT_FALSE(full.too_broad);
    for (uint64_t budget : {uint64_t{1}, uint64_t{2'000}, uint64_t{60'000}, uint64_t{600'000},
                            full.work, full.work == 0 ? 0 : full.work - 1}) {
      const std::string what = "iteration " + std::to_string(iter) + ", budget " +
                               std::to_string(budget) + " (costs " + std::to_string(full.work) +
                               ")";
      const SearchResult got = Execute(*index_, q, ExecuteOptions{TextPlan::kAuto, budget});
      if (got.too_broad) {
        ++refused;
        EXPECT_GT(full.work, budget) << what;
        EXPECT_EQ(got.total, 0u) << what;
        EXPECT_TRUE(got.hits.empty() && got.next_cursor.empty()) << what;
      } else {
        ++answered;
        EXPECT_LE(got.work, budget) << what;
        EXPECT_EQ(got.work, full.work) << what;
        CompareResults(q, full, got, what);
        if (q.sort != Query::Sort::kName) EXPECT_EQ(got.next_cursor, full.next_cursor) << what;
      }
    }
  }
  // Both outcomes happen (the budgets above span the searches' costs).
  EXPECT_GT(refused, 0u);
  EXPECT_GT(answered, 0u);
}

// A nationwide scan whose reads alone exceed the budget is refused before
// any row is read: the work it reports is the estimate, nothing more.
TEST_F(ExecutorVsOracle, AScanPastTheBudgetIsRefusedBeforeItReads) {
  Query q;
  q.sort = Query::Sort::kName;
  const SearchResult r = Execute(*index_, q, ExecuteOptions{TextPlan::kAuto, snap_->size()});
  EXPECT_TRUE(r.too_broad);
  EXPECT_EQ(r.work, 2 * snap_->size());  // kScanRowUnits per row, no match counted yet
  Status why = TooBroad(q);
  EXPECT_EQ(why.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(why.Reason(), "too_broad");
  EXPECT_NE(why.message().find("add a place"), std::string::npos) << why.message();
  q.text = {"a"};
  EXPECT_EQ(TooBroad(q).param(), "q");
  q.has_point = true;
  EXPECT_EQ(TooBroad(q).param(), "radius");
}

// Paging by cursor visits exactly the oracle's full ordered list, page by page.
TEST_F(ExecutorVsOracle, CursorPagesConcatenateToTheFullList) {
  std::mt19937_64 rng(5);
  for (int iter = 0, n = testing::Iterations(40); iter < n; ++iter) {
    Query q;
    const int kind = iter % 4;
    if (kind != 1) {
      size_t row = rng() % snap_->size();
      auto locs = snap_->locations(row);
      q.has_point = true;
      q.lat = !locs.empty() && locs[0].precision ? locs[0].lat : 40.7;
      q.lon = !locs.empty() && locs[0].precision ? locs[0].lon : -74.0;
      q.radius_mi = 3 + rng() % 10;
    }
    if (kind == 1) q.text = {RandomWord(rng).substr(0, 1)};  // broad prefix, relevance
    if (kind == 2) q.text = {RandomWord(rng)};
    q.sort = kind == 0 ? Query::Sort::kDistance : Query::Sort::kRelevance;
    if (kind == 3) q.sort = Query::Sort::kName, q.state = "WI";
    Query all = q;
    all.limit = 1u << 30;
    SearchResult want = ScanSearch(*snap_, ModalityMap::Embedded(), all);
    q.limit = kind == 1 ? 20 + rng() % 50 : 1 + rng() % 7;
    std::vector<SearchHit> paged;
    for (int page = 0; page < 10000; ++page) {
      SearchResult got = Execute(*index_, q);
      ASSERT_EQ(got.total, want.total);
      paged.insert(paged.end(), got.hits.begin(), got.hits.end());
      if (got.next_cursor.empty()) break;
      Query::Cursor c;
      ASSERT_TRUE(DecodeCursor(got.next_cursor, &c)) << got.next_cursor;
      q.cursor = c;
    }
    ASSERT_TRUE(paged == want.hits)
        << "iteration " << iter << ": " << paged.size() << " vs " << want.hits.size();
  }
}

// With the state rules, dry needling means "may dry-needle in this state":
// engine and oracle agree, and the rule visibly changes the answer.
TEST_F(ExecutorVsOracle, DryNeedlingFollowsStateRules) {
  auto kb = KnowledgeBase::LoadEmbedded();
  ASSERT_TRUE(kb.ok());
  auto index = std::move(SearchIndex::Build(*snap_, ModalityMap::Embedded(), &*kb)).value();
  ASSERT_TRUE(index->CheckInvariants().ok()) << index->CheckInvariants().ToString();
  const int dn = ModalityMap::Embedded().Find("dry_needling");
  std::mt19937_64 rng(8);
  for (int iter = 0, n = testing::Iterations(150); iter < n; ++iter) {
    Query q;
    size_t row = rng() % snap_->size();
    auto locs = snap_->locations(row);
    if (rng() % 3 != 0 && !locs.empty() && locs[0].precision) {
      q.has_point = true;
      q.lat = locs[0].lat, q.lon = locs[0].lon;
      q.radius_mi = 5 + rng() % 100;
    } else {
      const char* states[] = {"NY", "CA", "WI", "FL", "PA", "TX"};
      q.state = states[rng() % 6];
    }
    q.modality = dn;
    if (rng() % 2) q.taxonomies = {rng() % 2 ? "2251" : "111N"};
    if (!q.has_point) q.sort = Query::Sort::kName;
    SearchResult want = ScanSearch(*snap_, ModalityMap::Embedded(), q, &*kb);
    SearchResult got = Execute(*index, q);
    ASSERT_EQ(want.total, got.total) << iter;
    ASSERT_TRUE(want.hits == got.hits) << iter;
    ASSERT_TRUE(want.facets == got.facets) << iter;
  }
  // New York prohibits dry needling by physical therapists: none match there.
  Query ny;
  ny.state = "NY";
  ny.modality = dn;
  ny.taxonomies = {"2251"};
  ny.sort = Query::Sort::kName;
  EXPECT_EQ(Execute(*index, ny).total, 0u);
  EXPECT_GT(Execute(*index_, ny).total, 0u);  // without the rules, every PT counted
  Query fl = ny;
  fl.state = "FL";
  EXPECT_GT(Execute(*index, fl).total, 0u);  // Florida allows it
}

// "Any of these" on the patient pages: providers of at least one modality,
// never the internists, surgeons and podiatrists around them.
TEST_F(ExecutorVsOracle, AnyModalityIsTheUnionOfTheModalities) {
  Query all, any;
  all.state = any.state = "NY";
  all.sort = any.sort = Query::Sort::kName;
  any.modality = kAnyModality;
  const SearchResult everyone = Execute(*index_, all), ours = Execute(*index_, any);
  ASSERT_GT(everyone.total, ours.total);  // the synthetic file has other specialties too
  uint64_t with_modality = 0;
  for (size_t row = 0; row < snap_->size(); ++row)
    if (snap_->states().Code(snap_->state(row)) == "NY" &&
        snap_->entity(row) != EntityType::kDeactivated && index_->modality_mask(row) != 0)
      ++with_modality;
  EXPECT_EQ(ours.total, with_modality);
  EXPECT_EQ(ours.facets.modality, everyone.facets.modality);  // the same per-modality counts
  SearchResult want = ScanSearch(*snap_, ModalityMap::Embedded(), any);
  EXPECT_EQ(want.total, ours.total);
}

// Fixed queries that each take a distinct path (radius + modality, km, the
// credential and sex filters, typo and prefix text, city), against the scan.
// Golden files are built on the real sample rows instead (below): synthetic
// data changes with the generator.
TEST_F(ExecutorVsOracle, FixedQueries) {
  const std::vector<std::pair<std::string, QueryParams>> cases = {
      {"acupuncture_near_10001", {{"near", "10001"}, {"modality", "acupuncture"}, {"limit", "5"}}},
      {"pt_within_10km_of_53703",
       {{"near", "53703"}, {"radius", "10km"}, {"taxonomy", "2251"}, {"limit", "3"}}},
      {"osteopathic_in_wi_by_name", {{"state", "WI"}, {"modality", "osteopathic"}, {"limit", "3"}}},
      {"dpt_women_within_15mi_of_19104",
       {{"near", "19104"},
        {"credential", "DPT"},
        {"sex", "F"},
        {"radius", "15mi"},
        {"limit", "2"}}},
      {"text_smith_typo_near_10001", {{"near", "10001"}, {"q", "smtih"}, {"limit", "3"}}},
      {"text_prefix_relevance", {{"q", "john ro"}, {"limit", "3"}}},
      {"city_dane_wi_chiropractic",
       {{"city", "Dane"}, {"state", "WI"}, {"modality", "chiropractic"}, {"limit", "2"}}},
  };
  for (const auto& [name, params] : cases) {
    Query q;
    Status e;
    ASSERT_TRUE((e = ParseQuery(params, ModalityMap::Embedded(), &q, snap_)).ok())
        << name << ": " << e.message();
    Compare(q, name);
    EXPECT_GT(Execute(*index_, q).total, 0u) << name << " should find someone";
  }
}

}  // namespace
}  // namespace meridian

namespace meridian {
namespace {

// Golden queries over the 99 real NPPES rows: each answer equals the
// scan's, and its JSON (one field per line, so a change reads as a diff)
// equals the reviewed file. Regenerate with MERIDIAN_UPDATE_GOLDEN=1.
TEST(SampleGoldenQueries, MatchOracleAndGoldenJson) {
  TempDir dir;
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), dir.File("sample.snap"));
  auto snap = Snapshot::Open(dir.File("sample.snap"));
  ASSERT_TRUE(snap.ok());
  auto index = std::move(SearchIndex::Build(**snap, ModalityMap::Embedded())).value();
  const std::vector<std::pair<std::string, QueryParams>> cases = {
      {"sample_near_68847_100mi", {{"near", "68847"}, {"radius", "100mi"}}},
      {"sample_osteopathic_by_name", {{"modality", "osteopathic"}}},
      {"sample_tx_organizations", {{"state", "TX"}, {"entity", "organization"}}},
      {"sample_deactivated_included", {{"include_deactivated", "true"}, {"limit", "3"}}},
      {"sample_text_typo_wiebe", {{"q", "weibe"}}},
      {"sample_text_prefix_near_77002", {{"q", "gre"}, {"near", "77002"}, {"radius", "60mi"}}},
      {"sample_city_houston_tx", {{"city", "Houston, TX"}, {"radius", "40mi"}}},
  };
  for (const auto& [name, params] : cases) {
    Query q;
    Status e;
    ASSERT_TRUE((e = ParseQuery(params, ModalityMap::Embedded(), &q, snap->get())).ok())
        << name << ": " << e.message();
    SearchResult want = ScanSearch(**snap, ModalityMap::Embedded(), q);
    EXPECT_GT(want.total, 0u) << name << " should find someone";
    SearchResult got = Execute(*index, q);
    ASSERT_EQ(want.total, got.total) << name;
    ASSERT_TRUE(want.hits == got.hits) << name;
    ASSERT_TRUE(want.facets == got.facets) << name;
    JsonWriter w;
    ASSERT_TRUE(WriteSearchJson(*index, q, got, 0, &w).ok());
    testing::ExpectGolden("search_" + name + ".json", testing::PrettyJson(w.str()));
  }
}

}  // namespace
}  // namespace meridian
