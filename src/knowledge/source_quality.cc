#include "knowledge/source_quality.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "geo/states.h"
#include "util/csv.h"

namespace meridian {

namespace {

std::optional<SourceClass> ParseClass(std::string_view s) {
  if (s == "official") return SourceClass::kOfficial;
  if (s == "association") return SourceClass::kAssociation;
  if (s == "legal_copy") return SourceClass::kLegalCopy;
  if (s == "research") return SourceClass::kResearch;
  if (s == "issuer") return SourceClass::kIssuer;
  if (s == "other") return SourceClass::kOther;
  return std::nullopt;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Collects the problems of one row: `where` names the file and row.
class RowCheck {
 public:
  RowCheck(const SourceDomains& domains, std::vector<std::string>* problems)
      : domains_(domains), problems_(problems) {}

  // Classifies every address; reports the unlisted ones.
  std::vector<SourceClass> Classes(const std::string& where, const std::vector<std::string>& urls) {
    std::vector<SourceClass> out;
    for (const std::string& u : urls) {
      std::optional<SourceClass> c = domains_.Classify(u);
      if (!c) {
        Add(where, "the domain of " + u + " is not in source_domains.csv; review it and add it");
        continue;
      }
      out.push_back(*c);
    }
    return out;
  }

  // A row whose every source is "other" claims no more than unconfirmed.
  void NotMoreThanOther(const std::string& where, const std::vector<std::string>& urls,
                        const std::string& confidence) {
    std::vector<SourceClass> cs = Classes(where, urls);
    if (cs.size() != urls.size() || cs.empty()) return;  // reported above
    const bool only_other =
        std::all_of(cs.begin(), cs.end(), [](SourceClass c) { return c == SourceClass::kOther; });
    if (only_other && confidence != "unconfirmed" && confidence != "sources_disagree")
      Add(where, "its only sources are of class other, so it cannot be " + confidence);
  }

  void Add(const std::string& where, const std::string& why) {
    problems_->push_back(where + ": " + why);
  }

 private:
  const SourceDomains& domains_;
  std::vector<std::string>* problems_;
};

bool Any(const std::vector<SourceClass>& cs, std::initializer_list<SourceClass> wanted) {
  for (SourceClass c : cs)
    if (std::find(wanted.begin(), wanted.end(), c) != wanted.end()) return true;
  return false;
}

// One row's place in the coverage table.
enum Cell { kConfirmed, kDisagree, kUnconfirmed, kMissing, kCells };

Cell CellOf(const StateRule* r) {
  if (r == nullptr || r->status == "unknown") return kMissing;
  if (r->confidence == "confirmed") return kConfirmed;
  if (r->confidence == "sources_disagree") return kDisagree;
  return kUnconfirmed;
}

std::string Percent(size_t part, size_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", whole ? 100.0 * part / whole : 0.0);
  return buf;
}

}  // namespace

const char* SourceClassName(SourceClass c) {
  switch (c) {
    case SourceClass::kOfficial:
      return "official";
    case SourceClass::kAssociation:
      return "association";
    case SourceClass::kLegalCopy:
      return "legal_copy";
    case SourceClass::kResearch:
      return "research";
    case SourceClass::kIssuer:
      return "issuer";
    case SourceClass::kOther:
      return "other";
  }
  return "other";
}

Result<SourceDomains> SourceDomains::Parse(std::string_view csv) {
  SourceDomains d;
  constexpr std::string_view kFile = "source_domains.csv";
  MERIDIAN_RETURN_IF_ERROR(
      ForEachReferenceRow(csv, kFile, "domain", 4, 4, [&](const CsvRecord& rec) -> Status {
        const std::string domain = Lower(rec.fields[0]);
        auto where = [&](const char* field) {
          return std::string(kFile) + " line " + std::to_string(rec.line) + ", " + field + ": ";
        };
        if (domain.empty() || domain.find_first_of("/: ") != std::string::npos ||
            domain.front() == '.' || domain.back() == '.')
          return Status::InvalidArgument(where("domain") + "a host name such as example.org");
        std::optional<SourceClass> c = ParseClass(rec.fields[1]);
        if (!c)
          return Status::InvalidArgument(
              where("class") + "official, association, legal_copy, research, issuer or other");
        if (rec.fields[3].empty())
          return Status::InvalidArgument(where("reviewed_on") + "the date a person reviewed it");
        for (const auto& [known, cls] : d.domains_)
          if (known == domain) return Status::InvalidArgument(where("domain") + "listed twice");
        d.domains_.emplace_back(domain, *c);
        return Status::OK();
      }));
  return d;
}

std::string SourceDomains::HostOf(std::string_view url) {
  size_t p = url.find("://");
  if (p == std::string_view::npos) return "";
  std::string_view rest = url.substr(p + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  rest = rest.substr(0, rest.find(':'));
  return Lower(rest);
}

std::optional<SourceClass> SourceDomains::Classify(std::string_view url) const {
  const std::string host = HostOf(url);
  if (host.empty()) return std::nullopt;
  const std::pair<std::string, SourceClass>* best = nullptr;
  for (const auto& entry : domains_) {
    const std::string& d = entry.first;
    const bool match = host == d || (host.size() > d.size() && host.ends_with(d) &&
                                     host[host.size() - d.size() - 1] == '.');
    if (match && (best == nullptr || d.size() > best->first.size())) best = &entry;
  }
  if (best == nullptr) return std::nullopt;
  return best->second;
}

std::vector<std::string> UrlsIn(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t a = text.find("http", pos);
    if (a == std::string_view::npos) break;
    std::string_view rest = text.substr(a);
    if (!rest.starts_with("http://") && !rest.starts_with("https://")) {
      pos = a + 4;
      continue;
    }
    size_t end = rest.find_first_of(" \t\r\n|,\"<>)]`'");
    std::string u(rest.substr(0, end));
    while (!u.empty() && (u.back() == '.' || u.back() == ';')) u.pop_back();
    out.push_back(u);
    pos = a + (end == std::string_view::npos ? rest.size() : end);
  }
  return out;
}

std::vector<std::string> CheckSources(const KnowledgeBase& kb, const SourceDomains& domains) {
  std::vector<std::string> problems;
  RowCheck check(domains, &problems);
  for (const StateRule& r : kb.rules()) {
    const std::string where = "state_rules.csv " + r.usps + " " + r.topic;
    check.NotMoreThanOther(where, r.sources, r.confidence);
    if (r.confidence != "confirmed") continue;
    if (r.citation.empty()) check.Add(where, "confirmed without a citation naming the section");
    if (r.quote.empty()) check.Add(where, "confirmed without a quote from the cited text");
    const std::vector<SourceClass> cs = check.Classes(where, r.sources);
    if (!Any(cs, {SourceClass::kOfficial, SourceClass::kLegalCopy}))
      check.Add(where, "confirmed without a primary source (official or legal_copy)");
  }
  for (const Credential& c : kb.credentials()) {
    const std::string where = "credentials.csv " + c.id;
    check.NotMoreThanOther(where, c.sources, c.confidence);
    for (size_t k = 0; k < c.issuer_sources.size(); ++k) {
      const std::vector<SourceClass> cs = check.Classes(where, {c.issuer_sources[k]});
      if (!cs.empty() && cs[0] == SourceClass::kOther)
        check.Add(where, "issuer source " + c.issuer_sources[k] +
                             " is of class other, not a granting or accrediting body");
    }
    for (const std::string* u : {&c.hours_min_source, &c.hours_max_source})
      if (!u->empty()) check.Classes(where, {*u});
  }
  for (const LicenseLookup& l : kb.lookups()) {
    const std::string where = "license_lookup.csv " + l.usps + " " + l.profession;
    check.NotMoreThanOther(where, l.sources, l.confidence);
    if (l.url.empty()) continue;
    const std::vector<SourceClass> cs = check.Classes(where, {l.url});
    if (!cs.empty() && cs[0] != SourceClass::kOfficial)
      check.Add(where, "the lookup page " + l.url + " is not on an official domain");
  }
  for (const ModalityInfo& m : kb.modality_info())
    check.NotMoreThanOther("modality_info.csv " + m.id, m.sources, m.confidence);
  for (const Evidence& e : kb.evidence())
    if (!e.sources.empty())
      check.NotMoreThanOther("evidence.csv " + e.modality + " " + e.kind, e.sources, e.confidence);
  for (const Correction& c : kb.corrections())
    check.NotMoreThanOther("corrections.csv \"" + c.claim.substr(0, 30) + "\"", c.sources,
                           c.confidence);
  return problems;
}

std::string KnowledgeReport(const KnowledgeBase& kb, const SourceDomains& domains) {
  const StateTable& states = StateTable::Embedded();
  std::vector<std::string> codes;
  for (const std::string& code : states.codes())
    if (StateTable::IsStateOrDc(code)) codes.push_back(code);
  std::sort(codes.begin(), codes.end());
  const size_t topics = std::size(KnowledgeBase::kTopics);

  std::string out = "State rules: " + std::to_string(codes.size()) + " jurisdictions x " +
                    std::to_string(topics) + " topics\n\n";
  out += "| topic | confirmed | sources_disagree | unconfirmed | missing |\n";
  out += "|---|---:|---:|---:|---:|\n";
  size_t all[kCells] = {};
  for (const char* topic : KnowledgeBase::kTopics) {
    size_t n[kCells] = {};
    for (const std::string& code : codes) ++n[CellOf(kb.Rule(code, topic))];
    out += std::string("| ") + topic;
    for (int c = 0; c < kCells; ++c) out += " | " + std::to_string(n[c]), all[c] += n[c];
    out += " |\n";
  }
  const size_t total = codes.size() * topics;
  out += "| all";
  for (int c = 0; c < kCells; ++c) out += " | " + std::to_string(all[c]);
  out += " |\n\nConfirmed with a primary citation and quote: " + std::to_string(all[kConfirmed]) +
         " of " + std::to_string(total) + " (" + Percent(all[kConfirmed], total) + ").\n\n";

  out +=
      "By state (C confirmed, D sources disagree, U unconfirmed, - missing), topics in the "
      "order above:\n\n```\n";
  for (const std::string& code : codes) {
    out += code + " ";
    for (const char* topic : KnowledgeBase::kTopics)
      out += std::string(" ") + "CDU-"[CellOf(kb.Rule(code, topic))];
    out += "\n";
  }
  out += "```\n\n";

  std::vector<const StateRule*> by_age;
  for (const StateRule& r : kb.rules()) by_age.push_back(&r);
  std::stable_sort(by_age.begin(), by_age.end(),
                   [](const StateRule* a, const StateRule* b) { return a->as_of < b->as_of; });
  out += "Oldest as_of (the date a rule's text was read):";
  for (size_t i = 0; i < by_age.size() && i < 5; ++i)
    out += std::string(i ? "," : "") + " " + by_age[i]->as_of + " " + by_age[i]->usps + " " +
           by_age[i]->topic;
  out += by_age.empty() ? " none.\n\n" : ".\n\n";

  size_t with_url = 0, official = 0, read = 0;
  for (const LicenseLookup& l : kb.lookups()) {
    if (l.url.empty()) continue;
    ++with_url;
    std::optional<SourceClass> c = domains.Classify(l.url);
    official += c && *c == SourceClass::kOfficial;
    read += l.confidence == "confirmed";
  }
  out += "License lookups: " + std::to_string(kb.lookups().size()) +
         " state and profession rows; " + std::to_string(with_url) + " with a page, " +
         std::to_string(official) + " of them on an official domain, " + std::to_string(read) +
         " confirmed (read on the official site; the others were seen only in other sources, "
         "or are the board's own home page).\n\n";

  size_t issued = 0, confirmed = 0;
  for (const Credential& c : kb.credentials()) {
    bool ok = false;
    for (const std::string& u : c.issuer_sources) {
      std::optional<SourceClass> cls = domains.Classify(u);
      ok = ok || (cls && *cls != SourceClass::kOther);
    }
    issued += ok;
    confirmed += c.confidence == "confirmed";
  }
  out += "Credential cards: " + std::to_string(kb.credentials().size()) + "; " +
         std::to_string(issued) + " with a source from the granting or accrediting body; " +
         std::to_string(confirmed) + " confirmed.\n";
  return out;
}

}  // namespace meridian
