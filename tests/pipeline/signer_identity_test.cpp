// Whether a certificate is the planned signatory's own: by name, by e-mail address, or as a
// seal configured for an organisation's role.
#include "ipt/pipeline/signer_identity.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "support/dossier_xml.hpp"

namespace ipt::pipeline {
namespace {

using core::Role;

const std::string pole_name = "Pôle territorial de Liège-Centre";
const std::string seal_sha256 = "3f1c" + std::string(60, 'a');

// The pole's planned signatory in the procedure-C example.
PlannedSignatory marie_lambert() {
  return {Role::pole, "Marie", "Lambert", "marie.lambert@pole-liege.example.be", pole_name, 5601};
}

signing::CertificateIdentity person(std::string given, std::string surname, std::string cn) {
  signing::CertificateIdentity c;
  c.given_name = std::move(given);
  c.surname = std::move(surname);
  c.common_name = std::move(cn);
  c.subject = "CN=" + c.common_name;
  c.sha256 = std::string(64, 'b');
  return c;
}

// A certificate naming only its organisation, as a seal does.
signing::CertificateIdentity organisation_seal() {
  signing::CertificateIdentity c;
  c.common_name = pole_name;
  c.organisation = pole_name;
  c.subject = "CN=" + pole_name + ",O=" + pole_name;
  c.sha256 = seal_sha256;
  return c;
}

std::optional<IdentityMatch> match_of(const signing::CertificateIdentity& c, const PlannedSignatory& p,
                                      const std::vector<ConfiguredSeal>& seals = {}) {
  return check_signer(c, p, seals).match;
}

TEST(SignerIdentity, MatchesByGivenNameAndSurname) {
  const auto verdict = check_signer(person("Marie", "Lambert", "M. Lambert"), marie_lambert(), {});
  EXPECT_EQ(verdict.match, IdentityMatch::name);
  EXPECT_NE(verdict.reason.find("le certificat nomme Marie Lambert"), std::string::npos) << verdict.reason;
}

TEST(SignerIdentity, MatchesByCommonNameWithoutCaseAccentsOrPunctuation) {
  const PlannedSignatory emilie{Role::cpms, "Émilie", "Dubœuf", "", "Centre PMS", 0};
  EXPECT_EQ(match_of(person("", "", "EMILIE DUBOEUF"), emilie), IdentityMatch::name);
  EXPECT_EQ(match_of(person("", "", "DUBŒUF Émilie"), emilie), IdentityMatch::name);  // surname first
  EXPECT_EQ(match_of(person("EMILIE", "DUBOEUF", ""), emilie), IdentityMatch::name);
  const PlannedSignatory jean_francois{Role::ecole_ordinaire, "Jean-François", "Renard", "", "École", 1133};
  EXPECT_EQ(match_of(person("", "", "jean francois RENARD"), jean_francois), IdentityMatch::name);
  EXPECT_FALSE(match_of(person("", "", "Emilie Dubois"), emilie));
}

TEST(SignerIdentity, BelgianEidNamesEveryFirstNameAndQualifiesItsCommonName) {
  // The eID's givenName holds every first name; its CN ends with " (Signature)".
  const auto eid = person("Marie Anne", "Lambert", "Marie Lambert (Signature)");
  EXPECT_EQ(match_of(eid, marie_lambert()), IdentityMatch::name);
  EXPECT_EQ(match_of(person("", "", "Marie Lambert (Signature)"), marie_lambert()), IdentityMatch::name);
  // The planned first name leads the givenName: a second first name alone is not enough.
  PlannedSignatory anne = marie_lambert();
  anne.first_name = "Anne";
  anne.email.clear();
  EXPECT_FALSE(match_of(eid, anne));
  PlannedSignatory both = marie_lambert();
  both.first_name = "Marie Anne";
  EXPECT_EQ(match_of(eid, both), IdentityMatch::name);
}

TEST(SignerIdentity, MatchesByEmailAddressWithoutCase) {
  auto c = person("", "", "Coordination du pôle");
  c.emails = {"secretariat@pole-liege.example.be", "Marie.Lambert@Pole-Liege.Example.BE"};
  const auto verdict = check_signer(c, marie_lambert(), {});
  EXPECT_EQ(verdict.match, IdentityMatch::email);
  EXPECT_NE(verdict.reason.find("le certificat porte l’adresse marie.lambert@pole-liege.example.be"), std::string::npos)
      << verdict.reason;
  // Another mailbox, even one that only differs by its punctuation, is someone else's.
  c.emails = {"marie-lambert@pole-liege.example.be"};
  EXPECT_FALSE(match_of(c, marie_lambert()));
  c.emails = {"marie.lambert@pole-namur.example.be"};
  EXPECT_FALSE(match_of(c, marie_lambert()));
}

TEST(SignerIdentity, RefusesAnotherPersonOfTheSameOrganisationNamingBoth) {
  // The demo once signed the pole's box with Claire Lambert's certificate.
  auto claire = person("Claire", "Lambert", "Claire Lambert");
  claire.organisation = pole_name;
  claire.emails = {"claire.lambert@pole-liege.example.be"};
  const auto verdict = check_signer(claire, marie_lambert(), {});
  EXPECT_FALSE(verdict.accepted());
  EXPECT_NE(verdict.reason.find("le certificat « Claire Lambert, " + pole_name + " »"), std::string::npos) << verdict.reason;
  EXPECT_NE(verdict.reason.find("n’est pas celui du signataire prévu, Marie Lambert <marie.lambert@pole-liege.example.be>"),
            std::string::npos)
      << verdict.reason;
  EXPECT_NE(verdict.reason.find("empreinte SHA-256 bbbbbbbbbbbbbbbb…"), std::string::npos) << verdict.reason;
  EXPECT_NE(verdict.reason.find("ni un cachet configuré pour pole"), std::string::npos) << verdict.reason;
}

TEST(SignerIdentity, SealAcceptedForItsRoleAndFase) {
  const auto seal = organisation_seal();
  const auto any_fase = check_signer(seal, marie_lambert(), std::vector<ConfiguredSeal>{{Role::pole, seal_sha256, std::nullopt}});
  EXPECT_EQ(any_fase.match, IdentityMatch::seal);
  EXPECT_EQ(any_fase.reason, "cachet configuré pour pole (" + pole_name + ")");
  EXPECT_EQ(match_of(seal, marie_lambert(), {{Role::pole, seal_sha256, 5601u}}), IdentityMatch::seal);
  // Among other seals, only the matching one counts.
  EXPECT_EQ(match_of(seal, marie_lambert(), {{Role::cpms, seal_sha256, std::nullopt}, {Role::pole, seal_sha256, 5601u}}),
            IdentityMatch::seal);
}

TEST(SignerIdentity, SealRefusedForAnotherRoleFaseOrCertificate) {
  const auto seal = organisation_seal();
  EXPECT_FALSE(match_of(seal, marie_lambert(), {{Role::ecole_ordinaire, seal_sha256, std::nullopt}}));
  EXPECT_FALSE(match_of(seal, marie_lambert(), {{Role::pole, seal_sha256, 1133u}}));
  EXPECT_FALSE(match_of(seal, marie_lambert(), {{Role::pole, std::string(64, 'c'), std::nullopt}}));
  EXPECT_FALSE(match_of(seal, marie_lambert(), {}));
}

TEST(SignerIdentity, NeverASealForTheResponsable) {
  auto seal = organisation_seal();
  const PlannedSignatory mother{Role::responsable, "Hélène", "Dubœuf", "helene.duboeuf@example.be", "", 0};
  const auto verdict = check_signer(seal, mother, std::vector<ConfiguredSeal>{{Role::responsable, seal_sha256, std::nullopt}});
  EXPECT_FALSE(verdict.accepted());
  EXPECT_NE(verdict.reason.find("signataire prévu, Hélène Dubœuf <helene.duboeuf@example.be>"), std::string::npos) << verdict.reason;
  EXPECT_EQ(verdict.reason.find("cachet"), std::string::npos) << verdict.reason;
}

TEST(SignerIdentity, PlannedSignatoriesOfTheExample) {
  const auto dossier = test::example_dossier("c-fin-integration");
  const auto pole = planned_signatory(dossier, Role::pole);
  ASSERT_TRUE(pole);
  EXPECT_EQ(pole->role, Role::pole);
  EXPECT_EQ(pole->first_name, "Marie");
  EXPECT_EQ(pole->last_name, "Lambert");
  EXPECT_EQ(pole->email, "marie.lambert@pole-liege.example.be");
  EXPECT_EQ(pole->organisation, pole_name);
  EXPECT_EQ(pole->fase, 5601u);

  const auto school = planned_signatory(dossier, Role::ecole_ordinaire);
  ASSERT_TRUE(school);
  EXPECT_EQ(school->first_name + " " + school->last_name, "Jean-François Renard");
  EXPECT_EQ(school->organisation, "École communale de Sainte-Walburge");
  EXPECT_EQ(school->fase, 1133u);

  const auto cpms = planned_signatory(dossier, Role::cpms);
  ASSERT_TRUE(cpms);
  EXPECT_EQ(cpms->first_name + " " + cpms->last_name, "Sophie Martin");
  EXPECT_EQ(cpms->organisation, "Centre PMS de la Ville de Liège II");
  EXPECT_EQ(cpms->fase, 0u);

  const auto responsable = planned_signatory(dossier, Role::responsable);
  ASSERT_TRUE(responsable);
  EXPECT_EQ(responsable->first_name + " " + responsable->last_name, "Hélène Dubœuf");
  EXPECT_EQ(responsable->email, "helene.duboeuf@example.be");
  EXPECT_TRUE(responsable->organisation.empty());
  EXPECT_EQ(responsable->fase, 0u);

  // A role the dossier names no signataire for has no planned signatory.
  auto without = dossier;
  std::erase_if(without.signataires, [](const core::Signataire& s) { return s.role == Role::responsable; });
  EXPECT_FALSE(planned_signatory(without, Role::responsable));
}

}  // namespace
}  // namespace ipt::pipeline
