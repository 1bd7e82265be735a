#include "ipt/core/dossier_fields.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "support/dossier_xml.hpp"

namespace ipt::core {
namespace {

TEST(DossierFields, FrenchValuesReadyToPrint) {
  const auto f = dossier_fields(test::example_dossier("c-eleve-majeur"), SchoolCalendar::official());
  EXPECT_EQ(f.at("eleve.nom_prenom"), "Bekkali Yasmine");
  EXPECT_EQ(f.at("eleve.date_naissance"), "15/02/2007");
  EXPECT_EQ(f.at("annee_scolaire_courte"), "2026-27");
  EXPECT_EQ(f.at("calendrier.premier_jour"), "24/08");
  EXPECT_EQ(f.at("calendrier.dernier_jour"), "02/07");
  EXPECT_EQ(f.at("fin.justification.code"), "retour-specialise");
  EXPECT_EQ(f.at("fin.justification"), "Arrêt de l’intégration et inscription, ou retour, dans l’enseignement spécialisé.");
  EXPECT_EQ(f.at("fin.hors_pole.type"), "7");  // a deaf pupil: type 7
  EXPECT_EQ(f.at("fin.orientation"), "Intégration permanente partielle");
  EXPECT_EQ(f.at("pole.fase"), "7801");
  EXPECT_EQ(f.at("signataire.responsable.nom_prenom_qualite"), "Bekkali Yasmine, élève majeure");
  EXPECT_EQ(f.at("signataire.pole.nom_qualite"), "Anne Piret, déléguée du PO de l’école siège");
  EXPECT_EQ(f.at("integration.type"), "Intégration permanente totale");  // the current type (C)
  EXPECT_EQ(f.at("historique.1.permanente_totale"), "6e secondaire professionnelle, depuis le 24/08/2026");
  EXPECT_EQ(f.at("historique.1.permanente_partielle"), "");
  EXPECT_EQ(f.at("historique.2.annee_scolaire"), "");
  EXPECT_EQ(f.at("prolongation.motif"), "");
}

TEST(DossierFields, SameNamesWhateverTheProcedure) {
  const auto& names = dossier_field_names();
  for (const char* example : {"a-premiere-ipt-apres-30-09", "a-concertation-defavorable", "b1-changement-de-pole",
                              "c-fin-integration"}) {
    const auto f = dossier_fields(test::example_dossier(example), SchoolCalendar::official());
    ASSERT_EQ(f.size(), names.size()) << example;
    for (const auto& [key, value] : f) EXPECT_TRUE(names.contains(key)) << key;
  }
  EXPECT_TRUE(names.contains("desaccords.7.motivation"));
  EXPECT_TRUE(names.contains("cpms.avis.code"));
  EXPECT_FALSE(names.contains("desaccords.8.motivation"));
}

TEST(DossierFields, DerogationAndDisagreements) {
  auto f = dossier_fields(test::example_dossier("b2-changement-de-partenaire"), SchoolCalendar::official());
  EXPECT_EQ(f.at("prolongation.motif.code"), "circonstances-exceptionnelles");
  EXPECT_EQ(f.at("prolongation.changement_pole"), "non");
  EXPECT_EQ(f.at("prolongation.ecole_ordinaire_precedente.nom"), "Institut Saint-Louis");
  f = dossier_fields(test::example_dossier("a-concertation-defavorable"), SchoolCalendar::official());
  EXPECT_EQ(f.at("desaccords.1.intervenant"), "Centre psycho-médico-social");
  EXPECT_EQ(f.at("desaccords.1.auteur.nom_complet"), "Sophie Martin");
  EXPECT_EQ(f.at("ecole_specialisee.destinataire_motivations"), "au directeur de l’école d’enseignement spécialisé");
  // The same disagreements keyed by partner: one motivations document each.
  EXPECT_EQ(f.at("desaccord.cpms.auteur.nom_complet"), "Sophie Martin");
  EXPECT_EQ(f.at("desaccord.cpms.motivation"), f.at("desaccords.1.motivation"));
  EXPECT_EQ(f.at("desaccord.ecole_ordinaire.intervenant"), "École d’enseignement ordinaire");
  EXPECT_EQ(f.at("desaccord.pole.motivation"), "");
}

TEST(DossierFields, TheAdultPupilsWordingAgreesWithTheirSex) {
  auto d = test::example_dossier("a-concertation-defavorable");  // Léa, F
  auto& a = std::get<PremiereIpt>(d.evenement);
  a.concertation.desaccords[1].intervenant = Intervenant::eleve_majeur;
  a.proposant = Proposant::eleve_majeur;
  auto f = dossier_fields(d, SchoolCalendar::official());
  EXPECT_EQ(f.at("desaccord.eleve_majeur.intervenant"), "Élève majeure");
  EXPECT_EQ(f.at("desaccords.1.intervenant"), "Élève majeure");
  EXPECT_EQ(f.at("premiere_ipt.proposant"), "L’élève majeure");
  d.eleve.sexe = Sexe::masculin;
  f = dossier_fields(d, SchoolCalendar::official());
  EXPECT_EQ(f.at("desaccord.eleve_majeur.intervenant"), "Élève majeur");
  EXPECT_EQ(f.at("premiere_ipt.proposant"), "L’élève majeur");
}

TEST(DossierFields, CpmsWrittenOpinionForAnnexeFour) {
  const auto f = dossier_fields(test::example_dossier("c-fin-integration"), SchoolCalendar::official());
  EXPECT_EQ(f.at("cpms.avis_ecrit").rfind("Au terme de l’année d’intégration, le CPMS constate", 0), 0u) << f.at("cpms.avis_ecrit");
  EXPECT_EQ(f.at("cpms.avis_ecrit").find('\n'), std::string::npos);  // one paragraph, spaces collapsed
  EXPECT_EQ(dossier_fields(test::example_dossier("c-eleve-majeur"), SchoolCalendar::official()).at("cpms.avis_ecrit"), "");
}

TEST(DossierFields, AnnexeThreeShowsTheCurrentIptAfterTheHistory) {
  const auto f = dossier_fields(test::example_dossier("a-premiere-ipt-apres-30-09"), SchoolCalendar::official());
  EXPECT_EQ(f.at("historique.0.annee_scolaire"), "2025-2026");
  EXPECT_EQ(f.at("historique.0.temporaire_partielle"), "4e primaire, depuis le 12/01/2026");
  EXPECT_EQ(f.at("historique.1.annee_scolaire"), "2026-2027");
  EXPECT_EQ(f.at("historique.1.permanente_totale"), "5e primaire, depuis le 16/11/2026");
  EXPECT_EQ(f.at("historique.2.annee_scolaire"), "");
  EXPECT_EQ(f.at("integration.type"), "Intégration permanente totale");
  EXPECT_EQ(f.at("premiere_ipt.date_envoi"), "12/11/2026");
  // Not for a derogation, whose history already holds the year's row.
  const auto b = dossier_fields(test::example_dossier("b1-changement-de-pole"), SchoolCalendar::official());
  EXPECT_EQ(b.at("historique.3.annee_scolaire"), "");
  EXPECT_EQ(b.at("prolongation.decision.issue.code"), "accordee");
  EXPECT_EQ(b.at("prolongation.decision.date"), "03/12/2026");
}

}  // namespace
}  // namespace ipt::core

namespace ipt::core {
namespace {

// docs/champs-dossier.md is the template author's reference: it must name every field.
TEST(DossierFields, DocumentedInDocs) {
  std::ifstream in(std::string(IPT_SOURCE_DIR) + "/docs/champs-dossier.md");
  ASSERT_TRUE(in);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::regex row_index(R"(\.[0-9]+\.)");
  const std::regex partner(R"(^desaccord\.[a-z_]+\.)");  // one set per partner: desaccord.P.
  for (const auto& name : dossier_field_names()) {
    const std::string generic = std::regex_replace(std::regex_replace(name, row_index, ".N."), partner, "desaccord.P.");
    EXPECT_NE(doc.find("`" + generic + "`"), std::string::npos) << generic << " is not in docs/champs-dossier.md";
  }
}

}  // namespace
}  // namespace ipt::core
