// The loaders checked against core's field list: kept apart so that a program (or a test)
// that passes its own list does not need the dossier model's code.
#include "ipt/core/dossier_fields.hpp"
#include "ipt/core/plan.hpp"
#include "ipt/templates/template_set.hpp"

namespace ipt::templates {

core::Result<TemplateSet> TemplateSet::load_embedded() {
  return parse(embedded_definitions(), core::dossier_field_names());
}

core::Result<TemplateSet> TemplateSet::load_directory(const std::filesystem::path& directory) {
  return load_directory(directory, core::dossier_field_names());
}

const TemplateDefinition* TemplateSet::find(core::Document document) const {
  return find(core::file_stem(document));
}

}  // namespace ipt::templates
