#pragma once
// Reads a dossier from XML, strictly: every problem is collected and reported at once.
#include <filesystem>
#include <string>
#include <string_view>

#include "ipt/core/diagnostic.hpp"
#include "ipt/core/dossier.hpp"
#include <expected>

namespace ipt::core {

// Every problem found, each as file:line: path: reason (French). Never empty on failure.
using DossierResult = std::expected<Dossier, Diagnostics>;

// `file_name` is used in diagnostics only. Malformed XML, unknown elements or attributes,
// missing fields, impossible dates, dates out of order, bad identifiers (FASE numbers,
// national register number), bad e-mail addresses and text that the PDF fonts cannot
// draw are all reported.
DossierResult parse_dossier(std::string_view xml, const std::string& file_name);

// Reads the file, then parses it. A file that cannot be read is one diagnostic.
DossierResult load_dossier(const std::filesystem::path& path);

}  // namespace ipt::core
