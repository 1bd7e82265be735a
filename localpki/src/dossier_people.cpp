#include "ipt/localpki/dossier_people.hpp"

namespace ipt::localpki {

namespace {

std::string organisation_of(const core::Dossier& d, Role role) {
  switch (role) {
    case Role::pole: return d.pole.nom;
    case Role::ecole_ordinaire: return d.ecole_ordinaire.nom;
    case Role::cpms: return d.cpms.nom;
    case Role::responsable: return {};
  }
  return {};
}

}  // namespace

std::map<Role, Person> signers_of(const core::Dossier& dossier) {
  std::map<Role, Person> out;
  for (const auto& s : dossier.signataires) {
    const auto& p = s.personne;
    const auto role = static_cast<Role>(static_cast<int>(s.role));  // the same four roles, in the same order
    out[role] = Person{p.prenom + " " + p.nom, organisation_of(dossier, role), KeyType::ecdsa_p256, p.prenom, p.nom, p.email};
  }
  return out;
}

std::string signer_id(const std::string& reference, Role role) {
  // Credential ids are lower-case letters, digits and hyphens (they name files).
  std::string id;
  for (char c : reference) id += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : (c == '.' || c == '_') ? '-' : c;
  return id + "-" + std::string(role_id(role));
}

std::vector<NamedSigner> named_signers_of(const core::Dossier& dossier) {
  std::vector<NamedSigner> out;
  for (const auto& [role, person] : signers_of(dossier)) out.push_back({signer_id(dossier.reference, role), role, person});
  return out;
}

}  // namespace ipt::localpki
