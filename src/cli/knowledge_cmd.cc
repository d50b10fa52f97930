// The commands that read the knowledge base: explain (what a provider's
// credential and state allow), knowledge (the source check and the
// coverage report) and guide (the decision guide in a terminal).
#include <cstdio>

#include "cli/commands.h"
#include "cli/output.h"
#include "data/embedded.h"
#include "knowledge/explain.h"
#include "knowledge/guide.h"
#include "knowledge/knowledge_json.h"
#include "knowledge/source_quality.h"
#include "snapshot/record_json.h"
#include "snapshot/snapshot.h"
#include "text/display_case.h"
#include "util/json.h"

namespace meridian::cli {

namespace {

std::string Joined(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

}  // namespace

int Commands::Explain() {
  auto snap = Snapshot::Open(snapshot_);
  if (!snap.ok()) return Fail(snap.status());
  int64_t row = npi_ > UINT32_MAX ? -1 : (*snap)->Find(static_cast<uint32_t>(npi_));
  if (row < 0) return Fail(Status::NotFound("no provider with NPI " + std::to_string(npi_)));
  Record r;
  Status s = (*snap)->GetRecord(static_cast<size_t>(row), &r);
  if (!s.ok()) return Fail(s);
  auto kb = KnowledgeBase::LoadEmbedded();
  if (!kb.ok()) return Fail(kb.status());
  const ModalityMap& mods = ModalityMap::Embedded();
  const Explanation e = meridian::Explain(*kb, mods, r);
  const TaxonomyDict& tax = (*snap)->taxonomy();
  auto plain_name = [&](const std::string& code) {
    int id = tax.Find(code);
    return id >= 0 && tax.entry(static_cast<uint16_t>(id)).known
               ? tax.entry(static_cast<uint16_t>(id)).info.display_name
               : std::string("unknown code");
  };
  const bool deactivated = r.entity == EntityType::kDeactivated;
  if (json_) {
    JsonWriter w;
    w.BeginObject();
    w.Field("npi", NpiToString(r.npi)).Field("display_name", ReadableName(r));
    w.Field("entity_type", EntityTypeName(r.entity));
    if (deactivated) w.Field("deactivation_date", FormatIsoDate(r.deactivation_date));
    w.Field("credential_text", r.credential);
    w.Key("self_reported").Bool(true);
    w.Field("source", "NPPES (CMS National Plan and Provider Enumeration System)");
    w.Field("last_updated", FormatIsoDate(r.last_update_date));
    w.Field("practice_state", r.practice.address.state);
    w.Key("taxonomies").BeginArray();
    const int primary = r.PrimaryTaxonomyIndex();
    for (size_t i = 0; i < r.taxonomies.size(); ++i) {
      const TaxonomySlot& t = r.taxonomies[i];
      w.BeginObject();
      w.Field("code", t.code).Field("name", plain_name(t.code));
      w.Field("license_number", t.license_number).Field("license_state", t.license_state);
      w.Key("primary").Bool(static_cast<int>(i) == primary);
      w.EndObject();
    }
    w.EndArray();
    WriteExplanationFields(e, &w);
    w.EndObject();
    Print(w.str());
    return kExitOk;
  }
  std::string out = NpiToString(r.npi) + "  " + ReadableName(r);
  if (!r.credential.empty()) out += ", " + r.credential;
  out += "\n";
  if (deactivated)
    out += "This NPI was deactivated on " + FormatIsoDate(r.deactivation_date) + ".\n";
  const Address& a = r.practice.address;
  if (!a.city.empty()) out += "Practice: " + a.city + ", " + a.state + " " + a.postal_code + "\n";
  out += "From NPPES, self-reported by the provider, last updated " +
         FormatIsoDate(r.last_update_date) + ". Not verified.\n";
  for (const TaxonomySlot& t : r.taxonomies) {
    out += "  Listed as: " + plain_name(t.code) + " (" + t.code + ")";
    if (!t.license_number.empty())
      out += ", license " + t.license_number +
             (t.license_state.empty() ? "" : " in " + t.license_state);
    out += "\n";
    for (const LicenseCheck& c : e.license_checks)
      if (c.taxonomy_code == t.code && c.license_number == t.license_number &&
          c.license_state == t.license_state)
        out += "    " + c.text +
               (c.lookup && !c.lookup->url.empty() ? " " + c.lookup->url : std::string()) + "\n";
  }
  out += "  NPI Registry: " + e.npi_registry_url + "\n";
  out += "\nWhat the credential means\n";
  if (e.cards.empty()) out += "  We do not recognize a credential in \"" + r.credential + "\".\n";
  for (const Credential* c : e.cards) {
    out += "* " + c->name + (c->is_credential ? "" : " (a course, not a credential)") + "\n";
    out += "  Granted by: " + c->granted_by + "\n";
    out += "  What it takes: " + c->requirements + "\n";
    out += "  Training: " + TrainingHoursText(*c) + "\n";
    out += "  Kept current: " + c->kept_current + "\n";
    out += "  It tells you: " + c->tells_you + "\n";
    out += "  It does not tell you: " + c->does_not_tell_you + "\n";
    out += "  Sources: " + Joined(c->sources, " | ") + " (as of " + c->as_of + "; " +
           c->confidence + ")\n";
  }
  out += "\nWhat the state says\n";
  if (e.notes.empty()) out += "  We have no state rules on file for this kind of provider.\n";
  for (const StateNote& n : e.notes) {
    out += "* " + n.text + "\n";
    out += "  Source: " + Joined(n.rule->sources, " | ") + " (as of " + n.rule->as_of + "; " +
           n.rule->confidence + ")\n";
  }
  out += "\nGood to know\n";
  for (const std::string& c : e.cautions) out += "* " + c + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

int Commands::KnowledgeCmd(bool report) {
  auto kb = KnowledgeBase::LoadEmbedded();
  if (!kb.ok()) return Fail(kb.status());
  auto domains = SourceDomains::Parse(EmbeddedSourceDomainsCsv());
  if (!domains.ok()) return Fail(domains.status());
  if (report) {
    const std::string text = KnowledgeReport(*kb, *domains);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  const std::vector<std::string> problems = CheckSources(*kb, *domains);
  for (const std::string& p : problems) std::fprintf(stderr, "meridian: %s\n", p.c_str());
  if (!problems.empty()) return kExitFatal;
  std::printf("%zu domains reviewed; every source passes.\n", domains->size());
  return kExitOk;
}

int Commands::GuideCmd() {
  auto kb = KnowledgeBase::LoadEmbedded();
  if (!kb.ok()) return Fail(kb.status());
  auto guide = Guide::LoadEmbedded(*kb);
  if (!guide.ok()) return Fail(guide.status());
  JsonWriter w;
  std::string out;
  if (questions_) {
    if (json_) {
      WriteGuideQuestionsJson(*guide, &w);
      Print(w.str());
      return kExitOk;
    }
    for (const GuideQuestion& q : guide->questions()) {
      out += q.id + (q.many ? " (any number)" : " (one)") + ": " + q.question + "\n";
      for (const auto& [value, label] : q.options) out += "  " + value + " = " + label + "\n";
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return kExitOk;
  }
  GuideAnswers answers;
  for (const std::string& a : answers_) {
    const size_t eq = a.find('=');
    if (eq == std::string::npos) return Usage("--answer takes QUESTION=CHOICE, got \"" + a + "\"");
    answers.emplace_back(a.substr(0, eq), a.substr(eq + 1));
  }
  auto r = guide->Evaluate(answers);
  if (!r.ok()) return Refused(r.status());
  if (json_) {
    WriteGuideResultJson(*r, &w);
    Print(w.str());
    return kExitOk;
  }
  if (!r->urgent.empty()) {
    out +=
        "GET CARE NOW. Before you look for a practitioner, see a doctor today or go to urgent "
        "care:\n";
    for (const GuideRule* u : r->urgent) out += "  ! " + u->text + "\n";
    out += "\n";
  }
  const ModalityMap& mods = ModalityMap::Embedded();
  for (const GuideOption& o : r->options) {
    out += "== " + mods.modalities()[static_cast<size_t>(mods.Find(o.info->id))].label +
           (o.tried ? " (you tried this)" : "") + "\n";
    out += "  " + o.info->what_it_is + "\n";
    for (const std::string& f : o.fits) out += "  + " + f + "\n";
    for (const std::string& c : o.conflicts) out += "  - " + c + "\n";
    out += "  What studies found:\n";
    for (const Evidence* e : o.benefits)
      out += "    * " + e->text + " (certainty: " + e->certainty + "; " + e->citation + ")\n";
    if (!o.benefit_gap.empty()) out += "    * " + o.benefit_gap + "\n";
    out += "  Harms:\n";
    for (const Evidence* e : o.harms)
      out += "    * " + e->text + " (certainty: " + e->certainty + "; " + e->citation + ")\n";
    if (!o.harm_gap.empty()) out += "    * " + o.harm_gap + "\n";
    for (const GuideRule* c : o.cautions) out += "  Caution: " + c->text + "\n";
    out += "  Questions to ask:\n";
    for (const GuideRule* a : o.ask) out += "    ? " + a->text + "\n";
    out += "  Search: meridian search --" + o.search.substr(0, o.search.find('=')) + " " +
           o.search.substr(o.search.find('=') + 1) + " --near YOUR_ZIP\n\n";
  }
  for (const GuideRule* n : r->notices) out += n->text + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace meridian::cli
