// libFuzzer target: the form bodies of the web pages and the guide's JSON
// answers, called directly (no routing in front), over the 99 sample rows.
//
// Input byte 0 picks what the rest is:
//   0: a POST /api/v1/guide/answers JSON body (HandleGuideAnswers). A
//      refusal is 4xx with an "error" object holding a non-empty
//      "message"; an answer is 200 with a JSON object. When the body is a
//      well-formed {"answers": {...}} of strings and string lists, the same
//      answers posted as the guide page's form (PageGuideResult) must be
//      accepted or refused alike: the page and the API share the guide.
//   1: the guide page's form body (PageGuideResult): 200 or 400, never
//      anything else.
//   2: the report form (PageReport) with an SQLite store behind it.
// Every url-encoded body that ParseQueryString accepts must round trip:
// encoding its pairs again with QueryEscape and parsing them gives the same
// pairs.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_dataset.h"
#include "fuzz_util.h"
#include "http/api.h"
#include "http/pages.h"
#include "http/query_string.h"
#include "http/service.h"
#include "store/store.h"
#include "util/escape.h"

using namespace meridian;

namespace {

const Dataset& Data() { return fuzz::SampleDataset(); }

store::Store* TheStore() {
  static store::Store* s = [] {
    auto st = store::Store::Open("sqlite:" + fuzz::ScratchFile("store.sqlite"));
    if (!st.ok()) fuzz::Die(st.status().ToString());
    if (Status m = (*st)->Migrate(); !m.ok()) fuzz::Die(m.ToString());
    return st->release();
  }();
  return s;
}

std::string Encode(const QueryParams& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs)
    out += (out.empty() ? "" : "&") + QueryEscape(name) + "=" + QueryEscape(value);
  return out;
}

void RoundTrip(std::string_view body) {
  QueryParams pairs;
  if (!ParseQueryString(body, &pairs).ok()) return;
  QueryParams again;
  Status st = ParseQueryString(Encode(pairs), &again);
  MERIDIAN_FUZZ_CHECK(st.ok(), st.ToString().c_str());
  MERIDIAN_FUZZ_CHECK(again == pairs, "a form does not survive QueryEscape and parsing again");
}

void CheckApiError(const HttpResponse& r) {
  nlohmann::json doc = fuzz::ParseJsonBody(r.body);
  MERIDIAN_FUZZ_CHECK(doc.is_object() && doc.contains("error") && doc["error"].is_object(),
                      "an error body without an error object");
  const nlohmann::json& m = doc["error"]["message"];
  MERIDIAN_FUZZ_CHECK(m.is_string() && !m.get<std::string>().empty(), "an error without message");
}

// The answers of a {"answers": {...}} body as a form, when they can be one
// (not a list for a question that takes one answer: the API refuses that
// shape, and a form cannot tell a list of one from one answer).
bool AnswersAsForm(const Guide& guide, const std::string& body, std::string* form) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || doc.size() != 1 || !doc.contains("answers") ||
      !doc["answers"].is_object())
    return false;
  QueryParams pairs;
  for (auto it = doc["answers"].begin(); it != doc["answers"].end(); ++it) {
    if (it->is_string()) {
      pairs.emplace_back(it.key(), it->get<std::string>());
    } else if (it->is_array()) {
      for (const GuideQuestion& q : guide.questions())
        if (q.id == it.key() && !q.many) return false;
      for (const auto& v : *it) {
        if (!v.is_string()) return false;
        pairs.emplace_back(it.key(), v.get<std::string>());
      }
    } else {
      return false;
    }
  }
  // What a form cannot carry: NUL bytes, empty names, more than the
  // query-string parser's pair limit.
  if (pairs.size() > kMaxQueryParams) return false;
  for (const auto& [name, value] : pairs)
    if (name.empty() || name.find('\0') != std::string::npos ||
        value.find('\0') != std::string::npos)
      return false;
  *form = Encode(pairs);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)Data();
  (void)TheStore();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Dataset& d = Data();
  switch (data[0] % 3) {
    case 0: {
      HttpResponse r = HandleGuideAnswers(d, body);
      if (fuzz::Verbose()) std::fprintf(stderr, "guide api -> %d %s\n", r.status, r.body.c_str());
      MERIDIAN_FUZZ_CHECK(r.status == 200 || (r.status >= 400 && r.status < 500),
                          "guide answers neither 200 nor 4xx");
      if (r.status == 200) {
        nlohmann::json doc = fuzz::ParseJsonBody(r.body);
        MERIDIAN_FUZZ_CHECK(doc.is_object(), "a guide result that is not a JSON object");
      } else {
        CheckApiError(r);
      }
      std::string form;
      if (AnswersAsForm(*d.guide, body, &form)) {
        HttpResponse page = PageGuideResult(d, form);
        MERIDIAN_FUZZ_CHECK((page.status == 200) == (r.status == 200),
                            "the guide page and the API disagree on the same answers");
      }
      return 0;
    }
    case 1: {
      RoundTrip(body);
      HttpResponse page = PageGuideResult(d, body);
      if (fuzz::Verbose()) std::fprintf(stderr, "guide page -> %d\n", page.status);
      MERIDIAN_FUZZ_CHECK(page.status == 200 || page.status == 400, "guide page status");
      MERIDIAN_FUZZ_CHECK(!page.body.empty(), "an empty guide page");
      return 0;
    }
    default: {
      RoundTrip(body);
      HttpResponse page = PageReport(d, body, TheStore());
      if (fuzz::Verbose()) std::fprintf(stderr, "report -> %d\n", page.status);
      MERIDIAN_FUZZ_CHECK(page.status >= 100 && page.status <= 599, "status out of range");
      MERIDIAN_FUZZ_CHECK(!page.body.empty() || (page.status >= 300 && page.status < 400),
                          "an empty report page");
      return 0;
    }
  }
}
