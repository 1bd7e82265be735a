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

// The plan of an example with one attribute changed.
Plan plan_with(const std::string& example, const std::string& path, const std::string& name, const std::string& value) {
  return plan_of(parse(DossierXml(example).set_attribute(path, name, value).str()));
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

// The order of the signature blocks on each form (the circular gives no signing order).
const std::vector<Role> annexe_2c_form = {Role::ecole_ordinaire, Role::pole, Role::cpms, Role::responsable};
const std::vector<Role> annexe_4_form = {Role::pole, Role::ecole_ordinaire, Role::cpms, Role::responsable};
const std::vector<Role> pole_first = {Role::pole, Role::ecole_ordinaire, Role::cpms, Role::responsable};

bool warns(const Plan& p, const std::string& text) {
  for (const auto& a : p.avertissements) {
    if (a.find(text) != std::string::npos) return true;
  }
  return false;
}

struct ProcedureCase {
  const char* example;
  Procedure procedure;
  std::vector<Document> documents;
  bool budget_c;
  bool e_poles;
  std::vector<Destinataire> sent_to;
  const char* start_condition;
  std::vector<Role> order;  // of the protocol (2c) or the bilan (4)
  bool limite_30_09;        // the 30/09 boundary is a deadline of this procedure
};

// One row per procedure of the circular (section 1, 2 and 3).
const ProcedureCase procedures[] = {
    {"a-premiere-ipt-apres-30-09", Procedure::premiere_ipt_apres_30_09,
     {Document::annexe_1, Document::annexe_2b, Document::annexe_2c, Document::annexe_3, Document::declaration_premiere_ipt},
     true, true, {Destinataire::administration}, "pour autant qu’elle ait été signalée à l’Administration", annexe_2c_form, false},
    {"a-premiere-ipt-liste-30-09", Procedure::premiere_ipt_liste_30_09,
     {Document::annexe_1, Document::annexe_2b, Document::annexe_2c, Document::annexe_3},
     false, false, {Destinataire::administration}, "figure sur la liste transmise à l’Administration pour le 30/09/2026", annexe_2c_form, true},
    {"b1-changement-de-pole", Procedure::prolongation_autre_pole,
     {Document::annexe_2b, Document::annexe_2c, Document::declaration_prolongation_ipt},
     true, true, {Destinataire::ministre, Destinataire::administration}, "le Ministre a accordé la dérogation le 03/12/2026",
     pole_first, false},  // the example's pole certifies as author
    {"b2-changement-de-partenaire", Procedure::prolongation_meme_pole,
     {Document::annexe_2b, Document::annexe_2c, Document::declaration_prolongation_ipt},
     false, false, {Destinataire::ministre, Destinataire::administration}, "validée par le Ministre", annexe_2c_form, false},
    {"c-fin-integration", Procedure::fin_ipt, {Document::annexe_4}, false, false, {Destinataire::administration},
     "prend fin le 18/12/2026", annexe_4_form, false},
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
    // Only the deadlines that apply: the 30/09 list's, for an integration starting by then.
    EXPECT_EQ(p.limite_30_09.has_value(), c.limite_30_09) << c.example;
    if (p.limite_30_09) {
      EXPECT_EQ(p.limite_30_09->iso(), "2026-09-30");
    }
    const auto signed_doc = c.procedure == Procedure::fin_ipt ? Document::annexe_4 : Document::annexe_2c;
    EXPECT_EQ(signing_order(p, signed_doc), c.order) << c.example;
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
  const auto on_boundary = plan_with("a-premiere-ipt-liste-30-09", "protocole", "date", "2026-09-30");
  EXPECT_EQ(on_boundary.procedure, Procedure::premiere_ipt_liste_30_09);
  const auto day_after = plan_with("a-premiere-ipt-liste-30-09", "protocole", "date", "2026-10-01");
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
  EXPECT_TRUE(mentions(b1, "pas d’Annexe 4"));
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
  // One document per partner who disagreed, signed by that partner alone.
  EXPECT_EQ(documents(p), (std::vector{Document::motivations_ecole_ordinaire, Document::motivations_cpms}));
  EXPECT_EQ(signing_order(p, Document::motivations_ecole_ordinaire), std::vector{Role::ecole_ordinaire});
  EXPECT_EQ(signing_order(p, Document::motivations_cpms), std::vector{Role::cpms});
  EXPECT_EQ(p.documents[0].original, Lieu::ecole_specialisee);
  EXPECT_EQ(p.documents[1].original, Lieu::ecole_specialisee);
  // The special school has no signing role: its motivation is signed by hand.
  const auto by_hand = plan_with("a-concertation-defavorable", "premiere-ipt/concertation/desaccord[2]", "intervenant",
                                 "ecole-specialisee");
  EXPECT_EQ(documents(by_hand), (std::vector{Document::motivations_ecole_ordinaire, Document::motivations_ecole_specialisee}));
  EXPECT_TRUE(by_hand.documents[1].signatures.empty());
  EXPECT_TRUE(p.envois.empty());
  EXPECT_FALSE(p.moyens_budget_c);
  EXPECT_TRUE(mentions(p, "au directeur de l’école d’enseignement spécialisé"));  // a WBE school
  EXPECT_TRUE(mentions(p, "dans son propre document qu’il signe seul"));
  // A procedure that stops has no deadline, even for a protocol dated by 30/09.
  EXPECT_FALSE(plan_with("a-concertation-defavorable", "protocole", "date", "2026-09-28").limite_30_09);
  const auto subsidised = plan_with("a-concertation-defavorable", "ecole-specialisee", "reseau", "libre-subventionne");
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
  EXPECT_EQ(last.qualite, "élève majeure");
  EXPECT_TRUE(mentions(p, "L’élève est majeure : elle signe elle-même"));
  // The agreement follows the dossier's sex.
  const auto boy = plan_of(parse(DossierXml("c-eleve-majeur").set_text("eleve/sexe", "M").str()));
  EXPECT_EQ(boy.documents[0].signatures.back().qualite, "élève majeur");
  EXPECT_TRUE(mentions(boy, "L’élève est majeur : il signe lui-même"));
}

TEST(Plan, MaturityBelongsToTheFundamentalFormAndPhaseToTheSecondary) {
  EXPECT_TRUE(plan_of("c-eleve-majeur").avertissements.empty());  // 6e secondaire, forme 3, phase 2
  const auto maturite = plan_of(parse(DossierXml("c-eleve-majeur").add_child("fin-integration/prolongation-hors-pole", "maturite", "III").str()));
  ASSERT_EQ(maturite.avertissements.size(), 1u);
  EXPECT_NE(maturite.avertissements[0].find("une maturité est indiquée pour une année du secondaire"), std::string::npos);
  const auto primaire = plan_of(parse(
      DossierXml("c-eleve-majeur").set_text("fin-integration/prolongation-hors-pole/annee-etude", "5e primaire").str()));
  ASSERT_EQ(primaire.avertissements.size(), 1u);
  EXPECT_NE(primaire.avertissements[0].find("une forme ou une phase est indiquée pour une année du fondamental"), std::string::npos);
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
  // It points at what a user can do, not at a source path.
  EXPECT_NE(p.error().message.find("--calendar"), std::string::npos) << p.error().message;
  EXPECT_EQ(p.error().message.find("core/data"), std::string::npos) << p.error().message;
}

TEST(Plan, ElectronicFormIsAStepForTheCoordinatorWithTheCircularsAddress) {
  const auto a = plan_of("a-premiere-ipt-apres-30-09");
  ASSERT_EQ(a.envois.size(), 1u);
  EXPECT_EQ(a.envois[0].adresse, "https://form.jotform.com/223262293489362");
  EXPECT_EQ(a.envois[0].par, "Marie Lambert, coordonnatrice du pôle");
  ASSERT_TRUE(a.envois[0].fait_le);
  EXPECT_EQ(a.envois[0].fait_le->iso(), "2026-11-12");
  EXPECT_NE(a.condition_debut.find("formulaire envoyé le 12/11/2026"), std::string::npos) << a.condition_debut;
  EXPECT_TRUE(a.avertissements.empty());
  EXPECT_TRUE(mentions(a, "la fiche récapitulative produite ici ne le remplace pas"));

  // Not sent yet: the step is still to do, and the start condition says so.
  const auto unsent = plan_of(parse(DossierXml("a-premiere-ipt-apres-30-09").remove_attribute("premiere-ipt", "envoi").str()));
  EXPECT_FALSE(unsent.envois[0].fait_le);
  EXPECT_NE(unsent.condition_debut.find("le formulaire n’est pas encore envoyé"), std::string::npos) << unsent.condition_debut;

  const auto b = plan_of("b2-changement-de-partenaire");
  EXPECT_EQ(b.envois[0].adresse, "https://form.jotform.com/223262339131347");
  ASSERT_TRUE(b.envois[0].fait_le);
  EXPECT_EQ(b.envois[0].fait_le->iso(), "2026-12-14");

  // The 30/09 list has no form and no address.
  EXPECT_TRUE(plan_of("a-premiere-ipt-liste-30-09").envois[0].adresse.empty());
}

TEST(Plan, FormSentAfterTheProtocolsStartIsWarned) {
  const auto late = plan_with("a-premiere-ipt-apres-30-09", "premiere-ipt", "envoi", "2026-11-20");
  EXPECT_TRUE(warns(late, "avant l’envoi du formulaire « Première IPT » (20/11/2026)"));
  const auto same_day = plan_with("a-premiere-ipt-apres-30-09", "premiere-ipt", "envoi", "2026-11-16");
  EXPECT_TRUE(same_day.avertissements.empty());
}

TEST(Plan, MinistersDecisionDecidesTheStart) {
  const auto granted = plan_of("b1-changement-de-pole");
  EXPECT_TRUE(granted.poursuivie);
  EXPECT_TRUE(granted.avertissements.empty());

  const auto refused = plan_with("b1-changement-de-pole", "prolongation/decision-ministre", "issue", "refusee");
  EXPECT_FALSE(refused.poursuivie);
  EXPECT_EQ(refused.condition_debut, "L’intégration ne débute pas : le Ministre a refusé la dérogation le 03/12/2026.");
  EXPECT_FALSE(refused.moyens_budget_c);  // B1 granted would generate means; refused, none
  EXPECT_FALSE(refused.encodage_e_poles);
  EXPECT_TRUE(refused.avertissements.empty());

  // Granted after the protocol's start: warned.
  const auto after_start = plan_with("b1-changement-de-pole", "prolongation/decision-ministre", "date", "2026-12-10");
  EXPECT_TRUE(warns(after_start, "avant la décision du Ministre (10/12/2026)"));
}

TEST(Plan, StartBeforeTheDecisionDeadlineOrTheRequestIsWarned) {
  // No decision yet: the protocol starts on 04/01/2027, the Minister has until 29/01/2027
  // (form received 14/12/2026; winter holidays 19/12–03/01 not counted).
  const auto b2 = plan_of("b2-changement-de-partenaire");
  ASSERT_TRUE(b2.decision_ministre);
  EXPECT_EQ(b2.decision_ministre->due.iso(), "2027-01-29");
  EXPECT_TRUE(warns(b2, "avant la date limite de la décision du Ministre (29/01/2027)"));
  EXPECT_NE(b2.condition_debut.find("décision attendue au plus tard le 29/01/2027"), std::string::npos) << b2.condition_debut;
  // A start on 10/11 for a form sent on 18/11: before the request itself.
  const auto early = plan_of(parse(DossierXml("b1-changement-de-pole")
                                       .remove("prolongation/decision-ministre")
                                       .set_attribute("protocole", "date", "2026-11-10")
                                       .str()));
  EXPECT_TRUE(warns(early, "avant la demande de dérogation elle-même (formulaire envoyé le 18/11/2026)"));
  EXPECT_EQ(early.avertissements.size(), 1u);
  // Starting on the deadline: nothing to warn about.
  const auto on_due = plan_with("b2-changement-de-partenaire", "protocole", "date", "2027-01-29");
  EXPECT_TRUE(on_due.avertissements.empty());
}

TEST(Plan, DerogationGroundIsStated) {
  EXPECT_EQ(plan_of("b1-changement-de-pole").motif_derogation, "Changement de domicile");
  EXPECT_EQ(plan_of("b2-changement-de-partenaire").motif_derogation,
            "Circonstances exceptionnelles dûment motivées, dans l’intérêt de l’élève");
  EXPECT_TRUE(plan_of("a-premiere-ipt-apres-30-09").motif_derogation.empty());
}

TEST(Plan, SigningOrderFollowsTheFormUnlessThePoleCertifiesAsAuthor) {
  const auto form = plan_of(parse(DossierXml("b1-changement-de-pole").remove_attribute("signataires", "ordre").str()));
  EXPECT_EQ(signing_order(form, Document::annexe_2c), annexe_2c_form);
  EXPECT_FALSE(mentions(form, "certifie le document comme son auteur"));
  EXPECT_TRUE(mentions(form, "Ordre des signatures : celui du formulaire de chaque document (la circulaire n’en fixe pas)"));
  const auto explicit_form = plan_with("b1-changement-de-pole", "signataires", "ordre", "formulaire");
  EXPECT_EQ(signing_order(explicit_form, Document::annexe_2c), annexe_2c_form);
  const auto author = plan_of("b1-changement-de-pole");
  EXPECT_EQ(signing_order(author, Document::annexe_2c), pole_first);
  EXPECT_TRUE(mentions(author, "Le pôle signe en premier : il certifie le document comme son auteur"));
  // Annexe 4's form has the pole first anyway.
  const auto c = plan_with("c-fin-integration", "signataires", "ordre", "pole-auteur");
  EXPECT_EQ(signing_order(c, Document::annexe_4), annexe_4_form);
}

TEST(Plan, WhereDocumentsAreKept) {
  EXPECT_EQ(french_name(Lieu::ecole_partenaire), "l’école partenaire ou l’école partenaire spécifique qui accompagne l’élève");
  for (const char* example : {"a-premiere-ipt-apres-30-09", "b1-changement-de-pole"}) {
    EXPECT_TRUE(mentions(plan_of(example), "à disposition des services de l’Inspection et de la Vérification de la population scolaire"))
        << example;
  }
}

}  // namespace
}  // namespace ipt::core
