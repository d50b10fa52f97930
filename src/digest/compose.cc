#include "digest/compose.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "util/escape.h"

namespace meridian::digest {

namespace {

// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Monday of ISO week 1 of `year`, in days since the epoch.
int64_t IsoWeekOneMonday(int64_t year) {
  const int64_t jan4 = DaysFromCivil(year, 1, 4);
  const int64_t weekday = ((jan4 + 3) % 7 + 7) % 7;  // 0 = Monday (1970-01-01 was a Thursday)
  return jan4 - weekday;
}

std::string UrlEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Host(const std::string& url) {
  size_t at = url.find("://");
  std::string h = at == std::string::npos ? url : url.substr(at + 3);
  h = h.substr(0, h.find('/'));
  if (!h.empty() && h.front() == '[') return h.substr(1, h.find(']') - 1);
  return h.substr(0, h.find(':'));
}

// "December 7, 2026".
std::string LongDate(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* kMonths[] = {"January",   "February", "March",    "April",
                                  "May",       "June",     "July",     "August",
                                  "September", "October",  "November", "December"};
  return std::string(kMonths[tm.tm_mon]) + " " + std::to_string(tm.tm_mday) + ", " +
         std::to_string(tm.tm_year + 1900);
}

// Both parts of a message are built side by side from these pieces.
struct Body {
  std::string text, html;
  void Heading(const std::string& h, int level) {
    text += "\n" + h + "\n" + std::string(h.size(), level == 1 ? '=' : '-') + "\n\n";
    html += "<h" + std::to_string(level) + " style=\"font-size:" + (level == 1 ? "22" : "18") +
            "px;margin:24px 0 8px\">" + XmlEscape(h) + "</h" + std::to_string(level) + ">\n";
  }
  void Para(const std::string& p) {
    text += p + "\n\n";
    html += "<p style=\"margin:0 0 12px\">" + XmlEscape(p) + "</p>\n";
  }
  // A sentence ending in a link: "label: url" in text, a link in HTML.
  void Link(const std::string& before, const std::string& label, const std::string& url) {
    text += (before.empty() ? "" : before + " ") + label + ": " + url + "\n\n";
    html += "<p style=\"margin:0 0 12px\">" + (before.empty() ? "" : XmlEscape(before) + " ") +
            "<a href=\"" + XmlEscape(url) + "\" style=\"color:#0b5394\">" + XmlEscape(label) +
            "</a></p>\n";
  }
  void Button(const std::string& label, const std::string& url) {
    text += label + ": " + url + "\n\n";
    html += "<p style=\"margin:16px 0\"><a href=\"" + XmlEscape(url) +
            "\" style=\"display:inline-block;background:#0b5394;color:#ffffff;padding:10px "
            "16px;border-radius:4px;text-decoration:none\">" +
            XmlEscape(label) + "</a></p>\n";
  }
  void BeginList() { html += "<ul style=\"padding-left:20px;margin:0 0 12px\">\n"; }
  void Item(const std::string& title, const std::string& url, const std::string& rest) {
    text += "- " + title + (rest.empty() ? "" : " (" + rest + ")") + "\n  " + url + "\n";
    html += "<li style=\"margin:0 0 8px\"><a href=\"" + XmlEscape(url) +
            "\" style=\"color:#0b5394\">" + XmlEscape(title) + "</a>" +
            (rest.empty() ? "" : " <span style=\"color:#444444\">" + XmlEscape(rest) + "</span>") +
            "</li>\n";
  }
  void EndList() {
    text += "\n";
    html += "</ul>\n";
  }
};

MailMessage Wrap(const DigestSite& site, const store::Subscriber& s, const std::string& subject,
                 const Body& body, const std::string& message_id, int64_t now,
                 const std::string& unsubscribe) {
  MailMessage m;
  m.from_name = site.from_name;
  m.from_address = site.from_address;
  m.to_address = s.email;
  m.subject = subject;
  m.date_unix = now;
  m.message_id = message_id;
  m.list_id = site.list_id;
  m.unsubscribe_url = unsubscribe;
  m.text = body.text;
  m.html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width\">\n<title>" +
      XmlEscape(subject) +
      "</title>\n</head>\n<body style=\"margin:0;padding:16px;background:#ffffff;color:#1a1a1a;"
      "font-family:Georgia,serif;font-size:17px;line-height:1.5\">\n"
      "<main style=\"max-width:600px;margin:0 auto\">\n" +
      body.html + "</main>\n</body>\n</html>\n";
  return m;
}

std::string OneOffId(const DigestSite& site, const std::string& kind, const store::Subscriber& s,
                     int64_t now) {
  return kind + "." + std::to_string(now) + "." + s.email_hash.substr(0, 16) + "@" +
         Host(site.public_url);
}

}  // namespace

DigestSite SiteFor(const std::string& public_url) {
  DigestSite site;
  site.public_url = public_url;
  while (!site.public_url.empty() && site.public_url.back() == '/') site.public_url.pop_back();
  std::string host = Host(site.public_url);
  // A name with a dot; an IP address or a bare name ("localhost") is not a
  // mail domain.
  if (host.find('.') == std::string::npos ||
      host.find_first_not_of("0123456789.") == std::string::npos ||
      host.find(':') != std::string::npos)
    host = "localhost.localdomain";
  site.from_address = "digest@" + host;
  site.list_id = "weekly-digest." + host;
  return site;
}

Result<Week> ParseWeek(const std::string& id) {
  int year = 0, week = 0;
  char tail = 0;
  if (id.size() != 8 || std::sscanf(id.c_str(), "%4d-W%2d%c", &year, &week, &tail) != 2 ||
      year < 2000 || year > 2999 || week < 1)
    return Status::InvalidArgument("week must look like 2026-W49, not \"" + id + "\"")
        .WithParam("week");
  // A year has 53 ISO weeks when week 53's Monday is still before week 1 of the next.
  const int64_t monday = IsoWeekOneMonday(year) + (week - 1) * 7;
  if (week > 52 && monday >= IsoWeekOneMonday(year + 1))
    return Status::InvalidArgument(std::to_string(year) + " has no week " + std::to_string(week))
        .WithParam("week");
  Week w;
  w.id = id;
  w.start = monday * 86400;
  w.end = w.start + 7 * 86400;
  return w;
}

Week WeekOf(int64_t unix_seconds) {
  const int64_t days = unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  int64_t year = tm.tm_year + 1900;
  if (days < IsoWeekOneMonday(year))
    --year;
  else if (days >= IsoWeekOneMonday(year + 1))
    ++year;
  const int64_t week = (days - IsoWeekOneMonday(year)) / 7 + 1;
  char id[48];
  std::snprintf(id, sizeof id, "%04lld-W%02lld", static_cast<long long>(year),
                static_cast<long long>(week));
  return *ParseWeek(id);
}

WeekIssue MakeWeekIssue(const Week& week, const content::ContentLibrary& library,
                        const WeekChanges* changes, const ModalityMap& modalities,
                        const Snapshot* snapshot) {
  WeekIssue issue;
  issue.week = week;
  issue.changes = changes;
  issue.modalities = &modalities;
  issue.snapshot = snapshot;
  // Dates are YYYY-MM-DD; the week as the same text compares in order.
  auto day = [](int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char b[32];
    std::snprintf(b, sizeof b, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return std::string(b);
  };
  const std::string from = day(week.start), to = day(week.end);
  for (const content::Article& a : library.articles()) {
    const bool fresh =
        (a.published >= from && a.published < to) || (a.updated >= from && a.updated < to);
    if (fresh) issue.new_articles.push_back(&a);
  }
  if (issue.new_articles.empty())
    for (const content::Article& a : library.articles()) {
      if (a.published >= to) continue;  // not out yet that week
      issue.recent_articles.push_back(&a);
      if (issue.recent_articles.size() == 3) break;
    }
  return issue;
}

Result<PlacePoint> ResolveSubscriberPlace(const Snapshot& snap, const std::string& place) {
  std::string where = place;
  const bool digits =
      !where.empty() && where.find_first_not_of("0123456789- ") == std::string::npos;
  QueryParams params = {{digits ? "near" : "city", where}, {"radius", "10mi"}};
  Query q;
  Status s = ParseQuery(params, ModalityMap::Embedded(), &q, &snap);
  if (!s.ok()) return Status::InvalidArgument(s.message()).WithParam("place");
  return PlacePoint{q.lat, q.lon};
}

Result<ModalityMask> CareMask(const ModalityMap& modalities, const std::string& care) {
  ModalityMask mask = 0;
  size_t i = 0;
  while (i <= care.size() && !care.empty()) {
    size_t comma = care.find(',', i);
    if (comma == std::string::npos) comma = care.size();
    const std::string id = care.substr(i, comma - i);
    if (!id.empty()) {
      const int k = modalities.Find(id);
      if (k < 0) return Status::InvalidArgument("unknown kind of care " + id).WithParam("care");
      mask |= static_cast<ModalityMask>(1u << k);
    }
    i = comma + 1;
  }
  return mask;
}

std::string ConfirmUrl(const DigestSite& site, const DigestKeys& keys, const store::Subscriber& s,
                       int64_t now) {
  return site.public_url +
         "/digest/confirm?t=" + keys.Sign({"confirm", s.id, s.created, now + kConfirmSeconds});
}

namespace {
// The manage token: it also unsubscribes (one secret per subscriber's links).
std::string ManageToken(const DigestKeys& keys, const store::Subscriber& s) {
  return keys.Sign({"manage", s.id, s.created, 0});
}
}  // namespace

std::string ManageUrl(const DigestSite& site, const DigestKeys& keys, const store::Subscriber& s) {
  return site.public_url + "/digest/manage?t=" + ManageToken(keys, s);
}

std::string UnsubscribeUrl(const DigestSite& site, const DigestKeys& keys,
                           const store::Subscriber& s) {
  return site.public_url + "/digest/unsubscribe?t=" + ManageToken(keys, s);
}

MailMessage ComposeConfirmation(const DigestSite& site, const DigestKeys& keys,
                                const store::Subscriber& s, int64_t now) {
  Body b;
  b.Heading("Please confirm your weekly digest", 1);
  b.Para(
      "Someone asked to get Meridian's weekly digest at this email address. We hope it was "
      "you.");
  b.Para("To start it, open the link below and press Confirm. The link works for 48 hours.");
  b.Button("Confirm my digest", ConfirmUrl(site, keys, s, now));
  b.Para(
      "If it was not you, do nothing. We will not email you again, and we delete the request "
      "after 48 hours.");
  return Wrap(site, s, "Please confirm your Meridian weekly digest", b,
              OneOffId(site, "confirm", s, now), now, "");
}

MailMessage ComposeAlreadySubscribed(const DigestSite& site, const DigestKeys& keys,
                                     const store::Subscriber& s, int64_t now) {
  Body b;
  b.Heading("You already get the weekly digest", 1);
  b.Para(
      "Someone asked to sign up this email address for Meridian's weekly digest. It is "
      "already signed up, so nothing has changed.");
  b.Link("To change your place or kinds of care, pause it or stop it, use", "your digest settings",
         ManageUrl(site, keys, s));
  b.Para("If it was not you, you can ignore this email.");
  return Wrap(site, s, "About your Meridian weekly digest", b, OneOffId(site, "notice", s, now),
              now, "");
}

std::string DigestMessageId(const DigestSite& site, const std::string& week,
                            const std::string& email_hash) {
  return "digest." + week + "." + email_hash.substr(0, 32) + "@" + Host(site.public_url);
}

MailMessage ComposeDigest(const DigestSite& site, const DigestKeys& keys, const WeekIssue& issue,
                          const store::Subscriber& s, int64_t now, double* near_seconds) {
  Body b;
  const std::string title = "Meridian weekly digest, week of " + LongDate(issue.week.start);
  b.Heading(title, 1);
  if (!issue.new_articles.empty()) {
    b.Heading("New articles", 2);
    b.BeginList();
    for (const content::Article* a : issue.new_articles)
      b.Item(a->title, site.public_url + "/articles/" + a->slug, a->summary);
    b.EndList();
  } else {
    b.Heading("Articles", 2);
    b.Para("We did not post a new article this week. Here are our latest ones.");
    b.BeginList();
    for (const content::Article* a : issue.recent_articles)
      b.Item(a->title, site.public_url + "/articles/" + a->slug, a->summary);
    b.EndList();
  }
  std::string subject = title;
  if (!s.place.empty()) {
    const auto t0 = std::chrono::steady_clock::now();
    b.Heading("New near you", 2);
    const std::string where = std::to_string(s.radius_miles) + " miles of " + s.place;
    Result<PlacePoint> point = issue.snapshot != nullptr
                                   ? ResolveSubscriberPlace(*issue.snapshot, s.place)
                                   : Status::NotFound("no snapshot");
    Result<ModalityMask> care = CareMask(*issue.modalities, s.care);
    if (issue.changes == nullptr || !issue.changes->has_previous()) {
      b.Para(
          "We have no registry update to compare this week, so we cannot list new "
          "practitioners yet.");
    } else if (!point.ok() || !care.ok()) {
      b.Para("We could not find the place you gave (" + s.place +
             "). Please check it in your digest settings.");
    } else {
      std::vector<size_t> near, left;
      for (size_t k : issue.changes->Near(point->lat, point->lon, s.radius_miles, *care))
        (issue.changes->changes()[k].kind == ProviderChange::kLeft ? left : near).push_back(k);
      if (near.empty()) {
        b.Para("No practitioners joined or moved within " + where + " this week.");
      } else {
        const size_t n = near.size();
        b.Para(std::to_string(n) + (n == 1 ? " practitioner" : " practitioners") +
               " joined the registry or moved within " + where + " this week.");
        subject += ": " + std::to_string(n) + " new near " + s.place;
        b.BeginList();
        for (size_t k = 0; k < n && k < static_cast<size_t>(site.max_near); ++k) {
          const ProviderChange& c = issue.changes->changes()[near[k]];
          std::string rest = c.what.empty() ? c.place : c.what + ", " + c.place;
          if (c.kind == ProviderChange::kMoved) rest += ", new address";
          b.Item(c.name, site.public_url + "/provider/" + std::to_string(c.npi), rest);
        }
        b.EndList();
        std::string care_param;
        if (s.care.find(',') == std::string::npos) care_param = s.care;
        const std::string all = site.public_url + "/search?where=" + UrlEncode(s.place) +
                                "&radius=" + std::to_string(s.radius_miles) +
                                (care_param.empty() ? "" : "&care=" + UrlEncode(care_param));
        if (n > static_cast<size_t>(site.max_near))
          b.Link("We show the nearest " + std::to_string(site.max_near) + ".",
                 "See everyone near you", all);
      }
      if (!left.empty())
        b.Para(std::to_string(left.size()) +
               (left.size() == 1 ? " practitioner" : " practitioners") + " within " + where +
               " left the registry this week. Their numbers are no longer "
               "active.");
      b.Para(
          "These details come from NPPES, the national registry. Practitioners fill it in "
          "themselves, and Meridian has not checked them. Check a license with your state "
          "board before you book.");
    }
    if (near_seconds != nullptr)
      *near_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  b.Heading("Your digest", 2);
  b.Para("You get this email because you asked for it on Meridian.");
  b.Link("To change your place or kinds of care, or to pause the digest, use",
         "your digest settings", ManageUrl(site, keys, s));
  const std::string unsubscribe = UnsubscribeUrl(site, keys, s);
  b.Link("To stop getting it, use", "this unsubscribe link", unsubscribe);
  return Wrap(site, s, subject, b, DigestMessageId(site, issue.week.id, s.email_hash), now,
              unsubscribe);
}

}  // namespace meridian::digest
