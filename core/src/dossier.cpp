#include "ipt/core/dossier.hpp"

namespace ipt::core {

Date Dossier::date_evenement() const {
  if (const auto* fin = std::get_if<FinIntegration>(&evenement)) return fin->date_arret;
  return protocole.date;
}

bool Dossier::eleve_majeur() const { return eleve.date_naissance.years_until(date_evenement()) >= 18; }

std::string_view Dossier::eleve_majeur_french() const {
  return eleve.sexe == Sexe::feminin ? "élève majeure" : "élève majeur";
}

std::string_view french_name(MotifDerogation m) {
  switch (m) {
    case MotifDerogation::placement:
      return "Mesure de placement prise soit par un magistrat, soit par le conseiller ou la direction de l’Aide à la jeunesse";
    case MotifDerogation::changement_domicile: return "Changement de domicile";
    case MotifDerogation::separation_parents:
      return "Séparation des parents entraînant un changement de lieu d’hébergement de l’élève";
    case MotifDerogation::externat_internat:
      return "Passage de l’élève d’une école à régime d’externat vers un internat et vice versa";
    case MotifDerogation::accueil_autre_famille:
      return "Accueil de l’élève, sur l’initiative des parents, dans une autre famille ou dans un centre pour raison de maladie, de voyage";
    case MotifDerogation::exclusion_definitive: return "Exclusion définitive de l’élève d’une autre école";
    case MotifDerogation::circonstances_exceptionnelles:
      return "Circonstances exceptionnelles dûment motivées, dans l’intérêt de l’élève";
  }
  return "";
}

const Signataire* Dossier::find_signataire(Role role) const {
  for (const auto& s : signataires) {
    if (s.role == role) return &s;
  }
  return nullptr;
}

}  // namespace ipt::core
