// The digest's pages over the Service, with a store and mail written to
// files: double opt-in, no enumeration, bots refused, settings, export,
// delete and one-click unsubscribe.
#include "http/digest_pages.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "testing/http_test_util.h"
#include "testing/mail_util.h"
#include "testing/pg_cluster.h"
#include "testing/test_util.h"

namespace meridian {
namespace {

using testing::HeaderOf;
using testing::TempDir;

class DigestPagesTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto r = testing::RunMeridian("synth --rows 500 --seed 7 --out " + dir_->File("d.csv"), *dir_);
    ASSERT_EQ(r.code, 0) << r.err;
    testing::IngestOrDie(dir_->File("d.csv"), dir_->File("d.snap"), dir_->File("d_pl.csv"));
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override {
    const int n = ++n_;
    std::string url = "sqlite:" + dir_->File("s" + std::to_string(n) + ".sqlite");
    if (GetParam() == "postgresql") {
      std::string why;
      testing::PgCluster* pg = testing::SharedPostgres(&why);
      ASSERT_NE(pg, nullptr) << why;
      auto db = pg->NewDatabase();
      ASSERT_TRUE(db.ok());
      url = *db;
    }
    auto st = store::Store::Open(url);
    ASSERT_TRUE(st.ok() && (*st)->Migrate().ok());
    mail_ = dir_->File("mail" + std::to_string(n));
    ServiceOptions o;
    o.snapshot = dir_->File("d.snap");
    o.store = url;
    o.mail_dir = mail_;
    o.public_url = "https://care.example.org";
    o.rate_per_second = 1e6, o.rate_burst = 1e6;
    o.error_log = nullptr;
    auto s = Service::Create(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
    store_ = service_->store();
  }

  HttpResponse Post(const std::string& target, const std::string& body,
                    const std::string& client = "c1", bool same_origin = true) {
    testing::Headers h;
    if (same_origin) h.emplace_back("sec-fetch-site", "same-origin");
    HttpRequest req = testing::MakeRequest("POST", target, body, h);
    req.client = client;
    return service_->Handle(req);
  }
  HttpResponse Get(const std::string& target) {
    return service_->Handle(testing::MakeRequest("GET", target));
  }
  std::vector<std::string> Mail() {
    service_->digest()->outbox()->Drain();
    return testing::MailFiles(mail_);
  }
  // The path and query of the link in the newest message that contains `what`.
  std::string LinkIn(const std::string& msg, const std::string& what) {
    for (const std::string& l : testing::Links(testing::MailText(msg)))
      if (l.find(what) != std::string::npos) return l.substr(l.find("/digest"));
    ADD_FAILURE() << "no link with " << what << " in\n" << testing::MailText(msg);
    return "";
  }
  std::string TokenOf(const std::string& link) { return link.substr(link.find("t=") + 2); }
  // Signs up and confirms; returns the manage token.
  std::string Subscribe(const std::string& email, const std::string& extra = "",
                        const std::string& client = "c1") {
    const size_t before = Mail().size();
    EXPECT_EQ(Post("/digest", "email=" + email + extra, client).status, 200);
    auto mail = Mail();
    EXPECT_EQ(mail.size(), before + 1);
    if (mail.size() != before + 1) return "";
    const std::string confirm = LinkIn(mail.back(), "/digest/confirm");
    HttpResponse ok = Post("/digest/confirm", "t=" + TokenOf(confirm));
    EXPECT_EQ(ok.status, 200) << ok.body;
    const size_t at = ok.body.find("name=\"t\" value=\"");
    if (at == std::string::npos) return "";
    const size_t start = at + 16;
    return ok.body.substr(start, ok.body.find('"', start) - start);
  }

  static TempDir* dir_;
  static int n_;
  std::string mail_;
  std::unique_ptr<Service> service_;
  store::Store* store_ = nullptr;
};
TempDir* DigestPagesTest::dir_ = nullptr;
int DigestPagesTest::n_ = 0;

TEST_P(DigestPagesTest, DoubleOptInConfirmsOnlyByPost) {
  EXPECT_EQ(Get("/digest").status, 200);
  EXPECT_NE(Get("/").body.find("action=\"/digest\""), std::string::npos);  // the home page's form
  HttpResponse r = Post(
      "/digest", "email=Ann%40Example.org&place=53703&radius=25&care=acupuncture&care=massage");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("Check your email"), std::string::npos);
  auto mail = Mail();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_EQ(testing::MailHeader(mail[0], "To"), "<ann@example.org>");
  EXPECT_EQ(testing::MailHeader(mail[0], "List-Unsubscribe"), "");  // not a list message yet
  const std::string confirm = LinkIn(mail[0], "/digest/confirm?t=");
  // Opening the link (as a mail scanner would) shows a button and confirms nothing.
  HttpResponse page = Get(confirm);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("<button type=\"submit\">Confirm</button>"), std::string::npos);
  auto sub = store_->ActiveSubscribers(0, 10);
  ASSERT_TRUE(sub.ok());
  EXPECT_TRUE(sub->empty());
  // A post from another site is refused.
  EXPECT_EQ(Post("/digest/confirm", "t=" + TokenOf(confirm), "c1", false).status, 403);
  HttpResponse ok = Post("/digest/confirm", "t=" + TokenOf(confirm));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.body.find("Your weekly digest is on"), std::string::npos);
  sub = store_->ActiveSubscribers(0, 10);
  ASSERT_EQ(sub->size(), 1u);
  EXPECT_EQ((*sub)[0].place, "53703");
  EXPECT_EQ((*sub)[0].radius_miles, 25);
  EXPECT_EQ((*sub)[0].care, "acupuncture,massage");
  // The consent record holds the wording's hash and the choices, not the IP address.
  auto consents = store_->ConsentsFor((*sub)[0].id);
  ASSERT_EQ(consents->size(), 2u);
  EXPECT_EQ((*consents)[0].action, "subscribe");
  EXPECT_EQ((*consents)[1].action, "confirm");
  EXPECT_EQ((*consents)[0].wording_sha256.size(), 64u);
  // (the client's address was "c1"; a keyed hash of it is kept)
  EXPECT_EQ((*consents)[0].client_hash.size(), 32u);
  EXPECT_EQ((*consents)[0].client_hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  // A bad or altered token is refused.
  EXPECT_EQ(Get("/digest/confirm?t=nonsense").status, 400);
  std::string altered = TokenOf(confirm);
  altered[altered.size() - 3] = altered[altered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Post("/digest/confirm", "t=" + altered).status, 400);
}

TEST_P(DigestPagesTest, KnownAndUnknownAddressesGetTheSameAnswer) {
  const std::string token = Subscribe("known%40example.org");
  ASSERT_FALSE(token.empty());
  const size_t before = Mail().size();
  HttpResponse known = Post("/digest", "email=known%40example.org", "c2");
  HttpResponse unknown = Post("/digest", "email=stranger%40example.org", "c3");
  EXPECT_EQ(known.status, unknown.status);
  EXPECT_EQ(known.body, unknown.body);
  // The same headers, but for the request id every answer gets its own.
  auto same = [](std::vector<std::pair<std::string, std::string>> h) {
    std::erase_if(h, [](const auto& kv) { return kv.first == "X-Request-Id"; });
    return h;
  };
  EXPECT_EQ(same(known.headers), same(unknown.headers));
  // Each address was told by email, privately: a note with its settings link, or a confirmation.
  auto mail = Mail();
  ASSERT_EQ(mail.size(), before + 2);
  EXPECT_NE(testing::MailText(mail[before]).find("already signed up"), std::string::npos);
  EXPECT_NE(testing::MailText(mail[before + 1]).find("/digest/confirm?t="), std::string::npos);
  // Timing: known and new addresses alternate; the medians stay close.
  std::vector<double> t_known, t_new;
  for (int i = 0; i < 12; ++i) {
    const std::string addr = "k" + std::to_string(i) + "%40example.org";
    ASSERT_FALSE(Subscribe(addr, "", "setup" + std::to_string(i)).empty());
  }
  for (int i = 0; i < 12; ++i) {
    for (int pass = 0; pass < 2; ++pass) {
      const std::string addr = pass == 0 ? "k" + std::to_string(i) + "%40example.org"
                                         : "n" + std::to_string(i) + "%40example.org";
      const auto t0 = std::chrono::steady_clock::now();
      HttpResponse r =
          Post("/digest", "email=" + addr, "t" + std::to_string(i) + std::to_string(pass));
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      ASSERT_EQ(r.body, known.body);
      (pass == 0 ? t_known : t_new).push_back(ms);
    }
  }
  std::sort(t_known.begin(), t_known.end());
  std::sort(t_new.begin(), t_new.end());
  const double mk = t_known[t_known.size() / 2], mn = t_new[t_new.size() / 2];
  EXPECT_LT(std::abs(mk - mn), std::max(5.0, 0.75 * std::max(mk, mn)))
      << "median known " << mk << " ms, new " << mn << " ms";
}

TEST_P(DigestPagesTest, BotsAndFloodsAreRefusedAndCreateNothing) {
  const HttpResponse normal = Post("/digest", "email=first%40example.org", "c9");
  ASSERT_EQ(normal.status, 200);
  const size_t mails = Mail().size();
  // The honeypot: the same answer, nothing kept, nothing sent.
  HttpResponse bot = Post("/digest", "email=bot%40example.org&website=http%3A%2F%2Fspam", "c10");
  EXPECT_EQ(bot.body, normal.body);
  EXPECT_EQ(Mail().size(), mails);
  EXPECT_EQ(store_->CountSubscribers("pending").value(), 1);
  // One client, many addresses: after five, nothing more is kept or sent.
  for (int i = 0; i < 8; ++i) {
    HttpResponse r = Post("/digest", "email=flood" + std::to_string(i) + "%40example.org", "c11");
    EXPECT_EQ(r.body, normal.body);
  }
  EXPECT_EQ(store_->CountSubscribers("pending").value(), 1 + 5);
  // One address, many clients: three requests an hour, then nothing more is sent.
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(Post("/digest", "email=target%40example.org", "x" + std::to_string(i)).body,
              normal.body);
  Mail();
  size_t to_target = 0;
  for (const std::string& m : Mail())
    if (testing::MailHeader(m, "To") == "<target@example.org>") ++to_target;
  EXPECT_EQ(to_target, 3u);
  // A form from another site is refused before anything happens.
  EXPECT_EQ(Post("/digest", "email=xsite%40example.org", "c12", false).status, 403);
  EXPECT_FALSE(store_->FindSubscriber("none").ok());
  // Bad input is answered with the form again and says what to fix.
  HttpResponse bad = Post("/digest", "email=not-an-address", "c13");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("Please enter an email address"), std::string::npos);
  EXPECT_NE(bad.body.find("value=\"not-an-address\""), std::string::npos);
  HttpResponse place = Post("/digest", "email=p%40example.org&place=Nowhereville+Zz", "c14");
  EXPECT_EQ(place.status, 400);
  EXPECT_NE(place.body.find("We could not find that place"), std::string::npos);
  EXPECT_EQ(Post("/digest", "email=p%40example.org&radius=900", "c15").status, 400);
  EXPECT_EQ(Post("/digest", "email=p%40example.org&care=voodoo", "c16").status, 400);
}

TEST_P(DigestPagesTest, SettingsPauseExportDeleteAndOneClickUnsubscribe) {
  const std::string token = Subscribe("ann%40example.org", "&place=53703");
  ASSERT_FALSE(token.empty());
  HttpResponse page = Get("/digest/manage?t=" + token);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(HeaderOf(page, "Cache-Control"), "no-store");
  EXPECT_NE(page.body.find("ann@example.org"), std::string::npos);
  HttpResponse saved =
      Post("/digest/manage", "t=" + token + "&action=save&place=10001&radius=50&care=chiropractic");
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_NE(saved.body.find("We saved your choices"), std::string::npos);
  auto s = store_->ActiveSubscribers(0, 10);
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].place, "10001");
  EXPECT_EQ((*s)[0].care, "chiropractic");
  EXPECT_EQ(Post("/digest/manage", "t=" + token + "&action=save&radius=0").status, 400);
  ASSERT_EQ(Post("/digest/manage", "t=" + token + "&action=pause").status, 200);
  EXPECT_TRUE(store_->ActiveSubscribers(0, 10)->empty());
  ASSERT_EQ(Post("/digest/manage", "t=" + token + "&action=resume").status, 200);
  EXPECT_EQ(store_->ActiveSubscribers(0, 10)->size(), 1u);
  // Export: everything held, as JSON.
  HttpResponse exp = Get("/digest/export?t=" + token);
  ASSERT_EQ(exp.status, 200);
  EXPECT_NE(HeaderOf(exp, "Content-Disposition").find("attachment"), std::string::npos);
  auto j = nlohmann::json::parse(exp.body);
  EXPECT_EQ(j["email"], "ann@example.org");
  EXPECT_EQ(j["place"], "10001");
  EXPECT_EQ(j["consents"].size(), 5u);  // subscribe, confirm, change, pause, resume
  EXPECT_EQ(j["consents"][0]["wording"].get<std::string>().find("Send me"), 0u);
  // The unsubscribe page changes nothing by itself.
  EXPECT_EQ(Get("/digest/unsubscribe?t=" + token).status, 200);
  EXPECT_EQ(store_->ActiveSubscribers(0, 10)->size(), 1u);
  // One-click (RFC 8058): a POST with no cookie, no Origin, the token in the URL.
  HttpResponse gone = Post("/digest/unsubscribe?t=" + token, "List-Unsubscribe=One-Click", "mua",
                           /*same_origin=*/false);
  ASSERT_EQ(gone.status, 200) << gone.body;
  EXPECT_TRUE(store_->ActiveSubscribers(0, 10)->empty());
  EXPECT_EQ(store_->CountSubscribers("paused").value(), 0);
  // Every link with that token is dead now.
  EXPECT_EQ(Get("/digest/manage?t=" + token).status, 400);
  EXPECT_EQ(Get("/digest/export?t=" + token).status, 400);
  // Delete from the settings page.
  const std::string bob = Subscribe("bob%40example.org", "", "c20");
  ASSERT_EQ(Post("/digest/manage", "t=" + bob + "&action=delete").status, 200);
  EXPECT_EQ(store_->CountSubscribers("active").value(), 0);
  EXPECT_EQ(Get("/digest/manage?t=" + bob).status, 400);
}

INSTANTIATE_TEST_SUITE_P(Backends, DigestPagesTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(DigestPagesOff, WithoutAStoreTheDigestIsOff) {
  TempDir dir;
  auto r = testing::RunMeridian("synth --rows 50 --seed 7 --out " + dir.File("d.csv"), dir);
  ASSERT_EQ(r.code, 0);
  testing::IngestOrDie(dir.File("d.csv"), dir.File("d.snap"));
  ServiceOptions o;
  o.snapshot = dir.File("d.snap");
  auto s = Service::Create(o);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->Handle(testing::MakeRequest("GET", "/")).body.find("action=\"/digest\""),
            std::string::npos);
  HttpRequest post = testing::MakeRequest("POST", "/digest", "email=a%40b.org",
                                          {{"sec-fetch-site", "same-origin"}});
  EXPECT_EQ((*s)->Handle(post).status, 404);
}

// Two servers of a fleet with the same schedule and store: the week's
// digest goes out once, to every subscriber.
TEST(DigestSchedule, TwoScheduledServersSendEachSubscriberOnce) {
  TempDir dir;
  auto r = testing::RunMeridian("synth --rows 200 --seed 7 --out " + dir.File("d.csv"), dir);
  ASSERT_EQ(r.code, 0);
  testing::IngestOrDie(dir.File("d.csv"), dir.File("d.snap"));
  const std::string url = "sqlite:" + dir.File("s.sqlite");
  auto st = store::Store::Open(url);
  ASSERT_TRUE(st.ok() && (*st)->Migrate().ok());
  auto keys = digest::DigestKeys::Load(st->get());
  ASSERT_TRUE(keys.ok());
  const int n = 40;
  for (int i = 0; i < n; ++i) {
    store::Subscriber s, got;
    s.email = "r" + std::to_string(i) + "@example.org", s.email_hash = keys->EmailHash(s.email);
    ASSERT_TRUE((*st)->Signup(s, {.action = "subscribe"}, 1, 3, 3600, &got).ok());
    ASSERT_TRUE((*st)->ConfirmSubscriber(got.id, {.action = "confirm"}, 2).ok());
  }
  ServiceOptions o;
  o.snapshot = dir.File("d.snap");
  o.store = url;
  o.mail_dir = dir.File("mail");
  o.public_url = "https://care.example.org";
  o.digest_schedule = "mon 00:00";  // due as soon as each server starts
  o.error_log = nullptr;
  auto a = Service::Create(o);
  auto b = Service::Create(o);
  ASSERT_TRUE(a.ok() && b.ok());
  const std::string week = digest::WeekOf(static_cast<int64_t>(std::time(nullptr))).id;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto finished = [&] {
    auto f = (*st)->DigestFinished(week);
    return f.ok() && *f;
  };
  while (!finished() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(finished());
  a->reset();
  b->reset();
  std::map<std::string, int> per_rcpt;
  for (const std::string& m : testing::MailFiles(dir.File("mail")))
    ++per_rcpt[testing::MailHeader(m, "To")];
  EXPECT_EQ(per_rcpt.size(), static_cast<size_t>(n));
  for (const auto& [to, count] : per_rcpt) EXPECT_EQ(count, 1) << to;
}

}  // namespace
}  // namespace meridian
