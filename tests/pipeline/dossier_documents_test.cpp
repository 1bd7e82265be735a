// A dossier's documents in the store: rendered, signed in the plan's order, the completion
// of an Annexe 4 recorded with what it causes in one transaction.
#include "ipt/pipeline/dossier_documents.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "fixture.hpp"
#include "ipt/localpki/trust_services.hpp"
#include "support/dossier_xml.hpp"
#include "support/temp_dir.hpp"

namespace ipt::pipeline {
namespace {

class DossierDocumentsTest : public testing::PipelineTest {
 protected:
  core::Result<SignOutcome> sign(const std::string& field, const std::string& credential, const CompletionHook& hook = {},
                                 std::vector<signing::FieldFill> fills = {}) {
    IPT_TRY(key, signing::load_pkcs12(dir_ / (credential + ".p12"), "mdp"));
    signing::HttpTimestampClient tsa(services_->timestamps().url());
    SignRequest request;
    request.reference = "PT-LIEGE-2026-0002";
    request.document = "annexe-4";
    request.options.field = field;
    request.options.level = signing::Level::b_t;
    request.options.fills = std::move(fills);
    request.key = key->get();
    request.timestamps = &tsa;
    request.trust_anchors = {services_->pki().root().certificate_der()};
    request.actor = "coordinatrice";
    return documents_->sign(request, hook);
  }

};

TEST_F(DossierDocumentsTest, RenderSignInOrderAndStatus) {
  auto rendered = documents_->render("PT-LIEGE-2026-0002", "coordinatrice");
  ASSERT_TRUE(rendered) << rendered.error().message;
  ASSERT_EQ(rendered->size(), 1u);
  EXPECT_EQ((*rendered)[0].path, dir_ / "documents" / "PT-LIEGE-2026-0002" / "annexe-4.pdf");

  // Out of the plan's order, or a field the plan does not give this document: refused.
  auto early = sign("sig_cpms", "cpms");
  ASSERT_FALSE(early);
  EXPECT_NE(early.error().message.find("ce n’est pas encore le tour de « sig_cpms »"), std::string::npos) << early.error().message;
  auto stranger = sign("sig_directeur", "pole");
  ASSERT_FALSE(stranger);
  EXPECT_NE(stranger.error().message.find("n’est pas prévu par le plan"), std::string::npos) << stranger.error().message;

  int hook_calls = 0;
  CompletionHook hook = [&](sqlite3*, const core::Dossier& dossier, const signing::Bytes& pdf) -> core::Result<void> {
    ++hook_calls;
    EXPECT_EQ(dossier.reference, "PT-LIEGE-2026-0002");
    EXPECT_GT(pdf.size(), 100000u);
    return {};
  };
  for (const auto& [field, credential] : std::vector<std::pair<std::string, std::string>>{
           {"sig_pole", "pole"}, {"sig_ecole_ordinaire", "ecole-ordinaire"}, {"sig_cpms", "cpms"}, {"sig_responsable", "responsable"}}) {
    auto outcome = sign(field, credential, hook, field == "sig_cpms" ? std::vector<signing::FieldFill>{{"avis_cpms", "favorable"}}
                                                                     : std::vector<signing::FieldFill>{});
    ASSERT_TRUE(outcome) << field << ": " << outcome.error().message;
    EXPECT_EQ(outcome->complete, field == "sig_responsable");
  }
  EXPECT_EQ(hook_calls, 1);

  auto status = documents_->status("PT-LIEGE-2026-0002", {services_->pki().root().certificate_der()});
  ASSERT_TRUE(status) << status.error().message;
  ASSERT_EQ(status->documents.size(), 1u);
  EXPECT_TRUE(status->documents[0].complete);
  for (const auto& s : status->documents[0].signatures) {
    EXPECT_TRUE(s.signed_) << s.field;
    EXPECT_EQ(s.indication, signing::Indication::valid) << s.field;
  }
  EXPECT_EQ(status->documents[0].signatures[2].signer, "Sophie Martin");

  // Each step is in the audit trail, and the chain holds.
  auto entries = store_->audit_entries("PT-LIEGE-2026-0002");
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 6u);  // import, render, four signatures
  EXPECT_EQ((*entries)[1].action, "document.render");
  EXPECT_EQ((*entries)[5].action, "document.sign");
  EXPECT_NE((*entries)[5].details.find("signatures complètes"), std::string::npos);
  EXPECT_TRUE(store_->verify_audit()->intact);

  // A signed document is never rendered over.
  auto again = documents_->render("PT-LIEGE-2026-0002", "coordinatrice");
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("déjà signé"), std::string::npos);
}

TEST_F(DossierDocumentsTest, AFailingCompletionLeavesEverythingAsItWas) {
  ASSERT_TRUE(documents_->render("PT-LIEGE-2026-0002", "coordinatrice"));
  for (const auto& [field, credential] : std::vector<std::pair<std::string, std::string>>{
           {"sig_pole", "pole"}, {"sig_ecole_ordinaire", "ecole-ordinaire"}, {"sig_cpms", "cpms"}}) {
    auto signed_ = sign(field, credential, {},
                        field == "sig_cpms" ? std::vector<signing::FieldFill>{{"avis_cpms", "favorable"}} : std::vector<signing::FieldFill>{});
    ASSERT_TRUE(signed_) << field << ": " << signed_.error().message;
  }
  const auto path = dir_ / "documents" / "PT-LIEGE-2026-0002" / "annexe-4.pdf";
  const auto before = signing::read_file(path);
  const auto entries_before = store_->audit_entries()->size();
  // The last signature's consequence cannot be stored: the signature is not recorded either.
  auto outcome = sign("sig_responsable", "responsable", [](sqlite3*, const core::Dossier&, const signing::Bytes&) {
    return core::Result<void>(core::fail("file d’envoi indisponible"));
  });
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("file d’envoi indisponible"), std::string::npos);
  ASSERT_TRUE(before);
  EXPECT_EQ(*signing::read_file(path), *before);
  EXPECT_EQ(store_->audit_entries()->size(), entries_before);
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".nouveau"));
}

TEST_F(DossierDocumentsTest, UnknownDossierOrDocument) {
  auto r = documents_->render("PT-INCONNU", "coordinatrice");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("dossier « PT-INCONNU » inconnu"), std::string::npos);
  auto s = sign("sig_pole", "pole");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("document absent du dossier"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace ipt::pipeline
