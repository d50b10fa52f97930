#include "query/result.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace meridian {
namespace {

// FacetCounts holds what a map summing the same entries holds, in the same
// order, whatever order the entries come in.
TEST(FacetCounts, EqualsAMapOfTheSameEntries) {
  const std::string names[] = {"Chiropractor", "Acupuncturist", "WI", "", "unknown", "Z", "a"};
  std::mt19937 rng(5);
  for (int round = 0; round < 200; ++round) {
    std::vector<FacetCounts::Entry> entries;
    std::map<std::string, uint64_t> oracle;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) {
      const std::string& name = names[rng() % std::size(names)];
      const uint64_t count = rng() % 4;  // zero counts are dropped
      entries.emplace_back(name, count);
      if (count) oracle[name] += count;
    }
    const FacetCounts counts(entries);
    ASSERT_EQ(counts.size(), oracle.size());
    auto it = oracle.begin();
    for (const auto& [name, count] : counts) {
      EXPECT_EQ(name, it->first);
      EXPECT_EQ(count, it->second);
      ++it;
    }
    for (const std::string& name : names) {
      auto found = oracle.find(name);
      EXPECT_EQ(counts.Get(name), found == oracle.end() ? 0 : found->second) << name;
    }
    std::shuffle(entries.begin(), entries.end(), rng);
    EXPECT_EQ(FacetCounts(entries), counts);
  }
  EXPECT_TRUE(FacetCounts().empty());
  EXPECT_EQ(FacetCounts().Get("x"), 0u);
}

}  // namespace
}  // namespace meridian
