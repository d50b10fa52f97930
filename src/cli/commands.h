// The subcommands of `meridian`: flags are declared in Register() and the
// chosen one runs in Run(). Flag and JSON field names are a contract with
// operators' scripts: add freely, never rename.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli/output.h"
#include "query/executor.h"
#include "store/store.h"

namespace meridian::cli {

class Commands {
 public:
  void Register(CLI::App* app);
  int Run();

 private:
  int Ingest(bool update);
  int Show();
  int Stats();
  int Verify();
  int Synth();
  int Search();
  int Explain();
  int GuideCmd();
  int KnowledgeCmd(bool report);
  int ContentCheck();
  int StoreMigrate();
  int AdminAddUser();
  int AdminToken();
  int Download();                // refresh.cc
  int Refresh();                 // refresh.cc
  int DigestSend(bool preview);  // digest_cmd.cc
  void RegisterDigest(CLI::App* app);
  int ExportFhir();  // export_cmd.cc
  int ExportHsds();  // export_cmd.cc
  void RegisterExport(CLI::App* app);
  int Publish();  // publish_cmd.cc
  void RegisterPublish(CLI::App* app);
  // The --store to use: the flag, else the older --reports file, else the
  // default sqlite:meridian.sqlite.
  std::string StoreUrl() const;
  // The store at StoreUrl(), refused unless migrated (naming the command).
  Result<std::unique_ptr<store::Store>> OpenMigratedStore() const;
  int Serve();

  CLI::App* ingest_ = nullptr;
  CLI::App* update_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* stats_ = nullptr;
  CLI::App* verify_ = nullptr;
  CLI::App* synth_ = nullptr;
  CLI::App* search_ = nullptr;
  CLI::App* explain_ = nullptr;
  CLI::App* guide_ = nullptr;
  CLI::App* serve_ = nullptr;
  CLI::App* knowledge_ = nullptr;
  CLI::App* knowledge_report_ = nullptr;
  CLI::App* knowledge_check_ = nullptr;
  CLI::App* content_check_ = nullptr;
  std::string content_dir_, public_url_;
  CLI::App* store_migrate_ = nullptr;
  CLI::App* admin_add_user_ = nullptr;
  CLI::App* admin_token_ = nullptr;
  CLI::App* download_ = nullptr;
  CLI::App* refresh_ = nullptr;
  CLI::App* digest_send_ = nullptr;
  CLI::App* digest_preview_ = nullptr;
  CLI::App* export_fhir_ = nullptr;
  CLI::App* export_hsds_ = nullptr;
  CLI::App* publish_ = nullptr;
  bool rollback_ = false;
  bool stage_ = false;    // publish --stage
  std::string activate_;  // publish --activate NAME
  std::string follow_from_, follow_dir_, publish_to_;
  std::vector<std::string> trusted_proxies_;
  std::string publish_dir_;  // serve --publish-dir
  std::string forwarded_header_ = "x-forwarded-for";
  bool follow_ = false;
  double follow_interval_s_ = 10;
  std::string export_types_;
  std::string digest_schedule_;
  std::string week_, previous_, smtp_, smtp_credentials_, mail_dir_, subscriber_;
  double digest_rate_ = 50;
  bool mime_ = false;
  bool monthly_ = false, weekly_ = false, deactivations_kind_ = false;
  std::string to_, from_ = "https://download.cms.gov/nppes/NPI_Files.html", pidfile_, reload_url_;
  int64_t pid_ = 0;
  std::string store_, email_, role_ = "editor", base_url_ = "http://127.0.0.1:8080", label_;

  std::string nppes_, nppes_zip_, pl_, othername_, endpoint_, deactivations_, out_, errors_,
      snapshot_;
  std::string nucc_, zcta_;
  int threads_ = 2;
  bool json_ = false, synthetic_ = false;
  uint64_t npi_ = 0;
  uint64_t rows_ = 1000, seed_ = 1;
  std::string pl_out_;
  std::string near_, radius_ = "25mi", modality_, entity_, state_, sex_, sort_;
  std::string text_, city_, cursor_;
  std::vector<std::string> taxonomy_, credential_;
  bool include_deactivated_ = false, has_secondary_ = false;
  size_t limit_ = 10, offset_ = 0;
  std::vector<std::string> answers_;
  bool questions_ = false;
  std::string listen_ = "127.0.0.1:8080", access_log_, reports_;
  std::string metrics_listen_;  // serve: /metrics on its own ADDRESS:PORT (and not on --listen)
  int serve_threads_ = 2;
  int64_t read_timeout_ms_ = 10000, idle_timeout_ms_ = 30000, stop_grace_ms_ = 0;
  double rate_ = 20, burst_ = 40;
  size_t max_connections_ = 4096;
  uint64_t search_budget_ = kDefaultSearchBudget;
};

}  // namespace meridian::cli
