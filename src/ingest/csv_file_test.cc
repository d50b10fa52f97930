// ReadCsvFile on two threads with small windows must give exactly what one
// tokenizer over the whole file gives, including on inputs built to make the
// split guesses wrong (quoted fields holding newlines and record-like text).
#include "ingest/csv_file.h"

#include <gtest/gtest.h>

#include <random>

#include "testing/test_util.h"

namespace meridian {
namespace {

struct Item {
  uint64_t line;
  std::vector<std::string> fields;
  std::string error;
  bool operator==(const Item& o) const {
    return line == o.line && fields == o.fields && error == o.error;
  }
};

class CollectSink : public CsvSink {
 public:
  void OnRecord(const CsvRecord& rec) override {
    Item it{rec.line, {}, ""};
    for (auto f : rec.fields) it.fields.emplace_back(f);
    items.push_back(std::move(it));
  }
  void OnError(uint64_t line, std::string_view, const char* reason) override {
    items.push_back({line, {}, reason});
  }
  size_t Checkpoint() override { return items.size(); }
  void Rollback(size_t c) override {
    ++rollbacks;
    items.resize(c);
  }
  std::vector<Item> items;
  int rollbacks = 0;
};

std::string MakeTrickyCsv(uint64_t seed, size_t target_bytes) {
  std::mt19937_64 rng(seed);
  std::string out = "\"a\",\"b\",\"c\"\n";
  while (out.size() < target_bytes) {
    int kind = static_cast<int>(rng() % 100);
    std::string f1 = "\"" + std::to_string(1000000000 + rng() % 1000000000) + "\"";
    std::string f2;
    if (kind < 15) {
      // A quoted field whose inner lines look exactly like records.
      f2 = "\"x\n\"\"1234567890\"\",\"\"y\"\"\n\"";
    } else if (kind < 25) {
      f2 = "\"multi\nline\r\nfield\"";
    } else if (kind < 27) {
      f2 = "\"broken\"x";  // malformed
    } else {
      f2 = "\"" + std::string(rng() % 600, 'v') + "\"";
    }
    out +=
        f1 + "," + f2 + ",\"" + std::to_string(rng() % 1000) + "\"" + (rng() % 3 ? "\n" : "\r\n");
    if (rng() % 50 == 0) out += "\n";  // blank line
  }
  return out;
}

std::vector<Item> OneTokenizer(const std::string& text) {
  CollectSink sink;
  CsvTokenizer tok(text, 1, true);
  CsvRecord rec;
  bool header = true;
  for (;;) {
    auto o = tok.Next(&rec);
    if (o == CsvTokenizer::Outcome::kEnd) break;
    if (header) {
      header = false;
      continue;
    }
    if (o == CsvTokenizer::Outcome::kRecord)
      sink.OnRecord(rec);
    else
      sink.OnError(rec.line, {}, tok.error());
  }
  return sink.items;
}

TEST(CsvFile, TwoThreadsMatchOneTokenizer) {
  testing::TempDir dir;
  for (uint64_t seed : {1, 2, 3}) {
    std::string text = MakeTrickyCsv(seed, 14u << 20);
    std::string path = dir.File("t.csv");
    testing::WriteAll(path, text);
    std::vector<Item> want = OneTokenizer(text);

    CollectSink a, b;
    CsvReadOptions o;
    o.threads = 2;
    o.window_bytes = 4u << 20;  // the minimum that still splits
    CsvReadStats stats;
    Status s = ReadCsvFile(
        path, o, [](const CsvRecord&) { return Status::OK(); }, {&a, &b}, &stats);
    ASSERT_TRUE(s.ok()) << s.ToString();
    // Merge the two sinks' items by line: each line starts at most one item.
    std::vector<Item> got = a.items;
    got.insert(got.end(), b.items.begin(), b.items.end());
    std::stable_sort(got.begin(), got.end(),
                     [](const Item& x, const Item& y) { return x.line < y.line; });
    ASSERT_EQ(got.size(), want.size()) << "seed " << seed;
    for (size_t i = 0; i < want.size(); ++i) ASSERT_TRUE(got[i] == want[i]) << "item " << i;
    EXPECT_EQ(stats.bytes, text.size());
    EXPECT_GT(b.items.size(), 0u) << "the second thread did no work";
    RecordProperty("misguessed_splits", static_cast<int>(stats.misguessed_splits));
  }
}

TEST(CsvFile, MisguessedSplitsAreRolledBack) {
  // Nearly every newline sits inside a quoted field whose lines look like
  // records, so split guesses land inside records and must be rolled back.
  testing::TempDir dir;
  std::string text = "\"h\"\n";
  std::string inner;
  for (int i = 0; i < 40; ++i) inner += "\"\"1\"\",\"\"2\"\"\n";
  for (int r = 0; text.size() < (12u << 20); ++r)
    text += "\"" + std::to_string(r) + "\",\"" + inner + "\"\n";
  std::string path = dir.File("q.csv");
  testing::WriteAll(path, text);
  CollectSink a, b;
  CsvReadOptions o;
  o.threads = 2;
  o.window_bytes = 4u << 20;
  CsvReadStats stats;
  ASSERT_TRUE(ReadCsvFile(
                  path, o, [](const CsvRecord&) { return Status::OK(); }, {&a, &b}, &stats)
                  .ok());
  std::vector<Item> got = a.items;
  got.insert(got.end(), b.items.begin(), b.items.end());
  std::stable_sort(got.begin(), got.end(),
                   [](const Item& x, const Item& y) { return x.line < y.line; });
  std::vector<Item> want = OneTokenizer(text);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) ASSERT_TRUE(got[i] == want[i]) << i;
  for (const Item& it : want) ASSERT_TRUE(it.error.empty()) << it.line;
  EXPECT_GT(stats.misguessed_splits, 0u);
  EXPECT_GT(b.rollbacks, 0);
}

TEST(CsvFile, EmptyFileAndMissingFile) {
  testing::TempDir dir;
  std::string path = dir.File("empty.csv");
  testing::WriteAll(path, "");
  CollectSink a;
  CsvReadStats stats;
  auto ok = [](const CsvRecord&) { return Status::OK(); };
  EXPECT_EQ(ReadCsvFile(path, CsvReadOptions(), ok, {&a}, &stats).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadCsvFile(dir.File("nope.csv"), CsvReadOptions(), ok, {&a}, &stats).code(),
            StatusCode::kIoError);
}

}  // namespace
}  // namespace meridian
