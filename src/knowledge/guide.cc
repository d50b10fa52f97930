#include "knowledge/guide.h"

#include <algorithm>
#include <set>

#include "data/embedded.h"
#include "util/csv.h"

namespace meridian {

namespace {

Status FieldError(std::string_view file, uint64_t line, std::string_view field,
                  const std::string& why) {
  return Status::InvalidArgument(std::string(file) + " line " + std::to_string(line) + ", " +
                                 std::string(field) + ": " + why);
}

bool Contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Preferences and the modality_info column that answers each.
struct PreferenceAttribute {
  const char* preference;
  std::string ModalityInfo::*attribute;
  const char* fits;       // when the attribute is "no" (needles) or "yes" (others)
  const char* conflicts;  // the opposite; "sometimes" gives the "may" wording
  const char* maybe;
};
constexpr PreferenceAttribute kPreferences[] = {
    {"no_needles", &ModalityInfo::uses_needles, "No needles", "Uses needles", "May use needles"},
    {"hands_on", &ModalityInfo::hands_on, "Hands-on care", "Not hands-on", "Sometimes hands-on"},
    {"exercise", &ModalityInfo::home_exercise, "Exercises for home", "Few home exercises",
     "Sometimes exercises for home"},
};

}  // namespace

bool GuideRule::Applies(std::string_view modality) const {
  return modalities.empty() || Contains(modalities, modality);
}

Result<Guide> Guide::Parse(std::string_view questions_csv, std::string_view rules_csv,
                           const KnowledgeBase& kb, const ModalityMap& modalities) {
  Guide g(kb, modalities);
  constexpr std::string_view kQ = "guide_questions.csv", kR = "guide_rules.csv";
  MERIDIAN_RETURN_IF_ERROR(
      ForEachReferenceRow(questions_csv, kQ, "id", 5, 5, [&](const CsvRecord& rec) -> Status {
        const auto& f = rec.fields;
        GuideQuestion q;
        q.id = f[0], q.question = f[2], q.help = f[4];
        if (f[1] != "one" && f[1] != "many") return FieldError(kQ, rec.line, "kind", "one or many");
        q.many = f[1] == "many";
        if (q.id.empty() || q.question.empty())
          return FieldError(kQ, rec.line, "question", "id and question are required");
        if (g.Find(q.id) != nullptr) return FieldError(kQ, rec.line, "id", "duplicate " + q.id);
        std::set<std::string> seen;
        for (const std::string& opt : SplitBar(f[3])) {
          const size_t eq = opt.find('=');
          if (eq == std::string::npos || eq == 0 || eq + 1 == opt.size())
            return FieldError(kQ, rec.line, "options", "write each as value=Label: " + opt);
          std::string value = opt.substr(0, eq);
          if (!seen.insert(value).second)
            return FieldError(kQ, rec.line, "options", "duplicate value " + value);
          q.options.emplace_back(value, opt.substr(eq + 1));
        }
        if (q.options.size() < 2) return FieldError(kQ, rec.line, "options", "at least two");
        g.questions_.push_back(std::move(q));
        return Status::OK();
      }));
  std::set<std::string> ids;
  MERIDIAN_RETURN_IF_ERROR(
      ForEachReferenceRow(rules_csv, kR, "id", 9, 9, [&](const CsvRecord& rec) -> Status {
        const auto& f = rec.fields;
        GuideRule r;
        r.id = f[0], r.question = f[1], r.answer = f[2], r.effect = f[3], r.text = f[5];
        r.sources = SplitBar(f[6]), r.as_of = f[7], r.confidence = f[8];
        if (!ids.insert(r.id).second) return FieldError(kR, rec.line, "id", "duplicate " + r.id);
        if (f[4] != "*") r.modalities = SplitBar(f[4]);
        for (const std::string& m : r.modalities)
          if (modalities.Find(m) < 0) return FieldError(kR, rec.line, "modalities", "unknown " + m);
        if (r.text.empty()) return FieldError(kR, rec.line, "text", "empty");
        const bool warning = r.effect == "emergency" || r.effect == "urgent";
        if (!warning && r.effect != "caution" && r.effect != "ask" && r.effect != "notice")
          return FieldError(kR, rec.line, "effect", "emergency, urgent, caution, ask or notice");
        if ((warning || r.effect == "caution") && r.question.empty())
          return FieldError(kR, rec.line, "question", r.effect + " rules need a trigger");
        if (warning && r.question != "red_flags")
          return FieldError(kR, rec.line, "question", "warning signs answer red_flags");
        if (r.effect == "ask" && !r.question.empty())
          return FieldError(kR, rec.line, "question", "ask rules have no trigger");
        const bool triggered = !r.question.empty() || !r.answer.empty();
        if (triggered) {
          const GuideQuestion* q = g.Find(r.question);
          if (q == nullptr) return FieldError(kR, rec.line, "question", "unknown " + r.question);
          bool known = false;
          for (const auto& [value, label] : q->options) known = known || value == r.answer;
          if (!known) return FieldError(kR, rec.line, "answer", "not an option: " + r.answer);
          if (r.sources.empty() || r.as_of.empty() ||
              std::find(std::begin(kConfidences), std::end(kConfidences), r.confidence) ==
                  std::end(kConfidences))
            return FieldError(kR, rec.line, "sources",
                              "triggered rules need sources, as_of and confidence");
          for (const std::string& s : r.sources)
            if (!s.starts_with("http://") && !s.starts_with("https://"))
              return FieldError(kR, rec.line, "sources", "not a web address: " + s);
        }
        g.rules_.push_back(std::move(r));
        return Status::OK();
      }));
  if (g.questions_.empty() || g.questions_[0].id != "red_flags")
    return Status::InvalidArgument(std::string(kQ) + ": warning signs (red_flags) come first");
  // Evidence rows name answers: pain sites ("where") and durations ("how_long").
  for (auto [qid, field] :
       {std::pair{"where", &Evidence::pain}, {"how_long", &Evidence::duration}}) {
    const GuideQuestion* q = g.Find(qid);
    if (q == nullptr)
      return Status::InvalidArgument(std::string(kQ) + ": no \"" + qid + "\" question");
    for (const Evidence& e : kb.evidence())
      for (const std::string& v : e.*field) {
        bool known = v == "any";
        for (const auto& [value, label] : q->options) known = known || value == v;
        if (!known)
          return Status::InvalidArgument("evidence.csv: " + e.modality + " \"" + v +
                                         "\" is not an answer to the \"" + qid + "\" question");
      }
  }
  return g;
}

Result<Guide> Guide::LoadEmbedded(const KnowledgeBase& kb) {
  return Parse(EmbeddedGuideQuestionsCsv(), EmbeddedGuideRulesCsv(), kb, ModalityMap::Embedded());
}

const GuideQuestion* Guide::Find(std::string_view id) const {
  for (const GuideQuestion& q : questions_)
    if (q.id == id) return &q;
  return nullptr;
}

Result<GuideResult> Guide::Evaluate(const GuideAnswers& answers) const {
  // Validate first: every answer names a question and one of its options.
  std::set<std::pair<std::string, std::string>> given;
  std::set<std::string> answered;
  for (const auto& [qid, value] : answers) {
    const GuideQuestion* q = Find(qid);
    const std::string param = "answers." + qid;
    if (q == nullptr) return Status::InvalidArgument("no such question").WithParam(param);
    bool known = false;
    std::vector<std::string> choices;
    for (const auto& [v, label] : q->options) {
      known = known || v == value;
      choices.push_back(v);
    }
    if (!known)
      return Status::InvalidArgument("\"" + value + "\" is not a choice")
          .WithParam(param)
          .WithSuggestions(std::move(choices));
    if (!q->many && answered.count(qid) && !given.count({qid, value}))
      return Status::InvalidArgument("pick one answer").WithParam(param);
    answered.insert(qid);
    given.insert({qid, value});
  }
  auto has = [&](std::string_view q, std::string_view v) {
    return given.count({std::string(q), std::string(v)}) > 0;
  };
  std::string site, duration;  // the "where" and "how_long" answers, or "" (all apply)
  for (const auto& [qid, value] : answers) {
    if (qid == "where") site = value;
    if (qid == "how_long") duration = value;
  }

  GuideResult r;
  for (const char* level : {"emergency", "urgent"})
    for (const GuideRule& rule : rules_)
      if (rule.effect == level && has(rule.question, rule.answer)) {
        r.urgent.push_back(&rule);
        r.emergency = r.emergency || rule.effect == "emergency";
      }
  for (const GuideRule& rule : rules_)
    if (rule.effect == "notice" && (rule.question.empty() || has(rule.question, rule.answer)))
      r.notices.push_back(&rule);
  // "tried" answers name modalities, except exercise (physical therapy) and
  // medicine (pain medicine).
  auto tried = [&](const std::string& modality) {
    return has("tried", modality) || (modality == "physical_therapy" && has("tried", "exercise")) ||
           (modality == "pain_medicine" && has("tried", "medicine"));
  };
  for (const Modality& m : modalities_->modalities()) {
    GuideOption o;
    o.info = kb_->FindModality(m.id);
    auto for_site = [&](const Evidence& e) {
      return (site.empty() || Contains(e.pain, "any") || Contains(e.pain, site)) &&
             (duration.empty() || Contains(e.duration, "any") || Contains(e.duration, duration));
    };
    for (const Evidence& e : kb_->evidence()) {
      if (e.modality != m.id || !for_site(e)) continue;
      if (e.kind == "benefit" || e.kind == "guideline") o.benefits.push_back(&e);
      if (e.kind == "harm") o.harms.push_back(&e);
      if (e.kind == "benefit_gap" && o.benefit_gap.empty()) o.benefit_gap = e.text;
      if (e.kind == "harm_gap" && o.harm_gap.empty()) o.harm_gap = e.text;
    }
    if (o.benefits.empty() && o.benefit_gap.empty())
      o.benefit_gap = "We have not yet checked studies of this care for this kind of pain.";
    if (o.harms.empty() && o.harm_gap.empty())
      o.harm_gap = "We have not yet checked the numbers on side effects for this kind of pain.";
    for (const GuideRule& rule : rules_) {
      if (!rule.Applies(m.id)) continue;
      if (rule.effect == "caution" && has(rule.question, rule.answer)) o.cautions.push_back(&rule);
      if (rule.effect == "ask") o.ask.push_back(&rule);
    }
    for (const PreferenceAttribute& p : kPreferences) {
      if (!has("prefs", p.preference) || o.info == nullptr) continue;
      const std::string& v = o.info->*p.attribute;
      const bool good = p.attribute == &ModalityInfo::uses_needles ? v == "no" : v == "yes";
      const bool bad = p.attribute == &ModalityInfo::uses_needles ? v == "yes" : v == "no";
      if (good) o.fits.push_back(p.fits);
      if (bad) o.conflicts.push_back(p.conflicts);
      if (v == "sometimes") o.maybe.push_back(p.maybe);  // never a match: ask
    }
    o.tried = tried(m.id);
    o.search = "modality=" + m.id;
    r.options.push_back(std::move(o));
  }
  return r;
}

}  // namespace meridian
