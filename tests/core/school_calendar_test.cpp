#include "ipt/core/school_calendar.hpp"

#include <gtest/gtest.h>

namespace ipt::core {
namespace {

Date d(const char* iso) { return *Date::parse_iso(iso); }

TEST(SchoolCalendar, ShipsTheFivePublishedYears) {
  const auto& c = SchoolCalendar::official();
  ASSERT_EQ(c.years().size(), 5u);
  EXPECT_EQ(c.years().front().label(), "2022-2023");
  EXPECT_EQ(c.years().back().label(), "2026-2027");
  const auto* y = c.find_year(SchoolYear(2026));
  ASSERT_NE(y, nullptr);
  EXPECT_EQ(y->first_school_day.iso(), "2026-08-24");
  EXPECT_EQ(y->last_school_day.iso(), "2027-07-02");
  EXPECT_EQ(y->breaks.size(), 4u);
  EXPECT_EQ(y->single_days_off.size(), 5u);
}

// Each break runs from the Saturday before its first weekday off to the Sunday after its last.
TEST(SchoolCalendar, BreaksIncludeTheWeekendsAroundThem) {
  const auto& c = SchoolCalendar::official();
  struct Case {
    const char* day;
    bool holiday;
    BreakKind kind;
  } cases[] = {
      {"2026-10-16", false, {}}, {"2026-10-17", true, BreakKind::conge_automne},
      {"2026-11-01", true, BreakKind::conge_automne}, {"2026-11-02", false, {}},
      {"2026-12-18", false, {}}, {"2026-12-19", true, BreakKind::vacances_hiver},
      {"2027-01-03", true, BreakKind::vacances_hiver}, {"2027-01-04", false, {}},
      {"2027-02-20", true, BreakKind::conge_detente}, {"2027-03-07", true, BreakKind::conge_detente},
      {"2027-03-08", false, {}}, {"2027-04-24", true, BreakKind::vacances_printemps},
      {"2027-05-09", true, BreakKind::vacances_printemps}, {"2027-05-10", false, {}},
      // Single days off are not holidays: they count.
      {"2026-11-11", false, {}}, {"2027-03-29", false, {}},
      // Summer: from the day after the last school day to the day before the next first one.
      {"2026-07-03", false, {}}, {"2026-07-04", true, BreakKind::vacances_ete},
      {"2026-08-23", true, BreakKind::vacances_ete}, {"2026-08-24", false, {}},
      // An ordinary weekend is not a holiday either.
      {"2026-11-28", false, {}},
  };
  for (const auto& k : cases) {
    const auto h = c.find_holiday(d(k.day));
    ASSERT_TRUE(h) << k.day << ": " << h.error().message;
    EXPECT_EQ(h->has_value(), k.holiday) << k.day;
    if (k.holiday && h->has_value()) {
      EXPECT_EQ((*h)->kind, k.kind) << k.day;
    }
  }
  const auto summer = c.find_holiday(d("2025-07-15"));
  ASSERT_TRUE(summer && *summer);
  EXPECT_EQ((*summer)->year.label(), "2024-2025");
  EXPECT_EQ((*summer)->first.iso(), "2025-07-05");
  EXPECT_EQ((*summer)->last.iso(), "2025-08-24");
}

TEST(SchoolCalendar, MissingYearIsAnErrorNamingIt) {
  const auto& c = SchoolCalendar::official();
  // Summer 2027 ends with the first day of 2027-2028, which is not published.
  auto h = c.find_holiday(d("2027-07-10"));
  ASSERT_FALSE(h);
  EXPECT_NE(h.error().message.find("2027-2028"), std::string::npos) << h.error().message;
  h = c.find_holiday(d("2022-08-01"));
  ASSERT_FALSE(h);
  EXPECT_NE(h.error().message.find("2021-2022"), std::string::npos) << h.error().message;
  h = c.find_holiday(d("2030-01-10"));
  ASSERT_FALSE(h);
  EXPECT_NE(h.error().message.find("2027-2028"), std::string::npos) << h.error().message;
}

TEST(SchoolCalendar, RejectsMalformedDataWithFileAndLine) {
  const std::string bad_date = R"(<calendrier annee-scolaire="2030-2031">
  <premier-jour>2030-08-26</premier-jour>
  <dernier-jour>2031-02-30</dernier-jour>
</calendrier>)";
  EmbeddedFile files[] = {{"2030-2031.xml", bad_date}};
  auto c = SchoolCalendar::parse(files);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "2030-2031.xml:3: dernier-jour : date invalide « 2031-02-30 »");

  const std::string unknown = R"(<calendrier annee-scolaire="2030-2031">
  <premier-jour>2030-08-26</premier-jour>
  <dernier-jour>2031-07-04</dernier-jour>
  <vacances>x</vacances>
</calendrier>)";
  EmbeddedFile files2[] = {{"x.xml", unknown}};
  c = SchoolCalendar::parse(files2);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "x.xml:4: élément inconnu <vacances>");
}

}  // namespace
}  // namespace ipt::core
