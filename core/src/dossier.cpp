#include "ipt/core/dossier.hpp"

namespace ipt::core {

Date Dossier::date_evenement() const {
  if (const auto* fin = std::get_if<FinIntegration>(&evenement)) return fin->date_arret;
  return protocole.date;
}

bool Dossier::eleve_majeur() const { return eleve.date_naissance.years_until(date_evenement()) >= 18; }

const Signataire* Dossier::find_signataire(Role role) const {
  for (const auto& s : signataires) {
    if (s.role == role) return &s;
  }
  return nullptr;
}

}  // namespace ipt::core
