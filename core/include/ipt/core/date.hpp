#pragma once
// A calendar date (no time, no time zone), the unit of every rule of the circular.
#include <chrono>
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace ipt::core {

class Date {
 public:
  constexpr Date() = default;
  constexpr explicit Date(std::chrono::sys_days days) : days_(days) {}
  // Requires a valid date (checked by assertion); use parse_iso for input.
  static Date from_ymd(int year, unsigned month, unsigned day);

  // Parses "YYYY-MM-DD"; nothing when the text is not that form or not a real date.
  static std::optional<Date> parse_iso(std::string_view text);
  // Today in the local time zone.
  static Date today();

  std::string iso() const;         // "2026-10-15"
  std::string french() const;      // "15/10/2026"
  std::string day_month() const;   // "15/10"
  // "jeudi 15 octobre 2026"
  std::string french_long() const;

  int year() const;
  unsigned month() const;
  unsigned day() const;
  // 0 = Monday ... 6 = Sunday
  unsigned weekday_iso() const;

  Date plus_days(int n) const { return Date(days_ + std::chrono::days(n)); }
  int days_until(Date other) const { return static_cast<int>((other.days_ - days_).count()); }
  std::chrono::sys_days sys_days() const { return days_; }

  // Full years between this birth date and `on` (the age on that day).
  int years_until(Date on) const;

  auto operator<=>(const Date&) const = default;

 private:
  std::chrono::sys_days days_{};
};

}  // namespace ipt::core
