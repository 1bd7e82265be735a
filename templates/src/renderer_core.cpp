// render_document() needs core's document names (plan.hpp): kept apart like
// template_set_core.cpp.
#include "ipt/core/plan.hpp"
#include "ipt/templates/renderer.hpp"

namespace ipt::templates {

core::Result<std::vector<std::uint8_t>> Renderer::render_document(core::Document document,
                                                                  const core::DossierFields& fields,
                                                                  const RenderOptions& options) const {
  const TemplateDefinition* definition = templates().find(document);
  if (definition == nullptr)
    return core::fail(core::Category::not_found, "aucun modèle « " + std::string(core::file_stem(document)) + " »");
  return render(*definition, fields, options);
}

}  // namespace ipt::templates
