#include "ipt/core/deadline.hpp"

#include <gtest/gtest.h>

namespace ipt::core {
namespace {

Date d(const char* iso) { return *Date::parse_iso(iso); }

struct DeadlineCase {
  const char* what;
  const char* received;
  const char* due;
  std::vector<std::pair<const char*, const char*>> skipped;  // first, last day not counted
};

// Worked by hand from the published calendars: count 30 days from the day after receipt,
// skipping each break from the Saturday before to the Sunday after.
const DeadlineCase cases[] = {
    {"no break in the window", "2026-09-01", "2026-10-01", {}},
    {"congé d’automne", "2026-10-15", "2026-11-30", {{"2026-10-17", "2026-11-01"}}},
    {"vacances d’hiver across the new year", "2026-11-19", "2027-01-04", {{"2026-12-19", "2027-01-03"}}},
    {"congé de détente (Mardi gras counts)", "2027-02-01", "2027-03-19", {{"2027-02-20", "2027-03-07"}}},
    {"vacances de printemps (Pentecôte counts)", "2027-04-10", "2027-05-26", {{"2027-04-24", "2027-05-09"}}},
    {"end of the school year and summer", "2026-06-20", "2026-09-09", {{"2026-07-04", "2026-08-23"}}},
    {"received during a break", "2026-10-20", "2026-12-01", {{"2026-10-21", "2026-11-01"}}},
    {"congé de détente 2025-2026", "2026-02-10", "2026-03-28", {{"2026-02-14", "2026-03-01"}}},
    {"vacances de printemps 2025-2026", "2026-04-20", "2026-06-05", {{"2026-04-25", "2026-05-10"}}},
};

TEST(MinisterDecisionDeadline, CountsThirtyDaysWithoutSchoolHolidays) {
  for (const auto& c : cases) {
    const auto deadline = minister_decision_deadline(SchoolCalendar::official(), d(c.received));
    ASSERT_TRUE(deadline) << c.what << ": " << deadline.error().message;
    EXPECT_EQ(deadline->due.iso(), c.due) << c.what;
    EXPECT_EQ(deadline->counted_days, 30) << c.what;
    ASSERT_EQ(deadline->skipped.size(), c.skipped.size()) << c.what;
    for (size_t i = 0; i < c.skipped.size(); ++i) {
      EXPECT_EQ(deadline->skipped[i].first.iso(), c.skipped[i].first) << c.what;
      EXPECT_EQ(deadline->skipped[i].last.iso(), c.skipped[i].second) << c.what;
    }
    // The due date itself is never inside a holiday.
    const auto h = SchoolCalendar::official().find_holiday(deadline->due);
    ASSERT_TRUE(h);
    EXPECT_FALSE(h->has_value()) << c.what;
  }
}

TEST(MinisterDecisionDeadline, FailsNamingTheMissingSchoolYear) {
  // Summer 2027 runs into 2027-2028, whose calendar is not published.
  const auto deadline = minister_decision_deadline(SchoolCalendar::official(), d("2027-06-20"));
  ASSERT_FALSE(deadline);
  EXPECT_NE(deadline.error().message.find("2027-2028"), std::string::npos) << deadline.error().message;
  EXPECT_NE(deadline.error().message.find("20/06/2027"), std::string::npos) << deadline.error().message;
}

TEST(MinisterDecisionDeadline, LastPublishedDayBeforeSummerStillWorks) {
  // Received early enough that the count ends before summer 2027.
  const auto deadline = minister_decision_deadline(SchoolCalendar::official(), d("2027-05-20"));
  ASSERT_TRUE(deadline) << deadline.error().message;
  EXPECT_EQ(deadline->due.iso(), "2027-06-19");
}

}  // namespace
}  // namespace ipt::core
