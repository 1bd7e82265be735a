// Where a dossier stands, for the coordinator's list: its step, who is awaited, its next
// deadline and its procedure's steps, read from the store, the round and the audit trail.
#include "ipt/pipeline/dossier_overview.hpp"

#include <gtest/gtest.h>

#include "support/dossier_xml.hpp"
#include "support/must.hpp"
#include "support/temp_dir.hpp"

namespace ipt::pipeline {
namespace {

TEST(DossierOverview, TheStepTheNextDeadlineAndTheProceduresSteps) {
  test::TempDir dir;
  auto store = test::must(core::Store::open(dir / "ipt.sqlite"), "store");
  ASSERT_TRUE(store.import_dossier(test::example_dossier("a-premiere-ipt-apres-30-09"), test::example_text("a-premiere-ipt-apres-30-09"), "t"));
  ASSERT_TRUE(store.import_dossier(test::example_dossier("c-fin-integration"), test::example_text("c-fin-integration"), "t"));

  // Before the protocol's date: to complete, due by the start of the integration.
  const auto a = test::must(overview(store, "PT-LIEGE-2026-0007", core::Date::from_ymd(2026, 11, 2)), "A");
  EXPECT_EQ(a.step, DossierStep::to_complete);
  ASSERT_TRUE(a.next);
  EXPECT_FALSE(a.overdue);
  // After it: overdue.
  const auto late = test::must(overview(store, "PT-LIEGE-2026-0007", core::Date::from_ymd(2026, 12, 20)), "A late");
  ASSERT_TRUE(late.next);
  EXPECT_TRUE(late.overdue) << late.next->what << " " << late.next->date.iso();
  bool proposal = false, start = false;
  for (const auto& step : a.timeline) {
    proposal |= step.what == "Proposition d’intégration" && step.done.has_value();
    start |= step.what == "Début de l’intégration" && step.due && step.due->iso() == "2026-11-16";
  }
  EXPECT_TRUE(proposal);
  EXPECT_TRUE(start);

  // The list: overdue first, then by deadline, then by reference.
  std::vector<DossierOverview> list{test::must(overview(store, "PT-LIEGE-2026-0002", core::Date::from_ymd(2026, 12, 20)), "C"), late};
  sort_for_list(list);
  EXPECT_EQ(list.front().reference, "PT-LIEGE-2026-0007");
  EXPECT_FALSE(overview(store, "PT-LIEGE-2026-0099", core::Date::from_ymd(2026, 12, 20)));
}

}  // namespace
}  // namespace ipt::pipeline
