#pragma once
// A school year of the Fédération Wallonie-Bruxelles, named "2026-2027".
#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "ipt/core/date.hpp"

namespace ipt::core {

class SchoolYear {
 public:
  constexpr SchoolYear() = default;
  constexpr explicit SchoolYear(int start_year) : start_year_(start_year) {}

  // Parses "2026-2027" (the two years must follow each other).
  static std::optional<SchoolYear> parse(std::string_view text);
  // The school year whose administrative span (1 September to 31 August) holds the date.
  static SchoolYear containing(Date date);

  int start_year() const { return start_year_; }
  std::string label() const;        // "2026-2027"
  std::string short_label() const;  // "2026-27", as the circular writes it
  SchoolYear next() const { return SchoolYear(start_year_ + 1); }
  SchoolYear previous() const { return SchoolYear(start_year_ - 1); }

  // The 30/09 boundary of the circular (decree of 3 March 2004): the list of IPT pupils
  // reaches the Administration by this date, and e-pôles budgets are fixed on it.
  Date thirtieth_september() const { return Date::from_ymd(start_year_, 9, 30); }

  auto operator<=>(const SchoolYear&) const = default;

 private:
  int start_year_ = 0;
};

}  // namespace ipt::core
