#pragma once
// A dossier's reference: the one identifier that travels in file names, logs, the audit
// trail and mail subjects. Pattern: 1 to 64 characters of A-Z a-z 0-9 . _ -, starting with a
// letter or a digit (so never "." nor ".."), with no "..". Checked on every input that names
// a dossier (the XML, the command line, the portal), before it reaches a path.
#include <string_view>

#include "ipt/core/dossier.hpp"
#include "ipt/core/result.hpp"

namespace ipt::core {

inline constexpr std::string_view reference_pattern = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}, sans « .. »";

bool is_valid_reference(std::string_view reference);

// Fails with « référence de dossier invalide … » naming the pattern (not echoing more than
// the first characters of hostile input).
Result<void> check_reference(std::string_view reference);

// Whether `reference` carries one of the pupil's names (surname or a first name of three
// letters or more), compared transliterated and without case: "PT-DUBOEUF-2026" carries
// Dubœuf, "PT-LEA-2026" carries Léa.
bool reference_names_pupil(std::string_view reference, const Eleve& eleve);

}  // namespace ipt::core
