#include "util/csv.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace meridian {
namespace {

struct Row {
  std::vector<std::string> fields;
  uint64_t line;
  std::string error;  // empty for a good record
  bool operator==(const Row& o) const {
    return fields == o.fields && line == o.line && error == o.error;
  }
};

// Reads the whole buffer in one window.
std::vector<Row> ReadAll(std::string_view text) {
  std::vector<Row> out;
  CsvTokenizer tok(text, 1, true);
  tok.SkipBom();
  CsvRecord rec;
  for (;;) {
    auto o = tok.Next(&rec);
    if (o == CsvTokenizer::Outcome::kEnd) break;
    EXPECT_NE(o, CsvTokenizer::Outcome::kNeedMore);
    Row r;
    r.line = rec.line;
    if (o == CsvTokenizer::Outcome::kError) {
      r.error = tok.error();
    } else {
      for (auto f : rec.fields) r.fields.emplace_back(f);
    }
    out.push_back(r);
  }
  return out;
}

// Reads the buffer through windows of random sizes, the way ingest does.
std::vector<Row> ReadInWindows(std::string_view text, std::mt19937* rng) {
  std::vector<Row> out;
  size_t start = 0;
  uint64_t line = 1;
  size_t avail = 0;
  bool first = true;
  while (true) {
    avail = std::min(text.size(), std::max(avail, start) + 1 + (*rng)() % 7);
    bool eof = avail == text.size();
    CsvTokenizer tok(text.substr(start, avail - start), line, eof);
    if (first) tok.SkipBom();
    CsvRecord rec;
    bool need_more = false;
    for (;;) {
      auto o = tok.Next(&rec);
      if (o == CsvTokenizer::Outcome::kEnd) break;
      if (o == CsvTokenizer::Outcome::kNeedMore) {
        need_more = true;
        break;
      }
      Row r;
      r.line = rec.line;
      if (o == CsvTokenizer::Outcome::kError) {
        r.error = tok.error();
      } else {
        for (auto f : rec.fields) r.fields.emplace_back(f);
      }
      out.push_back(r);
    }
    if (tok.position() > 0) first = false;
    start += tok.position();
    line = tok.line();
    if (!need_more && eof) break;
  }
  return out;
}

TEST(Csv, QuotedFieldsWithCommasQuotesAndNewlines) {
  auto rows = ReadAll("\"a\",\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\"\n\"x\",\"\",\"\",\"\"\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"a", "b,c", "say \"hi\"", "two\nlines"}));
  EXPECT_EQ(rows[0].line, 1u);
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"x", "", "", ""}));
  EXPECT_EQ(rows[1].line, 3u);  // the embedded newline counts as a line
}

TEST(Csv, BomCrlfBlankLinesAndNoFinalNewline) {
  auto rows = ReadAll("\xEF\xBB\xBF\"h1\",\"h2\"\r\n\r\n\n\"1\",\"2\"\r\n3,4");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"h1", "h2"}));
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(rows[1].line, 4u);
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(rows[2].line, 5u);
}

TEST(Csv, EmptyTrailingFieldAndUnquoted) {
  auto rows = ReadAll("a,,c,\n,\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"a", "", "c", ""}));
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"", ""}));
}

TEST(Csv, ErrorsResumeAtTheNextLine) {
  auto rows = ReadAll(
      "\"1\",\"ok\"\n"
      "\"2\",\"bad\"x\n"  // text after closing quote
      "\"3\",\"ok\"\n"
      "\"4\",ab\"c\n"   // quote inside unquoted field
      "\"5\",\"open\n"  // unterminated quote, next line is a record
      "\"6\",\"ok\"\n"
      "\"7\",\"never closed\n");  // unterminated at EOF
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[0].fields[1], "ok");
  EXPECT_EQ(rows[1].error, "unexpected character after a closing quote");
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[2].fields[0], "3");
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_EQ(rows[3].error, "quote inside an unquoted field");
  EXPECT_EQ(rows[4].error, "unterminated quote: a quoted field runs onto the next line");
  EXPECT_EQ(rows[4].line, 5u);
  EXPECT_EQ(rows[5].fields[0], "6");
  EXPECT_EQ(rows[5].line, 6u);
  EXPECT_EQ(rows[6].error, "unterminated quoted field");
  EXPECT_EQ(rows[6].line, 7u);
}

TEST(Csv, OverlongRecordIsRejected) {
  std::string text = "\"1\",\"" + std::string(kMaxRecordBytes + 10, 'a') + "\n\"2\",\"ok\"\n";
  auto rows = ReadAll(text);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_FALSE(rows[0].error.empty());
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"2", "ok"}));
  EXPECT_EQ(rows[1].line, 2u);
}

// Differential: any windowing of the input gives exactly the one-window result.
TEST(Csv, WindowedReadingMatchesWholeBuffer) {
  std::mt19937 rng(42);
  const char* pieces[] = {"\"", "\"\"", ",", "\n", "\r\n", "\r", "a", "bc", " ", "\xEF\xBB\xBF"};
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text;
    int len = 1 + rng() % 30;
    for (int i = 0; i < len; ++i) text += pieces[rng() % 10];
    auto whole = ReadAll(text);
    auto windowed = ReadInWindows(text, &rng);
    ASSERT_EQ(whole.size(), windowed.size()) << text;
    for (size_t i = 0; i < whole.size(); ++i) ASSERT_TRUE(whole[i] == windowed[i]) << text;
  }
}

TEST(Csv, SplitCsvLine) {
  EXPECT_EQ(
      SplitCsvLine("101Y00000X,Behavioral Health,\"Counselor, general\",,x"),
      (std::vector<std::string>{"101Y00000X", "Behavioral Health", "Counselor, general", "", "x"}));
}

}  // namespace
}  // namespace meridian
