#include "ipt/core/deadline.hpp"

namespace ipt::core {

Result<Deadline> minister_decision_deadline(const SchoolCalendar& calendar, Date received) {
  Deadline deadline{received, received, 0, {}};
  Date day = received;
  while (deadline.counted_days < minister_decision_days) {
    day = day.plus_days(1);
    auto holiday = calendar.find_holiday(day);
    if (!holiday) {
      return std::unexpected(holiday.error().with_context(
          "délai de décision du Ministre pour un formulaire reçu le " + received.french()));
    }
    if (!*holiday) {
      ++deadline.counted_days;
      continue;
    }
    // Skip the whole holiday at once, recording the days skipped.
    const Holiday& h = **holiday;
    deadline.skipped.push_back({h, day, h.last});
    day = h.last;
  }
  deadline.due = day;
  return deadline;
}

}  // namespace ipt::core
