// A dossier's documents in the store: rendered, signed in the plan's order, the completion
// of an Annexe 4 recorded with what it causes in one transaction.
#include "ipt/pipeline/dossier_documents.hpp"

#include <gtest/gtest.h>

#include "fixture.hpp"
#include "ipt/core/dossier_reader.hpp"
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
  CompletionHook hook = [&](core::Transaction&, const core::Dossier& dossier, const signing::Bytes& pdf) -> core::Result<void> {
    ++hook_calls;
    EXPECT_EQ(dossier.reference, "PT-LIEGE-2026-0002");
    EXPECT_GT(pdf.size(), 100000u);
    return {};
  };
  for (const auto& [field, credential] : std::vector<std::pair<std::string, std::string>>{
           {"sig_pole", "pole"}, {"sig_ecole_ordinaire", "ecole-ordinaire"}, {"sig_cpms", "cpms"}, {"sig_responsable", "responsable"}}) {
    // The CPMS gives its opinion; the responsable writes its own name and quality, which the
    // pole's certification left open (its box).
    std::vector<signing::FieldFill> fills;
    if (field == "sig_cpms") fills = {{"avis_cpms", "favorable"}};
    if (field == "sig_responsable") fills = {{"signataire_responsable", "Martin Sophie, mère"}};
    auto outcome = sign(field, credential, hook, fills);
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

// No revision waits beside `document`: its companion is absent or empty.
bool nothing_pending(const std::filesystem::path& document) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(document.string() + ".nouveau", ec);
  return ec || size == 0;
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
  auto outcome = sign("sig_responsable", "responsable", [](core::Transaction&, const core::Dossier&, const signing::Bytes&) {
    return core::Result<void>(core::fail("file d’envoi indisponible"));
  });
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("file d’envoi indisponible"), std::string::npos);
  ASSERT_TRUE(before);
  EXPECT_EQ(*signing::read_file(path), *before);
  EXPECT_EQ(store_->audit_entries()->size(), entries_before);
  EXPECT_TRUE(nothing_pending(path));
}

// What a process killed between a signature's commit and the exchange of names leaves: the
// signed revision in the document's companion. recover_all (run by `ipt serve` when it
// starts) promotes it when the audit trail recorded it after the document in place, and
// empties a companion that no later entry names.
TEST_F(DossierDocumentsTest, RecoverAllFinishesWhatAKilledProcessLeft) {
  ASSERT_TRUE(documents_->render("PT-LIEGE-2026-0002", "coordinatrice"));
  const auto path = dir_ / "documents" / "PT-LIEGE-2026-0002" / "annexe-4.pdf";
  const auto unsigned_pdf = *signing::read_file(path);
  ASSERT_TRUE(sign("sig_pole", "pole"));
  const auto signed_pdf = *signing::read_file(path);
  // As if the names had not been exchanged: the signed revision pending, the old document in place.
  ASSERT_TRUE(signing::write_file_atomically(path.string() + ".nouveau", signed_pdf));
  ASSERT_TRUE(signing::write_file_atomically(path, unsigned_pdf));
  // And a pending file no audit entry names, beside another document.
  const auto other = dir_ / "documents" / "PT-LIEGE-2026-0002" / "autre.pdf";
  ASSERT_TRUE(signing::write_file_atomically(other.string() + ".nouveau", signing::to_bytes("%PDF-inconnu")));
  auto recovered = documents_->recover_all();
  ASSERT_TRUE(recovered) << recovered.error().message;
  EXPECT_EQ(*recovered, 2);
  EXPECT_EQ(*signing::read_file(path), signed_pdf);
  EXPECT_TRUE(nothing_pending(path));
  EXPECT_TRUE(nothing_pending(other));
  EXPECT_FALSE(std::filesystem::exists(other));
  EXPECT_EQ(*documents_->recover_all(), 0);
}

// Killed after the exchange of names, before the companion was emptied: the companion holds
// the previous revision (recorded, but before the document's), which is never promoted.
TEST_F(DossierDocumentsTest, ThePreviousRevisionLeftInTheCompanionIsNeverPromoted) {
  ASSERT_TRUE(documents_->render("PT-LIEGE-2026-0002", "coordinatrice"));
  const auto path = dir_ / "documents" / "PT-LIEGE-2026-0002" / "annexe-4.pdf";
  ASSERT_TRUE(sign("sig_pole", "pole"));
  const auto first = *signing::read_file(path);
  ASSERT_TRUE(sign("sig_ecole_ordinaire", "ecole-ordinaire"));
  const auto second = *signing::read_file(path);
  ASSERT_NE(first, second);
  ASSERT_TRUE(signing::write_file_atomically(path.string() + ".nouveau", first));
  auto recovered = documents_->recover_all();
  ASSERT_TRUE(recovered) << recovered.error().message;
  EXPECT_EQ(*signing::read_file(path), second);
  EXPECT_TRUE(nothing_pending(path));
  // The next signature goes on from the document in place.
  auto third = sign("sig_cpms", "cpms", {}, {{"avis_cpms", "favorable"}});
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_TRUE(nothing_pending(path));
  EXPECT_EQ(*documents_->recover_all(), 0);
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

namespace ipt::pipeline {
namespace {

// A correction after signing, through the same helper.
using RoundRestartTest = DossierDocumentsTest;

TEST_F(RoundRestartTest, ACorrectedDossierIsNotSignedOnItsOldDocumentsUntilTheRoundRestarts) {
  ASSERT_TRUE(documents_->render("PT-LIEGE-2026-0002", "coordinatrice"));
  ASSERT_TRUE(sign("sig_pole", "pole"));
  // A correction is imported: version 2.
  const std::string corrected = test::DossierXml("c-fin-integration").set_text("fin-integration/motivation", "Motivation corrigée.").str();
  auto dossier = core::parse_dossier(corrected, "corrige.xml");
  ASSERT_TRUE(dossier);
  ASSERT_TRUE(store_->import_dossier(*dossier, corrected, "coordinatrice"));
  auto status = documents_->status("PT-LIEGE-2026-0002", trust());
  ASSERT_TRUE(status);
  EXPECT_EQ(status->version, 2);
  EXPECT_EQ(status->documents_version, 1);
  // The old documents say what version 1 said: not signed any more.
  auto stale = sign("sig_ecole_ordinaire", "ecole-ordinaire");
  ASSERT_FALSE(stale);
  EXPECT_TRUE(stale.error().is(core::Category::refused));
  EXPECT_NE(stale.error().message.find("ipt round restart"), std::string::npos) << stale.error().message;

  EXPECT_FALSE(documents_->restart_round("PT-LIEGE-2026-0002", "  ", "coordinatrice"));  // a reason is required
  const auto before = signing::read_file(dir_ / "documents" / "PT-LIEGE-2026-0002" / "annexe-4.pdf");
  ASSERT_TRUE(before);
  auto restarted = documents_->restart_round("PT-LIEGE-2026-0002", "motivation corrigée à la demande de l’école", "coordinatrice");
  ASSERT_TRUE(restarted) << restarted.error().message;
  // The voided document is kept, byte for byte; the new one is version 2's, unsigned.
  const auto voided = signing::read_file(dir_ / "documents" / "PT-LIEGE-2026-0002" / "annules" / "v1-1" / "annexe-4.pdf");
  ASSERT_TRUE(voided);
  EXPECT_EQ(*voided, *before);
  status = documents_->status("PT-LIEGE-2026-0002", trust());
  ASSERT_TRUE(status);
  EXPECT_EQ(status->documents_version, 2);
  EXPECT_FALSE(status->documents[0].signatures[0].signed_);
  auto entries = store_->audit_entries("PT-LIEGE-2026-0002");
  ASSERT_TRUE(entries);
  const auto restart = std::find_if(entries->begin(), entries->end(), [](const auto& e) { return e.action == "round.restart"; });
  ASSERT_NE(restart, entries->end());
  EXPECT_NE(restart->details.find("raison : motivation corrigée"), std::string::npos) << restart->details;
  EXPECT_NE(restart->details.find("annexe-4 sha256 " + core::sha256_hex(signing::as_text(*before))), std::string::npos);
  EXPECT_EQ(restart->actor, "coordinatrice");
  // The signatures start again, in the plan's order.
  EXPECT_TRUE(sign("sig_pole", "pole"));
  EXPECT_TRUE(store_->verify_audit()->intact);
}

}  // namespace
}  // namespace ipt::pipeline
