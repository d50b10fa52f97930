#include "fhir/bulk.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>

#include "util/file.h"
#include "util/json.h"

namespace meridian::fhir {

namespace {

std::string NewJobId() {
  std::random_device rd;
  char id[33];
  for (int i = 0; i < 4; ++i) std::snprintf(id + i * 8, 9, "%08x", rd());
  return id;
}

// "Wed, 02 Dec 2026 06:00:00 GMT".
std::string HttpDate(std::chrono::system_clock::time_point t) {
  const std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

// A FHIR date or instant's day ("2024-03-05", "2024-03-05T10:00:00Z") as YYYYMMDD.
bool ParseSince(const std::string& v, PackedDate* out) {
  if (v.size() < 10 || v[4] != '-' || v[7] != '-') return false;
  unsigned y, m, d;
  if (std::sscanf(v.c_str(), "%4u-%2u-%2u", &y, &m, &d) != 3 || y < 1900 || y > 2100 || m < 1 ||
      m > 12 || d < 1 || d > 31)
    return false;
  if (v.size() > 10 && v[10] != 'T') return false;
  *out = y * 10000 + m * 100 + d;
  return true;
}

Response Info(int status, const std::string& text) {
  JsonWriter w;
  w.BeginObject().Field("resourceType", "OperationOutcome");
  w.Key("issue").BeginArray().BeginObject();
  w.Field("severity", "information").Field("code", "informational").Field("diagnostics", text);
  w.EndObject().EndArray().EndObject();
  return Response{status, w.str(), {}};
}

bool PlainFileName(const std::string& f) {
  if (f.empty() || f.size() > 64 || !f.ends_with(".ndjson")) return false;
  for (char c : f)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  return f.find("..") == std::string::npos;
}

}  // namespace

BulkExports::BulkExports(std::string dir, std::chrono::seconds ttl)
    : dir_(std::move(dir)), ttl_(ttl) {}

BulkExports::~BulkExports() {
  std::map<std::string, std::shared_ptr<Job>> jobs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs.swap(jobs_);
  }
  for (auto& [id, job] : jobs) {
    job->cancel = true;
    if (job->thread.joinable()) job->thread.join();
    std::error_code ec;
    std::filesystem::remove_all(job->dir, ec);
  }
}

void BulkExports::Expire() {
  const auto now = std::chrono::system_clock::now();
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    Job& job = *it->second;
    if (job.done && job.finished + ttl_ < now) {
      if (job.thread.joinable()) job.thread.join();
      std::error_code ec;
      std::filesystem::remove_all(job.dir, ec);
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
}

std::shared_ptr<BulkExports::Job> BulkExports::Find(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  Expire();
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : it->second;
}

Response BulkExports::Start(std::shared_ptr<const Snapshot> snap, const QueryParams& params,
                            const std::string& prefer, const std::string& accept,
                            const std::string& base_url, const std::string& request_url) {
  if (prefer.find("respond-async") == std::string::npos)
    return Outcome(meridian::Status::InvalidArgument(
        "a bulk export runs in the background: send the header Prefer: respond-async"));
  if (!accept.empty() && accept.find("json") == std::string::npos &&
      accept.find("*/*") == std::string::npos)
    return Outcome(meridian::Status::NotAcceptable("send Accept: application/fhir+json"));
  auto job = std::make_shared<Job>();
  for (const auto& [name, value] : params) {
    if (name == "_type") {
      auto types = ParseTypeList(value);
      if (!types.ok()) return Outcome(types.status());
      job->types = *types;
    } else if (name == "_since") {
      if (!ParseSince(value, &job->since))
        return Outcome(meridian::Status::InvalidArgument(
                           "expected a date or instant such as 2026-01-01T00:00:00Z")
                           .WithParam(name));
    } else if (name == "_outputFormat") {
      if (value != "application/fhir+ndjson" && value != "application/ndjson" && value != "ndjson")
        return Outcome(
            meridian::Status::InvalidArgument("only ndjson is supported").WithParam(name));
    } else {
      return Outcome(meridian::Status::InvalidArgument("unknown parameter " + name +
                                                       "; $export takes _type, _since and "
                                                       "_outputFormat")
                         .WithParam(name));
    }
  }
  job->id = NewJobId();
  job->dir = dir_ + "/" + job->id;
  job->request_url = request_url;
  job->rows_total = snap->size();
  job->snap = std::move(snap);
  job->started = std::chrono::system_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    Expire();
    size_t running = 0;
    for (const auto& [id, j] : jobs_) running += !j->done;
    if (running >= kMaxRunning) {
      Response busy = Outcome(meridian::Status::ResourceExhausted(
          "two exports are running already; try again when one has finished"));
      busy.headers.emplace_back("Retry-After", "60");
      return busy;
    }
    jobs_[job->id] = job;
    Job* j = job.get();
    job->thread = std::thread([j] {
      ExportOptions o;
      o.out_dir = j->dir;
      o.types = j->types;
      o.since = j->since;
      o.max_per_file = kPartResources;
      o.cancel = &j->cancel;
      o.progress = [j](size_t rows) { j->rows_done = rows; };
      auto files = ExportNdjson(*j->snap, o);
      if (files.ok())
        j->files = std::move(files).value();
      else
        j->result = files.status();
      j->snap.reset();  // the snapshot may go now
      j->finished = std::chrono::system_clock::now();
      j->done = true;
    });
  }
  Response r = Info(202, "The export has started; poll the Content-Location address.");
  r.headers.emplace_back("Content-Location", base_url + "/$export-status/" + job->id);
  return r;
}

Response BulkExports::Status(const std::string& id, const std::string& base_url) {
  std::shared_ptr<Job> job = Find(id);
  if (job == nullptr)
    return Outcome(meridian::Status::NotFound("no export " + id + " (finished exports expire)"));
  if (!job->done) {
    const size_t total = job->rows_total;
    char progress[64];
    std::snprintf(
        progress, sizeof progress, "%.0f%% of records read",
        100.0 * static_cast<double>(job->rows_done) / static_cast<double>(total ? total : 1));
    Response r = Info(202, progress);
    r.headers.emplace_back("X-Progress", progress);
    r.headers.emplace_back("Retry-After", "2");
    return r;
  }
  if (!job->result.ok()) return Outcome(meridian::Status::Internal(job->result.message()));
  JsonWriter w;
  w.BeginObject();
  w.Field("transactionTime", FormatUnixInstant(std::chrono::duration_cast<std::chrono::seconds>(
                                                   job->started.time_since_epoch())
                                                   .count()));
  w.Field("request", job->request_url);
  w.Key("requiresAccessToken").Bool(false);
  w.Key("output").BeginArray();
  for (const ExportFile& f : job->files) {
    if (f.resources == 0) continue;
    const std::string name = std::filesystem::path(f.path).filename().string();
    w.BeginObject().Field("type", TypeName(f.type));
    w.Field("url", base_url + "/$export-file/" + job->id + "/" + name);
    w.Key("count").Uint(f.resources).EndObject();
  }
  w.EndArray();
  w.Key("error").BeginArray().EndArray();
  w.EndObject();
  Response r{200, w.str(), {}};
  r.headers.emplace_back("Expires", HttpDate(job->finished + ttl_));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response BulkExports::Cancel(const std::string& id) {
  std::shared_ptr<Job> job;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return Outcome(meridian::Status::NotFound("no export " + id));
    job = it->second;
    jobs_.erase(it);
  }
  job->cancel = true;
  if (job->thread.joinable()) job->thread.join();
  std::error_code ec;
  std::filesystem::remove_all(job->dir, ec);
  return Info(202, "The export was cancelled and its files deleted.");
}

Response BulkExports::File(const std::string& id, const std::string& file) {
  std::shared_ptr<Job> job = Find(id);
  if (job == nullptr || !job->done || !job->result.ok() || !PlainFileName(file))
    return Outcome(meridian::Status::NotFound("no such export file"));
  for (const ExportFile& f : job->files) {
    if (std::filesystem::path(f.path).filename() != file) continue;
    auto mapped = MappedFile::Open(f.path);
    if (!mapped.ok()) return Outcome(mapped.status());
    Response r{200, std::string((*mapped)->bytes()), {}};
    r.content_type = "application/fhir+ndjson";
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }
  return Outcome(meridian::Status::NotFound("no such export file"));
}

}  // namespace meridian::fhir
