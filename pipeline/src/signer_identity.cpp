#include "ipt/pipeline/signer_identity.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

#include "ipt/core/plan.hpp"
#include "ipt/core/text.hpp"

namespace ipt::pipeline {

namespace {

std::vector<std::string> words(const std::string& folded) {
  std::vector<std::string> out;
  std::istringstream in(folded);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// "Marie Lambert (Signature)" → "marie lambert": the eID's qualifier is not part of the name.
std::string folded_common_name(const std::string& cn) {
  std::string name = cn;
  if (const auto open = name.rfind(" ("); open != std::string::npos && name.back() == ')') name.erase(open);
  return core::fold_for_comparison(name);
}

bool names_match(const signing::CertificateIdentity& c, const PlannedSignatory& p) {
  const std::string first = core::fold_for_comparison(p.first_name);
  const std::string last = core::fold_for_comparison(p.last_name);
  if (first.empty() || last.empty()) return false;
  if (!c.surname.empty() && core::fold_for_comparison(c.surname) == last) {
    // givenName may hold several first names ("Marie Claire"): the planned ones must lead.
    const auto given = words(core::fold_for_comparison(c.given_name));
    const auto wanted = words(first);
    if (!wanted.empty() && given.size() >= wanted.size() && std::equal(wanted.begin(), wanted.end(), given.begin())) return true;
  }
  const std::string cn = folded_common_name(c.common_name);
  return cn == first + " " + last || cn == last + " " + first;
}

// An address is compared without case only: folding it as a name would make
// "marie-lambert@…" and "marie.lambert@…", two mailboxes, the same.
std::string lower_case_address(std::string_view address) {
  while (!address.empty() && address.front() == ' ') address.remove_prefix(1);
  while (!address.empty() && address.back() == ' ') address.remove_suffix(1);
  std::string out;
  for (char ch : address) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

bool email_matches(const signing::CertificateIdentity& c, const PlannedSignatory& p) {
  const std::string wanted = lower_case_address(p.email);
  if (wanted.empty()) return false;
  return std::any_of(c.emails.begin(), c.emails.end(), [&](const std::string& e) { return lower_case_address(e) == wanted; });
}

std::string described(const signing::CertificateIdentity& c) {
  std::string who = c.common_name.empty() ? c.subject : c.common_name;
  if (!c.organisation.empty()) who += ", " + c.organisation;
  return "« " + who + " » (empreinte SHA-256 " + c.sha256.substr(0, 16) + "…)";
}

}  // namespace

IdentityVerdict check_signer(const signing::CertificateIdentity& certificate, const PlannedSignatory& planned,
                             std::span<const ConfiguredSeal> seals) {
  const std::string expected = planned.first_name + " " + planned.last_name +
                               (planned.email.empty() ? "" : " <" + planned.email + ">");
  if (names_match(certificate, planned)) return {IdentityMatch::name, "le certificat nomme " + expected};
  if (email_matches(certificate, planned)) return {IdentityMatch::email, "le certificat porte l’adresse " + planned.email};
  if (planned.role != core::Role::responsable) {
    for (const auto& seal : seals) {
      if (seal.role != planned.role || seal.sha256 != certificate.sha256) continue;
      if (seal.fase && *seal.fase != planned.fase) continue;
      return {IdentityMatch::seal, "cachet configuré pour " + std::string(core::code(planned.role)) +
                                       (planned.organisation.empty() ? "" : " (" + planned.organisation + ")")};
    }
  }
  return {std::nullopt, "le certificat " + described(certificate) + " n’est pas celui du signataire prévu, " + expected +
                            (planned.role == core::Role::responsable ? "" : ", ni un cachet configuré pour " + std::string(core::code(planned.role)))};
}

std::optional<PlannedSignatory> planned_signatory(const core::Dossier& dossier, core::Role role) {
  const core::Signataire* s = dossier.find_signataire(role);
  if (!s) return std::nullopt;
  PlannedSignatory p{role, s->personne.prenom, s->personne.nom, s->personne.email, "", 0};
  switch (role) {
    case core::Role::pole:
      p.organisation = dossier.pole.nom;
      p.fase = dossier.pole.fase;
      break;
    case core::Role::ecole_ordinaire:
      p.organisation = dossier.ecole_ordinaire.nom;
      p.fase = dossier.ecole_ordinaire.fase;
      break;
    case core::Role::cpms:
      p.organisation = dossier.cpms.nom;
      break;
    case core::Role::responsable:
      break;
  }
  return p;
}

}  // namespace ipt::pipeline
