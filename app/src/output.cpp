#include "output.hpp"

namespace ipt::app {

using nlohmann::json;

namespace {

std::string role_label(core::Role role, const core::Dossier& dossier) {
  switch (role) {
    case core::Role::pole: return "Pôle territorial";
    case core::Role::ecole_ordinaire: return "École ordinaire";
    case core::Role::cpms: return "CPMS (avis)";
    case core::Role::responsable:
      if (!dossier.eleve_majeur()) return "Responsable";
      return dossier.eleve.sexe == core::Sexe::feminin ? "Élève majeure" : "Élève majeur";
  }
  return "";
}

// The heading of the plan's start condition: what it says.
std::string_view condition_heading(const core::Plan& plan) {
  if (plan.procedure == core::Procedure::fin_ipt) return "Fin de l’intégration";
  if (!plan.poursuivie) return "Suite de la procédure";
  return "Début de l’intégration";
}

std::string_view code(core::Lieu l) {
  switch (l) {
    case core::Lieu::pole: return "pole";
    case core::Lieu::ecole_ordinaire: return "ecole-ordinaire";
    case core::Lieu::ecole_partenaire: return "ecole-partenaire";
    case core::Lieu::ecole_specialisee: return "ecole-specialisee";
  }
  return "";
}

std::string_view code(core::Destinataire d) {
  return d == core::Destinataire::ministre ? "ministre" : "administration";
}

std::string skipped_line(const core::SkippedPeriod& s) {
  const int n = s.days();
  return s.first.iso() + " → " + s.last.iso() + " : " + std::string(core::french_name(s.holiday.kind)) +
         " " + s.holiday.year.label() + " (" + std::to_string(n) + (n > 1 ? " jours" : " jour") +
         " non compté" + (n > 1 ? "s" : "") + ")";
}

}  // namespace

std::string deadline_text(const core::Deadline& d) {
  std::string text = d.due.iso() + "\n";
  text += "Décision du Ministre attendue au plus tard le " + d.due.french_long() + " : " +
          std::to_string(d.counted_days) + " jours calendriers à compter du lendemain de la réception (" +
          d.received.french() + "), vacances scolaires non comprises.\n";
  if (d.skipped.empty()) {
    text += "Aucun jour de vacances scolaires dans l’intervalle.\n";
  } else {
    text += "Jours non comptés :\n";
    for (const auto& s : d.skipped) text += "  " + skipped_line(s) + "\n";
  }
  return text;
}

json deadline_json(const core::Deadline& d) {
  json skipped = json::array();
  for (const auto& s : d.skipped) {
    skipped.push_back({{"du", s.first.iso()},
                       {"au", s.last.iso()},
                       {"jours", s.days()},
                       {"motif", core::french_name(s.holiday.kind)},
                       {"annee_scolaire", s.holiday.year.label()}});
  }
  return {{"recu", d.received.iso()},
          {"echeance", d.due.iso()},
          {"jours_comptes", d.counted_days},
          {"jours_non_comptes", skipped}};
}

std::string plan_text(const core::Dossier& dossier, const core::Plan& plan) {
  std::string t = "Dossier " + dossier.reference + " — année scolaire " + dossier.annee_scolaire.label() + "\n";
  t += "Procédure " + std::string(core::code(plan.procedure)) + " : " +
       std::string(core::french_title(plan.procedure)) + "\n";
  if (!plan.motif_derogation.empty()) t += "Motif de la dérogation : " + plan.motif_derogation + "\n";
  if (!plan.poursuivie) t += "La procédure ne se poursuit pas.\n";

  if (!plan.avertissements.empty()) {
    t += "\nAvertissements :\n";
    for (const auto& a : plan.avertissements) t += "  ! " + a + "\n";
  }

  t += "\nDocuments à produire :\n";
  int n = 0;
  for (const auto& doc : plan.documents) {
    t += "  " + std::to_string(++n) + ". " + std::string(core::french_title(doc.document)) + " (" +
         std::string(core::file_stem(doc.document)) + ".pdf)\n";
    if (doc.signatures.empty()) {
      t += "     sans signature\n";
    } else {
      t += "     signatures, dans l’ordre :\n";
      int k = 0;
      for (const auto& s : doc.signatures) {
        t += "       " + std::to_string(++k) + ". " + role_label(s.role, dossier) + " — " + s.signataire +
             (s.qualite.empty() ? "" : ", " + s.qualite) + " <" + s.email + "> [" + s.field + "]\n";
      }
    }
    t += "     original : " + std::string(core::french_name(doc.original));
    if (!doc.copies.empty()) {
      t += " ; copies : ";
      for (size_t i = 0; i < doc.copies.size(); ++i) {
        t += (i ? ", " : "") + std::string(core::french_name(doc.copies[i]));
      }
    }
    t += "\n";
  }

  if (!plan.envois.empty()) {
    t += "\nDémarches et envois :\n";
    for (const auto& e : plan.envois) {
      t += "  - " + e.what + "\n";
      t += "    par " + e.par + (e.adresse.empty() ? "" : ", à l’adresse " + e.adresse) + "\n";
      t += "    destinataires : ";
      for (size_t i = 0; i < e.destinataires.size(); ++i) {
        t += (i ? " ; " : "") + std::string(core::french_name(e.destinataires[i]));
      }
      t += "\n    moyen : " + e.moyen + "\n";
      if (e.fait_le) t += "    fait le " + e.fait_le->french() + "\n";
      else if (e.avant) t += "    au plus tard le " + e.avant->french() + "\n";
      else t += "    à faire\n";
    }
  }

  t += "\nMoyens et e-pôles :\n";
  t += std::string("  - moyens dans le budget C : ") + (plan.moyens_budget_c ? "oui" : "non") + "\n";
  t += std::string("  - encodage dans « e-pôles » par la Cellule : ") + (plan.encodage_e_poles ? "oui" : "non") + "\n";
  t += "\n" + std::string(condition_heading(plan)) + " :\n  " + plan.condition_debut + "\n";

  if (plan.limite_30_09 || plan.decision_ministre) {
    t += "\nÉchéances :\n";
    if (plan.limite_30_09) t += "  - limite du 30/09 de l’année scolaire : " + plan.limite_30_09->french() + "\n";
  }
  if (plan.decision_ministre) {
    const auto& d = *plan.decision_ministre;
    t += "  - décision du Ministre sur la dérogation : au plus tard le " + d.due.french() + " (" +
         std::to_string(d.counted_days) + " jours calendriers hors vacances scolaires, formulaire reçu le " +
         d.received.french() + ")\n";
    for (const auto& s : d.skipped) t += "      non compté : " + skipped_line(s) + "\n";
  }

  if (!plan.remarques.empty()) {
    t += "\nRemarques :\n";
    for (const auto& r : plan.remarques) t += "  - " + r + "\n";
  }
  return t;
}

json plan_json(const core::Dossier& dossier, const core::Plan& plan) {
  json documents = json::array();
  for (const auto& doc : plan.documents) {
    json signatures = json::array();
    int k = 0;
    for (const auto& s : doc.signatures) {
      signatures.push_back({{"ordre", ++k},
                            {"role", core::code(s.role)},
                            {"champ", s.field},
                            {"signataire", s.signataire},
                            {"qualite", s.qualite},
                            {"email", s.email},
                            {"avis", s.avis}});
    }
    json copies = json::array();
    for (auto l : doc.copies) copies.push_back(code(l));
    documents.push_back({{"document", core::file_stem(doc.document)},
                         {"fichier", std::string(core::file_stem(doc.document)) + ".pdf"},
                         {"titre", core::french_title(doc.document)},
                         {"signatures", signatures},
                         {"original", code(doc.original)},
                         {"copies", copies}});
  }
  json envois = json::array();
  for (const auto& e : plan.envois) {
    json to = json::array();
    for (auto d : e.destinataires) to.push_back(code(d));
    envois.push_back({{"objet", e.what},
                      {"destinataires", to},
                      {"moyen", e.moyen},
                      {"par", e.par},
                      {"adresse", e.adresse.empty() ? json(nullptr) : json(e.adresse)},
                      {"avant", e.avant ? json(e.avant->iso()) : json(nullptr)},
                      {"fait_le", e.fait_le ? json(e.fait_le->iso()) : json(nullptr)}});
  }
  return {{"reference", dossier.reference},
          {"annee_scolaire", dossier.annee_scolaire.label()},
          {"procedure", {{"code", core::code(plan.procedure)}, {"titre", core::french_title(plan.procedure)}}},
          {"poursuivie", plan.poursuivie},
          {"eleve_majeur", dossier.eleve_majeur()},
          {"documents", documents},
          {"envois", envois},
          {"moyens_budget_c", plan.moyens_budget_c},
          {"encodage_e_poles", plan.encodage_e_poles},
          {"motif_derogation", plan.motif_derogation.empty() ? json(nullptr) : json(plan.motif_derogation)},
          {"avertissements", plan.avertissements},
          {"condition_debut", plan.condition_debut},
          {"echeances",
           {{"limite_30_09", plan.limite_30_09 ? json(plan.limite_30_09->iso()) : json(nullptr)},
            {"decision_ministre", plan.decision_ministre ? deadline_json(*plan.decision_ministre) : json(nullptr)}}},
          {"remarques", plan.remarques}};
}

}  // namespace ipt::app
