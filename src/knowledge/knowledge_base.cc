#include "knowledge/knowledge_base.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "data/embedded.h"
#include "knowledge/modality_map.h"
#include "util/csv.h"

namespace meridian {

namespace {

bool OneOf(std::string_view v, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

Status FieldError(std::string_view file, uint64_t line, std::string_view field,
                  const std::string& why) {
  return Status::InvalidArgument(std::string(file) + " line " + std::to_string(line) + ", " +
                                 std::string(field) + ": " + why);
}

// A whole non-negative number, or empty (unknown).
bool ParseHours(std::string_view s, std::optional<int>* out) {
  out->reset();
  if (s.empty()) return true;
  int v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < 0) return false;
  *out = v;
  return true;
}

// Sources and as-of date and confidence, shared by both files.
Status CheckProvenance(std::string_view file, uint64_t line, const std::vector<std::string>& src,
                       std::string_view as_of, std::string_view confidence) {
  if (src.empty()) return FieldError(file, line, "sources", "at least one source is required");
  for (const std::string& s : src)
    if (!s.starts_with("http://") && !s.starts_with("https://"))
      return FieldError(file, line, "sources", "not a web address: " + s);
  if (as_of.empty()) return FieldError(file, line, "as_of", "an as-of date is required");
  if (std::find(std::begin(kConfidences), std::end(kConfidences), confidence) ==
      std::end(kConfidences))
    return FieldError(file, line, "confidence",
                      "unknown value \"" + std::string(confidence) + "\"");
  return Status::OK();
}

}  // namespace

Result<KnowledgeBase> KnowledgeBase::Parse(std::string_view credentials_csv,
                                           std::string_view state_rules_csv,
                                           const StateTable& states) {
  KnowledgeBase kb;
  constexpr std::string_view kCred = "credentials.csv", kRules = "state_rules.csv";
  MERIDIAN_RETURN_IF_ERROR(ForEachReferenceRow(
      credentials_csv, kCred, "id", 14, 14, [&](const CsvRecord& rec) -> Status {
        const auto& f = rec.fields;
        Credential c;
        c.id = f[0], c.name = f[1], c.text_tokens = SplitBar(f[2]);
        if (c.id.empty() || c.name.empty()) return FieldError(kCred, rec.line, "id", "empty");
        if (!OneOf(f[3], {"yes", "no"}))
          return FieldError(kCred, rec.line, "is_credential", "yes or no");
        c.is_credential = f[3] == "yes";
        c.granted_by = f[4], c.requirements = f[5];
        if (!ParseHours(f[6], &c.hours_min) || !ParseHours(f[7], &c.hours_max))
          return FieldError(kCred, rec.line, "hours", "a whole number or empty");
        if (c.hours_min && c.hours_max && *c.hours_min > *c.hours_max)
          return FieldError(kCred, rec.line, "hours", "minimum above maximum");
        c.kept_current = f[8], c.tells_you = f[9], c.does_not_tell_you = f[10];
        if (c.tells_you.empty() || c.does_not_tell_you.empty())
          return FieldError(kCred, rec.line, "tells_you", "both sides are required");
        for (const std::string& t : c.text_tokens)
          if (CredentialTokens(t) != std::vector<std::string>{t})
            return FieldError(kCred, rec.line, "text_tokens",
                              "\"" + t + "\" is not written as CredentialTokens spells it");
        c.sources = SplitBar(f[11]), c.as_of = f[12], c.confidence = f[13];
        MERIDIAN_RETURN_IF_ERROR(
            CheckProvenance(kCred, rec.line, c.sources, c.as_of, c.confidence));
        if (kb.FindCredential(c.id) != nullptr)
          return FieldError(kCred, rec.line, "id", "duplicate " + c.id);
        kb.credentials_.push_back(std::move(c));
        return Status::OK();
      }));
  std::set<std::pair<std::string, std::string>> seen;
  MERIDIAN_RETURN_IF_ERROR(ForEachReferenceRow(
      state_rules_csv, kRules, "usps", 10, 10, [&](const CsvRecord& rec) -> Status {
        const auto& f = rec.fields;
        StateRule r;
        r.usps = f[0], r.topic = f[1], r.status = f[2], r.nccaom_required = f[3];
        if (states.Id(r.usps) == 0)
          return FieldError(kRules, rec.line, "usps", "unknown state " + r.usps);
        if (r.topic == "acupuncture_license") {
          if (!OneOf(r.status,
                     {"licensed", "certified", "registered", "regulated", "none", "unknown"}))
            return FieldError(kRules, rec.line, "status", "unknown value \"" + r.status + "\"");
          if (!OneOf(r.nccaom_required, {"yes", "no", "unknown"}))
            return FieldError(kRules, rec.line, "nccaom_required", "yes, no or unknown");
        } else if (r.topic == "pt_dry_needling" || r.topic == "dc_dry_needling") {
          if (!OneOf(r.status, {"allowed", "prohibited", "law_silent", "unknown"}))
            return FieldError(kRules, rec.line, "status", "unknown value \"" + r.status + "\"");
          if (!r.nccaom_required.empty())
            return FieldError(kRules, rec.line, "nccaom_required", "only for acupuncture_license");
        } else {
          return FieldError(kRules, rec.line, "topic", "unknown topic \"" + r.topic + "\"");
        }
        if (!ParseHours(f[4], &r.min_hours))
          return FieldError(kRules, rec.line, "min_hours", "a whole number or empty");
        if (r.min_hours && r.status != "allowed")
          return FieldError(kRules, rec.line, "min_hours",
                            "hours only where the practice is allowed");
        r.conditions = f[5], r.sources = SplitBar(f[6]), r.as_of = f[7], r.confidence = f[8];
        r.note = f[9];
        MERIDIAN_RETURN_IF_ERROR(
            CheckProvenance(kRules, rec.line, r.sources, r.as_of, r.confidence));
        if (r.confidence == "sources_disagree" && r.note.empty() && r.conditions.empty())
          return FieldError(kRules, rec.line, "note", "say what the sources disagree on");
        if (!seen.insert({r.usps, r.topic}).second)
          return FieldError(kRules, rec.line, "usps", "second rule for " + r.usps + " " + r.topic);
        kb.rules_.push_back(std::move(r));
        return Status::OK();
      }));
  // Every jurisdiction has a row per topic (unknown is written down, not left out).
  for (const std::string& code : states.codes()) {
    for (const char* topic : kTopics)
      if (!seen.count({code, topic}) && StateTable::IsStateOrDc(code))
        return Status::InvalidArgument(std::string(kRules) + ": no " + topic + " rule for " + code);
  }
  return kb;
}

Status KnowledgeBase::AddModalityFacts(std::string_view modality_info_csv,
                                       std::string_view evidence_csv,
                                       std::string_view corrections_csv,
                                       const ModalityMap& modalities) {
  constexpr std::string_view kInfo = "modality_info.csv", kEvidence = "evidence.csv",
                             kCorrections = "corrections.csv";
  auto known = [&](std::string_view id) {
    for (const Modality& m : modalities.modalities())
      if (m.id == id) return true;
    return false;
  };
  MERIDIAN_RETURN_IF_ERROR(ForEachReferenceRow(
      modality_info_csv, kInfo, "modality", 11, 11, [&](const CsvRecord& rec) -> Status {
        const auto& f = rec.fields;
        auto str = [&](size_t k) { return std::string(f[k]); };
        ModalityInfo m{str(0), str(1), str(2),         str(3), str(4), str(5),
                       str(6), str(7), SplitBar(f[8]), str(9), str(10)};
        for (size_t k = 5; k <= 7; ++k)
          if (!OneOf(f[k], {"yes", "no", "sometimes"}))
            return FieldError(kInfo, rec.line, "uses_needles/hands_on/home_exercise",
                              "yes, no or sometimes");
        if (!known(m.id)) return FieldError(kInfo, rec.line, "modality", "unknown " + m.id);
        if (FindModality(m.id) != nullptr)
          return FieldError(kInfo, rec.line, "modality", "duplicate " + m.id);
        for (size_t k = 1; k <= 4; ++k)
          if (f[k].empty()) return FieldError(kInfo, rec.line, "text", "every text is required");
        MERIDIAN_RETURN_IF_ERROR(
            CheckProvenance(kInfo, rec.line, m.sources, m.as_of, m.confidence));
        modality_info_.push_back(std::move(m));
        return Status::OK();
      }));
  MERIDIAN_RETURN_IF_ERROR(ForEachReferenceRow(
      evidence_csv, kEvidence, "modality", 10, 10, [&](const CsvRecord& rec) -> Status {
        const auto& f = rec.fields;
        auto str = [&](size_t k) { return std::string(f[k]); };
        Evidence e{str(0), str(1),         str(2), SplitBar(f[3]), str(4),
                   str(5), SplitBar(f[6]), str(7), str(8),         SplitBar(f[9])};
        if (e.pain.empty()) return FieldError(kEvidence, rec.line, "pain", "a pain site or any");
        if (e.duration.empty())
          return FieldError(kEvidence, rec.line, "duration", "how long (new, weeks, long) or any");
        if (!known(e.modality))
          return FieldError(kEvidence, rec.line, "modality", "unknown " + e.modality);
        if (e.text.empty()) return FieldError(kEvidence, rec.line, "text", "empty");
        const bool gap = e.kind == "benefit_gap" || e.kind == "harm_gap";
        if (!gap && !OneOf(e.kind, {"benefit", "harm", "guideline"}))
          return FieldError(kEvidence, rec.line, "kind", "unknown value \"" + e.kind + "\"");
        if (gap) {
          if (e.certainty != "unknown" || !e.sources.empty() || !e.citation.empty())
            return FieldError(kEvidence, rec.line, "certainty",
                              "a gap has certainty unknown and no sources");
        } else {
          if (!OneOf(e.certainty, {"high", "moderate", "low", "very low", "low to moderate",
                                   "very low to moderate", "varies"}))
            return FieldError(kEvidence, rec.line, "certainty",
                              "unknown value \"" + e.certainty + "\"");
          if (e.citation.empty()) return FieldError(kEvidence, rec.line, "citation", "required");
          MERIDIAN_RETURN_IF_ERROR(
              CheckProvenance(kEvidence, rec.line, e.sources, e.as_of, e.confidence));
        }
        evidence_.push_back(std::move(e));
        return Status::OK();
      }));
  MERIDIAN_RETURN_IF_ERROR(ForEachReferenceRow(
      corrections_csv, kCorrections, "claim", 5, 5, [&](const CsvRecord& rec) -> Status {
        const auto& f = rec.fields;
        auto str = [&](size_t k) { return std::string(f[k]); };
        Correction c{str(0), str(1), SplitBar(f[2]), str(3), str(4)};
        if (c.claim.empty() || c.correction.empty())
          return FieldError(kCorrections, rec.line, "correction", "claim and correction required");
        MERIDIAN_RETURN_IF_ERROR(
            CheckProvenance(kCorrections, rec.line, c.sources, c.as_of, c.confidence));
        corrections_.push_back(std::move(c));
        return Status::OK();
      }));
  // Balance (IPDAS): both sides of every modality are written down.
  for (const Modality& m : modalities.modalities()) {
    if (FindModality(m.id) == nullptr)
      return Status::InvalidArgument(std::string(kInfo) + ": no row for " + m.id);
    bool good = false, bad = false;
    for (const Evidence& e : evidence_) {
      if (e.modality != m.id) continue;
      good = good || OneOf(e.kind, {"benefit", "guideline", "benefit_gap"});
      bad = bad || OneOf(e.kind, {"harm", "harm_gap"});
    }
    if (!good || !bad)
      return Status::InvalidArgument(std::string(kEvidence) + ": " + m.id +
                                     " needs both a benefit and a harm row (or a gap row)");
  }
  return Status::OK();
}

Result<KnowledgeBase> KnowledgeBase::LoadEmbedded() {
  auto kb = Parse(EmbeddedCredentialsCsv(), EmbeddedStateRulesCsv(), StateTable::Embedded());
  if (!kb.ok()) return kb.status();
  MERIDIAN_RETURN_IF_ERROR(kb->AddModalityFacts(EmbeddedModalityInfoCsv(), EmbeddedEvidenceCsv(),
                                                EmbeddedCorrectionsCsv(), ModalityMap::Embedded()));
  return kb;
}

const ModalityInfo* KnowledgeBase::FindModality(std::string_view id) const {
  for (const ModalityInfo& m : modality_info_)
    if (m.id == id) return &m;
  return nullptr;
}

std::vector<PatientText> KnowledgeBase::PatientTexts() const {
  std::vector<PatientText> out;
  auto block = [](std::initializer_list<const std::string*> parts) {
    std::string s;
    for (const std::string* p : parts)
      if (!p->empty()) s += (s.empty() ? "" : " ") + *p;
    return s;
  };
  for (const Credential& c : credentials_)
    out.push_back({"credentials.csv " + c.id,
                   block({&c.requirements, &c.kept_current, &c.tells_you, &c.does_not_tell_you})});
  for (const ModalityInfo& m : modality_info_)
    out.push_back({"modality_info.csv " + m.id,
                   block({&m.what_it_is, &m.visit, &m.who_may_offer, &m.nppes_note})});
  for (const Evidence& e : evidence_)
    out.push_back({"evidence.csv " + e.modality + " " + e.kind, e.text});
  for (const Correction& c : corrections_)
    out.push_back({"corrections.csv \"" + c.claim.substr(0, 30) + "\"", c.correction});
  return out;
}

const Credential* KnowledgeBase::FindCredential(std::string_view id) const {
  for (const Credential& c : credentials_)
    if (c.id == id) return &c;
  return nullptr;
}

const StateRule* KnowledgeBase::Rule(std::string_view usps, std::string_view topic) const {
  for (const StateRule& r : rules_)
    if (r.usps == usps && r.topic == topic) return &r;
  return nullptr;
}

bool KnowledgeBase::MayDryNeedle(std::string_view usps, std::string_view taxonomy_code) const {
  if (taxonomy_code.starts_with("171100000X")) return true;
  const char* topic = taxonomy_code.starts_with("2251")   ? "pt_dry_needling"
                      : taxonomy_code.starts_with("111N") ? "dc_dry_needling"
                                                          : nullptr;
  if (topic == nullptr) return false;
  const StateRule* r = Rule(usps, topic);
  return r != nullptr && r->status == "allowed";
}

std::vector<const Credential*> KnowledgeBase::Recognize(std::string_view credential_text) const {
  const std::vector<std::string> tokens = CredentialTokens(credential_text);
  std::vector<const Credential*> out;
  for (const Credential& c : credentials_)
    for (const std::string& t : c.text_tokens)
      if (std::find(tokens.begin(), tokens.end(), t) != tokens.end()) {
        out.push_back(&c);
        break;
      }
  return out;
}

std::vector<std::string> KnowledgeBase::Unexplained(std::string_view text) const {
  std::vector<std::string> words;
  std::string cur;
  for (char c : text) {
    if (c == ',' || c == ';' || c == '/' || c == ' ' || c == '\t' || c == '(' || c == ')') {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  std::vector<bool> explained(words.size(), false);
  for (size_t i = 0; i < words.size(); ++i) {
    if (CredentialTokens(words[i]).empty()) explained[i] = true;  // punctuation only
    if (!Recognize(words[i]).empty()) explained[i] = true;
    if (i + 1 < words.size() && !Recognize(words[i] + " " + words[i + 1]).empty() &&
        Recognize(words[i]).empty() && Recognize(words[i + 1]).empty())
      explained[i] = explained[i + 1] = true;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < words.size(); ++i)
    if (!explained[i] && std::find(out.begin(), out.end(), words[i]) == out.end())
      out.push_back(words[i]);
  return out;
}

ModalityMask ModalitiesOf(std::string_view credential_text, std::span<const std::string_view> codes,
                          std::string_view practice_state, const ModalityMap& modalities,
                          const KnowledgeBase* knowledge) {
  ModalityMask by_code = 0, qualifies = 0;
  for (std::string_view code : codes) {
    by_code |= modalities.MaskForTaxonomy(code);
    qualifies |= modalities.CredentialTaxonomyMask(code);
  }
  ModalityMask m =
      modalities.Covered(modalities.MaskForCredential(credential_text), by_code, qualifies);
  const int dn = modalities.Find("dry_needling");
  if (knowledge != nullptr && dn >= 0) {
    const ModalityMask bit = static_cast<ModalityMask>(1u << dn);
    m &= static_cast<ModalityMask>(~bit);
    for (std::string_view code : codes)
      if (knowledge->MayDryNeedle(practice_state, code)) m |= bit;
  }
  return m;
}

std::string TrainingHoursText(const Credential& c) {
  auto n = [](int v) {  // 1900 -> "1,900"
    std::string s = std::to_string(v);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
      s.insert(static_cast<size_t>(i), ",");
    return s;
  };
  if (c.hours_min && c.hours_max)
    return "about " + n(*c.hours_min) + " to " + n(*c.hours_max) + " hours";
  if (c.hours_min) return "at least " + n(*c.hours_min) + " hours";
  if (c.hours_max) return "up to " + n(*c.hours_max) + " hours";
  return "unknown";
}

}  // namespace meridian
