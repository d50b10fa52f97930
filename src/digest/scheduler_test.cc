#include "digest/scheduler.h"

#include <gtest/gtest.h>

#include <vector>

namespace meridian::digest {
namespace {

TEST(Schedule, ParsesAndPlacesTheRunInTheWeek) {
  auto s = Schedule::Parse("wed 08:30");
  ASSERT_TRUE(s.ok());
  const Week w = *ParseWeek("2026-W49");  // Monday 2026-11-30
  EXPECT_EQ(s->DueAt(w), w.start + 2 * 86400 + 8 * 3600 + 30 * 60);
  EXPECT_EQ(s->ToString(), "wed 08:30 UTC");
  for (const char* bad :
       {"", "wednesday", "wed 8", "wed 24:00", "wed 08:60", "xyz 08:00", "wed 08:00 extra"})
    EXPECT_FALSE(Schedule::Parse(bad).ok()) << bad;
}

// Each tick runs the week's digest once it is due and until it is finished.
TEST(Scheduler, RunsADueUnfinishedWeekOnly) {
  std::vector<std::string> runs;
  bool finished = false;
  Scheduler sched(
      *Schedule::Parse("mon 08:00"), [&](const Week&) -> Result<bool> { return finished; },
      [&](const Week& w) {
        runs.push_back(w.id);
        return Status::Unavailable("the SMTP server is down");
      },
      nullptr);
  const int64_t monday = ParseWeek("2026-W49")->start;
  sched.Tick(monday + 7 * 3600);  // before 08:00: not due
  EXPECT_TRUE(runs.empty());
  sched.Tick(monday + 8 * 3600);
  sched.Tick(monday + 9 * 3600);  // failed last time: tried again
  EXPECT_EQ(runs, (std::vector<std::string>{"2026-W49", "2026-W49"}));
  finished = true;
  sched.Tick(monday + 10 * 3600);
  EXPECT_EQ(runs.size(), 2u);
  EXPECT_EQ(sched.Next(monday + 7 * 3600), "2026-W49 at mon 08:00 UTC");
  EXPECT_EQ(sched.Next(monday + 10 * 3600), "2026-W50 at mon 08:00 UTC");
}

}  // namespace
}  // namespace meridian::digest
