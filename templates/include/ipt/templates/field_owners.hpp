#pragma once
// Who may fill which field of a document: a field inside a signatory's box (its details and
// choices: the CPMS opinion, the name and capacity of the person signing) belongs to that
// signatory's role, as does a field marked `rempli-par` (Annexe 4's written CPMS opinion);
// every other field holds the dossier's data, is rendered read-only and is locked from the
// start. Signature fields themselves are not listed.
//
// Naming: no field may start with a choice's name followed by "_" ("avis_cpms_texte" beside
// "avis_cpms"): pyHanko 0.25.1 takes a FieldMDP lock on "avis_cpms" as locking every name
// that begins with it (its issue 633), and would then judge the CPMS's signature broken.
#include <map>
#include <string>

#include "ipt/core/dossier.hpp"
#include "ipt/templates/template_definition.hpp"

namespace ipt::templates {

using FieldOwners = std::map<std::string, core::Role, std::less<>>;

// The fields of `definition` that a signatory fills, by name (a choice group by its name,
// e.g. "avis_cpms"), with the role they belong to.
FieldOwners field_owners(const TemplateDefinition& definition);

}  // namespace ipt::templates
