// `meridian download` and `refresh` against a local server shaped like the
// CMS dissemination page: newest file per kind, resume after a dropped
// connection, refusal of applied files, every weekly file after the
// snapshot's coverage applied in order, verify, swap, and a running server
// reloaded with SIGHUP.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "fetch/download.h"
#include "index/record_cache.h"
#include "snapshot/snapshot.h"
#include "store/store.h"
#include "testing/test_util.h"
#include "testing/zip_util.h"

namespace meridian {
namespace {

using testing::NppesHeaderLine;
using testing::NppesRow;
using testing::TempDir;

// Starts a child process; stops it (SIGTERM, then reaps) at scope end.
struct Child {
  pid_t pid = -1;
  ~Child() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      int st;
      ::waitpid(pid, &st, 0);
    }
  }
};

std::string Weekly(const std::string& last_name, bool add_new) {
  std::string rows = NppesHeaderLine() +
                     NppesRow({{"NPI", "1679576722"},
                               {"Entity Type Code", "1"},
                               {"Provider Last Name (Legal Name)", last_name},
                               {"Provider First Name", "DAVID"},
                               {"Provider Business Practice Location Address Postal Code", "53703"},
                               {"Provider Business Practice Location Address State Name", "WI"},
                               {"Healthcare Provider Taxonomy Code_1", "171100000X"},
                               {"Healthcare Provider Primary Taxonomy Switch_1", "Y"}});
  if (add_new)
    rows += NppesRow({{"NPI", "1000000012"},
                      {"Entity Type Code", "2"},
                      {"Provider Organization Name (Legal Business Name)", "NEW CLINIC"}});
  return rows;
}

class RefreshTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The served directory: a listing page and the ZIPs it links to.
    site_ = dir_.File("site");
    ASSERT_EQ(::mkdir(site_.c_str(), 0755), 0);
    const std::string header = NppesHeaderLine();
    testing::WriteZip(site_ + "/NPPES_Data_Dissemination_November_2025.zip",
                      {{"npidata_pfile_20050523-20251109.csv",
                        testing::ReadAll(testing::TestData("npidata_sample_99.csv"))},
                       {"npidata_pfile_20050523-20251109_fileheader.csv", header}});
    // Older than the snapshot: must not be applied.
    testing::WriteZip(site_ + "/NPPES_Data_Dissemination_102725_110225_Weekly.zip",
                      {{"npidata_pfile_20251027-20251102.csv", Weekly("WIEBE-OLD", false)}});
    testing::WriteZip(site_ + "/NPPES_Data_Dissemination_110325_110925_Weekly.zip",
                      {{"npidata_pfile_20251103-20251109.csv", Weekly("WIEBE-ONE", false)}});
    testing::WriteZip(site_ + "/NPPES_Data_Dissemination_111025_111625_Weekly.zip",
                      {{"npidata_pfile_20251110-20251116.csv", Weekly("WIEBE-TWO", true)},
                       {"npidata_pfile_20251110-20251116_fileheader.csv", header}});
    testing::WriteZip(site_ + "/NPPES_Deactivated_NPI_Report_111025.zip",
                      {{"NPPES Deactivated NPI Report 111025.xlsx",
                        testing::DeactivationWorkbook({{"1588667638", "45971"}})}});  // 11/10/2025
    testing::WriteAll(
        site_ + "/NPI_Files.html",
        "<html><body><h2>Full Replacement Monthly NPI File</h2>"
        "<a href=\"NPPES_Data_Dissemination_November_2025.zip\">November 2025</a>"
        "<h2>Weekly</h2><ul>"
        "<li><A HREF='./NPPES_Data_Dissemination_111025_111625_Weekly.zip'>111025</A></li>"
        "<li><a href=\"NPPES_Data_Dissemination_102725_110225_Weekly.zip\">102725</a></li>"
        "<li><a href=\"/NPPES_Data_Dissemination_110325_110925_Weekly.zip\">110325</a></li></ul>"
        "<a href=\"/NPPES_Deactivated_NPI_Report_111025.zip\">Deactivated</a>"
        "<a href=\"NPPES_Data_Dissemination_Readme.pdf\">Readme</a></body></html>");
    // Cut the first ZIP download short after 300 bytes, to exercise resume.
    server_.pid = ::fork();
    ASSERT_GE(server_.pid, 0);
    const std::string port_file = dir_.File("port");
    if (server_.pid == 0) {
      const std::string script = testing::SourceDir() + "/tests/tools/range_server.py";
      ::execl("/usr/bin/python3", "python3", script.c_str(), site_.c_str(), port_file.c_str(),
              "300", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200 && ::access(port_file.c_str(), F_OK) != 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    const std::string port = testing::ReadAll(port_file);
    ASSERT_FALSE(port.empty()) << "range_server.py did not start";
    listing_ = "http://127.0.0.1:" + port + "/NPI_Files.html";
  }

  testing::RunResult Run(const std::string& args) { return testing::RunMeridian(args, dir_); }

  // `meridian serve` on `snap` with the test's store, on a free port; the
  // port, or -1 when it did not start (its stderr is in serve.log).
  int StartServe(const std::string& snap, Child* serve) {
    const std::string log = dir_.File("serve.log");
    serve->pid = ::fork();
    if (serve->pid < 0) return -1;
    if (serve->pid == 0) {
      std::freopen(log.c_str(), "w", stderr);
      ::execl(MERIDIAN_BINARY, "meridian", "serve", "--snapshot", snap.c_str(), "--listen",
              "127.0.0.1:0", "--store", ("sqlite:" + dir_.File("m.sqlite")).c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200; ++i) {
      const std::string text = testing::ReadAll(log);
      if (size_t at = text.find("http://127.0.0.1:"); at != std::string::npos)
        return std::stoi(text.substr(at + 17));
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return -1;
  }

  TempDir dir_;
  std::string site_, listing_;
  Child server_;
};

TEST_F(RefreshTest, DownloadFindsTheNewestResumesAndChecksTheZip) {
  const std::string to = dir_.File("dl");
  // The first try is cut short: an error, and the partial file stays.
  auto first = Run("download --weekly --to " + to + " --from " + listing_ + " --json");
  const std::string name = "NPPES_Data_Dissemination_111025_111625_Weekly.zip";
  if (first.code == 0) {
    // libcurl noticed the short body only as a complete transfer: never
    // acceptable, the file must then have been re-fetched whole.
    FAIL() << "a download cut after 300 bytes was accepted: " << first.out;
  }
  EXPECT_EQ(::access((to + "/" + name + ".part").c_str(), F_OK), 0) << first.err;
  // The second resumes with a Range request and completes.
  auto second = Run("download --weekly --to " + to + " --from " + listing_ + " --json");
  ASSERT_EQ(second.code, 0) << second.err;
  auto j = nlohmann::json::parse(second.out);
  EXPECT_EQ(j["file"], name);
  EXPECT_EQ(j["status"], "ready");
  EXPECT_EQ(testing::ReadAll(to + "/" + name), testing::ReadAll(site_ + "/" + name));
  const size_t whole = testing::ReadAll(site_ + "/" + name).size();
  EXPECT_EQ(j["bytes_fetched"].get<size_t>(), whole - 300) << "resumed, not restarted";
  // The monthly and the deactivation report, by kind.
  auto monthly = Run("download --monthly --to " + to + " --from " + listing_ + " --json");
  ASSERT_EQ(monthly.code, 0) << monthly.err;
  EXPECT_EQ(nlohmann::json::parse(monthly.out)["file"],
            "NPPES_Data_Dissemination_November_2025.zip");
  auto deact = Run("download --deactivations --to " + to + " --from " + listing_);
  ASSERT_EQ(deact.code, 0) << deact.err;
  EXPECT_NE(deact.out.find("NPPES_Deactivated_NPI_Report_111025.zip"), std::string::npos);
  // A listing with no such file, an unreachable page, and no kind: clear errors.
  EXPECT_EQ(Run("download --weekly --to " + to + " --from " + listing_ + ".missing").code, 1);
  auto none = Run("download --to " + to + " --from " + listing_);
  EXPECT_EQ(none.code, 2);
}

TEST_F(RefreshTest, RefreshAppliesEveryNewWeeklyInOrderSwapsAndReloads) {
  // The served snapshot covers up to 2025-11-02 (its file name says so).
  const std::string base_csv = dir_.File("npidata_pfile_20050523-20251102.csv");
  testing::WriteAll(base_csv, testing::ReadAll(testing::TestData("npidata_sample_99.csv")));
  const std::string snap = dir_.File("serve/s.snap");
  ASSERT_EQ(::mkdir(dir_.File("serve").c_str(), 0755), 0);
  testing::IngestOrDie(base_csv, snap);
  ASSERT_EQ(Run("store migrate --store sqlite:" + dir_.File("m.sqlite")).code, 0);

  Child serve;
  const int port = StartServe(snap, &serve);
  ASSERT_GT(port, 0) << testing::ReadAll(dir_.File("serve.log"));
  auto records = [&] {
    auto r = FetchText("http://127.0.0.1:" + std::to_string(port) + "/readyz");
    return r.ok() ? nlohmann::json::parse(*r)["records"].get<int>() : -1;
  };
  ASSERT_EQ(records(), 99);

  // The first ZIP download is cut short by the server: refresh fails, the
  // served snapshot is untouched; the next refresh resumes and completes.
  const std::string args = "refresh --snapshot " + snap + " --from " + listing_ +
                           " --store sqlite:" + dir_.File("m.sqlite") + " --pid " +
                           std::to_string(serve.pid) + " --json";
  const std::string before = testing::ReadAll(snap);
  auto cut = Run(args);
  EXPECT_EQ(cut.code, 1) << cut.out;
  EXPECT_EQ(testing::ReadAll(snap), before);
  auto r = Run(args);
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["status"], "updated");
  EXPECT_EQ(j["covered_until"], 20251102);
  ASSERT_EQ(j["files"].size(), 3u) << r.out;  // two weeklies (not the old one), the report
  EXPECT_EQ(j["files"][0]["file"], "NPPES_Data_Dissemination_110325_110925_Weekly.zip");
  EXPECT_EQ(j["files"][1]["file"], "NPPES_Data_Dissemination_111025_111625_Weekly.zip");
  EXPECT_EQ(j["files"][2]["kind"], "deactivations");
  EXPECT_EQ(j["records"], 100);
  EXPECT_EQ(j["deactivations_applied"], 1);
  EXPECT_EQ(j["sha256"].get<std::string>().size(), 64u);
  // The later week wins; the earlier one was applied first.
  auto show = Run("show --snapshot " + snap + " --npi 1679576722 --json");
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_NE(show.out.find("WIEBE-TWO"), std::string::npos) << show.out;
  EXPECT_EQ(testing::ReadAll(snap + ".prev"), before);  // the previous one kept
  EXPECT_EQ(Run("verify --snapshot " + snap).code, 0);
  // The record pass of the new snapshot is saved beside it, as the server
  // would have made it.
  ASSERT_EQ(j["record_pass"], snap + ".recordpass");
  {
    auto s = Snapshot::Open(snap);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    std::vector<uint32_t> saved_rank, made_rank;
    OrganizationLinks saved_links, made_links;
    ASSERT_TRUE(LoadRecordPass(snap + ".recordpass", **s, &saved_rank, &saved_links));
    ASSERT_TRUE(ComputeRecordPass(**s, &made_rank, &made_links).ok());
    EXPECT_EQ(saved_rank, made_rank);
    EXPECT_EQ(saved_rank.size(), 100u);
    std::string saved_bytes, made_bytes;
    saved_links.EncodeTo(&saved_bytes);
    made_links.EncodeTo(&made_bytes);
    EXPECT_EQ(saved_bytes, made_bytes);
  }
  // The running server reloaded (SIGHUP) and serves the new snapshot.
  int n = -1;
  for (int i = 0; i < 200 && (n = records()) != 100; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  EXPECT_EQ(n, 100);
  // Nothing keeps the old snapshot mapped once the reload is done (serve
  // once held the first one for its whole life, doubling its memory).
  auto mapped = [&] {
    std::istringstream maps(testing::ReadAll("/proc/" + std::to_string(serve.pid) + "/maps"));
    int lines = 0;
    for (std::string line; std::getline(maps, line);)
      lines += line.find(dir_.File("serve/s.snap")) != std::string::npos;
    return lines;
  };
  int m = -1;
  for (int i = 0; i < 200 && (m = mapped()) != 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  EXPECT_EQ(m, 1) << testing::ReadAll("/proc/" + std::to_string(serve.pid) + "/maps");

  // Nothing new: up to date, and download refuses the applied file.
  auto again = Run(args);
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["status"], "up_to_date");
  auto dl =
      Run("download --weekly --to " + dir_.File("serve/nppes") + " --from " + listing_ + " --json");
  ASSERT_EQ(dl.code, 0) << dl.err;
  EXPECT_EQ(nlohmann::json::parse(dl.out)["status"], "already_applied");
  EXPECT_NE(testing::ReadAll(dir_.File("serve/nppes/applied.txt"))
                .find("NPPES_Data_Dissemination_111025_111625_Weekly.zip\n"),
            std::string::npos);
}

// Once per fleet: while another refresh of the same store holds the lock,
// a refresh does nothing; then --publish-to publishes the result for the
// servers that follow the store (content-addressed, recorded active).
TEST_F(RefreshTest, RefreshRunsOncePerFleetAndPublishes) {
  const std::string base_csv = dir_.File("npidata_pfile_20050523-20251102.csv");
  testing::WriteAll(base_csv, testing::ReadAll(testing::TestData("npidata_sample_99.csv")));
  const std::string snap = dir_.File("s.snap");
  testing::IngestOrDie(base_csv, snap);
  const std::string url = "sqlite:" + dir_.File("m.sqlite");
  ASSERT_EQ(Run("store migrate --store " + url).code, 0);
  const std::string args = "refresh --snapshot " + snap + " --from " + listing_ + " --store " +
                           url + " --publish-to " + dir_.File("published") + " --json";
  {
    auto store = store::Store::Open(url);
    ASSERT_TRUE(store.ok());
    auto held = (*store)->TryFleetLock("meridian-refresh");
    ASSERT_TRUE(held.ok() && *held != nullptr);
    auto skipped = Run(args);
    ASSERT_EQ(skipped.code, 0) << skipped.err;
    EXPECT_EQ(nlohmann::json::parse(skipped.out)["status"], "skipped") << skipped.out;
  }
  Run(args);  // the first ZIP download is cut short by the test server
  auto r = Run(args);
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["status"], "updated");
  const std::string name = j["published"].get<std::string>();
  EXPECT_TRUE(name.starts_with("nppes-")) << r.out;
  EXPECT_EQ(testing::ReadAll(dir_.File("published/" + name)), testing::ReadAll(snap));
  auto store = store::Store::Open(url);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->ActiveSnapshot()->snapshot_id, name);
  EXPECT_EQ(Run("refresh --snapshot " + snap + " --from " + listing_ + " --publish-to " +
                dir_.File("published"))
                .code,
            2)
      << "--publish-to without a store";
}

TEST_F(RefreshTest, RefreshReloadsOverHttpWithTheAdminToken) {
  const std::string snap = dir_.File("s.snap");
  testing::IngestOrDie(testing::TestData("npidata_sample_99.csv"), snap);
  ASSERT_EQ(Run("store migrate --store sqlite:" + dir_.File("m.sqlite")).code, 0);
  ::setenv("MERIDIAN_ADMIN_TOKEN", "test-reload-token-123", 1);
  Child serve;
  const int port = StartServe(snap, &serve);
  ASSERT_GT(port, 0) << testing::ReadAll(dir_.File("serve.log"));
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto records = [&] {
    auto r = FetchText(base + "/readyz");
    return r.ok() ? nlohmann::json::parse(*r)["records"].get<int>() : -1;
  };
  ASSERT_EQ(records(), 99);
  const std::string args = "refresh --snapshot " + snap + " --from " + listing_ + " --reload-url " +
                           base + "/admin/reload --json";
  Run(args);  // cut short by the server (see SetUp): resumed by the next run
  auto r = Run(args);
  ::unsetenv("MERIDIAN_ADMIN_TOKEN");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["reloaded_url"], base + "/admin/reload");
  EXPECT_EQ(records(), 100);  // reloaded before refresh returned
  // Without the token in the environment, refresh says what is missing.
  testing::WriteZip(site_ + "/NPPES_Data_Dissemination_111725_112325_Weekly.zip",
                    {{"npidata_pfile_20251117-20251123.csv", Weekly("WIEBE-THREE", false)}});
  std::string page = testing::ReadAll(site_ + "/NPI_Files.html");
  page.insert(page.find("</ul>"),
              "<li><a href=\"NPPES_Data_Dissemination_111725_112325_Weekly.zip\">x</a></li>");
  testing::WriteAll(site_ + "/NPI_Files.html", page);
  auto no_token = Run(args);
  EXPECT_EQ(no_token.code, 1);
  EXPECT_NE(no_token.err.find("MERIDIAN_ADMIN_TOKEN"), std::string::npos) << no_token.err;
}

}  // namespace
}  // namespace meridian
