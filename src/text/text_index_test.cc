#include "text/text_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "testing/test_util.h"
#include "text/normalize.h"

namespace meridian {
namespace {

using Built = testing::TextIndexFixture;

TEST(TextIndex, BuildsSortedVocabularyPostingsAndForwardLists) {
  Built b({"smith john john", "", "jones mary madison", "smith madison"});
  const TextIndex& ix = b.index;
  ASSERT_TRUE(ix.Validate(4).ok());
  ASSERT_TRUE(ix.CheckInvariants().ok()) << ix.CheckInvariants().ToString();
  ASSERT_EQ(ix.term_count(), 5u);
  EXPECT_EQ(ix.term(0), "john");
  EXPECT_EQ(ix.term(4), "smith");
  int64_t smith = ix.Find("smith"), madison = ix.Find("madison");
  ASSERT_GE(smith, 0);
  EXPECT_EQ(std::vector<uint32_t>(ix.postings(smith).begin(), ix.postings(smith).end()),
            (std::vector<uint32_t>{0, 3}));
  EXPECT_EQ(ix.postings(madison).size(), 2u);
  EXPECT_EQ(ix.row_terms(0).size(), 2u);  // "john" once
  EXPECT_EQ(ix.row_terms(1).size(), 0u);
  EXPECT_EQ(ix.Find("smit"), -1);
  auto [p0, p1] = ix.PrefixRange("j");
  EXPECT_EQ(p1 - p0, 2u);
  auto [q0, q1] = ix.PrefixRange("zz");
  EXPECT_EQ(q0, q1);
  EXPECT_EQ(ix.SkipPrefix(0, 1), 2u);  // past "john", "jones"
}

// PrefixRange and SkipPrefix against a scan of the sorted terms, on a
// vocabulary with long and short runs of shared prefixes (EndOfPrefix
// gallops from the start of a run, so runs of every length up to past the
// end of the terms are checked).
TEST(TextIndex, PrefixRangesEqualAScanOfTheTerms) {
  std::mt19937 rng(11);
  std::vector<std::string> rows;
  for (int r = 0; r < 400; ++r) {
    std::string row;
    for (int w = 0; w < 3; ++w) {
      std::string word(1 + rng() % 6, 'a');
      for (char& c : word) c = static_cast<char>('a' + rng() % (w == 0 ? 2 : 4));
      row += word + " ";
    }
    rows.push_back(row);
  }
  Built b(rows);
  const TextIndex& ix = b.index;
  const uint32_t n = static_cast<uint32_t>(ix.term_count());
  ASSERT_GT(n, 100u);
  auto scan = [&](std::string_view prefix) {
    uint32_t first = 0;
    while (first < n && ix.term(first) < prefix) ++first;
    uint32_t last = first;
    while (last < n && ix.term(last).starts_with(prefix)) ++last;
    return std::pair(first, last);
  };
  std::vector<std::string> prefixes = {"", "a", "b", "z", "aaaaaaa", "ab", "dd"};
  for (uint32_t t = 0; t < n; ++t)
    for (size_t len = 1; len <= ix.term(t).size(); ++len)
      prefixes.emplace_back(ix.term(t).substr(0, len));
  // PrefixRange and SkipPrefix by the skip tables (the fixture builds them)
  // and, on a copy of the views without them, by galloping.
  const TextIndex plain(b.data.vocab, b.data.vocab_off, b.data.post_off, b.data.postings,
                        b.data.fwd_off, b.data.fwd);
  ASSERT_GT(ix.skip_bytes(), 0u);
  ASSERT_EQ(plain.skip_bytes(), 0u);
  for (const std::string& p : prefixes) {
    EXPECT_EQ(ix.PrefixRange(p), scan(p)) << p;
    EXPECT_EQ(plain.PrefixRange(p), scan(p)) << p;
  }
  for (uint32_t t = 0; t < n; ++t)
    for (size_t len = 0; len <= ix.term(t).size() + 1; ++len) {
      const std::string_view p = ix.term(t).substr(0, len);
      uint32_t end = t;
      while (end < n && ix.term(end).starts_with(p)) ++end;
      EXPECT_EQ(ix.SkipPrefix(t, len), end) << ix.term(t) << " " << len;
      EXPECT_EQ(plain.SkipPrefix(t, len), end) << ix.term(t) << " " << len;
    }
}

TEST(TextIndex, MatchesANaiveIndexOnRandomRows) {
  std::mt19937 rng(7);
  const char* words[] = {"ann", "anna", "annie", "bob", "bobby",
                         "lee", "li",   "liu",   "x",   "madison"};
  std::vector<std::string> rows;
  std::map<std::string, std::set<uint32_t>> naive;
  for (uint32_t r = 0; r < 500; ++r) {
    std::string row;
    for (int k = rng() % 5; k > 0; --k) {
      std::string w = words[rng() % 10];
      if (!row.empty()) row += ' ';
      row += w;
      naive[w].insert(r);
    }
    rows.push_back(row);
  }
  Built b(rows);
  ASSERT_TRUE(b.index.CheckInvariants().ok());
  ASSERT_EQ(b.index.term_count(), naive.size());
  for (const auto& [w, rs] : naive) {
    int64_t id = b.index.Find(w);
    ASSERT_GE(id, 0) << w;
    auto p = b.index.postings(static_cast<uint32_t>(id));
    EXPECT_EQ(std::set<uint32_t>(p.begin(), p.end()), rs) << w;
  }
}

TEST(TextIndex, ValidateRefusesBrokenArrays) {
  Built b({"a b", "b c"});
  std::vector<uint32_t> fwd = b.data.fwd;
  fwd[0] = 99;
  TextIndex bad(b.data.vocab, b.data.vocab_off, b.data.post_off, b.data.postings, b.data.fwd_off,
                fwd);
  EXPECT_FALSE(bad.Validate(2).ok());
  std::vector<uint32_t> post = b.data.postings;
  post[0] = 1;  // row 1 does not hold term "a"
  TextIndex unsorted(b.data.vocab, b.data.vocab_off, b.data.post_off, post, b.data.fwd_off,
                     b.data.fwd);
  EXPECT_TRUE(unsorted.Validate(2).ok());         // bounds fine...
  EXPECT_FALSE(unsorted.CheckInvariants().ok());  // ...but not the transpose
  EXPECT_FALSE(b.index.Validate(3).ok());         // wrong row count
}

}  // namespace
}  // namespace meridian
