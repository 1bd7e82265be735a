#pragma once
// The dossier as a web form, for coordinators who do not write XML. The form is the dossier
// XML itself, flattened: one field per attribute and per element holding text, named by its
// path with positions ("dossier/responsables/responsable[2]/email", "dossier/pole/@fase").
// Submitting it rebuilds the XML from the same skeleton with the values given, one value per
// line, and reads it back with the strict reader (core::parse_dossier): each problem the
// reader reports is put next to the field on its line, and all of them are shown at once. The
// XML stays the interchange format: what the form saves is what `ipt import` reads.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ipt/core/dossier.hpp"
#include "ipt/core/result.hpp"

namespace ipt::pipeline {

struct FormField {
  std::string name;   // the path with positions, unique in the form
  std::string label;  // French
  std::string value;
  bool multiline = false;
  std::vector<std::string> problems;  // French, from the strict reader
};

// A group of fields: one element with its attributes and its children holding text
// ("Élève", "Responsable 2").
struct FormSection {
  std::string title;
  std::string repeatable;  // the element's name when another one may be added ("responsable"), else ""
  std::string path;        // the element's path with positions
  std::vector<FormField> fields;
};

struct DossierForm {
  std::vector<FormSection> sections;
  std::vector<std::string> other_problems;  // those that no field's line or path explains
  std::string xml;                          // the XML the form stands for
  bool valid() const;
};

// The form of a dossier's XML (the stored one, to edit it). Fails on XML that does not parse.
core::Result<DossierForm> form_of(const std::string& xml);

// A blank form for a new dossier of a procedure ("A-liste-30-09", "A", "B1", "B2", "C"): its
// structure, enumerations and roles kept, every other value empty.
core::Result<DossierForm> blank_form(const std::string& procedure_code);

// The procedures a blank form exists for, with their French titles.
std::vector<std::pair<std::string, std::string>> form_procedures();

struct SubmittedForm {
  DossierForm form;                     // the values given, with the problems found
  std::optional<core::Dossier> dossier;  // when the strict reader accepts it
};

// Rebuilds the XML of `skeleton` (the XML the form was made from) with `values` by field
// name, adding a blank copy of the last `add` element when given ("responsable",
// "integration", "signataire"), and reads it back. Values for names the skeleton does not
// have are ignored; fields not given keep their skeleton value.
core::Result<SubmittedForm> submit_form(const std::string& skeleton, const std::map<std::string, std::string>& values,
                                        const std::string& add = "");

}  // namespace ipt::pipeline
