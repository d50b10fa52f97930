// The digest against a real SMTP server (python3-aiosmtpd, started by the
// test): delivery, refusals, retries, suppression, and the send-once
// guarantee when the sender is killed with SIGKILL mid-run.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <random>
#include <set>
#include <thread>

#include "digest/mailer.h"
#include "digest/sender.h"
#include "testing/smtp_server.h"
#include "testing/test_util.h"

namespace meridian::digest {
namespace {

using testing::SmtpServer;
using testing::TempDir;

std::unique_ptr<SmtpServer> StartSmtp(const TempDir& dir) {
  auto s = SmtpServer::Start(dir.File("maildir"));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

// "X-Envelope-To" and "Message-ID" of a stored message.
std::string HeaderValue(const std::string& msg, const std::string& name) {
  const size_t at = msg.find(name + ": ");
  if (at == std::string::npos) return "";
  const size_t end = msg.find_first_of("\r\n", at);
  return msg.substr(at + name.size() + 2, end - at - name.size() - 2);
}

std::string Message(const std::string& to, const std::string& id) {
  MailMessage m;
  m.from_name = "Meridian", m.from_address = "digest@example.org", m.to_address = to;
  m.subject = "Test", m.date_unix = 1796342400, m.message_id = id;
  m.text = "Hello\n", m.html = "<p>Hello</p>\n";
  return RenderMime(m);
}

TEST(SmtpMailer, DeliversRefusesAndDefers) {
  TempDir dir;
  auto smtp = StartSmtp(dir);
  ASSERT_NE(smtp, nullptr);
  SmtpMailer mailer({.url = smtp->url()});
  MailResult ok =
      mailer.Send("digest@example.org", "ann@example.org", Message("ann@example.org", "a@x"));
  EXPECT_EQ(ok.kind, MailResult::kSent) << ok.reply;
  MailResult refused =
      mailer.Send("digest@example.org", "reject1@example.org", Message("r", "b@x"));
  EXPECT_EQ(refused.kind, MailResult::kPermanent) << refused.reply;
  EXPECT_EQ(refused.code, 550);
  MailResult later =
      mailer.Send("digest@example.org", "tempfail1@example.org", Message("t", "c@x"));
  EXPECT_EQ(later.kind, MailResult::kTemporary) << later.reply;
  EXPECT_EQ(later.code, 451);
  MailResult again =
      mailer.Send("digest@example.org", "tempfail1@example.org", Message("t", "c@x"));
  EXPECT_EQ(again.kind, MailResult::kSent) << again.reply;
  const auto got = smtp->Messages();
  ASSERT_EQ(got.size(), 2u);
  std::set<std::string> ids;
  for (const std::string& m : got) ids.insert(HeaderValue(m, "Message-ID"));
  EXPECT_EQ(ids, (std::set<std::string>{"<a@x>", "<c@x>"}));
  // Nobody listening: temporary.
  SmtpMailer nowhere(
      {.url = "smtp://127.0.0.1:" + std::to_string(testing::FreePort()), .timeout_seconds = 5});
  EXPECT_EQ(nowhere.Send("digest@example.org", "ann@example.org", Message("a", "d@x")).kind,
            MailResult::kTemporary);
}

// Subscribers straight into the store, confirmed.
void AddSubscribers(store::Store* store, const DigestKeys& keys,
                    const std::vector<std::string>& emails) {
  for (const std::string& e : emails) {
    store::Subscriber s, got;
    s.email = e, s.email_hash = keys.EmailHash(e), s.radius_miles = 10;
    auto r = store->Signup(s, {.action = "subscribe"}, 1000, 3, 3600, &got);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(store->ConfirmSubscriber(got.id, {.action = "confirm"}, 1001).ok());
  }
}

TEST(SendDigest, SendsOnceRetriesTemporaryAndSuppressesRefusedAddresses) {
  TempDir dir;
  auto smtp = StartSmtp(dir);
  ASSERT_NE(smtp, nullptr);
  auto store = store::Store::Open("sqlite:" + dir.File("s.sqlite"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  auto keys = DigestKeys::Load(store->get());
  ASSERT_TRUE(keys.ok());
  std::vector<std::string> emails;
  for (int i = 0; i < 60; ++i) emails.push_back("reader" + std::to_string(i) + "@example.org");
  for (int i = 0; i < 3; ++i) emails.push_back("reject" + std::to_string(i) + "@example.org");
  for (int i = 0; i < 2; ++i) emails.push_back("tempfail" + std::to_string(i) + "@example.org");
  AddSubscribers(store->get(), *keys, emails);
  std::vector<std::pair<std::string, std::string>> files = content::ContentLibrary::EmbeddedFiles();
  std::vector<content::ContentIssue> issues;
  auto lib = content::ContentLibrary::Build(files, {.modalities = {"acupuncture"}}, &issues);
  SmtpMailer mailer({.url = smtp->url()});
  const DigestSite site = SiteFor("https://care.example.org");
  SendOptions o{.owner = "test", .rate_per_second = 0, .backoff = std::chrono::milliseconds(10)};
  auto run = [&](const std::string& week) {
    const WeekIssue issue =
        MakeWeekIssue(*ParseWeek(week), *lib, nullptr, ModalityMap::Embedded(), nullptr);
    auto r = SendDigest(store->get(), &mailer, site, *keys, issue, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : SendReport{};
  };
  SendReport w1 = run("2026-W49");
  EXPECT_TRUE(w1.lease_held);
  EXPECT_EQ(w1.subscribers, 65u);
  EXPECT_EQ(w1.sent, 62u);  // the two tempfail addresses on their second try
  EXPECT_EQ(w1.retries, 2u);
  EXPECT_EQ(w1.failed, 3u);
  EXPECT_EQ(smtp->Messages().size(), 62u);
  SendReport again = run("2026-W49");  // the same week again: nothing is sent
  EXPECT_EQ(again.sent, 0u);
  EXPECT_EQ(again.already_done, 65u);
  EXPECT_EQ(smtp->Messages().size(), 62u);
  SendReport w2 = run("2026-W50");  // the refused addresses fail a second time: suppressed
  EXPECT_EQ(w2.sent, 62u);
  EXPECT_EQ(w2.failed, 3u);
  SendReport w3 = run("2026-W51");
  EXPECT_EQ(w3.sent, 62u);
  EXPECT_EQ(w3.failed, 0u);
  EXPECT_EQ(w3.suppressed, 3u);
  // Each message once per address and week, with a Message-ID naming both.
  std::map<std::string, int> per_id;
  for (const std::string& m : smtp->Messages()) ++per_id[HeaderValue(m, "Message-ID")];
  EXPECT_EQ(per_id.size(), 62u * 3);
  for (const auto& [id, n] : per_id) EXPECT_EQ(n, 1) << id;
  auto listed = (*store)->ListDigests(10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].suppressed, 3);
  EXPECT_EQ((*listed)[2].failed, 3);
}

// `meridian digest send` killed with SIGKILL at random moments and started
// again until it finishes: every subscriber gets the digest, and the only
// repeats are messages that were in flight at a kill (at most one per
// kill), sent again with the same Message-ID.
TEST(DigestCrash, KilledAndRestartedSenderMissesNobodyAndRepeatsOnlyInFlight) {
  const int n = std::getenv("MERIDIAN_CRASH_SUBSCRIBERS") != nullptr
                    ? std::atoi(std::getenv("MERIDIAN_CRASH_SUBSCRIBERS"))
                    : testing::Iterations(1500);
  TempDir dir;
  auto smtp = StartSmtp(dir);
  ASSERT_NE(smtp, nullptr);
  const std::string url = "sqlite:" + dir.File("s.sqlite");
  {
    auto store = store::Store::Open(url);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Migrate().ok());
    auto keys = DigestKeys::Load(store->get());
    ASSERT_TRUE(keys.ok());
    std::vector<std::string> emails;
    for (int i = 0; i < n; ++i) emails.push_back("r" + std::to_string(i) + "@example.org");
    AddSubscribers(store->get(), *keys, emails);
  }
  testing::WriteAll(
      dir.File("n.csv"),
      testing::NppesHeaderLine() +
          testing::NppesRow({{"NPI", "1000000020"},
                             {"Entity Type Code", "1"},
                             {"Provider Business Practice Location Address Postal Code", "53703"},
                             {"Healthcare Provider Taxonomy Code_1", "171100000X"},
                             {"Healthcare Provider Primary Taxonomy Switch_1", "Y"}}));
  testing::IngestOrDie(dir.File("n.csv"), dir.File("n.snap"));
  const std::string args[] = {
      MERIDIAN_BINARY, "digest",           "send",   "--store",   url,      "--week", "2026-W49",
      "--snapshot",    dir.File("n.snap"), "--smtp", smtp->url(), "--rate", "0"};
  std::mt19937 rng(static_cast<unsigned>(::time(nullptr)));
  int kills = 0, runs = 0;
  for (;;) {
    ASSERT_LT(++runs, 40) << "the sender never finished";
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      std::vector<char*> argv;
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    int status = 0;
    if (kills < 4) {
      // Kill at a random point of the run, or let it end first.
      // A run sends roughly one message per millisecond or two: kills land
      // anywhere in it.
      const auto delay = std::chrono::milliseconds(100 + rng() % (1 + n * 3 / 2));
      const auto deadline = std::chrono::steady_clock::now() + delay;
      bool ended = false;
      while (std::chrono::steady_clock::now() < deadline)
        if (::waitpid(pid, &status, WNOHANG) == pid) {
          ended = true;
          break;
        } else {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
      if (!ended) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        ++kills;
        continue;
      }
    } else {
      ::waitpid(pid, &status, 0);
    }
    ASSERT_TRUE(WIFEXITED(status)) << "the sender died on its own";
    ASSERT_EQ(WEXITSTATUS(status), 0);
    break;
  }
  // (A killed run's lease names its host and pid; the restart on the same
  // host sees that process is gone and takes the lease over.)
  std::map<std::string, std::set<std::string>> ids_by_rcpt;
  std::map<std::string, int> copies;
  for (const std::string& m : smtp->Messages()) {
    const std::string rcpt = HeaderValue(m, "X-Envelope-To");
    ids_by_rcpt[rcpt].insert(HeaderValue(m, "Message-ID"));
    ++copies[rcpt];
  }
  EXPECT_EQ(ids_by_rcpt.size(), static_cast<size_t>(n)) << "a subscriber was missed";
  int repeats = 0;
  for (const auto& [rcpt, ids] : ids_by_rcpt) {
    EXPECT_EQ(ids.size(), 1u) << rcpt << " got different messages";
    repeats += copies[rcpt] - 1;
  }
  EXPECT_LE(repeats, kills) << "more repeats than messages in flight at the kills";
  std::printf("crash test: %d subscribers, %d kills, %d runs, %d repeated in-flight messages\n", n,
              kills, runs, repeats);
}

}  // namespace
}  // namespace meridian::digest
