#pragma once
// Deadlines of circular 8783.
#include <vector>

#include "ipt/core/date.hpp"
#include "ipt/core/result.hpp"
#include "ipt/core/school_calendar.hpp"

namespace ipt::core {

// The Minister rules on a derogation request within 30 calendar days, school holidays
// excluded, following receipt of the form. Counting starts the day after receipt; days in a
// holiday (see SchoolCalendar) are skipped; single days off count.
inline constexpr int minister_decision_days = 30;

struct SkippedPeriod {
  Holiday holiday;  // the holiday as the calendar defines it
  Date first;       // the skipped days inside the counting window
  Date last;
  int days() const { return first.days_until(last) + 1; }
};

struct Deadline {
  Date received;
  Date due;
  int counted_days = 0;
  std::vector<SkippedPeriod> skipped;
};

// Fails, naming the missing school year, when the count runs into a year not in the calendar.
Result<Deadline> minister_decision_deadline(const SchoolCalendar& calendar, Date received);

}  // namespace ipt::core
