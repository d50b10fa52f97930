#include "http/api.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "geo/zcta.h"
#include "knowledge/explain.h"
#include "knowledge/knowledge_json.h"
#include "query/executor.h"
#include "query/result_json.h"
#include "refdata/nucc.h"
#include "snapshot/record_json.h"
#include "text/normalize.h"
#include "util/ascii.h"
#include "util/escape.h"
#include "util/json.h"

namespace meridian {

namespace {

// A JSON response; `cache` sets Cache-Control (otherwise the service's default).
HttpResponse Json(std::string body, int status = 200, const char* cache = nullptr) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  if (cache != nullptr) r.headers.emplace_back("Cache-Control", cache);
  return r;
}

constexpr const char* kHour = "public, max-age=3600";

// A request body that is not what the route takes.
Status BadBody(std::string message, std::string field) {
  return Status::InvalidArgument(std::move(message))
      .WithParam(std::move(field))
      .WithReason("bad_body");
}

void WriteProviderSummary(const Snapshot& snap, size_t row, const Record& rec, JsonWriter* w) {
  w->BeginObject();
  WriteProviderSummaryFields(snap, row, rec, w);
  w->Field("city", rec.practice.address.city).Field("state", rec.practice.address.state);
  w->EndObject();
}

}  // namespace

HttpResponse ApiError(const Status& status,
                      const std::vector<std::pair<std::string, std::string>>& extra) {
  JsonWriter w;
  w.BeginObject().Key("error").BeginObject();
  w.Field("code", status.Reason()).Field("message", status.message());
  status.param().empty() ? w.Key("param").Null() : w.Field("param", status.param());
  if (!status.suggestions().empty()) {
    w.Key("suggestions").BeginArray();
    for (const std::string& s : status.suggestions()) w.String(s);
    w.EndArray();
  }
  for (const auto& [name, value] : extra) w.Field(name, value);
  w.EndObject().EndObject();
  return Json(w.str(), status.HttpStatus());
}

namespace {
void WriteCorrectionJson(const store::Correction& c, JsonWriter* w);
}  // namespace

HttpResponse HandleSearch(const Dataset& d, const QueryParams& params, const CorrectionMap* fixes) {
  Query q;
  Status parsed = ParseQuery(params, ModalityMap::Embedded(), &q, d.snap.get());
  if (!parsed.ok()) return ApiError(parsed);
  const auto t0 = std::chrono::steady_clock::now();
  SearchResult res = Execute(*d.index, q, d.search);
  if (res.too_broad) return ApiError(TooBroad(q));
  const auto took =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  // The editors' corrections of this page's listings (held in memory).
  JsonWriter w;
  w.Reserve(1024 + 640 * res.hits.size());  // about what a hit takes, so the text rarely regrows
  Status s = WriteSearchJson(*d.index, q, res, took, &w, [&](uint32_t npi, JsonWriter* out) {
    out->Key("corrections").BeginArray();
    if (fixes != nullptr)
      if (auto it = fixes->find(npi); it != fixes->end())
        for (const store::Correction& c : it->second) WriteCorrectionJson(c, out);
    out->EndArray();
  });
  if (!s.ok()) return ApiError(s);
  HttpResponse r = Json(w.str());
  // The next page as a link (RFC 8288), beside next_cursor in the body: the
  // same parameters, the cursor in place of any offset or earlier cursor.
  if (!res.next_cursor.empty()) {
    std::string next = "/api/v1/search?";
    for (const auto& [k, v] : params)
      if (k != "cursor" && k != "offset") next += QueryEscape(k) + "=" + QueryEscape(v) + "&";
    next += "cursor=" + QueryEscape(res.next_cursor);
    r.headers.emplace_back("Link", "<" + next + ">; rel=\"next\"");
  }
  return r;
}

namespace {
// One correction as the API shows it, next to what NPPES says.
void WriteCorrectionJson(const store::Correction& c, JsonWriter* w) {
  w->BeginObject();
  w->Field("field", c.field).Field("value", c.value).Optional("nppes_value", c.nppes_value);
  w->Field("source", c.source).Field("corrected_on", FormatUnixDate(c.created));
  w->Field("by", "the editors").Key("flagged").Bool(c.status == "flagged");
  w->EndObject();
}
}  // namespace

HttpResponse HandleProvider(const Dataset& d, const std::string& npi_text,
                            const std::vector<store::Correction>& corrections) {
  uint32_t npi;
  if (!ParseNpi(npi_text, &npi))
    return ApiError(Status::InvalidArgument("expected a 10-digit NPI").WithParam("npi"));
  const int64_t row = d.snap->Find(npi);
  if (row < 0)
    return ApiError(Status::NotFound("no provider with NPI " + npi_text).WithParam("npi"));
  Record rec;
  Status s = d.snap->GetRecord(static_cast<size_t>(row), &rec);
  if (!s.ok()) return ApiError(s);
  if (rec.entity == EntityType::kDeactivated) {
    const std::string on = FormatIsoDate(rec.deactivation_date);
    return ApiError(Status::Gone("NPI " + npi_text + " was deactivated on " + on)
                        .WithParam("npi")
                        .WithReason("deactivated"),
                    {{"deactivation_date", on}});
  }
  // Its entity tag (the snapshot, the corrections, the request) is the
  // service's, as for every public GET.
  HttpResponse r;
  r.headers.emplace_back("Cache-Control", kHour);
  const Explanation e = Explain(d.knowledge, ModalityMap::Embedded(), rec);
  JsonWriter w;
  w.BeginObject();
  w.Key("provider");
  WriteRecordJson(rec, d.snap->taxonomy(), &w);
  w.Key("knowledge").BeginObject();
  WriteExplanationFields(e, &w);
  w.EndObject();
  w.Key("corrections").BeginArray();
  for (const store::Correction& c : corrections) WriteCorrectionJson(c, &w);
  w.EndArray();
  w.Key("self_reported").Bool(true);
  w.Field("source", "NPPES (CMS National Plan and Provider Enumeration System)");
  w.Field("last_updated", FormatIsoDate(rec.last_update_date));
  w.Key("synthetic").Bool(d.snap->synthetic());
  w.EndObject();
  r.body = w.str();
  return r;
}

HttpResponse HandleOrganizationProviders(const Dataset& d, const std::string& npi_text) {
  uint32_t npi;
  if (!ParseNpi(npi_text, &npi))
    return ApiError(Status::InvalidArgument("expected a 10-digit NPI").WithParam("npi"));
  const int64_t row = d.snap->Find(npi);
  if (row < 0)
    return ApiError(Status::NotFound("no provider with NPI " + npi_text).WithParam("npi"));
  Record org;
  Status read = d.snap->GetRecord(static_cast<size_t>(row), &org);
  if (!read.ok()) return ApiError(read);
  if (org.entity != EntityType::kOrganization)
    return ApiError(
        Status::NotFound("NPI " + npi_text + " is not an organization").WithParam("npi"));
  JsonWriter w;
  w.BeginObject();
  w.Field("organization", org.org_name);
  w.Field("link_rule",
          "Only links NPPES states: organization subparts that name this organization as their "
          "parent, and providers with an endpoint marked as affiliated with it. A shared address "
          "or phone number is not a link.");
  w.Key("providers").BeginArray();
  size_t n = 0;
  for (uint32_t r : d.index->org_links().Find(org.org_name)) {
    if (r == static_cast<uint32_t>(row)) continue;
    Record rec;
    Status linked = d.snap->GetRecord(r, &rec);
    if (!linked.ok()) return ApiError(linked);
    WriteProviderSummary(*d.snap, r, rec, &w);
    if (++n == 1000) break;
  }
  w.EndArray();
  w.EndObject();
  return Json(w.str());
}

HttpResponse HandleTaxonomies() {
  JsonWriter w;
  w.BeginObject().Key("taxonomies").BeginArray();
  for (const TaxonomyInfo& t : TaxonomyTable::Embedded().rows()) {
    w.BeginObject();
    w.Field("code", t.code).Field("display_name", t.display_name);
    w.Field("grouping", t.grouping).Field("classification", t.classification);
    w.Optional("specialization", t.specialization);
    w.EndObject();
  }
  w.EndArray();
  w.Field("source", "NUCC Health Care Provider Taxonomy code set v25.1");
  w.EndObject();
  return Json(w.str(), 200, "public, max-age=86400");
}

HttpResponse HandleModalities(const Dataset& d) {
  JsonWriter w;
  w.BeginObject().Key("modalities").BeginArray();
  for (const Modality& m : ModalityMap::Embedded().modalities()) {
    w.BeginObject();
    w.Field("id", m.id).Field("label", m.label);
    if (const ModalityInfo* info = d.knowledge.FindModality(m.id)) {
      w.Field("what_it_is", info->what_it_is).Field("who_may_offer", info->who_may_offer);
      w.Field("nppes_note", info->nppes_note);
    }
    w.Key("taxonomy_prefixes").BeginArray();
    for (const std::string& t : m.taxonomy_prefixes) w.String(t);
    w.EndArray();
    w.Key("credential_tokens").BeginArray();
    for (const std::string& t : m.credential_tokens) w.String(t);
    w.EndArray();
    w.Field("confidence", m.confidence).Field("as_of", m.as_of).Field("source", m.source);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return Json(w.str(), 200, kHour);
}

HttpResponse HandlePlaces(const Dataset& d, const QueryParams& params) {
  std::string q;
  for (const auto& [name, value] : params) q = value;
  JsonWriter w;
  w.BeginObject().Key("places").BeginArray();
  const bool digits = !q.empty() && q.find_first_not_of("0123456789") == std::string::npos;
  if (digits) {
    if (q.size() < 3 || q.size() > 5)
      return ApiError(Status::InvalidArgument("give 3 to 5 digits of a ZIP code").WithParam("q"));
    // Every ZIP with this prefix, in order, at most 10.
    size_t n = 0, span = 1;
    for (size_t k = q.size(); k < 5; ++k) span *= 10;
    for (size_t i = 0; i < span && n < 10; ++i) {
      std::string zip = q + (span > 1 ? std::to_string(span + i).substr(1) : "");
      LatLon p;
      if (!ZctaTable::Embedded().Find(zip, &p)) continue;
      ++n;
      w.BeginObject().Field("kind", "zip").Field("label", zip).Field("near", zip);
      w.Key("lat").Double(p.lat, 4).Key("lon").Double(p.lon, 4).EndObject();
    }
  } else {
    const std::vector<std::string> words = NormalizeTokens(q);
    std::string prefix;
    for (const std::string& t : words) prefix += (prefix.empty() ? "" : " ") + t;
    if (prefix.size() < 2)
      return ApiError(Status::InvalidArgument("give at least 2 letters of a city").WithParam("q"));
    std::vector<const Place*> hits;
    for (const Place& p : d.snap->places())
      if (p.geocoded > 0 && std::string_view(p.city).starts_with(prefix)) hits.push_back(&p);
    std::sort(hits.begin(), hits.end(), [](const Place* a, const Place* b) {
      return a->rows != b->rows ? a->rows > b->rows : a->city < b->city;
    });
    hits.resize(std::min<size_t>(hits.size(), 10));
    for (const Place* p : hits) {
      const std::string state(d.snap->states().Code(p->state));
      const std::string label = CityDisplay(p->city) + (state.empty() ? "" : ", " + state);
      w.BeginObject().Field("kind", "city").Field("label", label).Field("city", label);
      w.Key("lat").Double(p->lat, 4).Key("lon").Double(p->lon, 4);
      w.Key("providers").Uint(p->rows).EndObject();
    }
  }
  w.EndArray().EndObject();
  return Json(w.str());
}

HttpResponse HandleStateRules(const Dataset& d, const std::string& state_in) {
  std::string usps = state_in;
  for (char& c : usps) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!StateTable::IsStateOrDc(usps))
    return ApiError(Status::NotFound("no rules on file for \"" + state_in +
                                     "\"; give one of the 50 states or DC")
                        .WithParam("state"));
  JsonWriter w;
  w.BeginObject();
  w.Field("state", usps).Field("name", StateName(usps));
  w.Key("rules").BeginArray();
  for (const char* topic : KnowledgeBase::kTopics) {
    const StateRule* r = d.knowledge.Rule(usps, topic);
    if (r == nullptr) continue;
    w.BeginObject();
    WriteStateRuleFields(*r, &w);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return Json(w.str(), 200, kHour);
}

HttpResponse HandleCredentials(const Dataset& d) {
  JsonWriter w;
  w.BeginObject().Key("credentials").BeginArray();
  for (const Credential& c : d.knowledge.credentials()) WriteCredentialJson(c, &w);
  w.EndArray().EndObject();
  return Json(w.str(), 200, kHour);
}

HttpResponse HandleGuide(const Dataset& d) {
  JsonWriter w;
  WriteGuideQuestionsJson(*d.guide, &w);
  return Json(w.str(), 200, kHour);
}

HttpResponse HandleGuideAnswers(const Dataset& d, const std::string& body) {
  // {"answers": {"where": "low_back", "cautions": ["pregnant", "device"]}}
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return ApiError(BadBody("the body must be a JSON object", "body"));
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (it.key() != "answers")
      return ApiError(BadBody("unknown field \"" + it.key() + "\"", it.key()));
  GuideAnswers answers;
  if (doc.contains("answers")) {
    const nlohmann::json& a = doc["answers"];
    if (!a.is_object()) return ApiError(BadBody("answers must be an object", "answers"));
    for (auto it = a.begin(); it != a.end(); ++it) {
      const std::string param = "answers." + it.key();
      if (it->is_string()) {
        answers.emplace_back(it.key(), it->get<std::string>());
      } else if (it->is_array()) {
        // A list only where the question takes several answers: one that
        // takes one gets a string (a list there is refused, not trimmed).
        const auto& qs = d.guide->questions();
        const auto q = std::find_if(qs.begin(), qs.end(),
                                    [&](const GuideQuestion& g) { return g.id == it.key(); });
        if (q != qs.end() && !q->many)
          return ApiError(
              BadBody("this question takes one answer: give a string, not a list", param));
        for (const nlohmann::json& v : *it) {
          if (!v.is_string()) return ApiError(BadBody("choices are strings", param));
          answers.emplace_back(it.key(), v.get<std::string>());
        }
      } else {
        return ApiError(BadBody("give a choice or a list of choices", param));
      }
    }
  }
  auto r = d.guide->Evaluate(answers);
  if (!r.ok()) return ApiError(r.status());
  JsonWriter w;
  WriteGuideResultJson(*r, &w);
  return Json(w.str(), 200, "no-store");
}

}  // namespace meridian
