#include "ipt/core/date.hpp"

#include <array>
#include <cassert>
#include <cstdio>
#include <ctime>

namespace ipt::core {

using namespace std::chrono;

Date Date::from_ymd(int y, unsigned m, unsigned d) {
  const year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  assert(ymd.ok());
  return Date(std::chrono::sys_days(ymd));
}

std::optional<Date> Date::parse_iso(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](size_t from, size_t count) -> std::optional<int> {
    int value = 0;
    for (size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (!y || !m || !d) return std::nullopt;
  const year_month_day ymd{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*m)},
                           std::chrono::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return Date(std::chrono::sys_days(ymd));
}

Date Date::today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return from_ymd(local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                  static_cast<unsigned>(local.tm_mday));
}

int Date::year() const { return static_cast<int>(year_month_day(days_).year()); }
unsigned Date::month() const { return static_cast<unsigned>(year_month_day(days_).month()); }
unsigned Date::day() const { return static_cast<unsigned>(year_month_day(days_).day()); }
unsigned Date::weekday_iso() const { return std::chrono::weekday(days_).iso_encoding() - 1; }

std::string Date::iso() const {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", year(), month(), day());
  return buffer;
}

std::string Date::french() const {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%02u/%02u/%04d", day(), month(), year());
  return buffer;
}

std::string Date::day_month() const {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%02u/%02u", day(), month());
  return buffer;
}

std::string Date::french_long() const {
  static constexpr std::array<const char*, 7> weekdays = {
      "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"};
  static constexpr std::array<const char*, 12> months = {
      "janvier", "février", "mars",      "avril",   "mai",      "juin",
      "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
  std::string text = weekdays[weekday_iso()];
  text += ' ';
  text += day() == 1 ? "1er" : std::to_string(day());
  text += ' ';
  text += months[month() - 1];
  text += ' ';
  text += std::to_string(year());
  return text;
}

int Date::years_until(Date on) const {
  int age = on.year() - year();
  if (on.month() < month() || (on.month() == month() && on.day() < day())) --age;
  return age;
}

}  // namespace ipt::core
