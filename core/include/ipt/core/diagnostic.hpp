#pragma once
// Problems found in user input, reported all at once as `file:line: path: reason`.
#include <string>
#include <vector>

#include "ipt/core/result.hpp"

namespace ipt::core {

// One problem in an input file. `line` is 0 when the problem concerns the whole file.
// `path` names the element or attribute in the dossier's own words
// (e.g. "dossier/eleve/date-naissance" or "dossier/pole/@fase"); `reason` is French.
struct Diagnostic {
  std::string file;
  int line = 0;
  std::string path;
  std::string reason;

  // "dossier.xml:41: dossier/eleve/date-naissance: date inexistante (2023-02-30)"
  std::string to_string() const;
};

using Diagnostics = std::vector<Diagnostic>;

// Joins diagnostics one per line, in the order found.
std::string format_diagnostics(const Diagnostics& diagnostics);

// The diagnostics as one Error for a caller that returns a Result: Category::invalid_input,
// the message is one problem per line (no final newline) and the place is the first
// problem's file, line and path.
Error to_error(const Diagnostics& diagnostics);

}  // namespace ipt::core
