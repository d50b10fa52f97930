#include "cli/commands.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

#include "cli/output.h"
#include "cli/progress.h"
#include "data/embedded.h"
#include "geo/zcta.h"
#include "http/admin_auth.h"
#include "http/articles.h"
#include "http/server.h"
#include "http/service.h"
#include "index/search_index.h"
#include "ingest/ingest.h"
#include "knowledge/knowledge_json.h"
#include "query/executor.h"
#include "query/query.h"
#include "query/result_json.h"
#include "refdata/nucc.h"
#include "snapshot/record_json.h"
#include "snapshot/snapshot.h"
#include "store/store.h"
#include "synth/synth.h"
#include "text/display_case.h"
#include "util/file.h"
#include "util/json.h"

namespace meridian::cli {

void Commands::Register(CLI::App* app) {
  auto add_tables = [this](CLI::App* c) {
    c->add_option("--nucc", nucc_, "NUCC taxonomy CSV (default: the embedded v25.1)");
    c->add_option("--zcta", zcta_, "ZCTA centroid CSV (default: the embedded 2021 table)");
    c->add_option("--threads", threads_, "parser threads (default 2)")->check(CLI::Range(1, 64));
    c->add_flag("--synthetic", synthetic_, "mark the snapshot as synthetic sample data");
  };
  ingest_ = app->add_subcommand("ingest", "Build a snapshot from NPPES files");
  auto* nppes = ingest_->add_option("--nppes", nppes_, "npidata_pfile CSV (monthly, 330 columns)");
  auto* zip = ingest_->add_option("--nppes-zip", nppes_zip_,
                                  "the monthly NPPES_Data_Dissemination ZIP as CMS publishes it "
                                  "(read in place: npidata, pl, othername, endpoint)");
  nppes->excludes(zip);
  ingest_->add_option("--pl", pl_, "pl_pfile CSV (secondary practice locations)");
  ingest_->add_option("--othername", othername_, "othername_pfile CSV");
  ingest_->add_option("--endpoint", endpoint_, "endpoint_pfile CSV");
  ingest_->add_option("--out", out_, "snapshot to write")->required();
  ingest_->add_option("--errors", errors_, "CSV of rejected rows (file,line,npi,field,reason)");
  ingest_->add_flag("--json", json_, "print a JSON summary");
  add_tables(ingest_);

  update_ = app->add_subcommand("update", "Apply weekly NPPES files to a snapshot");
  update_->add_option("--snapshot", snapshot_, "snapshot to update")->required();
  update_->add_option("--nppes", nppes_, "weekly npidata CSV (changed records)");
  update_->add_option("--nppes-zip", nppes_zip_,
                      "the weekly NPPES_Data_Dissemination ZIP as CMS publishes it");
  update_->add_option("--pl", pl_, "weekly pl_pfile CSV");
  update_->add_option("--othername", othername_, "weekly othername_pfile CSV");
  update_->add_option("--endpoint", endpoint_, "weekly endpoint_pfile CSV");
  update_->add_option("--deactivations", deactivations_,
                      "the deactivation report: CMS's ZIP holding an .xlsx, the .xlsx, or a CSV "
                      "with columns NPI and \"NPPES Deactivation Date\" (MM/DD/YYYY)");
  update_->add_option("--out", out_, "snapshot to write")->required();
  update_->add_option("--errors", errors_, "CSV of rejected rows");
  update_->add_flag("--json", json_, "print a JSON summary");
  add_tables(update_);

  download_ = app->add_subcommand(
      "download", "Download the newest NPPES file of a kind from the CMS dissemination page");
  auto* m = download_->add_flag("--monthly", monthly_, "the monthly full replacement ZIP");
  auto* w = download_->add_flag("--weekly", weekly_, "the weekly incremental ZIP");
  auto* d =
      download_->add_flag("--deactivations", deactivations_kind_, "the deactivation report ZIP");
  m->excludes(w)->excludes(d);
  w->excludes(d);
  download_->add_option("--to", to_, "directory to download into")->required();
  download_->add_option("--from", from_, "the listing page (default: CMS's NPI_Files.html)");
  download_->add_flag("--json", json_, "print a JSON summary");

  refresh_ = app->add_subcommand(
      "refresh", "Download the newest weekly files, update the snapshot, verify, swap, reload");
  refresh_->add_option("--snapshot", snapshot_, "the snapshot the server serves")->required();
  refresh_->add_option("--store", store_, "record the new snapshot in this store's manifest");
  refresh_->add_option("--publish-to", publish_to_,
                       "also publish it for the fleet (as meridian publish --to DIR): servers "
                       "with serve --follow swap it in");
  refresh_->add_option("--to", to_, "download directory (default: <snapshot dir>/nppes)");
  refresh_->add_option("--from", from_, "the listing page (default: CMS's NPI_Files.html)");
  refresh_->add_option("--pid", pid_, "send SIGHUP to this server process to reload");
  refresh_->add_option("--pidfile", pidfile_, "read the server's pid from this file");
  refresh_->add_option("--reload-url", reload_url_,
                       "POST here to reload a server, e.g. http://127.0.0.1:8080/admin/reload "
                       "(token from the MERIDIAN_ADMIN_TOKEN environment variable)");
  refresh_->add_flag("--json", json_, "print a JSON summary");

  show_ = app->add_subcommand("show", "Print one provider record");
  show_->add_option("--snapshot", snapshot_)->required();
  show_->add_option("--npi", npi_)->required();
  show_->add_flag("--json", json_, "print JSON");

  stats_ = app->add_subcommand("stats", "Print snapshot counts");
  stats_->add_option("--snapshot", snapshot_)->required();
  stats_->add_flag("--json", json_, "print JSON");

  verify_ = app->add_subcommand("verify", "Check a snapshot's checksums, invariants and records");
  verify_->add_option("--snapshot", snapshot_)->required();

  synth_ = app->add_subcommand("synth", "Write synthetic npidata-format rows");
  synth_->add_option("--rows", rows_)->required();
  synth_->add_option("--seed", seed_);
  synth_->add_option("--out", out_)->required();
  synth_->add_option("--pl-out", pl_out_, "secondary locations CSV (default <out>_pl.csv)");
  synth_->add_flag("--json", json_, "print a JSON summary");

  search_ = app->add_subcommand("search", "Find providers by place, care type and filters");
  search_->add_option("--snapshot", snapshot_)->required();
  search_->add_option("--near", near_, "5-digit ZIP or LAT,LON");
  search_->add_option("--radius", radius_, "N, Nmi or Nkm (default 25mi, max 500mi)");
  search_->add_option("--taxonomy", taxonomy_, "NUCC code or prefix (repeatable)");
  search_->add_option("--modality", modality_,
                      "acupuncture, dry_needling, chiropractic, massage, physical_therapy, "
                      "osteopathic, pain_medicine, or any (at least one of them)");
  search_->add_option("--entity", entity_, "individual or organization");
  search_->add_option("--state", state_, "practice state, e.g. WI");
  search_->add_option("--sex", sex_, "F or M");
  search_->add_option("--credential", credential_, "credential text, e.g. L.Ac. (repeatable)");
  search_->add_flag("--include-deactivated", include_deactivated_);
  search_->add_flag("--has-secondary", has_secondary_, "only providers with a secondary location");
  search_->add_option("--city", city_, "practice city, e.g. \"Madison\" or \"Madison, WI\"");
  search_->add_option("--q", text_,
                      "name or city words; typos and an unfinished last word are fine");
  search_->add_option("--sort", sort_, "distance (default with --near/--city), relevance or name");
  search_->add_option("--cursor", cursor_, "next_cursor of the previous page");
  search_->add_option("--limit", limit_, "1..100 (default 10)");
  search_->add_option("--offset", offset_);
  search_->add_flag("--json", json_, "print JSON");

  explain_ = app->add_subcommand("explain",
                                 "What a provider's credential means and what their state allows");
  explain_->add_option("--snapshot", snapshot_)->required();
  explain_->add_option("--npi", npi_)->required();
  explain_->add_flag("--json", json_, "print JSON");

  guide_ =
      app->add_subcommand("guide", "The decision guide: questions, or a comparison for answers");
  guide_->add_flag("--questions", questions_, "print the questions and their choices");
  guide_->add_option("--answer", answers_, "QUESTION=CHOICE, e.g. where=low_back (repeatable)");
  guide_->add_flag("--json", json_, "print JSON");

  knowledge_ = app->add_subcommand("knowledge", "The knowledge data: coverage and source checks");
  knowledge_->require_subcommand(1);
  knowledge_report_ = knowledge_->add_subcommand(
      "report", "Coverage of state rules by state and topic, oldest as-of dates, lookups");
  knowledge_check_ = knowledge_->add_subcommand(
      "check", "Check every source against the reviewed domain table (exit 1 on a problem)");

  auto* content_cmd = app->add_subcommand("content", "Articles and authors");
  content_cmd->require_subcommand(1);
  content_check_ = content_cmd->add_subcommand(
      "check", "Check articles and authors (file:line for each problem; exit 1 on an error)");
  content_check_->add_option(
      "--content", content_dir_,
      "a directory with articles/ and authors/ (default: the shipped content)");

  serve_ = app->add_subcommand("serve", "Serve the JSON API over HTTP");
  serve_->add_option("--content", content_dir_,
                     "articles and authors: a directory with articles/ and authors/ (default: the "
                     "content shipped in the repository); checked at start, reloaded with SIGHUP");
  serve_->add_option("--public-url", public_url_,
                     "the site's address for feeds and links, e.g. https://care.example.org");
  serve_->add_option("--snapshot", snapshot_,
                     "the snapshot to serve (with --follow: until the store names one)");
  serve_->add_flag("--follow", follow_,
                   "serve the store's active snapshot (meridian publish) and follow it: fetch, "
                   "verify and swap in each new one");
  serve_->add_option("--follow-from", follow_from_,
                     "with --follow: where published snapshots are, a base URL "
                     "(http://host/snapshots) or a directory");
  serve_->add_option("--follow-dir", follow_dir_,
                     "with --follow: where this server keeps its copies (default: "
                     "snapshots-follow beside the store, else ./snapshots-follow)");
  serve_
      ->add_option("--follow-interval", follow_interval_s_,
                   "with --follow: seconds between manifest checks (default 10)")
      ->check(CLI::Range(0.05, 3600.0));
  serve_->add_option("--publish-dir", publish_dir_,
                     "serve the published snapshots in this directory (meridian publish --to) "
                     "at /snapshots/NAME, with Range, for the fleet's --follow-from");
  serve_->add_option("--listen", listen_, "ADDRESS:PORT (default 127.0.0.1:8080; port 0 = any)");
  serve_->add_option("--metrics-listen", metrics_listen_,
                     "ADDRESS:PORT for /metrics (with /healthz and /readyz) on a listener of "
                     "its own, e.g. on an admin network; /metrics then leaves --listen");
  serve_->add_option("--threads", serve_threads_, "I/O threads (default 2)")
      ->check(CLI::Range(1, 256));
  serve_->add_option("--access-log", access_log_, "JSON-lines access log: a file, or - for stderr");
  serve_->add_option("--read-timeout-ms", read_timeout_ms_, "a request must arrive within this");
  serve_
      ->add_option("--stop-grace-ms", stop_grace_ms_,
                   "on SIGTERM, answer /readyz 503 for this long before draining (give the "
                   "load balancer's health checks time to take this server out; default 0)")
      ->check(CLI::Range(int64_t{0}, int64_t{600000}));
  serve_->add_option("--idle-timeout-ms", idle_timeout_ms_,
                     "keep-alive connections idle this long close");
  serve_->add_option("--rate", rate_, "requests per second per client on expensive routes");
  serve_->add_option("--trusted-proxy", trusted_proxies_,
                     "a proxy (address or CIDR, repeatable) whose forwarding header names the "
                     "client; from any other peer the header is ignored");
  serve_
      ->add_option("--forwarded-header", forwarded_header_,
                   "the header trusted proxies set: x-forwarded-for (default) or forwarded")
      ->check(CLI::IsMember({"x-forwarded-for", "forwarded"}, CLI::ignore_case));
  serve_->add_option("--burst", burst_, "burst per client on expensive routes");
  serve_->add_option("--max-connections", max_connections_);
  serve_->add_option("--search-budget", search_budget_,
                     "work units one search may spend (query/executor.h; default 3000000, "
                     "about 10 ms); a broader search answers 400 too_broad");
  serve_->add_option(
      "--store", store_,
      "where what people write is kept: sqlite:PATH (default sqlite:meridian.sqlite) "
      "or a postgresql:// connection string");
  serve_->add_option(
      "--reports", reports_,
      "older form of --store sqlite:FILE (migrate it first: meridian store migrate)");

  serve_->add_option("--smtp", smtp_,
                     "digest mail over SMTP: smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT] "
                     "(default: .eml files, see --mail-dir)");
  serve_->add_option("--smtp-credentials", smtp_credentials_,
                     "a file with username= and password= lines for --smtp");
  serve_->add_option("--mail-dir", mail_dir_,
                     "without --smtp: write mail here as .eml files (default: mail/ beside the "
                     "SQLite store)");
  serve_->add_option("--digest-schedule", digest_schedule_,
                     "send the weekly digest from this server at this time, e.g. \"mon 08:00\" "
                     "(UTC); every server may have it, one sends (default: never)");
  RegisterDigest(app);
  RegisterExport(app);
  RegisterPublish(app);

  auto* store_cmd = app->add_subcommand("store", "The store: migrations");
  store_cmd->require_subcommand(1);
  store_migrate_ = store_cmd->add_subcommand(
      "migrate", "Bring the store's schema up to this binary's (idempotent)");
  store_migrate_->add_option("--store", store_, "sqlite:PATH or a postgresql:// connection string");

  auto* admin = app->add_subcommand("admin", "Operators of the console (/admin)");
  admin->require_subcommand(1);
  admin_add_user_ = admin->add_subcommand(
      "add-user", "Add an operator; prints a one-time link to set the password");
  admin_add_user_->add_option("--store", store_);
  admin_add_user_->add_option("--email", email_)->required();
  admin_add_user_->add_option("--role", role_, "editor or admin (default editor)");
  admin_add_user_->add_option("--base-url", base_url_,
                              "the server's address, for the link (default http://127.0.0.1:8080)");
  admin_token_ = admin->add_subcommand(
      "token", "Create a bearer token for the admin API (/api/v1/admin/...); printed once");
  admin_token_->add_option("--store", store_);
  admin_token_->add_option("--email", email_)->required();
  admin_token_->add_option("--label", label_, "what the token is for");
}

int Commands::Run() {
  if (ingest_->parsed()) return Ingest(false);
  if (update_->parsed()) return Ingest(true);
  if (show_->parsed()) return Show();
  if (stats_->parsed()) return Stats();
  if (verify_->parsed()) return Verify();
  if (synth_->parsed()) return Synth();
  if (search_->parsed()) return Search();
  if (explain_->parsed()) return Explain();
  if (guide_->parsed()) return GuideCmd();
  if (serve_->parsed()) return Serve();
  if (download_->parsed()) return Download();
  if (refresh_->parsed()) return Refresh();
  if (store_migrate_->parsed()) return StoreMigrate();
  if (admin_add_user_->parsed()) return AdminAddUser();
  if (admin_token_->parsed()) return AdminToken();
  if (knowledge_report_->parsed()) return KnowledgeCmd(true);
  if (knowledge_check_->parsed()) return KnowledgeCmd(false);
  if (content_check_->parsed()) return ContentCheck();
  if (digest_send_->parsed()) return DigestSend(false);
  if (digest_preview_->parsed()) return DigestSend(true);
  if (export_fhir_->parsed()) return ExportFhir();
  if (export_hsds_->parsed()) return ExportHsds();
  if (publish_->parsed()) return Publish();
  return Usage("no command given");
}

int Commands::Ingest(bool update) {
  IngestOptions o;
  o.nppes = nppes_, o.pl = pl_, o.othername = othername_, o.endpoint = endpoint_;
  o.deactivations = deactivations_, o.base_snapshot = snapshot_, o.out = out_;
  o.threads = threads_;
  o.synthetic = synthetic_;
  if (!nppes_zip_.empty()) {
    Status z = UseNppesZip(nppes_zip_, &o);
    if (!z.ok()) return z.code() == StatusCode::kInvalidArgument ? Usage(z.message()) : Fail(z);
  } else if (!update && nppes_.empty()) {
    return Usage("ingest needs --nppes FILE or --nppes-zip ZIP");
  }
  std::unique_ptr<TaxonomyTable> nucc;
  std::unique_ptr<ZctaTable> zcta;
  if (!nucc_.empty()) {
    std::string text;
    Status s = ReadFile(nucc_, &text);
    if (!s.ok()) return Fail(s);
    auto t = TaxonomyTable::Parse(text);
    if (!t.ok()) return Fail(t.status());
    nucc = std::make_unique<TaxonomyTable>(std::move(t).value());
    o.nucc = nucc.get();
  }
  if (!zcta_.empty()) {
    std::string text;
    Status s = ReadFile(zcta_, &text);
    if (!s.ok()) return Fail(s);
    auto t = ZctaTable::Parse(text);
    if (!t.ok()) return Fail(t.status());
    zcta = std::make_unique<ZctaTable>(std::move(t).value());
    o.zcta = zcta.get();
  }
  if (update && o.nppes.empty() && pl_.empty() && othername_.empty() && endpoint_.empty() &&
      deactivations_.empty())
    return Usage(
        "update needs at least one of --nppes, --nppes-zip, --pl, --othername, --endpoint, "
        "--deactivations");
  ProgressBar bar;
  if (bar.enabled())
    o.progress = [&bar](uint64_t done, uint64_t total, uint64_t rows) {
      bar.Update(done, total, rows);
    };
  IngestSummary sum;
  std::vector<IngestError> errors;
  Status s = update ? meridian::Update(o, &sum, &errors) : meridian::Ingest(o, &sum, &errors);
  bar.Done();
  if (!s.ok()) return Fail(s);
  if (!errors_.empty()) {
    Status w = WriteErrorsCsv(errors_, errors);
    if (!w.ok()) return Fail(w);
  }
  if (json_) {
    Print(sum.ToJson(update));
  } else {
    std::printf(
        "%s %llu records (%llu individuals, %llu organizations, %llu deactivated) from "
        "%llu rows; %llu rejected; %llu locations geocoded, %llu not; %.1f s, %.1f MB/s\n",
        out_.c_str(), static_cast<unsigned long long>(sum.records),
        static_cast<unsigned long long>(sum.individuals),
        static_cast<unsigned long long>(sum.organizations),
        static_cast<unsigned long long>(sum.deactivated),
        static_cast<unsigned long long>(sum.rows_read),
        static_cast<unsigned long long>(sum.rejected),
        static_cast<unsigned long long>(sum.geocoded),
        static_cast<unsigned long long>(sum.not_geocoded), sum.seconds, sum.mb_per_s);
  }
  return kExitOk;
}

int Commands::Show() {
  auto snap = Snapshot::Open(snapshot_);
  if (!snap.ok()) return Fail(snap.status());
  if (npi_ > UINT32_MAX)
    return Fail(Status::NotFound("no provider with NPI " + std::to_string(npi_)));
  int64_t row = (*snap)->Find(static_cast<uint32_t>(npi_));
  if (row < 0) return Fail(Status::NotFound("no provider with NPI " + std::to_string(npi_)));
  Record r;
  Status s = (*snap)->GetRecord(static_cast<size_t>(row), &r);
  if (!s.ok()) return Fail(s);
  JsonWriter w;
  WriteRecordJson(r, (*snap)->taxonomy(), &w);
  Print(w.str());
  return kExitOk;
}

int Commands::Stats() {
  auto snap_r = Snapshot::Open(snapshot_);
  if (!snap_r.ok()) return Fail(snap_r.status());
  const Snapshot& snap = **snap_r;
  uint64_t by_entity[3] = {0, 0, 0}, locations = 0, geocoded = 0, not_geocoded = 0;
  std::vector<uint64_t> by_state(snap.states().codes().size() + 1, 0);
  for (size_t i = 0; i < snap.size(); ++i) {
    auto e = static_cast<size_t>(snap.entity(i));
    ++by_entity[e];
    if (snap.entity(i) == EntityType::kDeactivated) continue;
    ++by_state[snap.state(i)];
    for (const auto& l : snap.locations(i)) {
      ++locations;
      (l.precision ? geocoded : not_geocoded)++;
    }
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("records").Uint(snap.size());
  w.Key("individuals").Uint(by_entity[1]);
  w.Key("organizations").Uint(by_entity[2]);
  w.Key("deactivated").Uint(by_entity[0]);
  w.Key("practice_locations").Uint(locations);
  w.Key("geocoded").Uint(geocoded);
  w.Key("not_geocoded").Uint(not_geocoded);
  w.Key("taxonomy_codes").Uint(snap.taxonomy().size());
  w.Key("unknown_taxonomies").Uint(snap.taxonomy().size() - snap.taxonomy().known_count());
  w.Key("synthetic").Bool(snap.synthetic());
  w.Key("file_bytes").Uint(snap.file_bytes());
  w.Key("created_unix").Uint(snap.created_unix());
  w.Key("by_state").BeginObject();
  for (size_t id = 1; id < by_state.size(); ++id)
    if (by_state[id]) w.Key(snap.states().Code(static_cast<uint8_t>(id))).Uint(by_state[id]);
  if (by_state[0]) w.Key("unknown").Uint(by_state[0]);
  w.EndObject();
  w.EndObject();
  std::string out = w.str();
  // The metadata section is JSON we wrote ourselves; embed it as-is.
  out.pop_back();
  out += ",\"meta\":" + std::string(snap.meta_json()) + "}";
  Print(out);
  return kExitOk;
}

int Commands::Verify() {
  auto snap = Snapshot::Open(snapshot_);
  if (!snap.ok()) return Fail(snap.status());
  if (Status s = (*snap)->CheckEveryRecord(); !s.ok()) return Fail(s);
  std::printf("%s: OK, %zu records\n", snapshot_.c_str(), (*snap)->size());
  return kExitOk;
}

int Commands::Synth() {
  SynthOptions o;
  o.rows = rows_, o.seed = seed_, o.out = out_, o.pl_out = pl_out_;
  SynthSummary sum;
  Status s = Synthesize(o, &sum);
  if (!s.ok()) return Fail(s);
  if (json_) {
    JsonWriter w;
    w.BeginObject();
    w.Key("rows").Uint(sum.rows).Key("individuals").Uint(sum.individuals);
    w.Key("organizations").Uint(sum.organizations).Key("deactivated").Uint(sum.deactivated);
    w.Key("secondary_locations").Uint(sum.secondary_locations).Key("bytes").Uint(sum.bytes);
    w.Field("pl_file", sum.pl_path).Key("synthetic").Bool(true);
    w.EndObject();
    Print(w.str());
  } else {
    std::printf("wrote %llu synthetic rows to %s (secondary locations: %s)\n",
                static_cast<unsigned long long>(sum.rows), out_.c_str(), sum.pl_path.c_str());
  }
  return kExitOk;
}

int Commands::Search() {
  // Flags become the same name/value pairs the HTTP API takes: one parser.
  QueryParams params;
  auto add = [&](const char* flag, const char* name, const std::string& value) {
    if (search_->count(flag) > 0) params.emplace_back(name, value);
  };
  add("--near", "near", near_);
  add("--radius", "radius", radius_);
  for (const std::string& t : taxonomy_) params.emplace_back("taxonomy", t);
  add("--modality", "modality", modality_);
  add("--entity", "entity", entity_);
  add("--state", "state", state_);
  add("--sex", "sex", sex_);
  for (const std::string& c : credential_) params.emplace_back("credential", c);
  if (include_deactivated_) params.emplace_back("include_deactivated", "true");
  if (has_secondary_) params.emplace_back("has_secondary", "true");
  add("--city", "city", city_);
  add("--q", "q", text_);
  add("--cursor", "cursor", cursor_);
  add("--sort", "sort", sort_);
  add("--limit", "limit", std::to_string(limit_));
  add("--offset", "offset", std::to_string(offset_));
  auto t0 = std::chrono::steady_clock::now();
  auto snap_r = Snapshot::Open(snapshot_);
  if (!snap_r.ok()) return Fail(snap_r.status());
  const Snapshot& snap = **snap_r;
  Query q;
  const ModalityMap& modalities = ModalityMap::Embedded();
  if (Status parsed = ParseQuery(params, modalities, &q, &snap); !parsed.ok())
    return Refused(parsed, "--");
  auto knowledge = KnowledgeBase::LoadEmbedded();
  if (!knowledge.ok()) return Fail(knowledge.status());
  // One query: the record pass (name order) only when it sorts by name.
  auto built = SearchIndex::Build(snap, modalities, &*knowledge,
                                  q.sort == Query::Sort::kName ? SearchIndex::RecordPass::kBuild
                                                               : SearchIndex::RecordPass::kSkip);
  if (!built.ok()) return Fail(built.status());
  std::unique_ptr<SearchIndex> index = std::move(built).value();
  auto t1 = std::chrono::steady_clock::now();
  // The operator's own tool on a local file: no bound on the work (the
  // server's searches have one, ExecuteOptions::budget).
  SearchResult res = Execute(*index, q, ExecuteOptions{.budget = UINT64_MAX});
  auto took =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t1)
          .count();
  if (json_) {
    JsonWriter w;
    Status s = WriteSearchJson(*index, q, res, took, &w);
    if (!s.ok()) return Fail(s);
    std::string out = w.str();
    out.pop_back();
    out += ",\"load_ms\":" +
           std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(t1 - t0).count()) +
           "}";
    Print(out);
    return kExitOk;
  }
  std::printf("%llu providers%s%s\n", static_cast<unsigned long long>(res.total),
              q.has_point
                  ? (" within " + radius_ + " of " + (q.place.empty() ? near_ : q.place)).c_str()
                  : "",
              snap.synthetic() ? " (SYNTHETIC SAMPLE DATA, not real providers)" : "");
  Record r;
  int n = static_cast<int>(q.offset);
  for (const SearchHit& h : res.hits) {
    Status s = snap.GetRecord(h.row, &r);
    if (!s.ok()) return Fail(s);
    uint16_t pt = snap.primary_taxonomy(h.row);
    char where[24] = "";
    if (q.has_point) std::snprintf(where, sizeof where, "%5.1f mi  ", h.distance_mi);
    std::printf(
        "%3d. %s%s  %s%s%s — %s\n", ++n, where, NpiToString(r.npi).c_str(), ReadableName(r).c_str(),
        r.credential.empty() ? "" : ", ", r.credential.c_str(),
        pt == snapshot::kNoTaxonomy ? "" : snap.taxonomy().entry(pt).info.display_name.c_str());
  }
  if (!res.next_cursor.empty()) std::printf("next page: --cursor %s\n", res.next_cursor.c_str());
  return kExitOk;
}

int Commands::ContentCheck() {
  std::vector<content::ContentIssue> issues;
  auto lib = LoadContent(content_dir_, &issues);
  for (const content::ContentIssue& i : issues) std::fprintf(stderr, "%s\n", i.ToString().c_str());
  if (!lib.ok()) return kExitFatal;
  size_t warnings = issues.size();
  std::printf("%zu articles, %zu authors: no errors, %zu warnings.\n", (*lib)->articles().size(),
              (*lib)->authors().size(), warnings);
  return kExitOk;
}

std::string Commands::StoreUrl() const {
  if (!store_.empty()) return store_;
  // A connection string with a password belongs in the environment (or in
  // libpq's PGPASSFILE), never on a command line that `ps` shows.
  if (const char* env = std::getenv("MERIDIAN_STORE"); env != nullptr && *env != '\0') return env;
  if (!reports_.empty()) return "sqlite:" + reports_;
  return "sqlite:meridian.sqlite";
}

int Commands::StoreMigrate() {
  auto store = store::Store::Open(StoreUrl());
  if (!store.ok()) return Fail(store.status());
  auto before = (*store)->SchemaVersion();
  if (!before.ok()) return Fail(before.status());
  Status s = (*store)->Migrate();
  if (!s.ok()) return Fail(s);
  std::printf("store (%s) at schema version %d (was %d)\n", (*store)->backend(),
              store::Store::kSchemaVersion, *before);
  return kExitOk;
}

Result<std::unique_ptr<store::Store>> Commands::OpenMigratedStore() const {
  auto store = store::Store::Open(StoreUrl());
  if (!store.ok()) return store.status();
  MERIDIAN_RETURN_IF_ERROR((*store)->CheckMigrated());
  return store;
}

int Commands::AdminAddUser() {
  auto store = OpenMigratedStore();
  if (!store.ok()) return Fail(store.status());
  const std::string token = admin::NewToken();
  auto id = (*store)->AddUser(email_, role_, admin::TokenHash(token),
                              static_cast<int64_t>(std::time(nullptr)) + admin::kSetPasswordSeconds,
                              "cli");
  if (!id.ok()) return Refused(id.status(), "--");
  std::printf(
      "Added %s (%s). Send them this link; it works once, for %d hours:\n%s/admin/"
      "set-password?token=%s\n",
      email_.c_str(), role_.c_str(), admin::kSetPasswordSeconds / 3600, base_url_.c_str(),
      token.c_str());
  return kExitOk;
}

int Commands::AdminToken() {
  auto store = OpenMigratedStore();
  if (!store.ok()) return Fail(store.status());
  auto user = (*store)->FindUserByEmail(email_);
  if (!user.ok()) return Fail(user.status());
  const std::string token = admin::NewToken();
  Status s = (*store)->AddApiToken(user->id, admin::TokenHash(token), label_, "cli");
  if (!s.ok()) return Fail(s);
  std::printf("%s\n", token.c_str());
  return kExitOk;
}

}  // namespace meridian::cli
