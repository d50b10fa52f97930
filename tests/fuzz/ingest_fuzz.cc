// libFuzzer target for the ingest parser.
//
// Input byte 0 picks a mode:
//   even: the rest is CSV. It is tokenized in one window and again in two
//         windows split at a position taken from byte 1; both must give the
//         same records and errors (the property ingest's parallel reader
//         relies on). Each record is mapped through MapNppesRow, its fields
//         spread over the columns that validation looks at.
//   odd:  the rest is fed to DecodeRecord, which must reject or decode it
//         without reading out of bounds; a decoded record must re-encode to
//         the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "data/embedded.h"
#include "ingest/nppes_row.h"
#include "model/record_codec.h"
#include "util/csv.h"

using namespace meridian;

namespace {

const NppesColumns& Columns() {
  static const NppesColumns cols = [] {
    std::string_view h = EmbeddedNppesHeader();
    while (!h.empty() && (h.back() == '\n' || h.back() == '\r')) h.remove_suffix(1);
    CsvTokenizer tok(h, 1, true);
    CsvRecord rec;
    tok.Next(&rec);
    return NppesColumns::FromHeader(rec.fields).value();
  }();
  return cols;
}

struct Item {
  uint64_t line;
  std::vector<std::string> fields;
  bool error;
  bool operator==(const Item& o) const {
    return line == o.line && fields == o.fields && error == o.error;
  }
};

void Tokenize(std::string_view text, size_t split, std::vector<Item>* out) {
  size_t start = 0;
  uint64_t line = 1;
  bool eof = false;
  size_t avail = split;
  while (true) {
    eof = avail >= text.size();
    if (eof) avail = text.size();
    CsvTokenizer tok(text.substr(start, avail - start), line, eof);
    CsvRecord rec;
    bool more = false;
    for (;;) {
      auto o = tok.Next(&rec);
      if (o == CsvTokenizer::Outcome::kEnd) break;
      if (o == CsvTokenizer::Outcome::kNeedMore) {
        more = true;
        break;
      }
      Item it{rec.line, {}, o == CsvTokenizer::Outcome::kError};
      if (!it.error)
        for (auto f : rec.fields) it.fields.emplace_back(f);
      out->push_back(std::move(it));
    }
    start += tok.position();
    line = tok.line();
    if (eof && !more) return;
    if (eof && more) std::abort();  // kNeedMore is impossible at EOF
    avail = text.size();            // second window: everything
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  if (data[0] % 2 == 1) {
    Record r;
    if (DecodeRecord(body, &r).ok()) {
      std::string again;
      EncodeRecord(r, &again);
      if (again != body) std::abort();
    }
    return 0;
  }
  std::vector<Item> whole, split;
  Tokenize(body, body.size(), &whole);
  Tokenize(body, data[1] % (body.size() + 1), &split);
  if (!(whole == split)) std::abort();

  const NppesColumns& c = Columns();
  const int targets[] = {c.npi,         c.entity,        c.last_name,        c.first_name,
                         c.credential,  c.prac_postal,   c.enumeration_date, c.deactivation_date,
                         c.tax_code[0], c.tax_switch[0], c.tax_code[1],      c.sex,
                         c.oid_id[0]};
  std::vector<std::string_view> fields(c.field_count);
  Record r;
  RowError err;
  for (const Item& it : whole) {
    if (it.error) continue;
    for (auto& f : fields) f = {};
    for (size_t i = 0; i < it.fields.size() && i < std::size(targets); ++i)
      fields[static_cast<size_t>(targets[i])] = it.fields[i];
    if (MapNppesRow(c, fields, {}, &r, &err)) {
      std::string enc;
      EncodeRecord(r, &enc);
      Record back;
      if (!DecodeRecord(enc, &back).ok() || back.npi != r.npi) std::abort();
    }
  }
  return 0;
}
