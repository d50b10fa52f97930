#include "store/store.h"

#include <gtest/gtest.h>

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
  auto wi = store_->ListReports({.state = "WI"});
  ASSERT_EQ(wi->size(), 1u);
  EXPECT_EQ((*wi)[0].details, "Moved.");
  EXPECT_EQ((*wi)[0].status, "open");
  ASSERT_TRUE(store_->UpdateReport(*a, "resolved", "Fixed the address.", "ed@example.org").ok());
  EXPECT_EQ(store_->ListReports({.status = "open"})->size(), 1u);
  auto got = store_->GetReport(*a);
  EXPECT_EQ(got->status, "resolved");
  EXPECT_EQ(got->note, "Fixed the address.");
  EXPECT_EQ(store_->UpdateReport(*a, "maybe", "", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->UpdateReport(999, "resolved", "", "x").code(), StatusCode::kNotFound);
  auto audit = store_->ListAudit(10);
  ASSERT_EQ(audit->size(), 1u);
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
  EXPECT_EQ(down.status().code(), StatusCode::kUnavailable) << down.status().ToString();
  auto later = Store::Open(*url);  // opening connects lazily; the first call says it is down
  ASSERT_TRUE(later.ok());
  EXPECT_EQ((*later)->CheckMigrated().code(), StatusCode::kUnavailable);
  ASSERT_TRUE(pg->Restart().ok());
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
