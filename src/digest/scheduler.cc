#include "digest/scheduler.h"

#include <cstdio>
#include <ctime>

namespace meridian::digest {

namespace {
const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
}

Result<Schedule> Schedule::Parse(const std::string& text) {
  Schedule s;
  char day[8] = "";
  int h = -1, m = -1;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%3s %d:%d%c", day, &h, &m, &tail) != 3 || h < 0 || h > 23 ||
      m < 0 || m > 59)
    return Status::InvalidArgument("the digest schedule looks like \"mon 08:00\" (UTC), not \"" +
                                   text + "\"");
  for (int i = 0; i < 7; ++i)
    if (std::string(day) == kDays[i]) {
      s.weekday = i, s.hour = h, s.minute = m;
      return s;
    }
  return Status::InvalidArgument("the digest schedule's day is one of mon tue wed thu fri sat sun");
}

int64_t Schedule::DueAt(const Week& week) const {
  return week.start + weekday * 86400 + hour * 3600 + minute * 60;
}

std::string Schedule::ToString() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s %02d:%02d UTC", kDays[weekday], hour, minute);
  return buf;
}

Scheduler::Scheduler(Schedule schedule, std::function<Result<bool>(const Week&)> finished,
                     std::function<Status(const Week&)> run, std::FILE* log,
                     std::chrono::seconds tick)
    : schedule_(schedule),
      finished_(std::move(finished)),
      run_(std::move(run)),
      log_(log),
      tick_(tick) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string Scheduler::Next(int64_t now) const {
  Week w = WeekOf(now);
  if (now >= schedule_.DueAt(w)) w = WeekOf(w.end);
  return w.id + " at " + schedule_.ToString();
}

void Scheduler::Tick(int64_t now) {
  const Week w = WeekOf(now);
  if (now < schedule_.DueAt(w)) return;
  auto done = finished_(w);
  if (!done.ok() || *done) return;
  Status s = run_(w);
  if (!s.ok() && log_ != nullptr)
    std::fprintf(log_, "meridian: the digest for %s did not finish: %s (tried again later)\n",
                 w.id.c_str(), s.ToString().c_str());
}

void Scheduler::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    Tick(static_cast<int64_t>(std::time(nullptr)));
    lock.lock();
    cv_.wait_for(lock, tick_, [&] { return stop_; });
  }
}

}  // namespace meridian::digest
