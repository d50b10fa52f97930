// The weekly run inside `serve`: at a set weekday and time (UTC), once the
// week's digest is not finished, a background thread starts a run. Every
// server of a fleet may have the schedule; the run's lease in the store
// (sender.h) lets one of them send and the others find it taken or done.
//
// Thread safety: Next() may be called from any thread; Start/Stop from one.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "digest/compose.h"
#include "util/status.h"

namespace meridian::digest {

struct Schedule {
  int weekday = 0;  // 0 = Monday ... 6 = Sunday
  int hour = 8, minute = 0;
  // "mon 08:00" (the weekday's first three letters, 24-hour UTC time).
  static Result<Schedule> Parse(const std::string& text);
  // When the digest of `week` is due.
  int64_t DueAt(const Week& week) const;
  std::string ToString() const;  // "mon 08:00 UTC"
};

class Scheduler {
 public:
  // `finished(week)`: whether that week's digest is done (any server);
  // `run(week)`: sends it (errors are logged and retried at the next tick).
  Scheduler(Schedule schedule, std::function<Result<bool>(const Week&)> finished,
            std::function<Status(const Week&)> run, std::FILE* log,
            std::chrono::seconds tick = std::chrono::seconds(30));
  ~Scheduler();  // stops
  void Start();
  void Stop();
  // "2026-W50 at mon 08:00 UTC" for the console.
  std::string Next(int64_t now) const;
  // One look (what each tick does); for tests.
  void Tick(int64_t now);

 private:
  void Loop();
  Schedule schedule_;
  std::function<Result<bool>(const Week&)> finished_;
  std::function<Status(const Week&)> run_;
  std::FILE* log_;
  std::chrono::seconds tick_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace meridian::digest
