// Nothing lost, nothing twice, through the portal: `ipt serve` killed (SIGKILL) at delays spread
// over a signatory's signature, then started again. After each kill: the audit chain verifies;
// the signature, its audit entry, the round's step and the next signatory's invitation are all
// there or none is; and the signatory can then sign (again, if it did not land), once.
#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "http_portal_test.hpp"

namespace ipt::test {
namespace {

class ServeKillTest : public HttpPortalTest, public ::testing::WithParamInterface<int> {};

TEST_P(ServeKillTest, ASignatureCutByAKillLandsWholeOrNotAtAll) {
  Browser browser;
  size_t mails = 0;
  const std::string token = start_and_confirm_first(browser, mails);
  ASSERT_FALSE(HasFatalFailure());

  // The signature, and a kill `GetParam()` µs after it was sent.
  std::thread request([&] {
    auto c = client();
    c.set_read_timeout(20, 0);
    (void)c.Post(("/s/" + token + "/signer").c_str(), browser.headers(),
                 httplib::Params{{"csrf", browser.csrf}, {"consentement", "oui"}});
  });
  ASSERT_NO_FATAL_FAILURE(kill_after(std::chrono::microseconds(GetParam()), request));
  const int signatures = static_cast<int>(audit_details("document.sign").size());
  const int steps = static_cast<int>(audit_details("round.signed").size());
  const int invitations = static_cast<int>(audit_details("round.invite").size());
  ASSERT_LE(signatures, 1);
  std::printf("tué après %d µs : signature %s\n", GetParam(), signatures ? "enregistrée" : "absente");
  EXPECT_EQ(steps, signatures) << "la signature et l’étape du tour vont ensemble";
  EXPECT_EQ(invitations, 1 + signatures) << "l’invitation suivante va avec la signature";
  const auto status = nlohmann::json::parse(run_ipt({"status", reference, "--db", db_, "--config", config_, "--json"}).out);
  EXPECT_EQ(status["documents"][0]["signatures"][0]["signe"].get<bool>(), signatures == 1) << status.dump();

  // The signatory finishes: signs if it did not land, is told it is done otherwise.
  Browser again;
  auto page = get(again, "/s/" + token);
  ASSERT_TRUE(page);
  if (signatures == 1) {
    EXPECT_EQ(page->status, 409);
    EXPECT_NE(page->body.find("vous avez déjà signé"), std::string::npos);
  } else {
    ASSERT_EQ(page->status, 200) << page->body;
    size_t read = smtp_->received().size();
    confirm(again, token, read);
    auto signed_ = post(again, "/s/" + token + "/signer", {{"csrf", again.csrf}, {"consentement", "oui"}});
    ASSERT_TRUE(signed_);
    EXPECT_EQ(signed_->status, 200) << signed_->body;
  }
  EXPECT_EQ(static_cast<int>(audit_details("document.sign").size()), 1);
  EXPECT_EQ(static_cast<int>(audit_details("round.signed").size()), 1);
  EXPECT_EQ(static_cast<int>(audit_details("round.invite").size()), 2);
  EXPECT_EQ(run_ipt({"audit", "verify", "--db", db_}).status, 0);
  const auto verified = run_ipt({"verify", annexe4().string(), "--trust", (dir_ / "racine.pem").string(), "--trust",
                                 fetch_ca_pem().string()});
  EXPECT_EQ(verified.status, 0) << verified.out;
  // Nothing half-written left beside the document.
  std::error_code ec;
  const auto pending = std::filesystem::file_size(annexe4().string() + ".nouveau", ec);
  EXPECT_TRUE(ec || pending == 0) << "the companion of the document holds a revision";
}

// A signature takes 15 to 40 ms here: kills every 2 ms across it, from before the request
// reaches the signing to after it has answered.
INSTANTIATE_TEST_SUITE_P(Delays, ServeKillTest, ::testing::Range(0, 44000, 2000));

}  // namespace
}  // namespace ipt::test
