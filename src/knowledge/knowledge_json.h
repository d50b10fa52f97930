// JSON for the knowledge module's answers, shared by `meridian explain`,
// `meridian guide` and the HTTP API (one shape everywhere). Field names are a
// contract: add freely, never rename.
#pragma once

#include "knowledge/explain.h"
#include "knowledge/guide.h"
#include "util/json.h"

namespace meridian {

// {"id","name","is_credential","granted_by","requirements","hours":{"min","max"},
//  "kept_current","tells_you","does_not_tell_you","sources","as_of","confidence"}
void WriteCredentialJson(const Credential& c, JsonWriter* w);
// "topic", "status", "nccaom_required", "min_hours", "conditions", "text"
// (StateNoteText), "sources", "as_of", "confidence" (keys of an open object).
void WriteStateRuleFields(const StateRule& r, JsonWriter* w);
// "cards", "modalities", "state_notes" (each "modality", "state" and the
// rule's fields), "cautions" (keys of an open object).
void WriteExplanationFields(const Explanation& e, JsonWriter* w);
// {"questions":[{"id","kind","question","help","options":[{"value","label"}]}]}
void WriteGuideQuestionsJson(const Guide& g, JsonWriter* w);
// {"urgent":[...], "options":[...], "notices":[...]}
void WriteGuideResultJson(const GuideResult& r, JsonWriter* w);

}  // namespace meridian
