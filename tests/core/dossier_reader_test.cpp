#include "ipt/core/dossier_reader.hpp"

#include <gtest/gtest.h>

#include <tuple>

#include "ipt/core/reference.hpp"

#include <algorithm>
#include <random>

#include "support/dossier_xml.hpp"

namespace ipt::core {
namespace {

using test::DossierXml;
using test::example_text;

const char* const examples[] = {
    "a-premiere-ipt-apres-30-09", "a-premiere-ipt-liste-30-09", "a-concertation-defavorable",
    "a-avis-cpms-defavorable",    "b1-changement-de-pole",      "b2-changement-de-partenaire",
    "c-fin-integration",          "c-eleve-majeur"};

int line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  if (at == std::string::npos) return -1;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

Diagnostics problems(const std::string& xml) {
  auto parsed = parse_dossier(xml, "dossier.xml");
  if (parsed) return {};
  return parsed.error();
}

// True when some diagnostic has this path and a reason containing `reason_part`.
::testing::AssertionResult has_problem(const Diagnostics& all, const std::string& path, const std::string& reason_part) {
  for (const auto& d : all) {
    if (d.path == path && d.reason.find(reason_part) != std::string::npos) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no problem at " << path << " containing « " << reason_part
                                       << " » among:\n" << format_diagnostics(all);
}

TEST(DossierReader, EveryExampleIsValid) {
  for (const char* name : examples) {
    const auto parsed = parse_dossier(example_text(name), name);
    EXPECT_TRUE(parsed) << name << ":\n" << (parsed ? "" : format_diagnostics(parsed.error()));
  }
}

TEST(DossierReader, ReadsEveryPartOfTheDossier) {
  const auto d = test::example_dossier("a-premiere-ipt-apres-30-09");
  EXPECT_EQ(d.reference, "PT-LIEGE-2026-0007");
  EXPECT_EQ(d.annee_scolaire.label(), "2026-2027");
  EXPECT_EQ(d.eleve.nom, "Dubœuf");
  EXPECT_EQ(d.eleve.date_naissance.iso(), "2015-04-22");
  EXPECT_EQ(d.eleve.sexe, Sexe::feminin);
  EXPECT_EQ(d.eleve.numero_national, "15042212374");
  ASSERT_EQ(d.responsables.size(), 1u);
  EXPECT_EQ(d.responsables[0].qualite, "mère");
  EXPECT_EQ(d.ecole_specialisee.reseau, Reseau::officiel_subventionne);
  EXPECT_EQ(d.pole.fase, 5601u);
  EXPECT_EQ(d.pole.fase_implantation, 5602u);
  EXPECT_EQ(d.ecole_ordinaire.nom, "École communale de Sainte-Walburge");
  EXPECT_EQ(d.coordonnateur.email, "marie.lambert@pole-liege.example.be");
  ASSERT_EQ(d.historique.size(), 1u);
  EXPECT_EQ(d.historique[0].type, TypeIntegration::temporaire_partielle);
  EXPECT_EQ(d.protocole.date.iso(), "2026-11-16");
  // Source line breaks inside a paragraph become spaces.
  EXPECT_EQ(d.protocole.equipements, "Une tablette avec logiciel de synthèse vocale ; un casque anti-bruit.");
  EXPECT_EQ(d.protocole.synthese.find('\n'), std::string::npos);
  EXPECT_NE(d.protocole.synthese.find("(dysphasie) pour lequel elle est suivie en logopédie. L’intégration"),
            std::string::npos);
  const auto* a = std::get_if<PremiereIpt>(&d.evenement);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->proposant, Proposant::parents);
  EXPECT_TRUE(a->concertation.favorable);
  ASSERT_EQ(d.signataires.size(), 4u);
  EXPECT_EQ(d.find_signataire(Role::cpms)->personne.nom, "Martin");
  EXPECT_FALSE(d.eleve_majeur());
}

TEST(DossierReader, KeepsParagraphBreaks) {
  const auto xml = DossierXml("c-fin-integration")
                       .set_text("fin-integration/motivation", "Premier paragraphe\n   sur deux lignes.\n\n   Second.")
                       .str();
  const auto d = parse_dossier(xml, "x.xml");
  ASSERT_TRUE(d) << format_diagnostics(d.error());
  EXPECT_EQ(std::get<FinIntegration>(d->evenement).motivation, "Premier paragraphe sur deux lignes.\nSecond.");
}

TEST(DossierReader, ReportsFileLinePathAndReason) {
  std::string xml = example_text("a-premiere-ipt-apres-30-09");
  const int eleve_line = line_of(xml, "<eleve>");
  xml.replace(xml.find("<sexe>F</sexe>"), 14, "");
  const auto all = problems(xml);
  ASSERT_EQ(all.size(), 1u) << format_diagnostics(all);
  EXPECT_EQ(all[0].to_string(), "dossier.xml:" + std::to_string(eleve_line) + ": dossier/eleve: élément <sexe> manquant");
}

TEST(DossierReader, MalformedXmlIsOneDiagnosticWithItsLine) {
  std::string xml = example_text("a-premiere-ipt-apres-30-09");
  const int line = line_of(xml, "<sexe>F</sexe>");
  xml.replace(xml.find("<sexe>F</sexe>"), 14, "<sexe>F</sex>");
  const auto all = problems(xml);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].line, line);
  EXPECT_NE(all[0].reason.find("XML mal formé"), std::string::npos) << all[0].reason;
}

TEST(DossierReader, UnknownElementsAndAttributesAreErrors) {
  const auto all = problems(DossierXml("a-premiere-ipt-apres-30-09")
                                .add_child("eleve", "surnom", "Lili")
                                .set_attribute("pole", "region", "Liège")
                                .str());
  EXPECT_TRUE(has_problem(all, "dossier/eleve/surnom", "élément inconnu"));
  EXPECT_TRUE(has_problem(all, "dossier/pole/@region", "attribut inconnu"));
}

TEST(DossierReader, ReportsEveryProblemAtOnce) {
  const auto all = problems(DossierXml("a-premiere-ipt-apres-30-09")
                                .set_text("eleve/date-naissance", "2015-02-30")
                                .set_attribute("ecole-ordinaire", "fase", "0")
                                .set_attribute("pole", "fase-implantation", "12a")
                                .set_text("responsables/responsable/email", "helene@@example")
                                .set_text("eleve/numero-national", "15.04.22-123.75")
                                .set_attribute("protocole", "date", "2026-13-01")
                                .remove("protocole/transport")
                                .str());
  EXPECT_TRUE(has_problem(all, "dossier/eleve/date-naissance", "date invalide (format AAAA-MM-JJ"));
  // The pupil's own values are never repeated in a message.
  EXPECT_EQ(format_diagnostics(all).find("2015-02-30"), std::string::npos) << format_diagnostics(all);
  EXPECT_EQ(format_diagnostics(all).find("15.04.22"), std::string::npos) << format_diagnostics(all);
  EXPECT_TRUE(has_problem(all, "dossier/ecole-ordinaire/@fase", "numéro FASE invalide « 0 »"));
  EXPECT_TRUE(has_problem(all, "dossier/pole/@fase-implantation", "numéro FASE invalide « 12a »"));
  EXPECT_TRUE(has_problem(all, "dossier/responsables/responsable[1]/email", "adresse électronique invalide"));
  EXPECT_TRUE(has_problem(all, "dossier/eleve/numero-national", "modulo 97"));
  EXPECT_TRUE(has_problem(all, "dossier/protocole/@date", "date invalide"));
  EXPECT_TRUE(has_problem(all, "dossier/protocole", "élément <transport> manquant"));
  EXPECT_EQ(all.size(), 7u) << format_diagnostics(all);
  // Diagnostics come in file order.
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.line < b.line; }));
}

TEST(DossierReader, ChecksDatesAgainstEachOther) {
  auto all = problems(DossierXml("a-premiere-ipt-apres-30-09").set_text("eleve/date-inscription-specialise", "2014-09-01").str());
  EXPECT_TRUE(has_problem(all, "dossier/eleve/date-inscription-specialise", "doit suivre la naissance"));

  all = problems(DossierXml("a-premiere-ipt-apres-30-09").set_attribute("premiere-ipt/concertation", "date", "2026-10-01").str());
  EXPECT_TRUE(has_problem(all, "dossier/premiere-ipt/concertation/@date", "précède la proposition"));

  all = problems(DossierXml("a-premiere-ipt-apres-30-09").set_attribute("protocole", "date", "2027-09-01").str());
  EXPECT_TRUE(has_problem(all, "dossier/@annee-scolaire", "n’est pas dans l’année scolaire 2026-2027"));

  all = problems(DossierXml("c-fin-integration").set_attribute("fin-integration", "date-arret", "2026-11-20").str());
  EXPECT_TRUE(has_problem(all, "dossier/fin-integration/@date-arret", "précède la décision du conseil de classe"));

  all = problems(DossierXml("c-eleve-majeur")
                     .set_attribute("fin-integration", "type-actuel", "itp")
                     .add_child("fin-integration", "periode")
                     .set_attribute("fin-integration/periode", "debut", "2026-12-01")
                     .set_attribute("fin-integration/periode", "fin", "2026-10-01")
                     .str());
  EXPECT_TRUE(has_problem(all, "dossier/fin-integration/periode", "finit avant de commencer"));

  all = problems(DossierXml("b1-changement-de-pole").set_attribute("prolongation", "reception", "2026-11-10").str());
  EXPECT_TRUE(has_problem(all, "dossier/prolongation/@reception", "précède l’envoi"));
}

TEST(DossierReader, NationalRegisterNumberMatchesBirthDate) {
  // 15.04.23-... has a valid key for another birth date.
  const auto all = problems(DossierXml("a-premiere-ipt-apres-30-09").set_text("eleve/date-naissance", "2015-04-23").str());
  EXPECT_TRUE(has_problem(all, "dossier/eleve/numero-national", "ne correspond pas à la date de naissance"));
}

TEST(DossierReader, TextThePdfCannotDrawIsRefused) {
  const auto all = problems(DossierXml("a-premiere-ipt-apres-30-09").set_text("protocole/transport", "Trajet de 2\u202fkm").str());
  EXPECT_TRUE(has_problem(all, "dossier/protocole/transport", "U+202F"));
}

TEST(DossierReader, ExactlyOneEvent) {
  auto all = problems(DossierXml("a-premiere-ipt-apres-30-09").remove("premiere-ipt").str());
  EXPECT_TRUE(has_problem(all, "dossier", "un événement est attendu"));
  all = problems(DossierXml("a-premiere-ipt-apres-30-09").add_child("", "fin-integration").str());
  EXPECT_TRUE(has_problem(all, "dossier", "un seul événement"));
}

TEST(DossierReader, ConcertationRules) {
  auto all = problems(DossierXml("a-premiere-ipt-apres-30-09").set_attribute("premiere-ipt/concertation", "avis", "defavorable").str());
  EXPECT_TRUE(has_problem(all, "dossier/premiere-ipt/concertation", "motiver sa position par écrit"));
  all = problems(DossierXml("a-concertation-defavorable").set_attribute("premiere-ipt/concertation", "avis", "favorable").str());
  EXPECT_TRUE(has_problem(all, "dossier/premiere-ipt/concertation", "aucun <desaccord>"));
}

TEST(DossierReader, DerogationRules) {
  auto all = problems(DossierXml("b2-changement-de-partenaire").remove("prolongation/motivation").str());
  EXPECT_TRUE(has_problem(all, "dossier/prolongation/motivation", "circonstances exceptionnelles"));
  all = problems(DossierXml("b1-changement-de-pole").set_attribute("prolongation", "motif", "demenagement").str());
  EXPECT_TRUE(has_problem(all, "dossier/prolongation/@motif", "valeur « demenagement » inconnue"));
  all = problems(DossierXml("b1-changement-de-pole").set_attribute("protocole", "date", "2026-09-21").str());
  EXPECT_TRUE(has_problem(all, "dossier/protocole/@date", "qu’après le 30/09/2026"));
  all = problems(DossierXml("b1-changement-de-pole")
                     .set_attribute("prolongation/pole-precedent", "fase", "6702")
                     .set_attribute("prolongation/ecole-ordinaire-precedente", "fase", "3310")
                     .str());
  EXPECT_TRUE(has_problem(all, "dossier/prolongation", "aucun changement de partenaire"));
}

TEST(DossierReader, FormSentAndMinistersDecision) {
  const auto a = test::example_dossier("a-premiere-ipt-apres-30-09");
  ASSERT_TRUE(std::get<PremiereIpt>(a.evenement).date_envoi_formulaire);
  EXPECT_EQ(std::get<PremiereIpt>(a.evenement).date_envoi_formulaire->iso(), "2026-11-12");
  auto all = problems(DossierXml("a-premiere-ipt-apres-30-09").set_attribute("premiere-ipt", "envoi", "2026-10-11").str());
  EXPECT_TRUE(has_problem(all, "dossier/premiere-ipt/@envoi", "envoyé avant la concertation du 12/10/2026"));

  const auto b = test::example_dossier("b1-changement-de-pole");
  const auto& decision = std::get<Prolongation>(b.evenement).decision;
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->date.iso(), "2026-12-03");
  EXPECT_TRUE(decision->accordee);
  all = problems(DossierXml("b1-changement-de-pole").set_attribute("prolongation/decision-ministre", "date", "2026-11-18").str());
  EXPECT_TRUE(has_problem(all, "dossier/prolongation/decision-ministre/@date", "précède la réception de la demande"));
  all = problems(DossierXml("b1-changement-de-pole").set_attribute("prolongation/decision-ministre", "issue", "oui").str());
  EXPECT_TRUE(has_problem(all, "dossier/prolongation/decision-ministre/@issue", "valeur « oui » inconnue"));
  all = problems(DossierXml("b1-changement-de-pole").remove_attribute("prolongation/decision-ministre", "date").str());
  EXPECT_TRUE(has_problem(all, "dossier/prolongation/decision-ministre/@date", ""));
}

TEST(DossierReader, OneSheetPerDisagreeingPartnerAndRoomForTheCurrentRow) {
  auto all = problems(DossierXml("a-concertation-defavorable")
                          .set_attribute("premiere-ipt/concertation/desaccord[2]", "intervenant", "ecole-ordinaire")
                          .str());
  EXPECT_TRUE(has_problem(all, "dossier/premiere-ipt/concertation/desaccord[2]/@intervenant", "un seul désaccord par intervenant"));

  // Eight earlier rows leave no room on Annexe 3 for the IPT of a first IPT dossier.
  std::string rows = "<historique>";
  const char* starts[] = {"2021-09-06", "2022-01-10", "2022-09-05", "2023-01-09", "2023-09-04", "2024-01-08", "2024-09-02", "2025-09-01"};
  for (const char* start : starts) {
    const int year = std::stoi(std::string(start, 4)) - (std::string(start + 5, 2) == "01" ? 1 : 0);
    rows += "<integration annee-scolaire=\"" + std::to_string(year) + "-" + std::to_string(year + 1) +
            "\" type=\"temporaire-partielle\" debut=\"" + start + "\"><annee-etude>3e primaire</annee-etude></integration>";
  }
  rows += "</historique>";
  all = problems(DossierXml("a-premiere-ipt-apres-30-09").replace("historique", rows).str());
  EXPECT_TRUE(has_problem(all, "dossier/historique", "au plus 7 lignes pour une première IPT"));
  // The same history is fine for an end of integration, whose Annexe 4 has no such row.
  all = problems(DossierXml("c-fin-integration").replace("historique", rows).str());
  EXPECT_FALSE(has_problem(all, "dossier/historique", "au plus 7 lignes"));
}

TEST(DossierReader, SigningOrder) {
  EXPECT_EQ(test::example_dossier("b1-changement-de-pole").ordre_signature, OrdreSignature::pole_auteur);
  EXPECT_EQ(test::example_dossier("c-fin-integration").ordre_signature, OrdreSignature::formulaire);
  const auto all = problems(DossierXml("c-fin-integration").set_attribute("signataires", "ordre", "pole").str());
  EXPECT_TRUE(has_problem(all, "dossier/signataires/@ordre", "valeur « pole » inconnue"));
}

TEST(DossierReader, WhoSignsForThePupil) {
  // An adult pupil signs themself.
  auto all = problems(DossierXml("c-eleve-majeur").set_text("signataires/signataire[4]/prenom", "Karim").str());
  EXPECT_TRUE(has_problem(all, "dossier/signataires/signataire", "elle signe elle-même"));
  // The message does not echo the pupil's name.
  EXPECT_EQ(format_diagnostics(all).find("Bekkali"), std::string::npos) << format_diagnostics(all);
  // A minor needs a responsable, and the signatory must be one of them.
  all = problems(DossierXml("c-fin-integration").remove("responsables").str());
  EXPECT_TRUE(has_problem(all, "dossier/responsables", "au moins un responsable est obligatoire"));
  all = problems(DossierXml("c-fin-integration").set_text("signataires/signataire[4]/nom", "Durand").str());
  EXPECT_TRUE(has_problem(all, "dossier/signataires/signataire", "l’un des responsables"));
  all = problems(DossierXml("c-fin-integration").remove("signataires/signataire[2]").str());
  EXPECT_TRUE(has_problem(all, "dossier/signataires", "rôle « ecole-ordinaire »"));
  all = problems(DossierXml("a-premiere-ipt-apres-30-09").set_attribute("premiere-ipt/proposition", "par", "eleve-majeur").str());
  EXPECT_TRUE(has_problem(all, "dossier/premiere-ipt/proposition/@par", "n’est pas majeure"));
}

TEST(DossierReader, ReferenceMustNotCarryThePupilsName) {
  // Surname, first name, accents and ligatures transliterated, whole words only.
  for (const auto& [reference, first, last] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"NGUYEN-2026", "Théo", "Nguyen"},
           {"PT-THEO-2026-0002", "Théo", "Nguyen"},
           {"PT-DUBOEUF-2026-0002", "Théo", "Dubœuf"},
           {"PT-LEA-2026-0002", "Léa", "Martin"},
           {"PT-VANDAMME-2026", "Léa", "Van Damme"}}) {
    const auto all = problems(DossierXml("b1-changement-de-pole")
                                  .set_attribute("", "reference", reference)
                                  .set_text("eleve/prenom", first)
                                  .set_text("eleve/nom", last)
                                  .str());
    EXPECT_TRUE(has_problem(all, "dossier/@reference", "ne doit pas contenir le nom de l’élève")) << reference;
  }
  // A reference that merely contains the letters of a name elsewhere is fine.
  const auto fine = problems(DossierXml("b1-changement-de-pole").set_attribute("", "reference", "PT-THEODORE-2026").str());
  EXPECT_TRUE(fine.empty()) << format_diagnostics(fine);
}

TEST(DossierReader, ReferenceFollowsOnePatternThatNeverNamesAFolder) {
  for (const std::string& bad : std::vector<std::string>{".", "..", "-x", "a..b", "a/b", std::string(65, 'a'), "é"}) {
    const auto all = problems(DossierXml("b1-changement-de-pole").set_attribute("", "reference", bad).str());
    EXPECT_TRUE(has_problem(all, "dossier/@reference", "référence de dossier invalide")) << bad;
  }
  EXPECT_TRUE(core::check_reference("PT-LIEGE-2026-0002"));
  EXPECT_FALSE(core::check_reference(".."));
}

TEST(DossierReader, TooLongTextIsNamed) {
  const auto all = problems(DossierXml("a-premiere-ipt-apres-30-09").set_text("eleve/prenom", std::string(150, 'a')).str());
  EXPECT_TRUE(has_problem(all, "dossier/eleve/prenom", "texte trop long (150 caractères, 100 au plus)"));
}

TEST(DossierReader, NotADossier) {
  auto all = problems("<calendrier/>");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_NE(all[0].reason.find("<dossier>"), std::string::npos);
  all = problems("");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_NE(all[0].reason.find("XML mal formé"), std::string::npos);
  const auto missing = load_dossier("/nonexistent/dossier.xml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error()[0].to_string(), "/nonexistent/dossier.xml:0: fichier illisible ou introuvable");
}

// Hostile input never crashes the reader: every truncation and random byte changes of an
// example give diagnostics, never a crash.
TEST(DossierReader, SurvivesTruncatedAndCorruptedInput) {
  const std::string xml = example_text("a-concertation-defavorable");
  for (size_t n = 0; n < xml.size(); n += 13) {
    EXPECT_FALSE(parse_dossier(xml.substr(0, n), "x.xml")) << "prefix of " << n << " bytes";
  }
  std::mt19937 random(8783);
  std::uniform_int_distribution<size_t> position(0, xml.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 2000; ++round) {
    std::string corrupted = xml;
    for (int k = 0; k < 3; ++k) corrupted[position(random)] = static_cast<char>(byte(random));
    const auto parsed = parse_dossier(corrupted, "x.xml");
    if (!parsed) {
      EXPECT_FALSE(parsed.error().empty());
    }
  }
  // Deep nesting is refused by the XML parser, not by a stack overflow.
  std::string deep = "<dossier>";
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  EXPECT_FALSE(parse_dossier(deep, "deep.xml"));
}

}  // namespace
}  // namespace ipt::core
