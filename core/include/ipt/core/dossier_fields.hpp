#pragma once
// A dossier flattened into named values, as the annex templates reference them
// (e.g. "eleve.nom", "pole.fase", "fin.justification"). Values are French, ready to print:
// dates as dd/mm/yyyy, choices as their circular wording (a `.code` key beside a choice
// gives its machine value, e.g. "fin.justification.code" = "certificat").
// The complete list of names is docs/champs-dossier.md.
#include <map>
#include <set>
#include <string>

#include "ipt/core/dossier.hpp"
#include "ipt/core/school_calendar.hpp"

namespace ipt::core {

using DossierFields = std::map<std::string, std::string, std::less<>>;

// Fields whose value is empty in this dossier are present with an empty value, so that a
// template may name every field of `dossier_field_names()` whatever the procedure.
// The calendar supplies the school year's first and last school days; a year missing
// from it leaves those two fields empty.
DossierFields dossier_fields(const Dossier& dossier, const SchoolCalendar& calendar);

// Every name dossier_fields() may produce. Repeated rows are named with an index
// ("historique.0.annee_scolaire") up to `max_rows - 1`.
inline constexpr int max_rows = 8;
const std::set<std::string, std::less<>>& dossier_field_names();

}  // namespace ipt::core
