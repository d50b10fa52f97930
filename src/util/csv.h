// CsvTokenizer: an RFC 4180 record reader over an in-memory buffer.
//
// Handles quoted fields containing commas, doubled quotes and newlines, CRLF
// and LF line ends, blank lines (skipped), a missing final newline and a
// UTF-8 byte-order mark at the start of the file. It reports the 1-based
// line number where each record starts, so errors can point at the input.
//
// A malformed record (unterminated quote, text after a closing quote, a quote
// inside an unquoted field, or a record longer than kMaxRecordBytes) is
// returned as an error; the tokenizer then resumes at the start of the next
// physical line after the record's first line, so one bad record costs at most
// its own lines and the good records after it are kept.
//
// The tokenizer does no I/O: the caller hands it a window of the file. When a
// record may continue past the window (`at_eof` false), Next() returns
// kNeedMore and leaves position() at that record's start; the caller then
// supplies a window beginning there.
//
// Thread safety: one tokenizer per thread; distinct tokenizers may read the
// same buffer concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace meridian {

// Longer records are treated as corrupt (NPPES rows are 1–4 KB).
inline constexpr size_t kMaxRecordBytes = 1 << 20;

struct CsvRecord {
  std::vector<std::string_view> fields;  // valid until the next call to Next() (or the window dies)
  uint64_t line = 0;                     // 1-based line of the record's first byte
  size_t begin = 0, end = 0;             // byte span in the window, end past the line break
  std::string_view raw;                  // the record's bytes as read (kRecord only)
};

class CsvTokenizer {
 public:
  enum class Outcome { kRecord, kError, kNeedMore, kEnd };

  // `window` starts at a record boundary; `first_line` is the line number of
  // its first byte. `at_eof` says the window reaches the end of the file.
  CsvTokenizer(std::string_view window, uint64_t first_line, bool at_eof);

  // kRecord: *rec is filled. kError: rec->line/begin/end mark the bad record
  // and error() says why. kNeedMore: the rest of the window is an incomplete
  // record (only when !at_eof). kEnd: the window is fully consumed.
  Outcome Next(CsvRecord* rec);

  const char* error() const { return error_; }
  size_t position() const { return pos_; }  // offset of the next unread byte
  uint64_t line() const { return line_; }   // line number at position()

  // Skips a UTF-8 BOM at the current position (call once, at file start).
  void SkipBom();

 private:
  Outcome Fail(CsvRecord* rec, size_t start, uint64_t start_line, const char* why);
  // Skips blank lines ("\n" or "\r\n"); false when a CR ends a window
  // that is not the file's end (more bytes are needed to tell).
  bool SkipBlankLines();
  // Appends the quoted field text [begin, end) with doubled quotes undone.
  void AppendUnescaped(const char* begin, const char* end, std::vector<std::string_view>* fields);

  std::string_view buf_;
  size_t pos_ = 0;
  uint64_t line_;
  bool at_eof_;
  const char* error_ = "";
  std::string scratch_;  // unescaped text of fields with doubled quotes
};

// Reads a small reference CSV held in memory (the NUCC code set, the modality
// map): skips a BOM, requires a header whose first column is `first_column`,
// and hands each data row to `on_row`. Every row (header included) must have
// between `min_fields` and `max_fields` fields. Errors name `what` and the line.
Status ForEachReferenceRow(std::string_view csv, std::string_view what,
                           std::string_view first_column, size_t min_fields, size_t max_fields,
                           const std::function<Status(const CsvRecord&)>& on_row);

// Splits one line of a small, trusted CSV (e.g. the NUCC or ZCTA tables) into
// fields; used by the reference-data loaders.
std::vector<std::string> SplitCsvLine(std::string_view line);

}  // namespace meridian
