// Saving a dossier from the workspace: a new version, and once its signing has begun, the
// round restarted with a reason; a save cut between its steps is finished by saving again.
#include "ipt/pipeline/dossier_save.hpp"

#include <gtest/gtest.h>

#include "fixture.hpp"
#include "ipt/core/dossier_reader.hpp"
#include "support/dossier_xml.hpp"
#include "support/must.hpp"

namespace ipt::pipeline {
namespace {

const std::string reference = "PT-LIEGE-2026-0002";

class DossierSaveTest : public testing::PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    ASSERT_TRUE(documents_->render(reference, "coordinatrice"));
    mail::MailConfig mail;
    mail.sender = "coordination@pole-liege.example.be";
    PortalConfig portal;
    portal.base_url = "https://ipt.pole-liege.example.be";
    requests_.emplace(*store_, mail, portal);
    ASSERT_TRUE(requests_->start(reference, "coordinatrice"));
    edited_ = test::DossierXml("c-fin-integration").set_text("protocole/transport", "Léa vient en bus scolaire.").str();
    auto parsed = core::parse_dossier(edited_, "edite.xml");
    ASSERT_TRUE(parsed);
    dossier_ = *std::move(parsed);
  }
  int count(const std::string& action) {
    int n = 0;
    for (const auto& e : test::must(store_->audit_entries(reference), "audit")) n += e.action == action;
    return n;
  }
  std::optional<SigningRequests> requests_;
  std::string edited_;
  core::Dossier dossier_;
};

TEST_F(DossierSaveTest, ARoundBegunAsksWhyThenRestarts) {
  EXPECT_TRUE(test::must(signing_begun(*store_, reference), "begun"));
  const auto refused = save_dossier(*store_, *documents_, *requests_, dossier_, edited_, "espace", std::nullopt);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().place.field, "raison");
  EXPECT_EQ(test::must(store_->find_dossier(reference), "find")->version, 1) << "rien n’est enregistré sans raison";
  const auto saved = test::must(save_dossier(*store_, *documents_, *requests_, dossier_, edited_, "espace", "Le transport a changé."), "save");
  EXPECT_EQ(saved.imported.version, 2);
  EXPECT_TRUE(saved.round_restarted);
  EXPECT_EQ(count("round.cancel"), 1);
  EXPECT_EQ(count("round.restart"), 1);
  EXPECT_FALSE(test::must(signing_begun(*store_, reference), "after"));
}

TEST_F(DossierSaveTest, ASaveCutAfterItsImportIsFinishedBySavingAgain) {
  // The process stopped right after the new version was stored: the round is still open, on
  // documents older than the dossier.
  ASSERT_TRUE(store_->import_dossier(dossier_, edited_, "espace"));
  const auto status = test::must(documents_->status(reference, {}), "status");
  EXPECT_LT(status.documents_version, status.version);
  const auto saved = test::must(save_dossier(*store_, *documents_, *requests_, dossier_, edited_, "espace", "Reprise."), "save");
  EXPECT_TRUE(saved.imported.unchanged);
  EXPECT_TRUE(saved.round_restarted);
  const auto after = test::must(documents_->status(reference, {}), "status");
  EXPECT_EQ(after.documents_version, after.version);
  // Once finished, saving the same again changes nothing.
  const auto again = test::must(save_dossier(*store_, *documents_, *requests_, dossier_, edited_, "espace", std::nullopt), "again");
  EXPECT_FALSE(again.round_restarted);
  EXPECT_EQ(count("round.restart"), 1);
}

}  // namespace
}  // namespace ipt::pipeline
