#include "util/csv.h"

#include <algorithm>
#include <cstring>

namespace meridian {

CsvTokenizer::CsvTokenizer(std::string_view window, uint64_t first_line, bool at_eof)
    : buf_(window), line_(first_line), at_eof_(at_eof) {}

void CsvTokenizer::SkipBom() {
  if (buf_.substr(pos_, 3) == "\xEF\xBB\xBF") pos_ += 3;
}

CsvTokenizer::Outcome CsvTokenizer::Fail(CsvRecord* rec, size_t start, uint64_t start_line,
                                         const char* why) {
  error_ = why;
  rec->fields.clear();
  rec->line = start_line;
  rec->begin = start;
  // Resume after the first line break following the record start.
  const void* nl = std::memchr(buf_.data() + start, '\n', buf_.size() - start);
  if (nl == nullptr) {
    if (!at_eof_ && buf_.size() - start <= 2 * kMaxRecordBytes) {
      // The resume point lies beyond this window; let the caller refill and
      // re-read this record (it will fail the same way, deterministically).
      // A line longer than 2 MiB is instead dropped up to the window end.
      pos_ = start;
      line_ = start_line;
      return Outcome::kNeedMore;
    }
    pos_ = buf_.size();
  } else {
    pos_ = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data()) + 1;
  }
  line_ = start_line + 1;
  rec->end = pos_;
  return Outcome::kError;
}

bool CsvTokenizer::SkipBlankLines() {
  const char* data = buf_.data();
  const size_t n = buf_.size();
  while (pos_ < n) {
    if (data[pos_] == '\n') {
      ++pos_, ++line_;
    } else if (data[pos_] == '\r' && pos_ + 1 < n && data[pos_ + 1] == '\n') {
      pos_ += 2, ++line_;
    } else if (data[pos_] == '\r' && pos_ + 1 == n && !at_eof_) {
      return false;
    } else {
      break;
    }
  }
  return true;
}

void CsvTokenizer::AppendUnescaped(const char* begin, const char* end,
                                   std::vector<std::string_view>* fields) {
  // Unescaped text never exceeds the record's bytes (<= kMaxRecordBytes), so
  // after this reserve scratch_ never reallocates and views stay valid.
  if (scratch_.capacity() < kMaxRecordBytes) scratch_.reserve(kMaxRecordBytes);
  const size_t off = scratch_.size();
  for (const char* c = begin; c < end; ++c) {
    scratch_.push_back(*c);
    if (*c == '"') ++c;  // skip the second quote of a pair
  }
  fields->emplace_back(scratch_.data() + off, scratch_.size() - off);
}

CsvTokenizer::Outcome CsvTokenizer::Next(CsvRecord* rec) {
  const char* data = buf_.data();
  const size_t n = buf_.size();
  if (!SkipBlankLines()) return Outcome::kNeedMore;  // a CR at the window's end
  if (pos_ >= n) return Outcome::kEnd;

  const size_t start = pos_;
  const uint64_t start_line = line_;
  const size_t limit = std::min(n, start + kMaxRecordBytes);
  size_t p = start;
  uint64_t newlines = 0;
  std::vector<std::string_view>& fields = rec->fields;
  fields.clear();
  scratch_.clear();

  for (;;) {
    if (p >= limit) {
      if (limit < n || (limit - start) >= kMaxRecordBytes)
        return Fail(rec, start, start_line, "record longer than 1 MiB (unterminated quote?)");
      if (!at_eof_) return Outcome::kNeedMore;
      // A record that ends exactly at EOF after a comma gets a final empty field.
      fields.emplace_back();
      break;
    }
    if (data[p] == '"') {
      // Quoted field. Fast path for "" followed by a comma (most NPPES fields).
      if (p + 2 < limit && data[p + 1] == '"' && data[p + 2] == ',') {
        fields.emplace_back();
        p += 3;
        continue;
      }
      size_t q = p + 1;
      bool escaped = false;
      const size_t field_begin = q;
      for (;;) {
        const void* hit = q < limit ? std::memchr(data + q, '"', limit - q) : nullptr;
        if (hit == nullptr) {
          if (limit < n || limit - start >= kMaxRecordBytes)
            return Fail(rec, start, start_line, "record longer than 1 MiB (unterminated quote?)");
          if (!at_eof_) return Outcome::kNeedMore;
          return Fail(rec, start, start_line, "unterminated quoted field");
        }
        size_t qpos = static_cast<size_t>(static_cast<const char*>(hit) - data);
        if (qpos + 1 < limit && data[qpos + 1] == '"') {
          escaped = true;
          q = qpos + 2;
          continue;
        }
        if (qpos + 1 >= limit && !at_eof_ && limit == n) return Outcome::kNeedMore;
        q = qpos;  // closing quote
        break;
      }
      const size_t len = q - field_begin;
      if (std::memchr(data + field_begin, '\n', len) != nullptr)
        newlines += static_cast<uint64_t>(std::count(data + field_begin, data + q, '\n'));
      if (escaped) {
        AppendUnescaped(data + field_begin, data + q, &fields);
      } else {
        fields.emplace_back(data + field_begin, len);
      }
      p = q + 1;  // past the closing quote
      if (p >= n) {
        if (!at_eof_) return Outcome::kNeedMore;
        break;  // EOF right after the field: record ends without a newline
      }
      char c = data[p];
      if (c == ',') {
        ++p;
        continue;
      }
      if (c == '\n') {
        ++p;
        break;
      }
      if (c == '\r') {
        if (p + 1 >= n && !at_eof_) return Outcome::kNeedMore;
        if (p + 1 < n && data[p + 1] == '\n') {
          p += 2;
          break;
        }
        if (p + 1 >= n) {  // lone CR at EOF
          ++p;
          break;
        }
      }
      // If the record has already run onto later lines, the likely cause is a
      // quote opened on its first line and never closed.
      return Fail(rec, start, start_line,
                  newlines > 0 ? "unterminated quote: a quoted field runs onto the next line"
                               : "unexpected character after a closing quote");
    }
    // Unquoted field: runs to ',' or a line end.
    size_t q = p;
    while (q < limit && data[q] != ',' && data[q] != '\n' && data[q] != '"') {
      if (data[q] == '\r' && q + 1 < n && data[q + 1] == '\n') break;
      if (data[q] == '\r' && q + 1 == n && !at_eof_) return Outcome::kNeedMore;
      ++q;
    }
    if (q < limit && data[q] == '"')
      return Fail(rec, start, start_line, "quote inside an unquoted field");
    if (q >= limit) {
      if (limit < n) return Fail(rec, start, start_line, "record longer than 1 MiB");
      if (!at_eof_) return Outcome::kNeedMore;
      fields.emplace_back(data + p, q - p);
      p = q;
      break;
    }
    fields.emplace_back(data + p, q - p);
    if (data[q] == ',') {
      p = q + 1;
      continue;
    }
    p = q + (data[q] == '\r' ? 2 : 1);
    break;
  }

  rec->line = start_line;
  rec->begin = start;
  rec->end = p;
  rec->raw = buf_.substr(start, p - start);
  pos_ = p;
  line_ = start_line + newlines + 1;
  return Outcome::kRecord;
}

Status ForEachReferenceRow(std::string_view csv, std::string_view what,
                           std::string_view first_column, size_t min_fields, size_t max_fields,
                           const std::function<Status(const CsvRecord&)>& on_row) {
  CsvTokenizer tok(csv, 1, true);
  tok.SkipBom();
  CsvRecord rec;
  bool header = true;
  for (;;) {
    auto o = tok.Next(&rec);
    if (o == CsvTokenizer::Outcome::kEnd) break;
    const std::string where = std::string(what) + " line " + std::to_string(rec.line);
    if (o != CsvTokenizer::Outcome::kRecord)
      return Status::InvalidArgument(where + ": " + tok.error());
    const bool width_ok = rec.fields.size() >= min_fields && rec.fields.size() <= max_fields;
    if (header) {
      if (!width_ok || rec.fields[0] != first_column)
        return Status::InvalidArgument(std::string(what) + ": unexpected header");
      header = false;
      continue;
    }
    if (!width_ok)
      return Status::InvalidArgument(where + ": expected " + std::to_string(min_fields) +
                                     (min_fields == max_fields ? "" : " or more") + " fields");
    MERIDIAN_RETURN_IF_ERROR(on_row(rec));
  }
  return Status::OK();
}

std::vector<std::string> SplitCsvLine(std::string_view line) {
  std::vector<std::string> out;
  CsvTokenizer tok(line, 1, /*at_eof=*/true);
  CsvRecord rec;
  if (tok.Next(&rec) == CsvTokenizer::Outcome::kRecord)
    for (std::string_view f : rec.fields) out.emplace_back(f);
  return out;
}

}  // namespace meridian
