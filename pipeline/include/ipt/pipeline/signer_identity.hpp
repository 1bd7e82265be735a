#pragma once
// Whether a certificate is the planned signatory's own (the signing-round rule every path
// applies: the command, the portal, batches).
//
// A person's certificate matches when it names them — givenName and surname, or its CN,
// compared without case, accents or punctuation (a Belgian eID's givenName holds every first
// name: the planned first names must lead them, and its CN's " (Signature)" is ignored) —
// or when it carries their e-mail address (subjectAltName or emailAddress; compared without
// case only: "marie-lambert@" is not "marie.lambert@"). For an organisation (the pole, the
// ordinary school, the CPMS), a seal certificate configured for that role in ipt.conf (by
// SHA-256 fingerprint, optionally for one FASE number) is accepted as well.
#include <optional>
#include <span>
#include <string>

#include "ipt/core/dossier.hpp"
#include "ipt/signing/certificates.hpp"

namespace ipt::pipeline {

struct PlannedSignatory {
  core::Role role = core::Role::pole;
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string organisation;  // the pole's, school's or CPMS's name; empty for a person signing for themself
  unsigned fase = 0;         // the organisation's FASE number, 0 when it has none (CPMS, responsable)
};

// A seal configured in ipt.conf: `seal.ecole-ordinaire = <sha256> [FASE]`.
struct ConfiguredSeal {
  core::Role role = core::Role::pole;
  std::string sha256;         // lower-case hexadecimal, no separators
  std::optional<unsigned> fase;
};

enum class IdentityMatch { name, email, seal };

struct IdentityVerdict {
  std::optional<IdentityMatch> match;  // none: refused
  std::string reason;                  // French: why it matched, or why not (naming both)
  bool accepted() const { return match.has_value(); }
};

IdentityVerdict check_signer(const signing::CertificateIdentity& certificate, const PlannedSignatory& planned,
                             std::span<const ConfiguredSeal> seals);

// The planned signatory of `role` in `dossier` (its signataire, organisation and FASE).
std::optional<PlannedSignatory> planned_signatory(const core::Dossier& dossier, core::Role role);

}  // namespace ipt::pipeline
