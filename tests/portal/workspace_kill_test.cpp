// Nothing lost, nothing twice, when the workspace saves a dossier whose round has begun: `ipt
// serve` killed (SIGKILL) at delays spread over the save (the new version, the round cancelled,
// the signatures restarted: three transactions), then started again. After each kill the audit
// chain verifies, at most one new version exists, and the coordinator's same save, sent again
// in the same session (kept in the database), finishes it: the new version stored once, the
// round restarted once, the documents as new as the dossier.
#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "workspace_world.hpp"

namespace ipt::test {
namespace {

class WorkspaceKillTest : public WorkspaceTest, public ::testing::WithParamInterface<int> {};

TEST_P(WorkspaceKillTest, ASaveCutByAKillIsFinishedBySavingAgain) {
  Browser marie;
  std::map<std::string, std::string> values;
  const auto form = edit_with_round_begun(marie, values);
  ASSERT_FALSE(HasFailure());

  std::thread request([&] {
    Browser copy = marie;
    (void)send_form(copy, form, values, "Le transport a changé.");
  });
  ASSERT_NO_FATAL_FAILURE(kill_after(std::chrono::microseconds(GetParam()), request));
  const auto imports = audit_details("dossier.import").size();
  ASSERT_LE(imports, 2u) << "au plus une nouvelle version";
  std::printf("tué après %d µs : %s, %zu reprise(s)\n", GetParam(), imports == 2 ? "version 2 enregistrée" : "rien d’enregistré",
              audit_details("round.restart").size());

  // The same save again, in the same session: finished, nothing twice.
  auto again = send_form(marie, form, values, "Le transport a changé.");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 303) << again->body;
  EXPECT_EQ(audit_details("dossier.import").size(), 2u);
  EXPECT_EQ(audit_details("round.restart").size(), 1u);
  EXPECT_EQ(audit_details("round.cancel").size(), 1u);
  const auto status = nlohmann::json::parse(run_ipt({"status", reference, "--db", db_, "--config", config_, "--json"}).out);
  EXPECT_EQ(status.value("version", 0), 2) << status.dump();
  EXPECT_EQ(status.value("version_des_documents", 0), 2) << status.dump();
}

// Two coordinators' sessions saving the same change at once: one new version, one restart.
TEST_F(WorkspaceTest, TwoSavesAtOnceRestartTheRoundOnce) {
  Browser marie;
  std::map<std::string, std::string> values;
  const auto form = edit_with_round_begun(marie, values);
  ASSERT_FALSE(HasFailure());
  Browser other;
  size_t mails = smtp_->received().size();
  add_user("second.coordinateur@pole-liege.example.be", "Second Coordinateur", fase_);
  log_in(other, "second.coordinateur@pole-liege.example.be", mails);
  ASSERT_EQ(get(other, "/espace/dossiers/" + reference)->status, 200);
  int status[2] = {0, 0};
  std::thread a([&] { status[0] = send_form(marie, form, values, "Le transport a changé.")->status; });
  std::thread b([&] { status[1] = send_form(other, form, values, "Le transport a changé.")->status; });
  a.join();
  b.join();
  EXPECT_EQ(status[0], 303);
  EXPECT_EQ(status[1], 303);
  EXPECT_EQ(audit_details("dossier.import").size(), 2u);
  EXPECT_EQ(audit_details("round.restart").size(), 1u);
  EXPECT_EQ(run_ipt({"audit", "verify", "--db", db_}).status, 0);
}

// Every 0.75 ms from before the request reaches the server to after the save has finished
// (about 8 ms here: the import, the cancellation, the restart with its new rendering).
INSTANTIATE_TEST_SUITE_P(Delays, WorkspaceKillTest, ::testing::Range(0, 12000, 750));

}  // namespace
}  // namespace ipt::test
