#pragma once
// The set of document definitions: parsed once, checked against the dossier's field names.
#include <filesystem>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipt/core/embedded_file.hpp"
#include "ipt/core/plan.hpp"
#include "ipt/core/result.hpp"
#include "ipt/templates/template_definition.hpp"

namespace ipt::templates {

using FieldNames = std::set<std::string, std::less<>>;

// Parses one definition. `file_name` names it in errors ("annexe-4.xml:37: champ
// « fin.justifcation » inconnu"): malformed XML, unknown elements or attributes, missing
// attributes, characters the PDF fonts cannot draw, and names absent from `known_fields`
// are errors carrying the file, the line and the reason (French).
core::Result<TemplateDefinition> parse_definition(std::string_view xml, const std::string& file_name,
                                                  const FieldNames& known_fields);

class TemplateSet {
 public:
  // The definitions compiled into the binary (templates/definitions/*.xml), checked against
  // ipt::core::dossier_field_names().
  static core::Result<TemplateSet> load_embedded();
  // Every *.xml of a directory (e.g. a wording being edited), same checks.
  static core::Result<TemplateSet> load_directory(const std::filesystem::path& directory);

  // The same, checked against an explicit list of field names.
  static core::Result<TemplateSet> parse(std::span<const EmbeddedFile> files, const FieldNames& known_fields);
  static core::Result<TemplateSet> load_directory(const std::filesystem::path& directory,
                                                  const FieldNames& known_fields);

  // Nothing when no definition has that id (file stem).
  const TemplateDefinition* find(std::string_view id) const;
  const TemplateDefinition* find(core::Document document) const;
  const std::vector<TemplateDefinition>& definitions() const { return definitions_; }

 private:
  std::vector<TemplateDefinition> definitions_;  // sorted by id
};

// The definition files compiled into the binary.
std::span<const EmbeddedFile> embedded_definitions();

}  // namespace ipt::templates
