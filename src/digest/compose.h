// The digest's messages: the confirmation a sign-up sends, the note an
// already-subscribed address gets instead, and the weekly digest itself
// (new articles, and "new near you" from the week's NPPES changes), each as
// a plain-text and an HTML part with the same words. No images, no
// tracking, every link a plain link to this site.
//
// Thread safety: the functions are pure; WeekIssue is read-only once made.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "content/content.h"
#include "digest/changes.h"
#include "digest/keys.h"
#include "digest/mime.h"
#include "knowledge/modality_map.h"
#include "query/query.h"
#include "store/store.h"

namespace meridian::digest {

// Where the links point and who the mail is from.
struct DigestSite {
  std::string public_url;  // "https://meridian.example.org", no trailing slash
  std::string from_name = "Meridian";
  std::string from_address;  // "digest@<host of public_url>" by default
  std::string list_id;       // "weekly-digest.<host>"
  int max_near = 10;         // providers listed per email before "see all"
};
DigestSite SiteFor(const std::string& public_url);

// An ISO week, "2026-W49": Monday 00:00 UTC to the next Monday.
struct Week {
  std::string id;
  int64_t start = 0, end = 0;
};
Result<Week> ParseWeek(const std::string& id);
Week WeekOf(int64_t unix_seconds);

// What every subscriber's copy shares.
struct WeekIssue {
  Week week;
  std::vector<const content::Article*> new_articles;     // published or updated this week
  std::vector<const content::Article*> recent_articles;  // when none are new: the latest three
  const WeekChanges* changes = nullptr;                  // null: no update to compare
  const ModalityMap* modalities = nullptr;
  const Snapshot* snapshot = nullptr;  // resolves subscribers' places
};
WeekIssue MakeWeekIssue(const Week& week, const content::ContentLibrary& library,
                        const WeekChanges* changes, const ModalityMap& modalities,
                        const Snapshot* snapshot);

// A subscriber's place as a point: a ZIP (or ZIP+4) through the Census ZIP
// table, else a town through the snapshot's places and the gazetteer.
// InvalidArgument (param "place") when it does not resolve.
struct PlacePoint {
  double lat = 0, lon = 0;
};
Result<PlacePoint> ResolveSubscriberPlace(const Snapshot& snap, const std::string& place);

// Modality ids (comma list) -> mask; unknown ids are InvalidArgument.
Result<ModalityMask> CareMask(const ModalityMap& modalities, const std::string& care);

// The links a message carries for one subscriber.
std::string ConfirmUrl(const DigestSite& site, const DigestKeys& keys, const store::Subscriber& s,
                       int64_t now);
std::string ManageUrl(const DigestSite& site, const DigestKeys& keys, const store::Subscriber& s);
std::string UnsubscribeUrl(const DigestSite& site, const DigestKeys& keys,
                           const store::Subscriber& s);

MailMessage ComposeConfirmation(const DigestSite& site, const DigestKeys& keys,
                                const store::Subscriber& s, int64_t now);
MailMessage ComposeAlreadySubscribed(const DigestSite& site, const DigestKeys& keys,
                                     const store::Subscriber& s, int64_t now);
// The weekly digest for `s`. Its Message-ID is a function of the week and
// the address hash only, so a copy sent again is recognisably the same.
// *near_seconds (optional) gains the time spent on "new near you".
MailMessage ComposeDigest(const DigestSite& site, const DigestKeys& keys, const WeekIssue& issue,
                          const store::Subscriber& s, int64_t now, double* near_seconds = nullptr);
std::string DigestMessageId(const DigestSite& site, const std::string& week,
                            const std::string& email_hash);

}  // namespace meridian::digest
