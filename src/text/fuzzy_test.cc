#include "text/fuzzy.h"

#include <gtest/gtest.h>

#include <random>

#include "testing/test_util.h"

namespace meridian {
namespace {

struct Vocab : testing::TextIndexFixture {
  using TextIndexFixture::TextIndexFixture;
  std::vector<std::string> Terms(const std::vector<TermMatch>& m) const {
    std::vector<std::string> out;
    for (const TermMatch& t : m) out.emplace_back(index.term(t.term));
    return out;
  }
};

TEST(Fuzzy, BudgetsByLength) {
  EXPECT_EQ(TypoBudget("lee"), 0);
  EXPECT_EQ(TypoBudget("jone"), 0);
  EXPECT_EQ(TypoBudget("jones"), 1);
  EXPECT_EQ(TypoBudget("johnsons"), 1);
  EXPECT_EQ(TypoBudget("christoph"), 2);
  EXPECT_EQ(TypoBudget("josé"), 0);  // 4 characters, 5 bytes
}

TEST(Fuzzy, FirstLetterTyposCostMore) {
  Vocab v({"dental", "mental", "rental", "dentil", "johnson", "jonhson", "christopher",
           "khristopher", "smith"});
  EXPECT_EQ(v.Terms(MatchTerms(v.index, "dental", false)),
            (std::vector<std::string>{"dental", "dentil"}));  // never "mental"
  EXPECT_EQ(v.Terms(MatchTerms(v.index, "jonhson", false)),
            (std::vector<std::string>{"johnson", "jonhson"}));  // a swap is one typo
  // 11 letters: a first-letter change (1 + 1 penalty) fits the budget of 2.
  EXPECT_EQ(v.Terms(MatchTerms(v.index, "christopher", false)),
            (std::vector<std::string>{"christopher", "khristopher"}));
  EXPECT_TRUE(MatchTerms(v.index, "smyth", false).empty() == false);
  EXPECT_TRUE(MatchTerms(v.index, "smit", false).empty());  // 4 letters: exact only
}

TEST(Fuzzy, QualityOrdersExactPrefixAndTypos) {
  Vocab v({"john", "johnson", "johnston", "jon", "jonson"});
  auto m = MatchTerms(v.index, "john", true);
  ASSERT_EQ(v.Terms(m), (std::vector<std::string>{"john", "johnson", "johnston"}));
  EXPECT_EQ(m[0].quality, 0);  // exact word
  EXPECT_EQ(m[1].quality, 1);  // exact prefix
  auto t = MatchTerms(v.index, "jonsen", true);
  EXPECT_EQ(v.Terms(t), (std::vector<std::string>{"jonson"}));
  EXPECT_EQ(t[0].quality, 2);  // one typo, whole word
}

// The request path's rater must give exactly the brute-force quality: words
// from a small alphabet (so near misses, swaps and shared prefixes are
// common), of every length around the budgets' edges, a multibyte letter,
// and tokens past the 64-byte cut.
TEST(Fuzzy, TermRaterEqualsTheBruteForceQuality) {
  std::mt19937 rng(20261203);
  const std::string letters[] = {"a", "b", "c", "m", "s", "t", " ", "\xC3\xA9"};
  auto word = [&](size_t max_len) {
    std::string w;
    const size_t len = rng() % (max_len + 1);
    while (w.size() < len) w += letters[rng() % std::size(letters)];
    return w;
  };
  size_t matched = 0, tried = 0;
  for (int k = 0; k < 20000; ++k) {
    std::string q = word(k % 50 == 0 ? 80 : 12);
    std::string t = rng() % 3 == 0 ? q : word(14);
    // Often a near miss of q: an edit or two, or q cut or extended.
    if (rng() % 2 && !t.empty()) t[rng() % t.size()] = letters[rng() % 6][0];
    if (rng() % 4 == 0) t += word(4);
    for (bool prefix : {false, true}) {
      const int want = MatchQuality(q, t, prefix);
      if (want >= 0 && !t.empty()) {
        ASSERT_TRUE(TermRater(q).MayMatch(t[0], t.size() + k % 3)) << q << " / " << t;
      }
      ASSERT_EQ(TermRater(q).Rate(t, prefix), want)
          << "q=\"" << q << "\" t=\"" << t << "\" prefix=" << prefix;
      matched += want >= 0;
      ++tried;
    }
  }
  // The case mix must exercise matches, not only refusals.
  EXPECT_GT(matched, tried / 10);
  EXPECT_EQ(TermRater("milwakee").Rate("milwaukee", false), 2);
  EXPECT_EQ(TermRater("milwakee").Rate("milwaukee", false),
            MatchQuality("milwakee", "milwaukee", false));
  EXPECT_EQ(TermRater("milw").Rate("milwaukee", true), 1);
  EXPECT_EQ(TermRater("nilwaukee").Rate("milwaukee", false), 4);  // a first-letter typo costs two
}

// The trie walk must give exactly the brute-force answer, quality included.
TEST(Fuzzy, TrieWalkEqualsDpOverTheWholeVocabulary) {
  std::mt19937 rng(2024);
  const std::string alphabet = "aeinorstlmjcdhk";
  auto random_word = [&](size_t len) {
    std::string w;
    for (size_t i = 0; i < len; ++i) w.push_back(alphabet[rng() % alphabet.size()]);
    return w;
  };
  std::vector<std::string> words;
  for (int i = 0; i < 3000; ++i) words.push_back(random_word(2 + rng() % 11));
  // Clusters of near neighbours, so typo matches are common.
  for (int i = 0; i < 300; ++i) {
    std::string base = random_word(4 + rng() % 8);
    for (int k = 0; k < 5; ++k) {
      std::string w = base;
      size_t at = rng() % w.size();
      switch (rng() % 4) {
        case 0:
          w[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          w.erase(at, 1);
          break;
        case 2:
          w.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        default:
          if (at + 1 < w.size()) std::swap(w[at], w[at + 1]);
      }
      words.push_back(w);
    }
    words.push_back(base);
  }
  words.push_back("jos\xc3\xa9");  // multi-byte letters too
  Vocab v(words);
  ASSERT_TRUE(v.index.CheckInvariants().ok());
  const int n = testing::Iterations(300);
  for (int i = 0; i < n; ++i) {
    std::string q = rng() % 2 ? words[rng() % words.size()] : random_word(1 + rng() % 12);
    if (rng() % 2 && q.size() > 2) q[rng() % q.size()] = alphabet[rng() % alphabet.size()];
    for (bool prefix : {false, true}) {
      auto fast = MatchTerms(v.index, q, prefix);
      auto slow = MatchTermsBrute(v.index, q, prefix);
      ASSERT_EQ(fast, slow) << "query '" << q << "' prefix=" << prefix;
    }
  }
}

}  // namespace
}  // namespace meridian
