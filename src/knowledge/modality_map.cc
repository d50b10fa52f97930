#include "knowledge/modality_map.h"

#include <algorithm>

#include "data/embedded.h"
#include "text/normalize.h"
#include "util/csv.h"

namespace meridian {

std::vector<std::string> SplitBar(std::string_view s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size() && !s.empty()) {
    size_t bar = s.find('|', pos);
    std::string_view part = s.substr(pos, bar == std::string_view::npos ? bar : bar - pos);
    if (!part.empty()) out.emplace_back(part);
    if (bar == std::string_view::npos) break;
    pos = bar + 1;
  }
  return out;
}

std::vector<std::string> CredentialTokens(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  for (char c : text) {
    if (c == '.') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      cur.push_back(c);
    } else if (!cur.empty()) {
      words.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  std::vector<std::string> out = words;
  for (size_t i = 0; i + 1 < words.size(); ++i) out.push_back(words[i] + words[i + 1]);
  return out;
}

Result<ModalityMap> ModalityMap::Parse(std::string_view csv) {
  ModalityMap m;
  MERIDIAN_RETURN_IF_ERROR(ForEachReferenceRow(
      csv, "modalities.csv", "modality", 10, 10, [&m](const CsvRecord& rec) -> Status {
        Modality x;
        x.id = rec.fields[0];
        x.label = rec.fields[1];
        x.taxonomy_prefixes = SplitBar(rec.fields[2]);
        x.credential_tokens = SplitBar(rec.fields[3]);
        x.confidence = rec.fields[4];
        x.as_of = rec.fields[5];
        x.source = rec.fields[6];
        x.note = rec.fields[7];
        x.credential_needs_taxonomy = SplitBar(rec.fields[8]);
        for (const std::string& w : SplitBar(rec.fields[9])) {
          std::string n;
          AppendNormalizedTokens(w, &n);
          if (n.empty())
            return Status::InvalidArgument("modalities.csv line " + std::to_string(rec.line) +
                                           ": search word \"" + w + "\" has no letters");
          x.search_words.push_back(std::move(n));
        }
        if (!x.credential_needs_taxonomy.empty())
          m.needs_taxonomy_ |= static_cast<ModalityMask>(1u << m.modalities_.size());
        if (x.id.empty() || x.source.empty() || x.as_of.empty() || x.confidence.empty())
          return Status::InvalidArgument("modalities.csv line " + std::to_string(rec.line) +
                                         ": id, confidence, as_of and source are required");
        m.modalities_.push_back(std::move(x));
        return Status::OK();
      }));
  if (m.modalities_.size() > kMaxModalities)
    return Status::InvalidArgument("modalities.csv: at most 16 modalities");
  return m;
}

const ModalityMap& ModalityMap::Embedded() {
  static const ModalityMap map = [] {
    auto r = Parse(EmbeddedModalitiesCsv());
    return r.ok() ? std::move(r).value() : ModalityMap();
  }();
  return map;
}

int ModalityMap::Find(std::string_view id) const {
  for (size_t i = 0; i < modalities_.size(); ++i)
    if (modalities_[i].id == id) return static_cast<int>(i);
  return -1;
}

namespace {

// The modalities whose `prefixes` list holds a prefix of `code`.
ModalityMask PrefixMask(const std::vector<Modality>& modalities, std::string_view code,
                        std::vector<std::string> Modality::*prefixes) {
  ModalityMask m = 0;
  for (size_t i = 0; i < modalities.size(); ++i)
    for (const std::string& p : modalities[i].*prefixes)
      if (code.starts_with(p)) m |= static_cast<ModalityMask>(1u << i);
  return m;
}

}  // namespace

ModalityMask ModalityMap::MaskForTaxonomy(std::string_view code) const {
  return PrefixMask(modalities_, code, &Modality::taxonomy_prefixes);
}

ModalityMask ModalityMap::CredentialTaxonomyMask(std::string_view code) const {
  return PrefixMask(modalities_, code, &Modality::credential_needs_taxonomy);
}

ModalityMask ModalityMap::MaskForCredential(std::string_view credential_text) const {
  if (credential_text.empty()) return 0;
  std::vector<std::string> tokens = CredentialTokens(credential_text);
  ModalityMask m = 0;
  for (size_t i = 0; i < modalities_.size(); ++i)
    for (const std::string& t : modalities_[i].credential_tokens)
      if (std::find(tokens.begin(), tokens.end(), t) != tokens.end())
        m |= static_cast<ModalityMask>(1u << i);
  return m;
}

}  // namespace meridian
