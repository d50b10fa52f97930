#include "knowledge/knowledge_json.h"

namespace meridian {

namespace {

void WriteProvenance(const std::vector<std::string>& sources, const std::string& as_of,
                     const std::string& confidence, JsonWriter* w) {
  w->Key("sources").BeginArray();
  for (const std::string& u : sources) w->String(u);
  w->EndArray();
  w->Field("as_of", as_of).Field("confidence", confidence);
}

void WriteStrings(const char* key, const std::vector<std::string>& v, JsonWriter* w) {
  w->Key(key).BeginArray();
  for (const std::string& s : v) w->String(s);
  w->EndArray();
}

void WriteRule(const GuideRule& r, JsonWriter* w) {
  w->BeginObject();
  w->Field("id", r.id).Field("text", r.text);
  if (!r.question.empty()) {  // triggered rules carry provenance
    w->Field("effect", r.effect);
    WriteProvenance(r.sources, r.as_of, r.confidence, w);
  }
  w->EndObject();
}

void WriteEvidence(const Evidence& e, JsonWriter* w) {
  w->BeginObject();
  w->Field("kind", e.kind).Field("text", e.text).Field("certainty", e.certainty);
  w->Field("citation", e.citation);
  WriteProvenance(e.sources, e.as_of, e.confidence, w);
  w->EndObject();
}

}  // namespace

void WriteCredentialJson(const Credential& c, JsonWriter* w) {
  w->BeginObject();
  w->Field("id", c.id).Field("name", c.name);
  w->Key("is_credential").Bool(c.is_credential);
  w->Field("granted_by", c.granted_by).Field("requirements", c.requirements);
  w->Key("hours").BeginObject();
  c.hours_min ? w->Key("min").Int(*c.hours_min) : w->Key("min").Null();
  c.hours_max ? w->Key("max").Int(*c.hours_max) : w->Key("max").Null();
  w->EndObject();
  w->Key("hours_sources").BeginObject();
  c.hours_min_source.empty() ? w->Key("min").Null() : w->Field("min", c.hours_min_source);
  c.hours_max_source.empty() ? w->Key("max").Null() : w->Field("max", c.hours_max_source);
  w->EndObject();
  w->Field("kept_current", c.kept_current).Field("tells_you", c.tells_you);
  w->Field("does_not_tell_you", c.does_not_tell_you);
  WriteStrings("issuer_sources", c.issuer_sources, w);
  WriteProvenance(c.sources, c.as_of, c.confidence, w);
  w->EndObject();
}

void WriteStateRuleFields(const StateRule& r, JsonWriter* w) {
  auto nullable = [w](const char* key, const std::string& v) { w->Optional(key, v); };
  w->Field("topic", r.topic).Field("status", r.status);
  nullable("nccaom_required", r.nccaom_required);
  r.min_hours ? w->Key("min_hours").Int(*r.min_hours) : w->Key("min_hours").Null();
  w->Optional("conditions", r.conditions).Field("text", StateNoteText(r));
  nullable("title_protected", r.title_protected);
  nullable("board", r.board);
  nullable("exam", r.exam);
  nullable("effective_date", r.effective_date);
  nullable("citation", r.citation);
  nullable("quote", r.quote);
  nullable("law_date", r.law_date);
  WriteProvenance(r.sources, r.as_of, r.confidence, w);
}

void WriteLicenseCheckJson(const LicenseCheck& c, JsonWriter* w) {
  w->BeginObject();
  w->Field("taxonomy_code", c.taxonomy_code).Optional("license_number", c.license_number);
  w->Optional("license_state", c.license_state);
  c.profession.empty() ? w->Key("profession").Null() : w->Field("profession", c.profession);
  const LicenseLookup* l = c.lookup;
  l && !l->board.empty() ? w->Field("board", l->board) : w->Key("board").Null();
  l && !l->url.empty() ? w->Field("lookup_url", l->url) : w->Key("lookup_url").Null();
  w->Field("text", c.text);
  if (l != nullptr) {
    WriteProvenance(l->sources, l->as_of, l->confidence, w);
  } else {
    w->Key("sources").BeginArray().EndArray();
    w->Key("as_of").Null().Key("confidence").Null();
  }
  w->EndObject();
}

void WriteExplanationFields(const Explanation& e, JsonWriter* w) {
  w->Key("cards").BeginArray();
  for (const Credential* c : e.cards) WriteCredentialJson(*c, w);
  w->EndArray();
  WriteStrings("modalities", e.modalities, w);
  w->Key("state_notes").BeginArray();
  for (const StateNote& n : e.notes) {
    w->BeginObject();
    w->Field("modality", n.modality).Field("state", n.state);
    WriteStateRuleFields(*n.rule, w);
    w->EndObject();
  }
  w->EndArray();
  WriteStrings("unexplained_credentials", e.unexplained, w);
  WriteStrings("cautions", e.cautions, w);
  w->Key("license_checks").BeginArray();
  for (const LicenseCheck& c : e.license_checks) WriteLicenseCheckJson(c, w);
  w->EndArray();
  w->Field("npi_registry_url", e.npi_registry_url);
}

void WriteGuideQuestionsJson(const Guide& g, JsonWriter* w) {
  w->BeginObject();
  w->Key("questions").BeginArray();
  for (const GuideQuestion& q : g.questions()) {
    w->BeginObject();
    w->Field("id", q.id).Field("kind", q.many ? "many" : "one");
    w->Field("question", q.question).Optional("help", q.help);
    w->Key("options").BeginArray();
    for (const auto& [value, label] : q.options)
      w->BeginObject().Field("value", value).Field("label", label).EndObject();
    w->EndArray();
    w->EndObject();
  }
  w->EndArray();
  w->EndObject();
}

void WriteGuideResultJson(const GuideResult& r, JsonWriter* w) {
  w->BeginObject();
  w->Key("emergency").Bool(r.emergency);
  w->Key("urgent").BeginArray();
  for (const GuideRule* u : r.urgent) WriteRule(*u, w);
  w->EndArray();
  w->Key("options").BeginArray();
  for (const GuideOption& o : r.options) {
    w->BeginObject();
    w->Field("modality", o.info->id).Field("what_it_is", o.info->what_it_is);
    w->Field("visit", o.info->visit).Field("who_may_offer", o.info->who_may_offer);
    w->Field("nppes_note", o.info->nppes_note);
    w->Key("benefits").BeginArray();
    for (const Evidence* e : o.benefits) WriteEvidence(*e, w);
    w->EndArray();
    o.benefit_gap.empty() ? w->Key("benefit_gap").Null() : w->Field("benefit_gap", o.benefit_gap);
    w->Key("harms").BeginArray();
    for (const Evidence* e : o.harms) WriteEvidence(*e, w);
    w->EndArray();
    o.harm_gap.empty() ? w->Key("harm_gap").Null() : w->Field("harm_gap", o.harm_gap);
    w->Key("cautions").BeginArray();
    for (const GuideRule* c : o.cautions) WriteRule(*c, w);
    w->EndArray();
    WriteStrings("fits", o.fits, w);
    WriteStrings("conflicts", o.conflicts, w);
    WriteStrings("maybe", o.maybe, w);
    w->Key("questions_to_ask").BeginArray();
    for (const GuideRule* a : o.ask) w->String(a->text);
    w->EndArray();
    w->Key("tried").Bool(o.tried);
    w->Field("search", o.search);
    w->EndObject();
  }
  w->EndArray();
  w->Key("notices").BeginArray();
  for (const GuideRule* n : r.notices) w->String(n->text);
  w->EndArray();
  w->EndObject();
}

}  // namespace meridian
