#pragma once
// The set of document definitions: parsed once, checked against the dossier's field names.
#include <filesystem>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipt/core/diagnostic.hpp"
#include "ipt/core/embedded_file.hpp"
#include "ipt/core/plan.hpp"
#include "ipt/core/result.hpp"
#include "ipt/templates/template_definition.hpp"

namespace ipt::templates {

using FieldNames = std::set<std::string, std::less<>>;

// Parses one definition. Malformed XML, unknown elements or attributes, missing attributes,
// characters the PDF fonts cannot draw, and names absent from `known_fields` are reported
// as core::Diagnostic values: `file_name`, the line, the path of the element or attribute
// ("document/tableau/ligne/cellule/champ/@source") and the reason in French, e.g.
// "annexe-4.xml:37: document/champ/@source: champ « fin.justifcation » inconnu". Every
// top-level block is read, so each faulty block contributes its first problem.
std::expected<TemplateDefinition, core::Diagnostics> parse_definition(std::string_view xml, const std::string& file_name,
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
