#pragma once
// The official FWB school calendars, one data file per school year (core/data/calendrier/).
//
// Holidays in the sense of the circular ("hors vacances scolaires") are the five breaks,
// each extended from the Saturday before its first school day off to the Sunday after its
// last; the vacances d'été run from the day after the last school day to the day before the
// next year's first school day. Single days off (27/09, 11/11, Easter Monday, ...) are kept
// for information but are not holidays. A question about a year that is not in the data is an
// error naming that year: the calendar never guesses.
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipt/core/date.hpp"
#include "ipt/core/embedded_file.hpp"
#include "ipt/core/result.hpp"
#include "ipt/core/school_year.hpp"

namespace ipt::core {

enum class BreakKind { conge_automne, vacances_hiver, conge_detente, vacances_printemps, vacances_ete };

// "congé d'automne", "vacances d'été", ...
std::string_view french_name(BreakKind kind);

// A break as officially written: first and last weekday without school.
struct SchoolBreak {
  BreakKind kind;
  Date first_day_off;
  Date last_day_off;
};

struct SingleDayOff {
  Date date;
  std::string label;  // "Lundi de Pâques", "Armistice", ...
};

struct SchoolYearCalendar {
  SchoolYear year;
  Date first_school_day;
  Date last_school_day;
  std::vector<SchoolBreak> breaks;  // the four breaks inside the year, in date order
  std::vector<SingleDayOff> single_days_off;
  std::string source;  // where the dates come from
};

// A holiday period as the deadline rules count it (weekends around the break included).
struct Holiday {
  BreakKind kind;
  SchoolYear year;  // for vacances d'été: the year that ends
  Date first;
  Date last;
};

class SchoolCalendar {
 public:
  // The calendars shipped with the project (2022-2023 to 2026-2027).
  static const SchoolCalendar& official();

  // Parses calendar files (XML, see docs/calendrier.md). Errors name the file and line.
  static Result<SchoolCalendar> parse(std::span<const EmbeddedFile> files);
  // Loads every *.xml file of a directory.
  static Result<SchoolCalendar> load_directory(const std::filesystem::path& directory);

  const SchoolYearCalendar* find_year(SchoolYear year) const;
  std::vector<SchoolYear> years() const;

  // The holiday that covers `day`, nothing on a day that counts. Fails when the answer
  // depends on a school year missing from the data, naming it.
  Result<std::optional<Holiday>> find_holiday(Date day) const;

 private:
  std::vector<SchoolYearCalendar> years_;  // sorted by year
};

}  // namespace ipt::core
