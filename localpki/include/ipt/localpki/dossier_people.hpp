#pragma once
// The people a dossier plans as signatories, as the test PKI names them: each gets a
// certificate in their own name (givenName, surname, CN "Prénom Nom", their e-mail, their
// organisation), so that the identity check of a signing round passes for the right person
// and fails for anyone else. Used by `ipt demo` and the tests.
#include <map>
#include <string>
#include <vector>

#include "ipt/core/dossier.hpp"
#include "ipt/localpki/pki.hpp"

namespace ipt::localpki {

// One Person per role that signs `dossier`.
std::map<Role, Person> signers_of(const core::Dossier& dossier);

// The same as named signers with ids "<reference>-<role>", lower-cased (e.g.
// "pt-liege-2026-0002-cpms").
std::vector<NamedSigner> named_signers_of(const core::Dossier& dossier);
std::string signer_id(const std::string& reference, Role role);

}  // namespace ipt::localpki
