#include "knowledge/guide.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <random>
#include <set>

#include "data/embedded.h"
#include "testing/test_util.h"
#include "text/readability.h"
#include "util/csv.h"

namespace meridian {
namespace {

const KnowledgeBase& Kb() { return testing::EmbeddedKnowledge(); }

const Guide& G() {
  static const Guide g = [] {
    auto r = Guide::LoadEmbedded(Kb());
    if (!r.ok()) {
      ADD_FAILURE() << r.status().ToString();
      std::abort();
    }
    return std::move(r).value();
  }();
  return g;
}

const GuideOption& Option(const GuideResult& r, const std::string& id) {
  for (const GuideOption& o : r.options)
    if (o.info->id == id) return o;
  ADD_FAILURE() << "no option " << id;
  std::abort();
}

std::vector<std::string> Ids(const std::vector<const GuideRule*>& rules) {
  std::vector<std::string> v;
  for (const GuideRule* r : rules) v.push_back(r->id);
  return v;
}

TEST(Guide, EveryOptionShownInTheSameOrderWhateverTheAnswers) {
  auto none = G().Evaluate({});
  auto prefs = G().Evaluate({{"prefs", "no_needles"}, {"prefs", "hands_on"}, {"where", "neck"}});
  ASSERT_TRUE(none.ok() && prefs.ok());
  ASSERT_EQ(none->options.size(), ModalityMap::Embedded().modalities().size());
  for (size_t i = 0; i < none->options.size(); ++i) {
    EXPECT_EQ(none->options[i].info->id, ModalityMap::Embedded().modalities()[i].id);
    EXPECT_EQ(prefs->options[i].info->id, none->options[i].info->id);  // not ranked
    EXPECT_EQ(none->options[i].search, "modality=" + none->options[i].info->id);
  }
  EXPECT_TRUE(none->urgent.empty());
  EXPECT_GE(none->notices.size(), 2u);  // information, not advice; none of these is a choice
}

TEST(Guide, BothSidesOfEveryOptionAreAlwaysShown) {
  for (const auto& [value, label] : G().questions()[1].options) {
    auto r = G().Evaluate({{"where", value}});
    ASSERT_TRUE(r.ok());
    for (const GuideOption& o : r->options) {
      EXPECT_TRUE(!o.benefits.empty() || !o.benefit_gap.empty()) << o.info->id << " " << value;
      EXPECT_TRUE(!o.harms.empty() || !o.harm_gap.empty()) << o.info->id << " " << value;
      for (const Evidence* e : o.benefits) EXPECT_FALSE(e->sources.empty());
    }
  }
}

TEST(Guide, FindingsFollowTheKindOfPain) {
  auto head = G().Evaluate({{"where", "head"}});
  ASSERT_TRUE(head.ok());
  const GuideOption& acu = Option(*head, "acupuncture");
  for (const Evidence* e : acu.benefits)
    EXPECT_TRUE(std::count(e->pain.begin(), e->pain.end(), "head") ||
                std::count(e->pain.begin(), e->pain.end(), "any"))
        << e->citation;
  EXPECT_FALSE(acu.benefits.empty());  // the pooled trials include headaches
  // The low back guideline is not shown for headaches; chiropractic has no
  // headache finding, and says so.
  const GuideOption& chiro = Option(*head, "chiropractic");
  EXPECT_TRUE(chiro.benefits.empty());
  EXPECT_FALSE(chiro.benefit_gap.empty());
  auto back = G().Evaluate({{"where", "low_back"}});
  EXPECT_FALSE(Option(*back, "chiropractic").benefits.empty());
}

TEST(Guide, WarningSignsComeFirst) {
  EXPECT_EQ(G().questions()[0].id, "red_flags");  // asked before anything else
  auto r = G().Evaluate({{"red_flags", "fever"}, {"red_flags", "bladder"}, {"where", "low_back"}});
  ASSERT_TRUE(r.ok());
  // The emergency first, whatever order the answers came in.
  EXPECT_EQ(Ids(r->urgent), (std::vector<std::string>{"emergency_bladder", "urgent_fever"}));
  EXPECT_TRUE(r->emergency);
  for (const GuideRule* u : r->urgent) EXPECT_FALSE(u->sources.empty());
  auto fever = G().Evaluate({{"red_flags", "fever"}});
  EXPECT_FALSE(fever->emergency);
}

// Cauda equina signs (numbness around the genitals or bottom, new bladder
// or bowel trouble, weakness spreading in the legs), a bad fall, chest pain
// and stroke signs are emergencies: 911 or the emergency room now. Every
// warning sign names what to do.
TEST(Guide, EmergenciesSayCall911) {
  for (const char* sign : {"numb", "bladder", "legs", "stroke", "chest", "injury"}) {
    auto r = G().Evaluate({{"red_flags", sign}});
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->emergency) << sign;
    ASSERT_EQ(r->urgent.size(), 1u) << sign;
    EXPECT_EQ(r->urgent[0]->effect, "emergency") << sign;
    const std::string& t = r->urgent[0]->text;
    EXPECT_TRUE(t.find("911") != std::string::npos || t.find("emergency room") != std::string::npos)
        << t;
  }
  for (const GuideRule& rule : G().rules()) {
    if (rule.effect != "urgent") continue;
    EXPECT_TRUE(rule.text.find("See a doctor") != std::string::npos ||
                rule.text.find("checked by a doctor") != std::string::npos)
        << rule.id;
  }
}

// Neck pain with chiropractic or osteopathic manipulation: the rare artery
// tear and stroke, and the signs that need 911; on those options only.
TEST(Guide, NeckManipulationCarriesTheStrokeCaution) {
  auto r = G().Evaluate({{"where", "neck"}});
  ASSERT_TRUE(r.ok());
  for (const char* m : {"chiropractic", "osteopathic"}) {
    const auto ids = Ids(Option(*r, m).cautions);
    EXPECT_TRUE(std::count(ids.begin(), ids.end(), "neck_manipulation")) << m;
    EXPECT_TRUE(std::count(ids.begin(), ids.end(), "neck_stroke_signs")) << m;
  }
  EXPECT_TRUE(Option(*r, "massage").cautions.empty());
  EXPECT_TRUE(Option(*G().Evaluate({{"where", "low_back"}}), "chiropractic").cautions.empty());
}

// Blood thinners: every option that can cause bleeding has its caution,
// pain medicine included (shots and nerve blocks; pain pills).
TEST(Guide, BloodThinnersCautionEveryOptionThatCanBleed) {
  auto r = G().Evaluate({{"cautions", "blood_thinners"}});
  ASSERT_TRUE(r.ok());
  for (const GuideOption& o : r->options) EXPECT_FALSE(o.cautions.empty()) << o.info->id;
  const auto pain = Ids(Option(*r, "pain_medicine").cautions);
  EXPECT_TRUE(std::count(pain.begin(), pain.end(), "thinners_injections"));
  EXPECT_TRUE(std::count(pain.begin(), pain.end(), "thinners_pills"));
}

// A caution speaks of the option it is attached to: a rule on dry needling
// must not talk about "acupuncturists", one on massage not about
// "chiropractors" (the practitioner words are the modalities' search words).
TEST(Guide, EachCautionSpeaksOfItsOwnOption) {
  const ModalityMap& mods = ModalityMap::Embedded();
  for (const GuideRule& rule : G().rules()) {
    if (rule.effect != "caution") continue;
    std::string lower;
    for (char c : rule.text) lower.push_back(static_cast<char>(std::tolower(c)));
    for (const Modality& other : mods.modalities())
      for (const std::string& word : other.search_words) {
        if (word.size() < 6 || lower.find(word) == std::string::npos) continue;
        for (const std::string& m : rule.modalities)
          EXPECT_TRUE(m == other.id || (other.id == "massage" && word == "massage"))
              << rule.id << " says \"" << word << "\" but is shown on " << m;
      }
  }
}

// Every answer to every question changes what the guide shows; a question
// whose answers change nothing is not asked.
TEST(Guide, EveryAnswerChangesTheResult) {
  auto render = [](const GuideAnswers& a) {
    auto r = G().Evaluate(a);
    std::string out = r->emergency ? "E" : "";
    for (const GuideRule* u : r->urgent) out += u->id + ";";
    for (const GuideRule* n : r->notices) out += n->id + ";";
    for (const GuideOption& o : r->options) {
      out += o.info->id + (o.tried ? "T" : "") + ":";
      for (const Evidence* e : o.benefits) out += e->text + "|";
      for (const Evidence* e : o.harms) out += e->text + "|";
      for (const GuideRule* c : o.cautions) out += c->id + "|";
      for (const std::string& f : o.fits) out += "+" + f;
      for (const std::string& f : o.conflicts) out += "-" + f;
      for (const std::string& f : o.maybe) out += "?" + f;
    }
    return out;
  };
  for (const GuideQuestion& q : G().questions()) {
    // With the pain in the low back, where findings split by how long it lasted.
    const GuideAnswers base =
        q.id == "where" ? GuideAnswers{} : GuideAnswers{{"where", "low_back"}};
    std::set<std::string> seen;
    if (q.many) seen.insert(render(base));  // each choice differs from none
    for (const auto& [value, label] : q.options) {
      GuideAnswers a = base;
      a.emplace_back(q.id, value);
      EXPECT_TRUE(seen.insert(render(a)).second) << q.id << "=" << value << " changes nothing";
    }
  }
  // The complaint that started this: new and long-lasting low back pain.
  EXPECT_NE(render({{"where", "low_back"}, {"how_long", "new"}}),
            render({{"where", "low_back"}, {"how_long", "long"}}));
}

// Cautions against an independent reading of the rule table, over random
// answer sets: a rule applies to an option exactly when its answer was given
// and it names the option (or all).
TEST(Guide, CautionsMatchTheRuleTableOnRandomAnswers) {
  std::mt19937_64 rng(5);
  for (int iter = 0; iter < 300; ++iter) {
    GuideAnswers answers;
    std::set<std::pair<std::string, std::string>> given;
    for (const GuideQuestion& q : G().questions()) {
      if (q.many) {
        for (const auto& [value, label] : q.options)
          if (rng() % 3 == 0) answers.emplace_back(q.id, value), given.insert({q.id, value});
      } else if (rng() % 2) {
        const auto& v = q.options[rng() % q.options.size()].first;
        answers.emplace_back(q.id, v), given.insert({q.id, v});
      }
    }
    auto r = G().Evaluate(answers);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (const GuideOption& o : r->options) {
      std::vector<std::string> want;
      for (const GuideRule& rule : G().rules()) {
        const bool names = rule.modalities.empty() ||
                           std::count(rule.modalities.begin(), rule.modalities.end(), o.info->id);
        if (rule.effect == "caution" && names && given.count({rule.question, rule.answer}))
          want.push_back(rule.id);
      }
      EXPECT_EQ(Ids(o.cautions), want) << o.info->id << " iteration " << iter;
    }
  }
}

TEST(Guide, SpecificCautionsAndQuestions) {
  auto r = G().Evaluate({{"cautions", "blood_thinners"}, {"cautions", "device"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(Option(*r, "acupuncture").cautions),
            (std::vector<std::string>{"thinners_needles", "device_needles"}));
  EXPECT_EQ(Ids(Option(*r, "massage").cautions), std::vector<std::string>{"thinners_hands"});
  EXPECT_EQ(Ids(Option(*r, "physical_therapy").cautions),
            std::vector<std::string>{"thinners_hands"});
  auto pregnant = G().Evaluate({{"cautions", "pregnant"}});
  EXPECT_EQ(Ids(Option(*pregnant, "dry_needling").cautions),
            std::vector<std::string>{"pregnant_other"});  // not the acupuncturist's note
  auto asks = Ids(Option(*r, "dry_needling").ask);
  EXPECT_TRUE(std::count(asks.begin(), asks.end(), "ask_dn_hours"));
  EXPECT_FALSE(std::count(asks.begin(), asks.end(), "ask_acu_license"));
}

TEST(Guide, PreferencesMarkButNeverHide) {
  auto r = G().Evaluate({{"prefs", "no_needles"}, {"tried", "exercise"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Option(*r, "acupuncture").conflicts, std::vector<std::string>{"Uses needles"});
  EXPECT_EQ(Option(*r, "massage").fits, std::vector<std::string>{"No needles"});
  // "May use needles" is never a match for "care without needles".
  EXPECT_TRUE(Option(*r, "physical_therapy").fits.empty());
  EXPECT_EQ(Option(*r, "physical_therapy").maybe, std::vector<std::string>{"May use needles"});
  for (const GuideOption& o : r->options) {
    if (o.info->uses_needles == "no") continue;
    EXPECT_TRUE(o.fits.empty()) << o.info->id;
  }
  EXPECT_TRUE(Option(*r, "physical_therapy").tried);
  EXPECT_FALSE(Option(*r, "acupuncture").tried);
}

TEST(Guide, BadAnswersAreRefusedWithTheQuestionNamed) {
  auto unknown = G().Evaluate({{"mood", "good"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().param(), "answers.mood");
  auto value = G().Evaluate({{"where", "elbow"}});
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.status().param(), "answers.where");
  EXPECT_NE(value.status().message().find("elbow"), std::string::npos);
  ASSERT_FALSE(value.status().suggestions().empty());
  EXPECT_EQ(value.status().suggestions()[0], "low_back");
  auto two = G().Evaluate({{"where", "neck"}, {"where", "knee_hip"}});
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.status().message().find("pick one"), std::string::npos);
  EXPECT_TRUE(G().Evaluate({{"where", "neck"}, {"where", "neck"}}).ok());  // the same twice
}

TEST(Guide, RulesWithoutProvenanceOrWithUnknownAnswersAreRefused) {
  const std::string q(EmbeddedGuideQuestionsCsv());
  const std::string head = "id,question,answer,effect,modalities,text,sources,as_of,confidence\n";
  auto parse = [&](const std::string& rules) {
    return Guide::Parse(q, head + rules, Kb(), ModalityMap::Embedded());
  };
  EXPECT_TRUE(
      parse("c1,cautions,pregnant,caution,massage,Tell them.,https://x.org,2020,dated\n").ok());
  EXPECT_FALSE(parse("c1,cautions,pregnant,caution,massage,Tell them.,,,\n").ok());
  EXPECT_FALSE(
      parse("c1,cautions,twins,caution,massage,Tell them.,https://x.org,2020,dated\n").ok());
  EXPECT_FALSE(
      parse("c1,cautions,pregnant,caution,yoga,Tell them.,https://x.org,2020,dated\n").ok());
  EXPECT_FALSE(parse("a1,cautions,pregnant,ask,*,Ask.,,,\n").ok());  // an ask has no trigger
  // A warning sign answers the warning-sign question, with a source.
  EXPECT_FALSE(parse("e1,cautions,pregnant,emergency,*,Go.,https://x.org,2020,dated\n").ok());
  EXPECT_FALSE(parse("e1,red_flags,chest,emergency,*,Go.,,,\n").ok());
  EXPECT_TRUE(parse("e1,red_flags,chest,emergency,*,Go.,https://x.org,2020,dated\n").ok());
  // Warning signs must be the first question.
  EXPECT_FALSE(
      Guide::Parse("id,kind,question,options,help\nwhere,one,Where?,low_back=Back|neck=Neck,\n"
                   "red_flags,many,Any?,numb=Numb|chest=Chest,\n",
                   head, Kb(), ModalityMap::Embedded())
          .ok());
  // Evidence must name kinds of pain the guide asks about.
  auto narrow = Guide::Parse(
      "id,kind,question,options,help\nred_flags,many,Any?,numb=Numb|chest=Chest,\n"
      "where,one,Where?,low_back=Back|neck=Neck,\nhow_long,one,How long?,new=New|long=Long,\n",
      head, Kb(), ModalityMap::Embedded());
  ASSERT_FALSE(narrow.ok());
  EXPECT_NE(narrow.status().message().find("is not an answer"), std::string::npos);
}

// Grade 8 or below for the guide's passages: each question with its
// choices, the warning signs together, each option's cautions, the
// questions to ask, the notices.
TEST(Guide, GuideTextReadsAtGradeEightOrBelow) {
  std::map<std::string, std::string> passages;
  for (const GuideQuestion& q : G().questions()) {
    std::string s = q.question + " " + q.help;
    for (const auto& [v, label] : q.options) s += " " + label + ".";
    passages["question " + q.id] = s;
  }
  for (const GuideRule& r : G().rules())
    passages[r.effect == "caution" ? "cautions " + r.question + " " + r.answer : r.effect] +=
        r.text + " ";
  double worst = 0;
  std::string worst_what;
  for (const auto& [what, text] : passages) {
    const double g = FleschKincaidGrade(text);
    EXPECT_LE(g, 8.0) << what << ": " << text;
    if (g > worst) worst = g, worst_what = what;
  }
  std::printf("hardest guide passage: grade %.1f (%s)\n", worst, worst_what.c_str());
}

}  // namespace
}  // namespace meridian

namespace meridian {
namespace {

TEST(GuideCommand, JsonForAnswersAndClearErrors) {
  testing::TempDir dir;
  auto ok = testing::RunMeridian("guide --answer where=neck --answer red_flags=chest --json", dir);
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("\"emergency\":true,\"urgent\":[{\"id\":\"emergency_chest\""),
            std::string::npos)
      << ok.out;
  EXPECT_NE(ok.out.find("\"search\":\"modality=acupuncture\""), std::string::npos);
  auto q = testing::RunMeridian("guide --questions --json", dir);
  ASSERT_EQ(q.code, 0);
  EXPECT_NE(q.out.find("\"id\":\"red_flags\""), std::string::npos);
  auto bad = testing::RunMeridian("guide --answer where=elbow", dir);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("answers.where"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace meridian

namespace meridian {
namespace {

// The clinician-style review table (data/knowledge/safety_review.csv) lists
// every safety statement the guide can show (warning signs, cautions,
// triggered notices) word for word, with its sources and as-of date; the
// knowledge README's "Safety review" section names each one. A statement
// added, changed or left without a source fails here until it is reviewed.
TEST(Guide, SafetyReviewTableListsEveryStatementWithItsSource) {
  const std::string csv =
      testing::ReadAll(testing::SourceDir() + "/data/knowledge/safety_review.csv");
  const std::string readme = testing::ReadAll(testing::SourceDir() + "/data/knowledge/README.md");
  std::map<std::string, std::vector<std::string>> review;
  ASSERT_TRUE(ForEachReferenceRow(csv, "safety_review.csv", "id", 9, 9, [&](const CsvRecord& rec) {
                review[std::string(rec.fields[0])] =
                    std::vector<std::string>(rec.fields.begin(), rec.fields.end());
                return Status::OK();
              }).ok());
  const size_t section = readme.find("## Safety review");
  ASSERT_NE(section, std::string::npos);
  size_t statements = 0;
  for (const GuideRule& r : G().rules()) {
    const bool safety = r.effect == "emergency" || r.effect == "urgent" || r.effect == "caution" ||
                        (r.effect == "notice" && !r.question.empty());
    if (!safety) continue;
    ++statements;
    auto it = review.find(r.id);
    ASSERT_NE(it, review.end()) << r.id << " is not in safety_review.csv";
    const std::vector<std::string>& f = it->second;
    EXPECT_EQ(f[1], r.effect) << r.id;
    EXPECT_EQ(f[3], r.text) << r.id << ": the reviewed wording differs";
    EXPECT_EQ(SplitBar(f[4]), r.sources) << r.id;
    EXPECT_FALSE(f[4].empty()) << r.id << " has no source";
    EXPECT_EQ(f[5], r.as_of) << r.id;
    EXPECT_FALSE(f[5].empty()) << r.id << " has no as-of date";
    EXPECT_FALSE(f[7].empty()) << r.id << " has no review status";
    EXPECT_NE(readme.find("`" + r.id + "`", section), std::string::npos)
        << r.id << " is missing from the README's Safety review";
    review.erase(it);
  }
  EXPECT_GE(statements, 20u);
  for (const auto& [id, f] : review) ADD_FAILURE() << id << " is reviewed but no rule has it";
}

}  // namespace
}  // namespace meridian
