#include "ipt/templates/renderer.hpp"
#include "ipt/templates/field_owners.hpp"

#include <algorithm>

#include "deflate.hpp"
#include "layout.hpp"
#include "pdf_writer.hpp"
#include "win_ansi.hpp"

namespace ipt::templates {

std::span<const EmbeddedFile> embedded_color_profiles();

struct Renderer::State {
  TemplateSet templates;
  SharedResources shared;
  const PdfWriter* writer;  // the module's (pdf_writer.hpp)
};

core::Result<Renderer> Renderer::create_embedded() {
  IPT_TRY(set, TemplateSet::load_embedded());
  return create(*std::move(set));
}

core::Result<Renderer> Renderer::create(TemplateSet templates, const FontFiles& fonts) {
  IPT_TRY(writer, pdf_writer());
  IPT_TRY(regular, (*writer)->load_font_program(fonts.regular));
  IPT_TRY(bold, (*writer)->load_font_program(fonts.bold));
  const auto profiles = embedded_color_profiles();
  if (profiles.empty()) return core::fail("profil de couleur sRGB absent du programme");
  auto state = std::make_shared<State>(State{
      std::move(templates),
      SharedResources{std::move(*regular), std::move(*bold), deflate(profiles.front().content, 9),
                      deflate(win_ansi::to_unicode_cmap(), 9)},
      *writer});
  return Renderer(std::move(state));
}

const TemplateSet& Renderer::templates() const { return state_->templates; }

core::Result<std::vector<std::uint8_t>> Renderer::render(const TemplateDefinition& definition,
                                                         const core::DossierFields& fields,
                                                         const RenderOptions& options) const {
  if (options.pdfa_part != 1 && options.pdfa_part != 2)
    return core::fail(core::Category::invalid_input, "PDF/A-" + std::to_string(options.pdfa_part) + " non pris en charge (1 ou 2)");
  const Fonts fonts{state_->shared.regular, state_->shared.bold};
  IPT_TRY(laid_out, layout(definition, fields, fonts));
  // What no signatory fills is the dossier's data: read-only from the start, and locked by
  // every signature (the verifier treats a read-only field as locked).
  const auto owners = field_owners(definition);
  for (auto& w : laid_out->widgets) w.read_only = w.kind != WidgetKind::signature && !w.name.empty() && !owners.contains(w.name);
  for (auto& g : laid_out->radio_groups) g.read_only = !owners.contains(g.name);
  PdfMetadata metadata;
  metadata.title = definition.title;
  metadata.pdfa_part = options.pdfa_part;
  metadata.created = options.creation_date.value_or(
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
  IPT_TRY(pdf, state_->writer->write_pdf(*laid_out, state_->shared, metadata));
  return pdf;
}

}  // namespace ipt::templates
