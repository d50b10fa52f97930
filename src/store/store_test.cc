#include "store/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/sql.h"
#include "testing/pg_cluster.h"
#include "testing/test_util.h"

namespace meridian::store {
namespace {

// Every store test runs on both backends: SQLite in a temp file and a
// database of the throwaway PostgreSQL cluster the tests start themselves.
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      url_ = "sqlite:" + dir_.File("store.sqlite");
    } else {
      std::string why;
      meridian::testing::PgCluster* pg = meridian::testing::SharedPostgres(&why);
      ASSERT_NE(pg, nullptr) << "the PostgreSQL test cluster did not start: " << why;
      auto db = pg->NewDatabase();
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      url_ = *db;
    }
    auto s = Store::Open(url_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  void Migrated() { ASSERT_TRUE(store_->Migrate().ok()); }

  meridian::testing::TempDir dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, MigrationsAreVersionedIdempotentAndRefuseANewerDatabase) {
  EXPECT_EQ(*store_->SchemaVersion(), 0);
  Status unmigrated = store_->CheckMigrated();
  EXPECT_EQ(unmigrated.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(unmigrated.message().find("meridian store migrate"), std::string::npos);
  ASSERT_TRUE(store_->Migrate().ok());
  EXPECT_EQ(*store_->SchemaVersion(), Store::kSchemaVersion);
  ASSERT_TRUE(store_->Migrate().ok());  // again: nothing to do
  EXPECT_TRUE(store_->CheckMigrated().ok());
  // A database written by a newer binary.
  auto db = GetParam() == "sqlite" ? OpenSqlite(url_.substr(7)) : OpenPostgres(url_);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)
                  ->WithConn([](SqlConn& c) {
                    return c
                        .Query("INSERT INTO schema_migrations(version, applied_unix) VALUES(99, 0)")
                        .status();
                  })
                  .ok());
  Status newer = store_->Migrate();
  EXPECT_EQ(newer.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(newer.message().find("newer than this binary"), std::string::npos) << newer.message();
  EXPECT_FALSE(store_->CheckMigrated().ok());
}

TEST_P(StoreTest, ReportsAreKeptListedFilteredAndAudited) {
  Migrated();
  auto a =
      store_->AddReport({.npi = 1234567893, .kind = "address", .details = "Moved.", .state = "WI"});
  auto b =
      store_->AddReport({.npi = 1234567893, .kind = "closed", .details = "Closed.", .state = "MN"});
  ASSERT_TRUE(a.ok() && b.ok()) << a.status().ToString();
  EXPECT_LT(*a, *b);
  EXPECT_EQ(*store_->CountReports(), 2);
  EXPECT_EQ(store_->AddReport({.npi = 1, .kind = "spam", .details = "x"}).status().code(),
            StatusCode::kInvalidArgument);
  // A form sent twice (the same one-time key) makes one report.
  const Report once{.npi = 1234567893, .kind = "other", .details = "Twice.", .submission = "k-1"};
  auto first = store_->AddReport(once), again = store_->AddReport(once);
  ASSERT_TRUE(first.ok() && again.ok()) << again.status().ToString();
  EXPECT_EQ(*first, *again);
  EXPECT_EQ(*store_->CountReports(), 3);
  ASSERT_TRUE(store_->UpdateReport(*first, "rejected", "test", "ed@example.org").ok());
  auto wi = store_->ListReports({.state = "WI"});
  ASSERT_EQ(wi->size(), 1u);
  EXPECT_EQ((*wi)[0].details, "Moved.");
  EXPECT_EQ((*wi)[0].status, "open");
  ASSERT_TRUE(store_->UpdateReport(*a, "resolved", "Fixed the address.", "ed@example.org").ok());
  EXPECT_EQ(store_->ListReports({.status = "open"})->size(), 1u);
  EXPECT_EQ(store_->ListReports({.status = "rejected"})->size(), 1u);
  auto got = store_->GetReport(*a);
  EXPECT_EQ(got->status, "resolved");
  EXPECT_EQ(got->note, "Fixed the address.");
  EXPECT_EQ(store_->UpdateReport(*a, "maybe", "", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->UpdateReport(999, "resolved", "", "x").code(), StatusCode::kNotFound);
  auto audit = store_->ListAudit(10);
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].actor, "ed@example.org");
  EXPECT_EQ((*audit)[0].before, "open: ");
  EXPECT_EQ((*audit)[0].after, "resolved: Fixed the address.");
}

// Text that would break a store that built SQL by hand goes in and comes
// back out unchanged, through every field that reaches the store.
TEST_P(StoreTest, InjectionCorpusIsStoredAsText) {
  Migrated();
  const std::vector<std::string> corpus = {"'; DROP TABLE reports; --",
                                           "\" OR 1=1 --",
                                           "x') ; DELETE FROM users; --",
                                           "$1",
                                           "?",
                                           "%' OR '%'='",
                                           "\\'; SELECT pg_sleep(5); --",
                                           "Robert'); DROP TABLE audit_log;--",
                                           "ünïcødé ✓ 漢字",
                                           std::string("nul\x01byte"),
                                           "$$ quoted $$",
                                           "/* comment */ 1"};
  for (const std::string& s : corpus) {
    auto id = store_->AddReport({.npi = 1234567893, .kind = "other", .details = s, .state = s});
    ASSERT_TRUE(id.ok()) << s << ": " << id.status().ToString();
    EXPECT_EQ(store_->GetReport(*id)->details, s);
    EXPECT_EQ(store_->ListReports({.state = s})->size(), 1u) << s;
    ASSERT_TRUE(store_->UpdateReport(*id, "rejected", s, s).ok());
    EXPECT_EQ(store_->GetReport(*id)->note, s);
    auto c = store_->AddCorrection({.npi = 1234567893,
                                    .field = "note",
                                    .value = s,
                                    .nppes_value = s,
                                    .source = s,
                                    .author = s});
    ASSERT_TRUE(c.ok()) << s;
    EXPECT_EQ(store_->CorrectionsFor(1234567893)->back().value, s);
    EXPECT_EQ(store_->FindUserByEmail(s + "@x").status().code(), StatusCode::kNotFound);
    EXPECT_EQ(store_->FindSession(s, 0).status().code(), StatusCode::kUnauthenticated);
    ASSERT_TRUE(store_->RecordLoginFailure(s, 100).ok());
    EXPECT_EQ(*store_->LoginFailuresSince(s, 0), 1);
  }
  EXPECT_EQ(*store_->CountReports(), static_cast<int64_t>(corpus.size()));
  EXPECT_EQ(store_->ListAudit(1000)->size(), corpus.size() * 2);  // updates + corrections
}

TEST_P(StoreTest, UsersPasswordsSessionsAndTokens) {
  Migrated();
  auto id = store_->AddUser("ed@example.org", "editor", "tokhash", 2000, "cli");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(store_->AddUser("ed@example.org", "admin", "tok2", 2000, "cli").status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->AddUser("x@example.org", "root", "t3", 2000, "cli").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->FindUserByEmail("ed@example.org")->password_hash.empty());
  // The one-time link: expired, then used once, then never again.
  EXPECT_EQ(store_->SetPassword("tokhash", "h1", 3000).status().code(), StatusCode::kNotFound);
  auto u = store_->SetPassword("tokhash", "$argon2id$h1", 1000);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->password_hash, "$argon2id$h1");
  EXPECT_EQ(store_->SetPassword("tokhash", "h2", 1000).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->CreateSession({"sess", *id, "csrf1", 1000, 2000}).ok());
  EXPECT_EQ(store_->FindSession("sess", 1500)->csrf, "csrf1");
  EXPECT_EQ(store_->FindSession("sess", 2500).status().code(), StatusCode::kUnauthenticated);
  ASSERT_TRUE(store_->DeleteSession("sess").ok());
  EXPECT_FALSE(store_->FindSession("sess", 1500).ok());
  // Expired sessions are dropped when new ones are made.
  ASSERT_TRUE(store_->CreateSession({"old", *id, "c", 1000, 2000}).ok());
  ASSERT_TRUE(store_->CreateSession({"new", *id, "c", 2500, 9000}).ok());
  EXPECT_EQ(store_->FindSession("old", 1500).status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(store_->FindSession("new", 2600).ok());
  ASSERT_TRUE(store_->AddApiToken(*id, "apihash", "robot", "cli").ok());
  EXPECT_EQ(store_->FindApiToken("apihash")->email, "ed@example.org");
  EXPECT_FALSE(store_->FindApiToken("other").ok());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(store_->RecordLoginFailure("account:ed", 100000 + i).ok());
  EXPECT_EQ(*store_->LoginFailuresSince("account:ed", 100001), 2);
  ASSERT_TRUE(store_->RecordLoginFailure("account:al", 300000).ok());  // a day later
  EXPECT_EQ(*store_->LoginFailuresSince("account:ed", 0), 0);          // old ones are gone
  ASSERT_TRUE(store_->RecordLoginFailure("account:ed", 300001).ok());
  ASSERT_TRUE(store_->ClearLoginFailures("account:ed").ok());
  EXPECT_EQ(*store_->LoginFailuresSince("account:ed", 0), 0);
}

TEST_P(StoreTest, CorrectionsReplaceRetireAndFlag) {
  Migrated();
  auto first = store_->AddCorrection({.npi = 1234567893,
                                      .field = "phone",
                                      .value = "6085551234",
                                      .nppes_value = "6085550000",
                                      .source = "called the office on 2026-12-01",
                                      .author = "ed@example.org"});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(store_->AddCorrection({.npi = 1, .field = "phone", .value = "1", .author = "e"})
                .status()
                .param(),
            "source");
  auto second = store_->AddCorrection({.npi = 1234567893,
                                       .field = "phone",
                                       .value = "6085559999",
                                       .nppes_value = "6085550000",
                                       .source = "their website",
                                       .author = "ed@example.org"});
  auto now = store_->CorrectionsFor(1234567893);
  ASSERT_EQ(now->size(), 1u);  // the first was retired, not deleted
  EXPECT_EQ((*now)[0].value, "6085559999");
  EXPECT_EQ(store_->ListCorrections("retired")->size(), 1u);
  ASSERT_TRUE(
      store_->SetCorrectionStatus(*second, "flagged", "NPPES changed the phone", "sync").ok());
  EXPECT_EQ(store_->CorrectionsFor(1234567893)->at(0).status, "flagged");
  EXPECT_EQ(store_->ListCorrections("flagged")->size(), 1u);
}

// Many threads writing at once: every acknowledged write is there.
TEST_P(StoreTest, ConcurrentWritersLoseNothing) {
  Migrated();
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i)
        if (!store_
                 ->AddReport({.npi = static_cast<uint32_t>(t),
                              .kind = "other",
                              .details = std::to_string(i)})
                 .ok())
          ++failed;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(*store_->CountReports(), 100);
}

TEST_P(StoreTest, DigestSignupConfirmChangeDeleteAndThrottle) {
  Migrated();
  Subscriber want;
  want.email = "ann@example.org", want.email_hash = "h-ann", want.place = "53703";
  want.radius_miles = 25, want.care = "acupuncture";
  Consent c{.action = "subscribe",
            .wording_version = "v1",
            .wording_sha256 = "abc",
            .choices = "{}",
            .client_hash = "c1"};
  Subscriber got;
  auto first = store_->Signup(want, c, 1000, 3, 3600, &got);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, SignupOutcome::kNew);
  EXPECT_EQ(got.status, "pending");
  const int64_t id = got.id;
  // Pending again: the newest choices count.
  want.place = "10001";
  EXPECT_EQ(*store_->Signup(want, c, 1010, 3, 3600, &got), SignupOutcome::kPendingAgain);
  EXPECT_EQ(store_->GetSubscriber(id)->place, "10001");
  EXPECT_EQ(store_->GetSubscriber(id)->created, 1010);
  // A third request in the window is allowed, a fourth is throttled and writes nothing.
  EXPECT_EQ(*store_->Signup(want, c, 1020, 3, 3600, &got), SignupOutcome::kPendingAgain);
  want.place = "60601";
  EXPECT_EQ(*store_->Signup(want, c, 1030, 3, 3600, &got), SignupOutcome::kThrottled);
  EXPECT_EQ(store_->GetSubscriber(id)->place, "10001");
  EXPECT_EQ(store_->ConsentsFor(id)->size(), 3u);
  // A new window.
  EXPECT_EQ(*store_->Signup(want, c, 1020 + 3600, 3, 3600, &got), SignupOutcome::kPendingAgain);
  ASSERT_TRUE(store_->ConfirmSubscriber(id, {.action = "confirm"}, 5000).ok());
  ASSERT_TRUE(store_->ConfirmSubscriber(id, {.action = "confirm"}, 5001).ok());  // twice is fine
  EXPECT_EQ(store_->GetSubscriber(id)->status, "active");
  EXPECT_EQ(store_->GetSubscriber(id)->confirmed, 5000);
  EXPECT_EQ(store_->ConsentsFor(id)->size(), 5u);  // the second confirm changed nothing
  // Active: a sign-up changes nothing.
  want.place = "94110";
  EXPECT_EQ(*store_->Signup(want, c, 9000, 3, 3600, &got), SignupOutcome::kAlreadyActive);
  EXPECT_EQ(store_->GetSubscriber(id)->place, "60601");
  EXPECT_EQ(store_->FindSubscriber("h-ann")->id, id);
  // Change and pause.
  Subscriber s = *store_->GetSubscriber(id);
  s.place = "", s.radius_miles = 50, s.status = "paused";
  ASSERT_TRUE(store_->UpdateSubscriber(s, {.action = "pause"}, 9100).ok());
  EXPECT_EQ(store_->GetSubscriber(id)->status, "paused");
  EXPECT_TRUE(store_->ActiveSubscribers(0, 10)->empty());
  s.radius_miles = 500;
  EXPECT_EQ(store_->UpdateSubscriber(s, {.action = "change"}, 9200).code(),
            StatusCode::kInvalidArgument);
  s.radius_miles = 5, s.status = "active";
  ASSERT_TRUE(store_->UpdateSubscriber(s, {.action = "resume"}, 9300).ok());
  ASSERT_EQ(store_->ActiveSubscribers(0, 10)->size(), 1u);
  // The send log outlives the subscriber, by hash only.
  ASSERT_TRUE(store_->LeaseDigest("2026-W49", "me", 9400, 60).value());
  ASSERT_EQ(store_->ClaimSend("2026-W49", "h-ann", "<m>", 9400)->status, "claimed");
  ASSERT_TRUE(store_->FinishSend("2026-W49", "h-ann", "sent", "", 9401).ok());
  ASSERT_TRUE(store_->DeleteSubscriber(id).ok());
  EXPECT_EQ(store_->GetSubscriber(id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ConsentsFor(id)->empty());
  EXPECT_EQ(store_->SendsFor("h-ann")->size(), 1u);
  EXPECT_EQ(store_->DeleteSubscriber(id).code(), StatusCode::kNotFound);
  // Unconfirmed entries expire.
  want.email_hash = "h-bob", want.email = "bob@example.org";
  ASSERT_TRUE(store_->Signup(want, c, 100, 3, 3600, &got).ok());
  want.email_hash = "h-cy", want.email = "cy@example.org";
  ASSERT_TRUE(store_->Signup(want, c, 900, 3, 3600, &got).ok());
  EXPECT_EQ(*store_->PurgePending(500), 1);
  EXPECT_EQ(store_->FindSubscriber("h-bob").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->FindSubscriber("h-cy").ok());
  // Settings: the first writer wins.
  EXPECT_EQ(*store_->SettingOrInit("k", "one"), "one");
  EXPECT_EQ(*store_->SettingOrInit("k", "two"), "one");
}

TEST_P(StoreTest, DigestSendsAreClaimedOnceLeasedAndSuppressed) {
  Migrated();
  // One server holds a week's lease until it lapses.
  EXPECT_TRUE(*store_->LeaseDigest("2026-W49", "a", 100, 60));
  EXPECT_FALSE(*store_->LeaseDigest("2026-W49", "b", 120, 60));
  EXPECT_TRUE(*store_->LeaseDigest("2026-W49", "a", 150, 60));  // renewed
  EXPECT_FALSE(*store_->LeaseDigest("2026-W49", "b", 200, 60));
  EXPECT_TRUE(*store_->LeaseDigest("2026-W49", "b", 211, 60));  // lapsed: taken over
  EXPECT_TRUE(*store_->LeaseDigest("2026-W50", "a", 211, 60));  // another week
  // Claims: the first makes the row; later ones see it as it stands.
  EXPECT_EQ(store_->ClaimSend("2026-W49", "h1", "<id1>", 300)->status, "claimed");
  EXPECT_EQ(store_->ClaimSend("2026-W49", "h1", "<other>", 301)->message_id, "<id1>");
  ASSERT_TRUE(store_->FinishSend("2026-W49", "h1", "claimed", "451 later", 302).ok());
  EXPECT_EQ(store_->ClaimSend("2026-W49", "h1", "<id1>", 303)->attempts, 1);
  ASSERT_TRUE(store_->FinishSend("2026-W49", "h1", "sent", "", 304).ok());
  EXPECT_EQ(store_->ClaimSend("2026-W49", "h1", "<id1>", 305)->status, "sent");
  EXPECT_EQ(store_->FinishSend("2026-W49", "h1", "sent", "", 306).code(),
            StatusCode::kFailedPrecondition);  // not claimed any more
  EXPECT_EQ(store_->FinishSend("2026-W49", "h1", "bogus", "", 306).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ClaimSend("2026-W50", "h1", "<id2>", 307)->status, "claimed");
  // Suppression after the threshold of permanent failures.
  ASSERT_TRUE(store_->RecordPermanentFailure("h2", "550 no such user", 2, 400).ok());
  EXPECT_FALSE(*store_->IsSuppressed("h2"));
  ASSERT_TRUE(store_->RecordPermanentFailure("h2", "550 no such user", 2, 401).ok());
  EXPECT_TRUE(*store_->IsSuppressed("h2"));
  EXPECT_FALSE(*store_->IsSuppressed("h3"));
  ASSERT_TRUE(store_->ClaimSend("2026-W49", "h2", "<id3>", 402).ok());
  ASSERT_TRUE(store_->FinishSend("2026-W49", "h2", "failed", "550", 403).ok());
  ASSERT_TRUE(store_->FinishDigest("2026-W49", 500).ok());
  auto issues = store_->ListDigests(10);
  ASSERT_TRUE(issues.ok());
  ASSERT_EQ(issues->size(), 2u);
  EXPECT_EQ((*issues)[0].week, "2026-W50");
  EXPECT_EQ((*issues)[0].claimed, 1);
  EXPECT_EQ((*issues)[1].week, "2026-W49");
  EXPECT_EQ((*issues)[1].sent, 1);
  EXPECT_EQ((*issues)[1].failed, 1);
  EXPECT_EQ((*issues)[1].finished, 500);
}

// Many threads claiming the same sends: each is claimed by exactly one.
TEST_P(StoreTest, ConcurrentClaimsMakeOneRowEach) {
  Migrated();
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto c = store_->ClaimSend("2026-W49", "h" + std::to_string(i),
                                   "<" + std::to_string(t) + ">", 1000 + i);
        if (!c.ok()) ++errors;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  auto issues = store_->ListDigests(10);  // no issue row yet: the sends are counted via claims
  int64_t rows = 0;
  for (int i = 0; i < 50; ++i) rows += store_->SendsFor("h" + std::to_string(i))->size();
  EXPECT_EQ(rows, 50);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// The pre-store "report a problem" file (--reports) is migrated in.
TEST(StoreSqlite, LegacyReportsFileIsMigratedIn) {
  meridian::testing::TempDir dir;
  const std::string path = dir.File("old.sqlite");
  {
    auto db = OpenSqlite(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)
                    ->WithConn([](SqlConn& c) {
                      return c.Script(
                          "CREATE TABLE reports(id INTEGER PRIMARY KEY, created_utc TEXT NOT "
                          "NULL, npi TEXT NOT NULL, kind TEXT NOT NULL, details TEXT NOT NULL, "
                          "status TEXT NOT NULL DEFAULT 'new');"
                          "INSERT INTO reports(created_utc, npi, kind, details) VALUES"
                          "('2026-11-30T10:00:00Z', '1234567893', 'closed', 'Gone.'),"
                          "('2026-11-30T11:00:00Z', '1679576722', 'other', 'Typo.');");
                    })
                    .ok());
  }
  auto s = Store::Open("sqlite:" + path);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->Migrate().ok());
  auto all = (*s)->ListReports({});
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].details, "Typo.");
  EXPECT_EQ((*all)[0].status, "open");
  EXPECT_EQ((*all)[1].created, 1796032800);  // 2026-11-30T10:00:00Z
  EXPECT_EQ(*(*s)->AddReport({.npi = 1, .kind = "other", .details = "new"}), 3);
}

// A database that is down gives Unavailable (HTTP 503), and works again
// when it is back.
TEST(StorePostgres, DownIsUnavailableAndRecovers) {
  std::string why;
  meridian::testing::PgCluster* pg = meridian::testing::SharedPostgres(&why);
  ASSERT_NE(pg, nullptr) << why;
  auto url = pg->NewDatabase();
  ASSERT_TRUE(url.ok());
  auto s = Store::Open(*url);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->Migrate().ok());
  ASSERT_TRUE((*s)->AddReport({.npi = 1, .kind = "other", .details = "before"}).ok());
  ASSERT_TRUE(pg->Stop().ok());
  auto down = (*s)->AddReport({.npi = 1, .kind = "other", .details = "during"});
  const auto failed_at = std::chrono::steady_clock::now();
  EXPECT_EQ(down.status().code(), StatusCode::kUnavailable) << down.status().ToString();
  // Within a second of a failed connect, calls fail at once.
  auto again = (*s)->AddReport({.npi = 1, .kind = "other", .details = "during"});
  EXPECT_EQ(again.status().code(), StatusCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - failed_at, std::chrono::milliseconds(200));
  auto later = Store::Open(*url);  // opening connects lazily; the first call says it is down
  ASSERT_TRUE(later.ok());
  EXPECT_EQ((*later)->CheckMigrated().code(), StatusCode::kUnavailable);
  ASSERT_TRUE(pg->Restart().ok());
  std::this_thread::sleep_until(failed_at + std::chrono::milliseconds(1100));
  EXPECT_TRUE((*s)->AddReport({.npi = 1, .kind = "other", .details = "after"}).ok());
  EXPECT_EQ(*(*s)->CountReports(), 2);
}

TEST(Store, UnknownStoreUrlIsRefused) {
  auto s = Store::Open("mysql://x");
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().param(), "store");
  EXPECT_EQ(Store::Open("sqlite:").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Store::Open("postgresql://x/db?sslmode=sometimes&nonsense_option=1").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace meridian::store
