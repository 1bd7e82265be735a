// The signing round's rules, through DossierDocuments::sign: the right signer (or a configured
// seal), the right fields, the CPMS's opinion, and nothing signed once the document is complete.
#include <gtest/gtest.h>

#include <algorithm>

#include "fixture.hpp"
#include "ipt/core/dossier_reader.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/signing/form_fields.hpp"
#include "support/dossier_xml.hpp"
#include "support/must.hpp"

namespace ipt::pipeline {
namespace {

using core::Role;

const std::string reference = "PT-LIEGE-2026-0002";
const std::string marie_lambert = "Marie Lambert <marie.lambert@pole-liege.example.be>";

class SigningRoundTest : public testing::PipelineTest {
 protected:
  void render() {
    auto rendered = documents_->render(reference, "coordinatrice");
    ASSERT_TRUE(rendered) << rendered.error().message;
  }

  // Signs `field` of the Annexe 4 with the key of `key_role`'s PKCS#12.
  core::Result<SignOutcome> sign_with(Role key_role, const std::string& field, std::vector<signing::FieldFill> fills = {},
                                      const SigningConfig* config = nullptr) {
    IPT_TRY(key, signing::load_pkcs12(p12(key_role), "mdp"));
    signing::HttpTimestampClient tsa(services_->timestamps().url());
    signing::SignatureOptions options;
    options.field = field;
    options.level = signing::Level::b_t;
    options.fills = std::move(fills);
    SignRequest request{.reference = reference,
                        .document = "annexe-4",
                        .options = std::move(options),
                        .key = key->get(),
                        .timestamps = &tsa,
                        .trust_anchors = trust(),
                        .actor = "coordinatrice",
                        .config = config};
    return documents_->sign(request);
  }

  // Signs the Annexe 4's boxes before the CPMS's, each with its own key.
  void sign_pole_and_school() {
    for (const auto& [role, field] : {std::pair{Role::pole, "sig_pole"}, std::pair{Role::ecole_ordinaire, "sig_ecole_ordinaire"}}) {
      auto outcome = sign_with(role, field);
      ASSERT_TRUE(outcome) << field << ": " << outcome.error().message;
    }
  }

  signing::CertificateIdentity certificate_of(Role role) const {
    const auto key = test::must(signing::load_pkcs12(p12(role), "mdp"), "PKCS#12");
    return test::must(signing::describe_certificate(key->certificate()), "certificat");
  }

  signing::Bytes stored() const {
    return test::must(signing::read_file(dir_ / "documents" / reference / "annexe-4.pdf"), "annexe-4.pdf");
  }

  std::vector<core::AuditEntry> audited(const std::string& action) const {
    auto entries = test::must(store_->audit_entries(reference), "journal");
    std::erase_if(entries, [&](const core::AuditEntry& e) { return e.action != action; });
    return entries;
  }

  // Asserts that signing `field` with `key_role`'s key and `fills` is refused for `reason`,
  // leaving the stored document as it was.
  void expect_refused(Role key_role, const std::string& field, std::vector<signing::FieldFill> fills, const std::string& reason,
                      const SigningConfig* config = nullptr) {
    const auto before = stored();
    auto outcome = sign_with(key_role, field, std::move(fills), config);
    ASSERT_FALSE(outcome) << field << " : signé, refus attendu (" << reason << ")";
    EXPECT_TRUE(outcome.error().is(core::Category::refused)) << outcome.error().message;
    EXPECT_NE(outcome.error().message.find(reason), std::string::npos) << outcome.error().message;
    EXPECT_EQ(stored(), before) << field;
  }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(SigningRoundTest, AnotherSignatorysCertificateIsRefusedAndAudited) {
  render();
  const auto school = certificate_of(Role::ecole_ordinaire);
  expect_refused(Role::ecole_ordinaire, "sig_pole", {},
                 "annexe-4 : signature refusée : le certificat « Jean-François Renard, École communale de Sainte-Walburge » (empreinte SHA-256 " +
                     school.sha256.substr(0, 16) + "…) n’est pas celui du signataire prévu, " + marie_lambert);

  // The refusal is audited with the certificate tried, and no secret.
  const auto refused = audited("document.sign.refused");
  ASSERT_EQ(refused.size(), 1u);
  const std::string& details = refused[0].details;
  EXPECT_EQ(refused[0].actor, "coordinatrice");
  EXPECT_TRUE(details.starts_with("annexe-4 sig_pole : le certificat « Jean-François Renard")) << details;
  EXPECT_TRUE(contains(details, "certificat : " + school.subject + " ; émetteur : " + school.issuer)) << details;
  EXPECT_TRUE(contains(details, "n° de série " + school.serial)) << details;
  EXPECT_TRUE(contains(details, "empreinte SHA-256 " + school.sha256)) << details;
  EXPECT_FALSE(contains(details, "mdp")) << details;
  EXPECT_FALSE(contains(details, "PRIVATE KEY")) << details;
  EXPECT_TRUE(audited("document.sign").empty());

  // The planned signatory's own certificate signs; the audit entry names field and certificate.
  const auto pole = certificate_of(Role::pole);
  auto outcome = sign_with(Role::pole, "sig_pole");
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->signer.sha256, pole.sha256);
  const auto signed_ = audited("document.sign");
  ASSERT_EQ(signed_.size(), 1u);
  EXPECT_TRUE(signed_[0].details.starts_with("annexe-4 sig_pole B-T, sha256 " + outcome->document.sha256)) << signed_[0].details;
  EXPECT_TRUE(contains(signed_[0].details, "n° de série " + pole.serial + " ; empreinte SHA-256 " + pole.sha256)) << signed_[0].details;
  EXPECT_TRUE(contains(signed_[0].details, "identité : le certificat nomme " + marie_lambert)) << signed_[0].details;
  EXPECT_TRUE(store_->verify_audit()->intact);
}

TEST_F(SigningRoundTest, AConfiguredSealSignsForItsOrganisationOnly) {
  render();
  // The school's certificate names neither Marie Lambert nor her address.
  const auto seal = certificate_of(Role::ecole_ordinaire);
  const std::string not_planned = "n’est pas celui du signataire prévu, " + marie_lambert + ", ni un cachet configuré pour pole";
  expect_refused(Role::ecole_ordinaire, "sig_pole", {}, not_planned);
  SigningConfig other_role;
  other_role.seals = {{Role::ecole_ordinaire, seal.sha256, std::nullopt}};
  expect_refused(Role::ecole_ordinaire, "sig_pole", {}, not_planned, &other_role);
  SigningConfig other_fase;
  other_fase.seals = {{Role::pole, seal.sha256, 1133u}};
  expect_refused(Role::ecole_ordinaire, "sig_pole", {}, not_planned, &other_fase);

  SigningConfig config;
  config.seals = {{Role::pole, seal.sha256, 5601u}};
  auto outcome = sign_with(Role::ecole_ordinaire, "sig_pole", {}, &config);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->signer.sha256, seal.sha256);
  ASSERT_NE(outcome->report.find("sig_pole"), nullptr);
  EXPECT_TRUE(outcome->report.find("sig_pole")->valid());
  const auto signed_ = audited("document.sign");
  ASSERT_EQ(signed_.size(), 1u);
  EXPECT_TRUE(contains(signed_[0].details, "identité : cachet configuré pour pole (Pôle territorial de Liège-Centre)")) << signed_[0].details;
}

TEST_F(SigningRoundTest, ASignatoryFillsOnlyItsOwnBox) {
  render();
  expect_refused(Role::pole, "sig_pole", {{"avis_cpms", "favorable"}}, "le champ « avis_cpms » appartient à « cpms », pas à « pole »");
  expect_refused(Role::pole, "sig_pole", {{"signataire_responsable", "Lambert Marie"}},
                 "le champ « signataire_responsable » appartient à « responsable », pas à « pole »");
  expect_refused(Role::pole, "sig_pole", {{"eleve_nom", "Autre"}},
                 "le champ « eleve_nom » n’est pas à remplir par un signataire (donnée du dossier ou champ inconnu)");
  // One field of another box among the signatory's own is enough to refuse.
  expect_refused(Role::pole, "sig_pole", {{"signataire_pole", "Marie Lambert"}, {"avis_ecrit_cpms", "Avis du pôle."}},
                 "le champ « avis_ecrit_cpms » appartient à « cpms », pas à « pole »");
  EXPECT_EQ(audited("document.sign.refused").size(), 4u);

  auto own = sign_with(Role::pole, "sig_pole", {{"signataire_pole", "Marie Lambert, coordonnatrice"}});
  ASSERT_TRUE(own) << own.error().message;
  const auto values = test::must(signing::read_field_values(stored()), "champs");
  EXPECT_EQ(values.at("signataire_pole"), "Marie Lambert, coordonnatrice");
}

TEST_F(SigningRoundTest, TheCpmsSignsWithItsOpinionWrittenOutWhenUnfavourable) {
  // A dossier whose CPMS has not written its opinion: the document's avis_ecrit_cpms is empty.
  const std::string xml = test::DossierXml("c-fin-integration").remove("cpms/avis-ecrit").str();
  const auto dossier = core::parse_dossier(xml, "sans-avis.xml");
  ASSERT_TRUE(dossier);
  ASSERT_TRUE(store_->import_dossier(*dossier, xml, "coordinatrice"));
  render();
  sign_pole_and_school();

  expect_refused(Role::cpms, "sig_cpms", {}, "le CPMS signe avec son avis : remplissez avis_cpms (favorable ou defavorable)");
  expect_refused(Role::cpms, "sig_cpms", {{"avis_cpms", "defavorable"}},
                 "un avis défavorable du CPMS est motivé par écrit : remplissez avis_ecrit_cpms");
  expect_refused(Role::cpms, "sig_cpms", {{"avis_cpms", "defavorable"}, {"avis_ecrit_cpms", "  \n "}},
                 "un avis défavorable du CPMS est motivé par écrit : remplissez avis_ecrit_cpms");
  const std::string written = "Le CPMS estime que l’accompagnement reste nécessaire.";
  auto outcome = sign_with(Role::cpms, "sig_cpms", {{"avis_cpms", "defavorable"}, {"avis_ecrit_cpms", written}});
  ASSERT_TRUE(outcome) << outcome.error().message;
  const auto values = test::must(signing::read_field_values(stored()), "champs");
  EXPECT_EQ(values.at("avis_cpms"), "defavorable");
  EXPECT_EQ(values.at("avis_ecrit_cpms"), written);
}

TEST_F(SigningRoundTest, TheCompleteDocumentVerifiesAndNothingIsSignedAgain) {
  render();
  sign_pole_and_school();
  ASSERT_TRUE(sign_with(Role::cpms, "sig_cpms", {{"avis_cpms", "favorable"}}));
  auto last = sign_with(Role::responsable, "sig_responsable", {{"signataire_responsable", "Dubœuf Hélène, mère"}});
  ASSERT_TRUE(last) << last.error().message;
  EXPECT_TRUE(last->complete);
  EXPECT_TRUE(last->extended);

  const auto report = test::must(signing::verify_pdf(stored(), {.trust_anchors = trust(), .online_revocation = false}), "vérification");
  EXPECT_TRUE(report.valid()) << signing::report_json(report);
  for (const char* field : {"sig_pole", "sig_ecole_ordinaire", "sig_cpms", "sig_responsable"}) {
    ASSERT_NE(report.find(field), nullptr) << field;
    EXPECT_TRUE(report.find(field)->valid()) << field;
  }
  const auto values = test::must(signing::read_field_values(stored()), "champs");
  EXPECT_EQ(values.at("avis_cpms"), "favorable");
  EXPECT_EQ(values.at("signataire_responsable"), "Dubœuf Hélène, mère");

  // Every box is signed: another signature, with or without a fill, is refused.
  for (const auto& [role, field] : {std::pair{Role::pole, "sig_pole"}, std::pair{Role::ecole_ordinaire, "sig_ecole_ordinaire"},
                                    std::pair{Role::cpms, "sig_cpms"}, std::pair{Role::responsable, "sig_responsable"}}) {
    expect_refused(role, field, {}, std::string("le champ « ") + field + " » est déjà signé");
  }
  expect_refused(Role::cpms, "sig_cpms", {{"avis_cpms", "defavorable"}}, "le champ « sig_cpms » est déjà signé");
}

// A document signed elsewhere (as Acrobat Reader with an eID would: any PAdES signer that adds
// one incremental revision) is accepted when it is the stored document plus the planned
// signatory's signature in their field, filling only their own box.
class SignedElsewhereTest : public SigningRoundTest {
 protected:
  // The stored Annexe 4 signed in `field` by `role`'s key outside the round, with `fills`.
  signing::Bytes signed_outside(Role role, const std::string& field, std::vector<signing::FieldFill> fills = {}) {
    auto key = test::must(signing::load_pkcs12(p12(role), "mdp"), "PKCS#12");
    signing::SignatureOptions options;
    options.field = field;
    options.fills = std::move(fills);
    return test::must(signing::sign_pdf(stored(), options, *key, nullptr), "signature hors du tour");
  }

  core::Result<SignOutcome> upload(const std::string& field, const signing::Bytes& pdf) {
    SignRequest request;
    request.reference = reference;
    request.document = "annexe-4";
    request.options.field = field;
    request.trust_anchors = trust();
    request.actor = "portail";
    request.signed_elsewhere = pdf;
    return documents_->sign(request);
  }

  void expect_upload_refused(const std::string& field, const signing::Bytes& pdf, const std::string& reason) {
    const auto before = stored();
    auto outcome = upload(field, pdf);
    ASSERT_FALSE(outcome) << "accepté, refus attendu : " << reason;
    EXPECT_TRUE(outcome.error().is(core::Category::refused)) << outcome.error().message;
    EXPECT_NE(outcome.error().message.find(reason), std::string::npos) << outcome.error().message;
    EXPECT_EQ(stored(), before);
  }
};

TEST_F(SignedElsewhereTest, TheRightSignatureInTheRightFieldIsAccepted) {
  render();
  ASSERT_TRUE(sign_with(Role::pole, "sig_pole"));
  const auto outside = signed_outside(Role::ecole_ordinaire, "sig_ecole_ordinaire", {{"signataire_ecole_ordinaire", "J.-F. Renard, directeur"}});
  auto accepted = upload("sig_ecole_ordinaire", outside);
  ASSERT_TRUE(accepted) << accepted.error().message;
  EXPECT_EQ(stored(), outside);  // kept byte for byte
  const auto entry = audited("document.sign").back();
  EXPECT_TRUE(contains(entry.details, "signé ailleurs et déposé")) << entry.details;
  // The round goes on: the CPMS signs after it.
  EXPECT_TRUE(sign_with(Role::cpms, "sig_cpms", {{"avis_cpms", "favorable"}}));
}

TEST_F(SignedElsewhereTest, AnythingElseIsRefusedAndSaysWhy) {
  render();
  ASSERT_TRUE(sign_with(Role::pole, "sig_pole"));
  // Another person's certificate.
  expect_upload_refused("sig_ecole_ordinaire", signed_outside(Role::cpms, "sig_ecole_ordinaire"),
                        "n’est pas celui du signataire prévu");
  // Another role's field filled on the way.
  expect_upload_refused("sig_ecole_ordinaire", signed_outside(Role::ecole_ordinaire, "sig_ecole_ordinaire", {{"avis_cpms", "defavorable"}}),
                        "le champ « avis_cpms » appartient à « cpms »");
  // No signature in the field the signatory signs.
  expect_upload_refused("sig_ecole_ordinaire", stored(), "ne porte pas de signature dans « sig_ecole_ordinaire »");
  // A revision after the signature.
  const auto signed_once = signed_outside(Role::ecole_ordinaire, "sig_ecole_ordinaire");
  auto key = test::must(signing::load_pkcs12(p12(Role::ecole_ordinaire), "mdp"), "PKCS#12");
  const auto two = test::must(signing::add_validation_data(signed_once, {{key->certificate()}, {}, {}}), "DSS");
  expect_upload_refused("sig_ecole_ordinaire", two, "n’est pas la dernière révision du fichier");
  // A changed document: its first revision is not the stored one's.
  auto rewritten = signed_once;
  const std::string text(rewritten.begin(), rewritten.end());
  const auto producer = text.find("/Producer");
  ASSERT_NE(producer, std::string::npos);
  rewritten[producer + 2] = static_cast<unsigned char>(rewritten[producer + 2] == 'r' ? 'R' : 'r');
  expect_upload_refused("sig_ecole_ordinaire", rewritten, "ce n’est pas le document du dossier complété d’une signature");
}

}  // namespace
}  // namespace ipt::pipeline
