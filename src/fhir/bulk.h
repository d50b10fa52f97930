// FHIR Bulk Data export, system level, as the async request pattern asks
// (https://hl7.org/fhir/uv/bulkdata/export.html):
//
//   GET /fhir/$export[?_type=..&_since=..&_outputFormat=ndjson]
//       (Prefer: respond-async)  -> 202, Content-Location: the status URL
//   GET /fhir/$export-status/{job}  -> 202 + X-Progress + Retry-After while
//       running; 200 + the manifest (output files with counts) when done;
//       the job's failure as an OperationOutcome; 404 once gone
//   DELETE /fhir/$export-status/{job} -> 202: cancels and deletes
//   GET /fhir/$export-file/{job}/{file} -> application/fhir+ndjson
//
// Each job streams the snapshot it started with (export.h) on its own
// thread into a directory of its own, in parts of at most kPartResources
// resources so no single download is huge. Finished jobs expire after
// `ttl` (the manifest's Expires); a few run at once, more are 429.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fhir/api.h"
#include "fhir/export.h"
#include "snapshot/snapshot.h"

namespace meridian::fhir {

class BulkExports {
 public:
  static constexpr uint64_t kPartResources = 50000;
  static constexpr size_t kMaxRunning = 2;

  // `dir`: where jobs write (one subdirectory each, removed on expiry and
  // by the destructor).
  BulkExports(std::string dir, std::chrono::seconds ttl = std::chrono::hours(1));
  ~BulkExports();  // cancels and joins running jobs, deletes every job's files

  // The kick-off. `snap` stays alive for the job (the caller passes an
  // owner). `prefer` and `accept` are the request's headers.
  Response Start(std::shared_ptr<const Snapshot> snap, const QueryParams& params,
                 const std::string& prefer, const std::string& accept, const std::string& base_url,
                 const std::string& request_url);
  Response Status(const std::string& job, const std::string& base_url);
  Response Cancel(const std::string& job);
  Response File(const std::string& job, const std::string& file);

 private:
  struct Job {
    std::string id, dir, request_url;
    std::shared_ptr<const Snapshot> snap;
    std::vector<ResourceType> types;
    PackedDate since = 0;
    std::chrono::system_clock::time_point started, finished;
    size_t rows_total = 0;
    std::atomic<size_t> rows_done{0};
    std::atomic<bool> cancel{false}, done{false};
    meridian::Status result;        // set before done
    std::vector<ExportFile> files;  // set before done
    std::thread thread;
  };
  // Drops expired jobs. REQUIRES: mu_ held.
  void Expire();
  std::shared_ptr<Job> Find(const std::string& id);

  const std::string dir_;
  const std::chrono::seconds ttl_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
};

}  // namespace meridian::fhir
