#include "ipt/core/plan.hpp"

#include <gtest/gtest.h>

#include "ipt/core/dossier_reader.hpp"
#include "support/dossier_xml.hpp"

namespace ipt::core {
namespace {

using test::DossierXml;

Plan plan_of(const Dossier& d) {
  auto plan = make_plan(d, SchoolCalendar::official());
  if (!plan) throw std::runtime_error(plan.error().message);
  return *plan;
}

Plan plan_of(const std::string& example) { return plan_of(test::example_dossier(example)); }

Dossier parse(const std::string& xml) {
  auto d = parse_dossier(xml, "x.xml");
  if (!d) throw std::runtime_error(format_diagnostics(d.error()));
  return *d;
}

std::vector<Document> documents(const Plan& p) {
  std::vector<Document> out;
  for (const auto& d : p.documents) out.push_back(d.document);
  return out;
}

std::vector<Role> signing_order(const Plan& p, Document doc) {
  for (const auto& d : p.documents) {
    if (d.document != doc) continue;
    std::vector<Role> out;
    for (const auto& s : d.signatures) out.push_back(s.role);
    return out;
  }
  return {};
}

bool mentions(const Plan& p, const std::string& text) {
  for (const auto& r : p.remarques) {
    if (r.find(text) != std::string::npos) return true;
  }
  return false;
}

const std::vector<Role> all_partners = {Role::pole, Role::ecole_ordinaire, Role::cpms, Role::responsable};

struct ProcedureCase {
  const char* example;
  Procedure procedure;
  std::vector<Document> documents;
  bool budget_c;
  bool e_poles;
  std::vector<Destinataire> sent_to;
  const char* start_condition;
};

// One row per procedure of the circular (section 1, 2 and 3).
const ProcedureCase procedures[] = {
    {"a-premiere-ipt-apres-30-09", Procedure::premiere_ipt_apres_30_09,
     {Document::annexe_1, Document::annexe_2b, Document::annexe_2c, Document::annexe_3, Document::declaration_premiere_ipt},
     true, true, {Destinataire::administration}, "pour autant qu'elle ait été signalée à l'Administration"},
    {"a-premiere-ipt-liste-30-09", Procedure::premiere_ipt_liste_30_09,
     {Document::annexe_1, Document::annexe_2b, Document::annexe_2c, Document::annexe_3},
     false, false, {Destinataire::administration}, "figure sur la liste transmise à l'Administration pour le 30/09/2026"},
    {"b1-changement-de-pole", Procedure::prolongation_autre_pole,
     {Document::annexe_2b, Document::annexe_2c, Document::declaration_prolongation_ipt},
     true, true, {Destinataire::ministre, Destinataire::administration}, "validée par le Ministre"},
    {"b2-changement-de-partenaire", Procedure::prolongation_meme_pole,
     {Document::annexe_2b, Document::annexe_2c, Document::declaration_prolongation_ipt},
     false, false, {Destinataire::ministre, Destinataire::administration}, "validée par le Ministre"},
    {"c-fin-integration", Procedure::fin_ipt, {Document::annexe_4}, false, false, {Destinataire::administration},
     "prend fin le 18/12/2026"},
};

TEST(Plan, EachProcedureOfTheCircular) {
  for (const auto& c : procedures) {
    const auto p = plan_of(c.example);
    EXPECT_EQ(p.procedure, c.procedure) << c.example;
    EXPECT_TRUE(p.poursuivie) << c.example;
    EXPECT_EQ(documents(p), c.documents) << c.example;
    EXPECT_EQ(p.moyens_budget_c, c.budget_c) << c.example;
    EXPECT_EQ(p.encodage_e_poles, c.e_poles) << c.example;
    ASSERT_EQ(p.envois.size(), 1u) << c.example;
    EXPECT_EQ(p.envois[0].destinataires, c.sent_to) << c.example;
    EXPECT_NE(p.condition_debut.find(c.start_condition), std::string::npos) << c.example << ": " << p.condition_debut;
    EXPECT_EQ(p.limite_30_09.iso(), "2026-09-30");
    // The protocol (2c) or the bilan (4) is signed by every partner, the pole first.
    const auto signed_doc = c.procedure == Procedure::fin_ipt ? Document::annexe_4 : Document::annexe_2c;
    EXPECT_EQ(signing_order(p, signed_doc), all_partners) << c.example;
    for (const auto& doc : p.documents) {
      EXPECT_EQ(doc.original, Lieu::pole) << c.example;
      EXPECT_EQ(doc.copies, std::vector<Lieu>{Lieu::ecole_ordinaire}) << c.example;
    }
  }
}

TEST(Plan, ListAt30SeptemberIsDueThatDay) {
  const auto p = plan_of("a-premiere-ipt-liste-30-09");
  ASSERT_TRUE(p.envois[0].avant);
  EXPECT_EQ(p.envois[0].avant->iso(), "2026-09-30");
  // The boundary day itself still belongs to the list.
  const auto on_boundary = plan_of(parse(DossierXml("a-premiere-ipt-liste-30-09").set_attribute("protocole", "date", "2026-09-30").str()));
  EXPECT_EQ(on_boundary.procedure, Procedure::premiere_ipt_liste_30_09);
  const auto day_after = plan_of(parse(DossierXml("a-premiere-ipt-liste-30-09").set_attribute("protocole", "date", "2026-10-01").str()));
  EXPECT_EQ(day_after.procedure, Procedure::premiere_ipt_apres_30_09);
}

TEST(Plan, DeclarationsAreSignedByThePoleAndAttachedToTheProtocol) {
  for (const char* example : {"a-premiere-ipt-apres-30-09", "b1-changement-de-pole"}) {
    const auto p = plan_of(example);
    const auto& declaration = p.documents.back();
    EXPECT_TRUE(declaration.document == Document::declaration_premiere_ipt ||
                declaration.document == Document::declaration_prolongation_ipt);
    EXPECT_EQ(signing_order(p, declaration.document), std::vector<Role>{Role::pole}) << example;
  }
  EXPECT_TRUE(mentions(plan_of("a-premiere-ipt-apres-30-09"), "joindre au protocole"));
}

TEST(Plan, ChangeOfPoleAndSamePole) {
  const auto b1 = plan_of("b1-changement-de-pole");
  EXPECT_TRUE(mentions(b1, "Pôle précédent (Pôle territorial de Liège-Centre) : aucun changement dans « e-pôles »"));
  EXPECT_TRUE(mentions(b1, "pas d'Annexe 4"));
  ASSERT_TRUE(b1.decision_ministre);
  EXPECT_EQ(b1.decision_ministre->received.iso(), "2026-11-19");
  EXPECT_EQ(b1.decision_ministre->due.iso(), "2027-01-04");
  const auto b2 = plan_of("b2-changement-de-partenaire");
  EXPECT_TRUE(mentions(b2, "ne génère pas de nouveaux moyens"));
  EXPECT_TRUE(mentions(b2, "Aucun encodage"));
  // No receipt date given: the electronic form counts as received when sent.
  ASSERT_TRUE(b2.decision_ministre);
  EXPECT_EQ(b2.decision_ministre->received.iso(), "2026-12-14");
  EXPECT_TRUE(mentions(b2, "réputé reçu le jour de son envoi"));
}

TEST(Plan, EveryDerogationGroundLeadsToTheMinister) {
  for (const char* motif : {"placement", "changement-domicile", "separation-parents", "externat-internat",
                            "accueil-autre-famille", "exclusion-definitive", "circonstances-exceptionnelles"}) {
    auto xml = DossierXml("b2-changement-de-partenaire").set_attribute("prolongation", "motif", motif).str();
    const auto d = parse(xml);
    const auto p = plan_of(d);
    EXPECT_EQ(p.procedure, Procedure::prolongation_meme_pole) << motif;
    EXPECT_EQ(p.envois[0].destinataires, (std::vector{Destinataire::ministre, Destinataire::administration})) << motif;
    EXPECT_TRUE(p.decision_ministre) << motif;
    EXPECT_NE(p.condition_debut.find("validée par le Ministre"), std::string::npos) << motif;
  }
}

TEST(Plan, UnfavourableConcertationStopsTheProcedure) {
  const auto p = plan_of("a-concertation-defavorable");
  EXPECT_FALSE(p.poursuivie);
  EXPECT_EQ(documents(p), std::vector<Document>{Document::motivations});
  EXPECT_EQ(signing_order(p, Document::motivations), (std::vector{Role::ecole_ordinaire, Role::cpms}));
  EXPECT_EQ(p.documents[0].original, Lieu::ecole_specialisee);
  EXPECT_TRUE(p.envois.empty());
  EXPECT_FALSE(p.moyens_budget_c);
  EXPECT_TRUE(mentions(p, "au directeur de l'école d'enseignement spécialisé"));  // a WBE school
  const auto subsidised = plan_of(parse(DossierXml("a-concertation-defavorable")
                                            .set_attribute("ecole-specialisee", "reseau", "libre-subventionne")
                                            .str()));
  EXPECT_TRUE(mentions(subsidised, "au pouvoir organisateur"));
}

TEST(Plan, UnfavourableCpmsOpinionDoesNotStopIt) {
  const auto p = plan_of("a-avis-cpms-defavorable");
  EXPECT_TRUE(p.poursuivie);
  EXPECT_EQ(p.procedure, Procedure::premiere_ipt_apres_30_09);
  EXPECT_TRUE(mentions(p, "AVIS DÉFAVORABLE"));
  for (const auto& doc : p.documents) {
    for (const auto& s : doc.signatures) EXPECT_EQ(s.avis, s.role == Role::cpms);
  }
}

TEST(Plan, AdultPupilSignsThemself) {
  const auto d = test::example_dossier("c-eleve-majeur");
  EXPECT_TRUE(d.eleve_majeur());
  const auto p = plan_of(d);
  const auto& last = p.documents[0].signatures.back();
  EXPECT_EQ(last.role, Role::responsable);
  EXPECT_EQ(last.field, "sig_responsable");
  EXPECT_EQ(last.signataire, "Yasmine Bekkali");
  EXPECT_EQ(last.qualite, "élève majeur");
  EXPECT_TRUE(mentions(p, "L'élève est majeur"));
}

TEST(Plan, PartnerSchoolReceivesACopy) {
  const auto d = parse(DossierXml("a-premiere-ipt-apres-30-09")
                           .replace("cpms", R"(<cpms><nom>Centre PMS de la Ville de Liège II</nom></cpms>)")
                           .str());
  auto with_partner = d;
  with_partner.ecole_partenaire = EcolePartenaire{};
  const auto p = plan_of(with_partner);
  EXPECT_EQ(p.documents[0].copies, (std::vector{Lieu::ecole_ordinaire, Lieu::ecole_partenaire}));
}

TEST(Plan, MissingCalendarYearIsAnError) {
  auto d = test::example_dossier("b1-changement-de-pole");
  std::get<Prolongation>(d.evenement).date_reception = *Date::parse_iso("2027-06-25");
  const auto p = make_plan(d, SchoolCalendar::official());
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("2027-2028"), std::string::npos) << p.error().message;
  EXPECT_NE(p.error().message.find("PT-NAMUR-2026-0021"), std::string::npos) << p.error().message;
}

}  // namespace
}  // namespace ipt::core
