#include "ipt/core/date.hpp"

#include <gtest/gtest.h>

#include "ipt/core/school_year.hpp"

namespace ipt::core {
namespace {

TEST(Date, ParsesRealIsoDatesOnly) {
  EXPECT_EQ(Date::parse_iso("2026-10-15")->iso(), "2026-10-15");
  EXPECT_EQ(Date::parse_iso("2024-02-29")->french(), "29/02/2024");
  for (const char* bad : {"2023-02-29", "2026-13-01", "2026-00-10", "2026-1-5", "15/10/2026", "", "2026-10-15x",
                          "abcd-ef-gh", "2026-04-31"}) {
    EXPECT_FALSE(Date::parse_iso(bad)) << bad;
  }
}

TEST(Date, FormatsInFrench) {
  const auto d = Date::from_ymd(2026, 11, 1);
  EXPECT_EQ(d.french_long(), "dimanche 1er novembre 2026");
  EXPECT_EQ(Date::from_ymd(2027, 2, 22).french_long(), "lundi 22 février 2027");
  EXPECT_EQ(d.day_month(), "01/11");
  EXPECT_EQ(d.weekday_iso(), 6u);
}

TEST(Date, AgeCountsFullYears) {
  const auto birth = Date::from_ymd(2008, 11, 30);
  EXPECT_EQ(birth.years_until(Date::from_ymd(2026, 11, 29)), 17);
  EXPECT_EQ(birth.years_until(Date::from_ymd(2026, 11, 30)), 18);
}

TEST(SchoolYear, ParsesAndLabels) {
  const auto y = SchoolYear::parse("2026-2027");
  ASSERT_TRUE(y);
  EXPECT_EQ(y->short_label(), "2026-27");
  EXPECT_EQ(SchoolYear(2099).short_label(), "2099-00");
  EXPECT_EQ(y->thirtieth_september().iso(), "2026-09-30");
  EXPECT_FALSE(SchoolYear::parse("2026-2028"));
  EXPECT_FALSE(SchoolYear::parse("2026/2027"));
}

}  // namespace
}  // namespace ipt::core
