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

bool IsWebAddress(std::string_view s) {
  return s.starts_with("http://") || s.starts_with("https://");
}

bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

constexpr std::string_view kCredentialColumns =
    "id,name,text_tokens,is_credential,granted_by,requirements,hours_min,hours_max,"
    "hours_min_source,hours_max_source,kept_current,tells_you,does_not_tell_you,sources,"
    "issuer_sources,as_of,confidence";
constexpr std::string_view kStateRuleColumns =
    "usps,topic,status,title_protected,board,exam,nccaom_required,min_hours,conditions,"
    "effective_date,citation,quote,law_date,sources,as_of,confidence,note";
constexpr std::string_view kLookupColumns =
    "usps,profession,board,lookup_url,sources,as_of,confidence,note";

// The header line must name exactly `columns` (a moved column is a wrong
// fact on every row, so it is refused by name, not by count).
Status CheckHeader(std::string_view csv, std::string_view file, std::string_view columns) {
  if (csv.starts_with("\xEF\xBB\xBF")) csv.remove_prefix(3);
  std::string_view line = csv.substr(0, csv.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (line != columns)
    return Status::InvalidArgument(std::string(file) + " line 1: the header must be " +
                                   std::string(columns));
  return Status::OK();
}

const std::vector<std::string_view>* StatusesOf(std::string_view topic) {
  static const std::vector<std::string_view> kAcupuncture = {"licensed",  "certified", "registered",
                                                             "regulated", "none",      "unknown"};
  static const std::vector<std::string_view> kNeedling = {"allowed", "prohibited", "law_silent",
                                                          "contested", "unknown"};
  static const std::vector<std::string_view> kMassage = {"licensed", "certified", "registered",
                                                         "none", "unknown"};
  static const std::vector<std::string_view> kLicensed = {"licensed", "unknown"};
  if (topic == "acupuncture_license") return &kAcupuncture;
  if (topic == "pt_dry_needling" || topic == "dc_dry_needling") return &kNeedling;
  if (topic == "massage_license") return &kMassage;
  if (topic == "chiro_license" || topic == "pt_license") return &kLicensed;
  return nullptr;
}

// Sources and as-of date and confidence, shared by both files.
Status CheckProvenance(std::string_view file, uint64_t line, const std::vector<std::string>& src,
                       std::string_view as_of, std::string_view confidence) {
  if (src.empty()) return FieldError(file, line, "sources", "at least one source is required");
  for (const std::string& s : src)
    if (!IsWebAddress(s)) return FieldError(file, line, "sources", "not a web address: " + s);
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
  MERIDIAN_RETURN_IF_ERROR(CheckHeader(credentials_csv, kCred, kCredentialColumns));
  MERIDIAN_RETURN_IF_ERROR(ForEachReferenceRow(
      credentials_csv, kCred, "id", 17, 17, [&](const CsvRecord& rec) -> Status {
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
        c.hours_min_source = f[8], c.hours_max_source = f[9];
        if (c.hours_min.has_value() != !c.hours_min_source.empty() ||
            c.hours_max.has_value() != !c.hours_max_source.empty())
          return FieldError(kCred, rec.line, "hours_min_source/hours_max_source",
                            "each end of the hours range needs its own source, and only then");
        c.kept_current = f[10], c.tells_you = f[11], c.does_not_tell_you = f[12];
        if (c.tells_you.empty() || c.does_not_tell_you.empty())
          return FieldError(kCred, rec.line, "tells_you", "both sides are required");
        for (const std::string& t : c.text_tokens)
          if (CredentialTokens(t) != std::vector<std::string>{t})
            return FieldError(kCred, rec.line, "text_tokens",
                              "\"" + t + "\" is not written as CredentialTokens spells it");
        c.sources = SplitBar(f[13]), c.issuer_sources = SplitBar(f[14]);
        c.as_of = f[15], c.confidence = f[16];
        MERIDIAN_RETURN_IF_ERROR(
            CheckProvenance(kCred, rec.line, c.sources, c.as_of, c.confidence));
        if (c.issuer_sources.empty())
          return FieldError(kCred, rec.line, "issuer_sources",
                            "at least one page from the body that grants or accredits it");
        for (const std::string* u : {&c.hours_min_source, &c.hours_max_source})
          if (!u->empty() && !IsWebAddress(*u))
            return FieldError(kCred, rec.line, "hours source", "not a web address: " + *u);
        for (const std::string& u : c.issuer_sources)
          if (!IsWebAddress(u))
            return FieldError(kCred, rec.line, "issuer_sources", "not a web address: " + u);
        if (kb.FindCredential(c.id) != nullptr)
          return FieldError(kCred, rec.line, "id", "duplicate " + c.id);
        kb.credentials_.push_back(std::move(c));
        return Status::OK();
      }));
  std::set<std::pair<std::string, std::string>> seen;
  MERIDIAN_RETURN_IF_ERROR(CheckHeader(state_rules_csv, kRules, kStateRuleColumns));
  MERIDIAN_RETURN_IF_ERROR(ForEachReferenceRow(
      state_rules_csv, kRules, "usps", 17, 17, [&](const CsvRecord& rec) -> Status {
        const auto& f = rec.fields;
        StateRule r;
        r.usps = f[0], r.topic = f[1], r.status = f[2], r.title_protected = f[3];
        r.board = f[4], r.exam = f[5], r.nccaom_required = f[6];
        if (states.Id(r.usps) == 0 || !StateTable::IsStateOrDc(r.usps))
          return FieldError(kRules, rec.line, "usps", "unknown state " + r.usps);
        const std::vector<std::string_view>* allowed = StatusesOf(r.topic);
        if (allowed == nullptr)
          return FieldError(kRules, rec.line, "topic", "unknown topic \"" + r.topic + "\"");
        if (std::find(allowed->begin(), allowed->end(), r.status) == allowed->end())
          return FieldError(kRules, rec.line, "status", "unknown value \"" + r.status + "\"");
        const bool acupuncture = r.topic == "acupuncture_license";
        if (acupuncture ? !OneOf(r.nccaom_required, {"yes", "no", "unknown"})
                        : !r.nccaom_required.empty())
          return FieldError(kRules, rec.line, "nccaom_required",
                            "yes, no or unknown, and only for acupuncture_license");
        if (acupuncture ? !OneOf(r.title_protected, {"yes", "no", "unknown", ""})
                        : !r.title_protected.empty())
          return FieldError(kRules, rec.line, "title_protected",
                            "yes, no, unknown or empty, and only for acupuncture_license");
        if (!ParseHours(f[7], &r.min_hours))
          return FieldError(kRules, rec.line, "min_hours", "a whole number or empty");
        if (r.min_hours && !OneOf(r.status, {"allowed", "licensed", "certified", "registered"}))
          return FieldError(kRules, rec.line, "min_hours",
                            "hours only where the practice is allowed or licensed");
        r.conditions = f[8], r.effective_date = f[9], r.citation = f[10], r.quote = f[11];
        r.law_date = f[12];
        if (!r.effective_date.empty() && !IsIsoDate(r.effective_date))
          return FieldError(kRules, rec.line, "effective_date", "YYYY-MM-DD or empty");
        r.sources = SplitBar(f[13]), r.as_of = f[14], r.confidence = f[15], r.note = f[16];
        MERIDIAN_RETURN_IF_ERROR(
            CheckProvenance(kRules, rec.line, r.sources, r.as_of, r.confidence));
        if (!IsIsoDate(r.as_of))
          return FieldError(kRules, rec.line, "as_of", "the date the text was read, YYYY-MM-DD");
        if (r.confidence == "dated")
          return FieldError(kRules, rec.line, "confidence",
                            "a state rule is confirmed, sources_disagree or unconfirmed");
        if (r.confidence == "sources_disagree" && r.note.empty() && r.conditions.empty())
          return FieldError(kRules, rec.line, "note", "say what the sources disagree on");
        if (!r.quote.empty() && r.citation.empty())
          return FieldError(kRules, rec.line, "citation", "a quote needs the section it is from");
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

Status KnowledgeBase::AddLicenseLookups(std::string_view csv) {
  constexpr std::string_view kFile = "license_lookup.csv";
  const StateTable& states = StateTable::Embedded();
  MERIDIAN_RETURN_IF_ERROR(CheckHeader(csv, kFile, kLookupColumns));
  return ForEachReferenceRow(csv, kFile, "usps", 8, 8, [&](const CsvRecord& rec) -> Status {
    const auto& f = rec.fields;
    LicenseLookup l;
    l.usps = f[0], l.profession = f[1], l.board = f[2], l.url = f[3];
    l.sources = SplitBar(f[4]), l.as_of = f[5], l.confidence = f[6], l.note = f[7];
    if (states.Id(l.usps) == 0 || !StateTable::IsStateOrDc(l.usps))
      return FieldError(kFile, rec.line, "usps", "unknown state " + l.usps);
    if (std::find(std::begin(kProfessions), std::end(kProfessions), l.profession) ==
        std::end(kProfessions))
      return FieldError(kFile, rec.line, "profession", "unknown value \"" + l.profession + "\"");
    if (!l.url.empty() && !IsWebAddress(l.url))
      return FieldError(kFile, rec.line, "lookup_url", "not a web address: " + l.url);
    if (l.url.empty() && l.note.empty())
      return FieldError(kFile, rec.line, "note", "say why there is no lookup page");
    if (!l.url.empty() && l.board.empty())
      return FieldError(kFile, rec.line, "board", "name the board whose page it is");
    MERIDIAN_RETURN_IF_ERROR(CheckProvenance(kFile, rec.line, l.sources, l.as_of, l.confidence));
    if (Lookup(l.usps, l.profession) != nullptr)
      return FieldError(kFile, rec.line, "usps", "second row for " + l.usps + " " + l.profession);
    lookups_.push_back(std::move(l));
    return Status::OK();
  });
}

const LicenseLookup* KnowledgeBase::Lookup(std::string_view usps,
                                           std::string_view profession) const {
  for (const LicenseLookup& l : lookups_)
    if (l.usps == usps && l.profession == profession) return &l;
  return nullptr;
}

std::string ProfessionOf(std::string_view code, std::string_view credential_text) {
  if (code.starts_with("171100000X")) return "acupuncture";
  if (code.starts_with("111N")) return "chiropractic";
  if (code.starts_with("2251")) return "physical_therapy";
  if (code.starts_with("225700000X")) return "massage";
  if (code.starts_with("207") || code.starts_with("208")) {
    for (const std::string& t : CredentialTokens(credential_text))
      if (t == "DO") return "osteopathic";
    return "medicine";
  }
  return "";
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
  MERIDIAN_RETURN_IF_ERROR(kb->AddLicenseLookups(EmbeddedLicenseLookupCsv()));
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
