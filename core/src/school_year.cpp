#include "ipt/core/school_year.hpp"

namespace ipt::core {

std::optional<SchoolYear> SchoolYear::parse(std::string_view text) {
  if (text.size() != 9 || text[4] != '-') return std::nullopt;
  int first = 0, second = 0;
  for (size_t i = 0; i < 9; ++i) {
    if (i == 4) continue;
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    (i < 4 ? first : second) = (i < 4 ? first : second) * 10 + (text[i] - '0');
  }
  if (second != first + 1) return std::nullopt;
  return SchoolYear(first);
}

SchoolYear SchoolYear::containing(Date date) {
  return SchoolYear(date.month() >= 9 ? date.year() : date.year() - 1);
}

std::string SchoolYear::label() const {
  return std::to_string(start_year_) + "-" + std::to_string(start_year_ + 1);
}

std::string SchoolYear::short_label() const {
  const int next = (start_year_ + 1) % 100;
  return std::to_string(start_year_) + "-" + (next < 10 ? "0" : "") + std::to_string(next);
}

}  // namespace ipt::core
