// The decision guide: the questions, and the comparison for the answers.
#include "http/api.h"
#include "http/page_kit.h"
#include "http/pages.h"
#include "http/query_string.h"
#include "util/ascii.h"

namespace meridian {

using namespace page;  // NOLINT: the page kit is this file's vocabulary

HttpResponse PageGuide(const Dataset& d) {
  data v, questions = List();
  for (const GuideQuestion& q : d.guide->questions()) {
    data item, options = List();
    item.set("id", q.id);
    item.set("question", q.question);
    SetIf(item, "help", q.help);
    for (const auto& [value, label] : q.options) {
      data o;
      o.set("qid", q.id);
      o.set("value", value);
      o.set("label", label);
      o.set("input", q.many ? "checkbox" : "radio");
      options.push_back(o);
    }
    item.set("options", options);
    questions.push_back(item);
  }
  v.set("questions", questions);
  return Html(&d, "Help me choose", Render("guide", v));
}

HttpResponse PageGuideResult(const Dataset& d, const std::string& body) {
  QueryParams form;
  if (!ParseQueryString(body, &form).ok())
    return PageMessage(&d, 400, "We could not read your answers", "Please try the guide again.");
  GuideAnswers answers(form.begin(), form.end());
  auto r = d.guide->Evaluate(answers);
  if (!r.ok()) return PageMessage(&d, 400, "We could not read your answers", r.status().message());
  data v;
  v.set("urgent_any", Bool(!r->urgent.empty()));
  v.set("emergency", Bool(r->emergency));
  data urgent = List();
  for (const GuideRule* u : r->urgent) {
    data item;
    item.set("text", u->text);
    urgent.push_back(item);
  }
  v.set("urgent", urgent);
  data notices = List();
  for (const GuideRule* n : r->notices) notices.push_back(data(n->text));
  v.set("notices", notices);
  data options = List();
  const ModalityMap& mods = ModalityMap::Embedded();
  for (const GuideOption& o : r->options) {
    data item;
    const std::string label = mods.modalities()[static_cast<size_t>(mods.Find(o.info->id))].label;
    item.set("id", o.info->id);
    item.set("label", label);
    item.set("label_lower", AsciiLower(label));
    item.set("what", o.info->what_it_is);
    item.set("visit", o.info->visit);
    item.set("tried", Bool(o.tried));
    data fits = List(), conflicts = List(), maybe = List();
    for (const std::string& f : o.fits) fits.push_back(data(f));
    for (const std::string& c : o.conflicts) conflicts.push_back(data(c));
    for (const std::string& m : o.maybe) maybe.push_back(data(m));
    item.set("fits", fits);
    item.set("conflicts", conflicts);
    item.set("maybe", maybe);
    item.set("has_marks", Bool(!o.fits.empty() || !o.conflicts.empty() || !o.maybe.empty()));
    auto evidence = [](const std::vector<const Evidence*>& rows) {
      data list = List();
      for (const Evidence* e : rows) {
        data x;
        x.set("text", e->text);
        x.set("certainty", e->certainty);
        x.set("citation", e->citation);
        list.push_back(x);
      }
      return list;
    };
    item.set("benefits", evidence(o.benefits));
    item.set("harms", evidence(o.harms));
    if (!o.benefit_gap.empty()) item.set("benefit_gap", o.benefit_gap);
    if (!o.harm_gap.empty()) item.set("harm_gap", o.harm_gap);
    data cautions = List(), ask = List();
    for (const GuideRule* c : o.cautions) cautions.push_back(data(c->text));
    for (const GuideRule* a : o.ask) ask.push_back(data(a->text));
    item.set("cautions", cautions);
    item.set("has_cautions", Bool(!o.cautions.empty()));
    item.set("ask", ask);
    options.push_back(item);
  }
  v.set("options", options);
  HttpResponse resp = Html(&d, "Your options", Render("guide_result", v));
  resp.headers.emplace_back("Cache-Control", "no-store");
  return resp;
}

}  // namespace meridian
