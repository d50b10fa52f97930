// A provider's profile, an organization's links, and "report a problem".
#include <cstdio>

#include "http/admin_auth.h"
#include "http/api.h"
#include "http/page_kit.h"
#include "http/pages.h"
#include "http/query_string.h"
#include "knowledge/explain.h"
#include "refdata/nucc.h"
#include "text/display_case.h"

namespace meridian {

using namespace page;  // NOLINT: the page kit is this file's vocabulary

namespace {

// Listings not updated for this long get a warning.
constexpr int kStaleYears = 3;

// "The registry entry was last updated in 2008; details may be out of
// date." when the entry is kStaleYears older than the snapshot, else "".
std::string StaleNotice(PackedDate last_update, uint64_t snapshot_unix) {
  if (last_update == 0) return "";
  const int year = static_cast<int>(last_update / 10000);
  const int built_year =
      std::atoi(FormatUnixDate(static_cast<int64_t>(snapshot_unix)).substr(0, 4).c_str());
  if (built_year - year < kStaleYears) return "";
  return "The registry entry was last updated in " + std::to_string(year) +
         "; details may be out of date. Call before you go.";
}

}  // namespace

HttpResponse PageProvider(const Dataset& d, const std::string& npi_text, bool reports_on,
                          const std::vector<store::Correction>& corrections) {
  uint32_t npi = 0;
  if (!ParseNpi(npi_text, &npi))
    return PageMessage(&d, 404, "Not found", "That is not an NPI number.");
  const int64_t row = d.snap->Find(npi);
  if (row < 0) return PageMessage(&d, 404, "Not found", "We have no provider with that number.");
  Record rec;
  if (!d.snap->GetRecord(static_cast<size_t>(row), &rec).ok())
    return PageMessage(&d, 500, "Something went wrong", "We could not read this listing.");
  if (rec.entity == EntityType::kDeactivated)
    return PageMessage(&d, 410, "This listing was closed",
                       "This NPI was deactivated on " + FormatIsoDate(rec.deactivation_date) + ".");
  const Explanation e = Explain(d.knowledge, ModalityMap::Embedded(), rec);
  data v;
  v.set("npi", NpiToString(rec.npi));
  v.set("name", ReadableName(rec));
  SetIf(v, "credential", rec.credential);
  v.set("kind", rec.entity == EntityType::kOrganization ? "Organization" : "Individual");
  const int p = rec.PrimaryTaxonomyIndex();
  auto plain = [&](const std::string& code) {
    const TaxonomyInfo* t = TaxonomyTable::Embedded().Find(code);
    return t ? t->display_name : code;
  };
  if (p >= 0) v.set("primary", plain(rec.taxonomies[static_cast<size_t>(p)].code));
  data locations = List();
  auto add_location = [&](const Location& l) {
    data item;
    const std::string address = AddressLine(l.address);
    item.set("address", address);
    SetIf(item, "phone", l.address.phone);
    item.set("phone_display", Phone(l.address.phone));
    // The street address itself, not the ZIP's centre point (miles off in
    // rural ZIPs); the map looks it up when the person follows the link.
    if (!l.address.line1.empty())
      item.set("directions", "https://www.openstreetmap.org/directions?to=" + Encode(address));
    locations.push_back(item);
  };
  add_location(rec.practice);
  for (const Location& l : rec.secondary) add_location(l);
  v.set("locations", locations);
  data tax = List();
  for (const TaxonomySlot& t : rec.taxonomies) {
    data item;
    item.set("name", plain(t.code));
    item.set("code", t.code);
    SetIf(item, "license",
          t.license_number.empty()
              ? ""
              : t.license_number + (t.license_state.empty() ? "" : " in " + t.license_state));
    for (const LicenseCheck& c : e.license_checks) {
      if (c.taxonomy_code != t.code || c.license_number != t.license_number ||
          c.license_state != t.license_state)
        continue;
      data check;
      check.set("text", c.text);
      if (c.lookup != nullptr && !c.lookup->url.empty()) check.set("url", c.lookup->url);
      item.set("check", check);
      break;
    }
    tax.push_back(item);
  }
  v.set("taxonomies", tax);
  data cards = List();
  for (const Credential* c : e.cards) {
    data item;
    item.set("name", c->name);
    item.set("is_credential", Bool(c->is_credential));
    item.set("granted_by", c->granted_by);
    item.set("requirements", c->requirements);
    item.set("hours", TrainingHoursText(*c));
    item.set("kept_current", c->kept_current);
    item.set("tells_you", c->tells_you);
    item.set("does_not_tell_you", c->does_not_tell_you);
    data sources = List();
    for (const std::string& s : c->sources) sources.push_back(data(s));
    item.set("sources", sources);
    item.set("as_of", c->as_of);
    item.set("confidence", c->confidence);
    cards.push_back(item);
  }
  v.set("cards", cards);
  data notes = List();
  for (const StateNote& n : e.notes) {
    data item;
    item.set("text", n.text);
    data sources = List();
    for (const std::string& s : n.rule->sources) sources.push_back(data(s));
    item.set("sources", sources);
    item.set("as_of", n.rule->as_of);
    item.set("confidence", n.rule->confidence);
    notes.push_back(item);
  }
  v.set("notes", notes);
  data cautions = List();
  for (const std::string& c : e.cautions) cautions.push_back(data(c));
  v.set("cautions", cautions);
  v.set("updated", FormatIsoDate(rec.last_update_date));
  v.set("registry", e.npi_registry_url);
  SetIf(v, "stale", StaleNotice(rec.last_update_date, d.snap->created_unix()));
  data unknown = List();
  for (const std::string& c : e.unexplained) unknown.push_back(data(c));
  v.set("unexplained", unknown);
  if (rec.entity == EntityType::kOrganization) {
    data org;
    org.set("npi", NpiToString(rec.npi));
    v.set("organization", org);
  }
  v.set("reports_on", Bool(reports_on));
  // The form's one-time key: sending it twice makes one report.
  if (reports_on) v.set("submission", admin::NewToken());
  // The editors' corrections, next to what NPPES says (never instead of it).
  data fixes = List();
  for (const store::Correction& c : corrections) {
    data item;
    std::string what, said = c.nppes_value;
    if (c.field == "phone") {
      what = "Phone: " + Phone(c.value);
      said = said.empty() ? "no phone" : Phone(said);
    } else if (c.field == "address") {
      Address a;
      const size_t p1 = c.value.find('|'), p2 = c.value.find('|', p1 + 1),
                   p3 = c.value.find('|', p2 + 1);
      a.line1 = c.value.substr(0, p1), a.city = c.value.substr(p1 + 1, p2 - p1 - 1);
      a.state = c.value.substr(p2 + 1, p3 - p2 - 1), a.postal_code = c.value.substr(p3 + 1);
      what = "Practice address: " + AddressLine(a);
      said = AddressLine(rec.practice.address);
    } else if (c.field == "not_practising_here") {
      what = "They no longer practise at this address.";
      said = AddressLine(rec.practice.address);
    } else if (c.field == "no_dry_needling") {
      what = "They do not offer dry needling.";
      said.clear();
    } else {
      what = c.value;
      said.clear();
    }
    item.set("what", what);
    SetIf(item, "nppes", said);
    item.set("date", FormatUnixDate(c.created));
    item.set("source", c.source);
    item.set("flagged", Bool(c.status == "flagged"));
    fixes.push_back(item);
  }
  v.set("corrections", fixes);
  return Html(&d, ReadableName(rec), Render("provider", v));
}

HttpResponse PageOrganization(const Dataset& d, const std::string& npi_text) {
  uint32_t npi = 0;
  if (!ParseNpi(npi_text, &npi))
    return PageMessage(&d, 404, "Not found", "That is not an NPI number.");
  const int64_t row = d.snap->Find(npi);
  Record org;
  if (row >= 0 && !d.snap->GetRecord(static_cast<size_t>(row), &org).ok())
    return PageMessage(&d, 500, "Something went wrong", "We could not read this listing.");
  if (row < 0 || org.entity != EntityType::kOrganization)
    return PageMessage(&d, 404, "Not found", "We have no organization with that number.");
  data v;
  v.set("npi", npi_text);
  v.set("name", org.org_name);
  data locations = List();
  for (const Location* l : {&org.practice}) {
    data item;
    item.set("address", AddressLine(l->address));
    SetIf(item, "phone", l->address.phone);
    item.set("phone_display", Phone(l->address.phone));
    locations.push_back(item);
  }
  for (const Location& l : org.secondary) {
    data item;
    item.set("address", AddressLine(l.address));
    SetIf(item, "phone", l.address.phone);
    item.set("phone_display", Phone(l.address.phone));
    locations.push_back(item);
  }
  v.set("locations", locations);
  v.set("rule",
        "We list only links that NPPES states: parts of this organization that name it as their "
        "parent, and providers whose contact record says they belong to it. Sharing an address or "
        "phone is not a link.");
  data providers = List();
  for (uint32_t r : d.index->org_links().Find(org.org_name)) {
    if (r == static_cast<uint32_t>(row) || providers.list_value().size() >= 200) continue;
    Record rec;
    if (!d.snap->GetRecord(r, &rec).ok())
      return PageMessage(&d, 500, "Something went wrong", "We could not read this listing.");
    data item;
    item.set("npi", NpiToString(rec.npi));
    item.set("name", ReadableName(rec));
    SetIf(item, "credential", rec.credential);
    const uint16_t pt = d.snap->primary_taxonomy(r);
    item.set("type",
             pt != snapshot::kNoTaxonomy ? d.snap->taxonomy().entry(pt).info.display_name : "");
    providers.push_back(item);
  }
  v.set("providers", providers);
  return Html(&d, org.org_name, Render("organization", v));
}

HttpResponse PageReport(const Dataset& d, const std::string& body, store::Store* store) {
  if (store == nullptr)
    return PageMessage(&d, 404, "Reports are off", "This server does not take reports.");
  QueryParams form;
  if (!ParseQueryString(body, &form).ok())
    return PageMessage(&d, 400, "We could not read the form", "Please go back and try again.");
  const std::string npi = Get(form, "npi"), kind = Get(form, "kind"),
                    details = Get(form, "details"), submission = Get(form, "submission");
  uint32_t packed = 0;
  if (!ParseNpi(npi, &packed) || d.snap->Find(packed) < 0)
    return PageMessage(&d, 400, "We could not send the report", "The listing number is not valid.");
  if (kind != "address" && kind != "credential" && kind != "closed" && kind != "other")
    return PageMessage(&d, 400, "We could not send the report", "Please pick what is wrong.");
  if (details.size() > 2000)
    return PageMessage(&d, 400, "We could not send the report",
                       "Please keep it under 2,000 letters.");
  if (submission.size() > 100 ||
      submission.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos)
    return PageMessage(&d, 400, "We could not read the form", "Please go back and try again.");
  if (details.find_first_not_of(" \t\r\n") == std::string::npos)
    return PageMessage(&d, 400, "We could not send the report",
                       "Please tell us what is wrong and what it should say.");
  Record rec;
  std::string state;
  if (d.snap->GetRecord(static_cast<size_t>(d.snap->Find(packed)), &rec).ok())
    state = rec.practice.address.state;
  Result<int64_t> id = store->AddReport(
      {.npi = packed, .kind = kind, .details = details, .state = state, .submission = submission});
  if (!id.ok()) {
    if (id.status().code() == StatusCode::kUnavailable) {
      HttpResponse r = PageMessage(&d, 503, "We could not save the report just now",
                                   "Nothing was sent. Please try again in a minute.");
      r.headers.emplace_back("Retry-After", "30");
      return r;
    }
    return PageMessage(&d, 500, "We could not save the report", "Please try again later.");
  }
  data v;
  v.set("heading", "Thank you");
  v.set("message", "We saved your report. Its number is R-" + std::to_string(*id) +
                       ". The people who run this site will look at it. If you are this "
                       "provider, you can also fix your own entry in NPPES at "
                       "nppes.cms.hhs.gov.");
  v.set("back", "/provider/" + npi);
  v.set("back_label", "Back to the listing");
  return Html(&d, "Thank you", Render("message", v));
}

}  // namespace meridian
