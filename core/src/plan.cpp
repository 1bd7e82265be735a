#include "ipt/core/plan.hpp"

#include <algorithm>

namespace ipt::core {

namespace {

constexpr std::string_view adresse_administration = "poles.territoriaux@cfwb.be";

std::vector<SignatureStep> signatures_of(const Dossier& d, const std::vector<Role>& roles) {
  std::vector<SignatureStep> steps;
  for (Role role : roles) {
    const auto* s = d.find_signataire(role);
    SignatureStep step{role, std::string(field_name(role)), "", "", "", role == Role::cpms};
    if (s) {
      step.signataire = s->personne.prenom + " " + s->personne.nom;
      step.qualite = s->personne.fonction;
      step.email = s->personne.email;
    }
    if (role == Role::responsable && d.eleve_majeur()) step.qualite = std::string(d.eleve_majeur_french());
    steps.push_back(std::move(step));
  }
  return steps;
}

// The order of the signature blocks on each document's form, top to bottom.
std::vector<Role> form_order(Document doc) {
  if (doc == Document::annexe_2c) return {Role::ecole_ordinaire, Role::pole, Role::cpms, Role::responsable};
  return {Role::pole, Role::ecole_ordinaire, Role::cpms, Role::responsable};
}

// The circular gives no order: follow the form, unless the pole certifies as the author.
std::vector<Role> signing_order(const Dossier& d, Document doc) {
  auto roles = form_order(doc);
  if (d.ordre_signature == OrdreSignature::pole_auteur) {
    std::stable_partition(roles.begin(), roles.end(), [](Role r) { return r == Role::pole; });
  }
  return roles;
}

std::vector<Lieu> protocol_copies(const Dossier& d) {
  std::vector<Lieu> copies{Lieu::ecole_ordinaire};
  if (d.ecole_partenaire) copies.push_back(Lieu::ecole_partenaire);
  return copies;
}

DocumentPlan unsigned_document(const Dossier& d, Document doc) {
  return {doc, {}, Lieu::pole, protocol_copies(d)};
}

DocumentPlan signed_by_all(const Dossier& d, Document doc) {
  return {doc, signatures_of(d, signing_order(d, doc)), Lieu::pole, protocol_copies(d)};
}

std::optional<Role> role_of(Intervenant i) {
  switch (i) {
    case Intervenant::pole: return Role::pole;
    case Intervenant::ecole_ordinaire: return Role::ecole_ordinaire;
    case Intervenant::cpms: return Role::cpms;
    case Intervenant::parents:
    case Intervenant::eleve_majeur: return Role::responsable;
    case Intervenant::ecole_specialisee:
    case Intervenant::organisme_guidance: return std::nullopt;
  }
  return std::nullopt;
}

// Who acts for the pole: its coordinator, with the function the dossier gives.
std::string coordonnateur(const Dossier& d) {
  const auto& c = d.coordonnateur;
  const std::string name = c.prenom + " " + c.nom;
  return name + ", " + (c.fonction.empty() ? std::string("coordination du pôle territorial") : c.fonction);
}

std::string start_on(const Dossier& d) {
  return "L’intégration débute le " + d.protocole.date.french() + " (date prévue sur le protocole)";
}

constexpr std::string_view original_at_disposal =
    "Le protocole d’intégration original se trouve dans le pôle territorial, à disposition des services de "
    "l’Inspection et de la Vérification de la population scolaire.";

void plan_unfavourable_concertation(const Dossier& d, const PremiereIpt& a, Plan& plan) {
  plan.poursuivie = false;
  // One document per partner who disagreed, signed by that partner alone.
  for (const auto& desaccord : a.concertation.desaccords) {
    const auto role = role_of(desaccord.intervenant);
    plan.documents.push_back({motivations_document(desaccord.intervenant),
                              role ? signatures_of(d, {*role}) : std::vector<SignatureStep>{},
                              Lieu::ecole_specialisee,
                              {}});
  }
  const bool wbe = d.ecole_specialisee.reseau == Reseau::wbe;
  plan.condition_debut = "La procédure ne se poursuit pas : la concertation du " + a.concertation.date.french() +
                         " a débouché sur un avis défavorable.";
  plan.remarques.push_back(
      std::string("Chaque partenaire ayant marqué son désaccord motive sa position par écrit, dans son propre document qu’il signe seul, ") +
      (wbe ? "au directeur de l’école d’enseignement spécialisé (école organisée par la Fédération Wallonie-Bruxelles)."
           : "au pouvoir organisateur de l’école d’enseignement spécialisé (école subventionnée)."));
  plan.remarques.push_back("Les motivations sont conservées dans l’école d’enseignement spécialisé.");
}

void plan_premiere_ipt(const Dossier& d, const PremiereIpt& a, Plan& plan) {
  const Date boundary = d.annee_scolaire.thirtieth_september();
  plan.procedure = d.protocole.date <= boundary ? Procedure::premiere_ipt_liste_30_09
                                                : Procedure::premiere_ipt_apres_30_09;
  if (!a.concertation.favorable) {
    plan_unfavourable_concertation(d, a, plan);
    return;
  }
  // The 30/09 list is a deadline only for an integration that starts by then.
  if (plan.procedure == Procedure::premiere_ipt_liste_30_09) plan.limite_30_09 = boundary;

  plan.documents.push_back(unsigned_document(d, Document::annexe_1));
  plan.documents.push_back(unsigned_document(d, Document::annexe_2b));
  plan.documents.push_back(signed_by_all(d, Document::annexe_2c));
  plan.documents.push_back(unsigned_document(d, Document::annexe_3));
  if (plan.procedure == Procedure::premiere_ipt_liste_30_09) {
    plan.envois.push_back({"liste des élèves en intégration permanente totale (décret du 3 mars 2004)",
                           {Destinataire::administration},
                           "liste transmise à l’Administration",
                           coordonnateur(d),
                           "",
                           boundary,
                           std::nullopt});
    plan.condition_debut = start_on(d) + ", pour autant que l’élève figure sur la liste transmise à l’Administration pour le " +
                           boundary.french() + ".";
    plan.remarques.push_back("Les moyens sont établis sur la base de la liste du 30/09 ; "
                             "le formulaire « Première IPT » après le 30-09 n’est pas nécessaire.");
  } else {
    plan.documents.push_back({Document::declaration_premiere_ipt, signatures_of(d, {Role::pole}), Lieu::pole,
                              protocol_copies(d)});
    plan.envois.push_back({"formulaire électronique « Première IPT » après le 30-09",
                           {Destinataire::administration},
                           "formulaire électronique, transmis automatiquement à la Cellule des pôles territoriaux de la DGEO",
                           coordonnateur(d),
                           std::string(adresse_formulaire_premiere_ipt),
                           std::nullopt,
                           a.date_envoi_formulaire});
    plan.moyens_budget_c = true;
    plan.encodage_e_poles = true;
    plan.condition_debut = start_on(d) + ", pour autant qu’elle ait été signalée à l’Administration" +
                           (a.date_envoi_formulaire ? " (formulaire envoyé le " + a.date_envoi_formulaire->french() + ")."
                                                    : " : le formulaire n’est pas encore envoyé.");
    if (a.date_envoi_formulaire && d.protocole.date < *a.date_envoi_formulaire) {
      plan.avertissements.push_back("Le protocole prévoit un début le " + d.protocole.date.french() +
                                    ", avant l’envoi du formulaire « Première IPT » (" +
                                    a.date_envoi_formulaire->french() +
                                    ") : l’intégration ne débute que si elle a été signalée à l’Administration.");
    }
    plan.remarques.push_back("Imprimer le formulaire envoyé et le joindre au protocole d’intégration dans le dossier de "
                             "l’élève ; la fiche récapitulative produite ici ne le remplace pas.");
    plan.remarques.push_back("Les moyens sont encodés dans le budget C de l’application « e-pôles » par la Cellule des pôles territoriaux.");
  }
  plan.remarques.push_back(std::string(original_at_disposal));
}

// Procedure B: the start waits for the Minister's decision; warn about a protocol that
// starts before the request or before the decision can be expected.
void judge_derogation(const Dossier& d, const Prolongation& b, Plan& plan) {
  const Date start = d.protocole.date;
  const Date due = plan.decision_ministre->due;
  if (b.decision && !b.decision->accordee) {
    plan.poursuivie = false;
    plan.condition_debut = "L’intégration ne débute pas : le Ministre a refusé la dérogation le " +
                           b.decision->date.french() + ".";
    return;
  }
  if (b.decision) {
    plan.condition_debut = start_on(d) + " : le Ministre a accordé la dérogation le " + b.decision->date.french() + ".";
  } else {
    plan.condition_debut = start_on(d) + ", pour autant qu’elle ait été validée par le Ministre (décision attendue au plus tard le " +
                           due.french() + ").";
  }
  if (start < b.date_envoi) {
    plan.avertissements.push_back("Le protocole prévoit un début le " + start.french() +
                                  ", avant la demande de dérogation elle-même (formulaire envoyé le " +
                                  b.date_envoi.french() + ") : l’intégration ne peut débuter qu’une fois validée par le Ministre.");
  } else if (b.decision && start < b.decision->date) {
    plan.avertissements.push_back("Le protocole prévoit un début le " + start.french() +
                                  ", avant la décision du Ministre (" + b.decision->date.french() + ").");
  } else if (!b.decision && start < due) {
    plan.avertissements.push_back("Le protocole prévoit un début le " + start.french() +
                                  ", avant la date limite de la décision du Ministre (" + due.french() +
                                  ") : sans décision d’ici là, l’intégration ne peut pas débuter à cette date.");
  }
}

void plan_prolongation(const Dossier& d, const Prolongation& b, const SchoolCalendar& calendar,
                       Plan& plan, Result<void>& status) {
  const bool autre_pole = b.pole_precedent.fase != d.pole.fase;
  plan.procedure = autre_pole ? Procedure::prolongation_autre_pole : Procedure::prolongation_meme_pole;
  plan.motif_derogation = std::string(french_name(b.motif));
  plan.documents.push_back(unsigned_document(d, Document::annexe_2b));
  plan.documents.push_back(signed_by_all(d, Document::annexe_2c));
  plan.documents.push_back({Document::declaration_prolongation_ipt, signatures_of(d, {Role::pole}),
                            Lieu::pole, protocol_copies(d)});
  plan.envois.push_back({"formulaire électronique « Prolongation IPT » après le 30-09 (demande de dérogation)",
                         {Destinataire::ministre, Destinataire::administration},
                         "formulaire électronique, transmis automatiquement au Ministre et à la Cellule des pôles territoriaux de la DGEO",
                         coordonnateur(d),
                         std::string(adresse_formulaire_prolongation_ipt),
                         std::nullopt,
                         b.date_envoi});
  const Date received = b.date_reception.value_or(b.date_envoi);
  if (!b.date_reception) {
    plan.remarques.push_back("Date de réception non précisée : le formulaire électronique est réputé reçu le jour de son envoi (" +
                             b.date_envoi.french() + ").");
  }
  auto deadline = minister_decision_deadline(calendar, received);
  if (!deadline) {
    status = std::unexpected(deadline.error());
    return;
  }
  plan.decision_ministre = *deadline;
  judge_derogation(d, b, plan);
  if (!plan.poursuivie) {  // refused: no integration, no means, nothing to encode
    plan.remarques.push_back("Imprimer le formulaire envoyé et le joindre au dossier de l’élève, avec la décision du Ministre.");
    return;
  }
  if (autre_pole) {
    plan.moyens_budget_c = true;
    plan.encodage_e_poles = true;
    plan.remarques.push_back("Pôle précédent (" + b.pole_precedent.nom +
                             ") : aucun changement dans « e-pôles » (budget validé au 30-09) et pas d’Annexe 4.");
    plan.remarques.push_back("Les moyens sont encodés dans le budget C de l’application « e-pôles » par la Cellule des pôles territoriaux.");
  } else {
    plan.remarques.push_back("Pour l’année scolaire en cours, l’IPT ne génère pas de nouveaux moyens : elle reste dans le pôle initial.");
    plan.remarques.push_back("Aucun encodage dans l’application « e-pôles » ; pas d’Annexe 4.");
  }
  plan.remarques.push_back("Imprimer le formulaire envoyé et le joindre au protocole d’intégration dans le dossier de "
                           "l’élève ; la fiche récapitulative produite ici ne le remplace pas.");
  plan.remarques.push_back(std::string(original_at_disposal));
}

// Annexe 4's « Maturité » belongs to the fundamental level, « Forme » and « Phase » to the
// secondary one; the study year says which (« 3e primaire », « 6e secondaire … »).
void judge_hors_pole(const ProlongationHorsPole& hp, Plan& plan) {
  const auto has = [&](std::string_view word) { return hp.annee_etude.find(word) != std::string::npos; };
  const bool secondaire = has("secondaire");
  const bool fondamental = has("primaire") || has("maternel");
  if (secondaire && !hp.maturite.empty()) {
    plan.avertissements.push_back("Annexe 4 : une maturité est indiquée pour une année du secondaire ; "
                                  "la maturité concerne l’enseignement fondamental (forme et phase, le secondaire).");
  }
  if (fondamental && (!hp.forme.empty() || !hp.phase.empty())) {
    plan.avertissements.push_back("Annexe 4 : une forme ou une phase est indiquée pour une année du fondamental ; "
                                  "elles concernent l’enseignement secondaire (la maturité, le fondamental).");
  }
}

void plan_fin(const Dossier& d, const FinIntegration& c, Plan& plan) {
  if (c.hors_pole) judge_hors_pole(*c.hors_pole, plan);
  plan.procedure = Procedure::fin_ipt;
  plan.documents.push_back(signed_by_all(d, Document::annexe_4));
  plan.envois.push_back({"Annexe 4 (bilan d’intégration) signée",
                         {Destinataire::administration},
                         "courriel à " + std::string(adresse_administration),
                         coordonnateur(d),
                         "",
                         std::nullopt,
                         std::nullopt});
  plan.condition_debut = "L’intégration prend fin le " + c.date_arret.french() + ".";
  plan.remarques.push_back("Aucun changement dans l’application « e-pôles » : le budget est validé au 30-09.");
  plan.remarques.push_back("L’Annexe 4 est insérée dans le protocole d’intégration (Annexe 1, élément « Bilan(s) de l’intégration »).");
}

std::string majeur_remark(const Dossier& d) {
  switch (d.eleve.sexe) {
    case Sexe::feminin: return "L’élève est majeure : elle signe elle-même à la place du responsable.";
    case Sexe::masculin: return "L’élève est majeur : il signe lui-même à la place du responsable.";
    case Sexe::x: break;
  }
  return "L’élève est majeur : l’élève signe en personne à la place du responsable.";
}

}  // namespace

Result<Plan> make_plan(const Dossier& d, const SchoolCalendar& calendar) {
  Plan plan{};
  Result<void> status;
  if (const auto* a = std::get_if<PremiereIpt>(&d.evenement)) plan_premiere_ipt(d, *a, plan);
  else if (const auto* b = std::get_if<Prolongation>(&d.evenement)) plan_prolongation(d, *b, calendar, plan, status);
  else plan_fin(d, std::get<FinIntegration>(d.evenement), plan);
  if (!status) return std::unexpected(status.error().with_context("dossier " + d.reference));

  if (d.cpms.avis == AvisCpms::defavorable && plan.poursuivie) {
    plan.remarques.push_back("Le CPMS a remis un AVIS DÉFAVORABLE : il donne un avis et ne marque pas son accord ; "
                             "l’avis figure au document signé et n’arrête pas la procédure.");
  }
  const bool signed_by_several = std::any_of(plan.documents.begin(), plan.documents.end(),
                                             [](const DocumentPlan& doc) { return doc.signatures.size() > 1; });
  if (signed_by_several && d.ordre_signature == OrdreSignature::pole_auteur) {
    plan.remarques.push_back("Le pôle signe en premier : il certifie le document comme son auteur (ordre « pole-auteur » du dossier).");
  } else if (signed_by_several) {
    plan.remarques.push_back("Ordre des signatures : celui du formulaire de chaque document (la circulaire n’en fixe pas) ; "
                             "le premier signataire certifie le document.");
  }
  if (d.eleve_majeur() && plan.poursuivie) plan.remarques.push_back(majeur_remark(d));
  return plan;
}

Document motivations_document(Intervenant intervenant) {
  switch (intervenant) {
    case Intervenant::ecole_specialisee: return Document::motivations_ecole_specialisee;
    case Intervenant::organisme_guidance: return Document::motivations_organisme_guidance;
    case Intervenant::ecole_ordinaire: return Document::motivations_ecole_ordinaire;
    case Intervenant::cpms: return Document::motivations_cpms;
    case Intervenant::pole: return Document::motivations_pole;
    case Intervenant::parents: return Document::motivations_parents;
    case Intervenant::eleve_majeur: return Document::motivations_eleve_majeur;
  }
  return Document::motivations_ecole_ordinaire;
}

std::string_view code(Procedure p) {
  switch (p) {
    case Procedure::premiere_ipt_liste_30_09: return "A-liste-30-09";
    case Procedure::premiere_ipt_apres_30_09: return "A";
    case Procedure::prolongation_autre_pole: return "B1";
    case Procedure::prolongation_meme_pole: return "B2";
    case Procedure::fin_ipt: return "C";
  }
  return "";
}

std::string_view french_title(Procedure p) {
  switch (p) {
    case Procedure::premiere_ipt_liste_30_09: return "Première IPT, liste du 30/09";
    case Procedure::premiere_ipt_apres_30_09: return "Première IPT après le 30-09";
    case Procedure::prolongation_autre_pole: return "Prolongation d’IPT avec changement de partenaire vers un autre pôle (dérogation)";
    case Procedure::prolongation_meme_pole: return "Prolongation d’IPT avec changement de partenaire sans changement de pôle (dérogation)";
    case Procedure::fin_ipt: return "Fin d’IPT en cours d’année scolaire";
  }
  return "";
}

std::string_view file_stem(Document d) {
  switch (d) {
    case Document::annexe_1: return "annexe-1";
    case Document::annexe_2b: return "annexe-2b";
    case Document::annexe_2c: return "annexe-2c";
    case Document::annexe_3: return "annexe-3";
    case Document::annexe_4: return "annexe-4";
    case Document::declaration_premiere_ipt: return "declaration-premiere-ipt";
    case Document::declaration_prolongation_ipt: return "declaration-prolongation-ipt";
    case Document::motivations_ecole_specialisee: return "motivations-ecole-specialisee";
    case Document::motivations_organisme_guidance: return "motivations-organisme-guidance";
    case Document::motivations_ecole_ordinaire: return "motivations-ecole-ordinaire";
    case Document::motivations_cpms: return "motivations-cpms";
    case Document::motivations_pole: return "motivations-pole";
    case Document::motivations_parents: return "motivations-parents";
    case Document::motivations_eleve_majeur: return "motivations-eleve-majeur";
  }
  return "";
}

std::string_view french_title(Document d) {
  switch (d) {
    case Document::annexe_1: return "Annexe 1 - Éléments constitutifs du protocole d’intégration";
    case Document::annexe_2b: return "Annexe 2b - Protocole d’intégration - Suivi de l’élève";
    case Document::annexe_2c: return "Annexe 2c - Protocole d’intégration - Signatures des nouveaux partenaires";
    case Document::annexe_3: return "Annexe 3 - Tableau synoptique de l’évolution de l’intégration";
    case Document::annexe_4: return "Annexe 4 – Bilan d’intégration";
    case Document::declaration_premiere_ipt: return "Fiche récapitulative – « Première IPT » après le 30-09";
    case Document::declaration_prolongation_ipt: return "Fiche récapitulative – « Prolongation IPT » après le 30-09";
    case Document::motivations_ecole_specialisee: return "Motivation écrite – école d’enseignement spécialisé";
    case Document::motivations_organisme_guidance: return "Motivation écrite – organisme qui assure la guidance";
    case Document::motivations_ecole_ordinaire: return "Motivation écrite – école d’enseignement ordinaire";
    case Document::motivations_cpms: return "Motivation écrite – centre psycho-médico-social";
    case Document::motivations_pole: return "Motivation écrite – pôle territorial";
    case Document::motivations_parents: return "Motivation écrite – parents ou personne investie de l’autorité parentale";
    case Document::motivations_eleve_majeur: return "Motivation écrite – élève majeur";
  }
  return "";
}

std::string_view french_name(Destinataire d) {
  switch (d) {
    case Destinataire::administration: return "l’Administration (DGEO, Cellule des pôles territoriaux)";
    case Destinataire::ministre: return "le Ministre qui a l’Enseignement dans ses attributions";
  }
  return "";
}

std::string_view french_name(Lieu l) {
  switch (l) {
    case Lieu::pole: return "le pôle territorial (école d’enseignement spécialisé siège)";
    case Lieu::ecole_ordinaire: return "l’école d’enseignement ordinaire";
    case Lieu::ecole_partenaire: return "l’école partenaire ou l’école partenaire spécifique qui accompagne l’élève";
    case Lieu::ecole_specialisee: return "l’école d’enseignement spécialisé";
  }
  return "";
}

std::string_view field_name(Role r) {
  switch (r) {
    case Role::pole: return "sig_pole";
    case Role::ecole_ordinaire: return "sig_ecole_ordinaire";
    case Role::cpms: return "sig_cpms";
    case Role::responsable: return "sig_responsable";
  }
  return "";
}

std::string_view code(Role r) {
  switch (r) {
    case Role::pole: return "pole";
    case Role::ecole_ordinaire: return "ecole-ordinaire";
    case Role::cpms: return "cpms";
    case Role::responsable: return "responsable";
  }
  return "";
}

}  // namespace ipt::core
