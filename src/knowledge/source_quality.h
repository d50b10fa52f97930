// Source quality: what kind of publisher stands behind each fact in the
// knowledge data, and whether a row claims more than its sources allow.
//
// Every web address in data/knowledge/ belongs to a domain listed in
// data/knowledge/source_domains.csv, a table a person reviewed: `official`
// (a government or a licensing board), `association` (a regulator
// association, certification or accrediting body, or professional
// association), `legal_copy` (a faithful copy of statute or rule text),
// `research` (a journal, a guideline publisher or an evidence review),
// `issuer` (a private school or course company, a primary source only for
// the certificate it grants itself) or `other` (trade pages, course
// vendors' summaries, blogs). The rules it enforces:
//   - a `confirmed` state rule has a citation, a quote, and at least one
//     source that is `official` or `legal_copy` (the law itself);
//   - a row whose every source is `other` claims no more than `unconfirmed`;
//   - a credential card's issuer sources are never `other`;
//   - a license lookup page is `official`.
//
// Thread safety: immutable after Parse().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "knowledge/knowledge_base.h"
#include "util/status.h"

namespace meridian {

enum class SourceClass { kOfficial, kAssociation, kLegalCopy, kResearch, kIssuer, kOther };
const char* SourceClassName(SourceClass c);

class SourceDomains {
 public:
  // Columns: domain,class,name,reviewed_on. A domain is a host name or a
  // parent of one ("gov" covers every .gov host, "cornell.edu" covers
  // "law.cornell.edu"). Errors name the line and field.
  static Result<SourceDomains> Parse(std::string_view csv);

  // The class of the URL's host by the longest listed domain it is, or ends
  // in; nullopt when no row covers it (the check reports it).
  std::optional<SourceClass> Classify(std::string_view url) const;
  size_t size() const { return domains_.size(); }

  // "https://Law.Cornell.edu:443/x" -> "law.cornell.edu"; "" when not a URL.
  static std::string HostOf(std::string_view url);

 private:
  std::vector<std::pair<std::string, SourceClass>> domains_;
};

// Every http(s) address in a text (a CSV file, a README), in order.
std::vector<std::string> UrlsIn(std::string_view text);

// Every breach of the rules above, one line each naming the file, the row
// and the reason; empty when the data passes.
std::vector<std::string> CheckSources(const KnowledgeBase& kb, const SourceDomains& domains);

// Coverage of the state rules by topic and by state (confirmed,
// sources_disagree, unconfirmed, missing = no row or status unknown), the
// oldest as-of dates, license lookups and credential cards with a
// granting-body source: the text `meridian knowledge report` prints and
// data/knowledge/README.md carries.
std::string KnowledgeReport(const KnowledgeBase& kb, const SourceDomains& domains);

}  // namespace meridian
