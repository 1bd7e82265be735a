#include "ipt/templates/field_owners.hpp"

namespace ipt::templates {

FieldOwners field_owners(const TemplateDefinition& definition) {
  FieldOwners owners;
  for (const auto& block : definition.blocks) {
    if (const auto* field = std::get_if<TextField>(&block); field && field->filled_by) owners.emplace(field->name, *field->filled_by);
    const auto* row = std::get_if<SignatureRow>(&block);
    if (!row) continue;
    for (const auto& signature : row->signatures) {
      for (const auto& detail : signature.details) owners.emplace(detail.name, signature.role);
      for (const auto& choice : signature.choices) owners.emplace(choice.name, signature.role);
    }
  }
  return owners;
}

}  // namespace ipt::templates
