#pragma once
// Turns a definition and a dossier's fields into a PDF/A form, ready to be signed.
//
// Output: PDF/A-2u (default) or PDF/A-1b, one classic cross-reference table, no object
// streams, Liberation Sans embedded as a subset holding the whole WinAnsi repertoire (so a
// later fill or signature reuses it), a ToUnicode map on every font, XMP metadata that
// matches the Info dictionary, an sRGB OutputIntent, /Lang fr-BE. Dossier values go into
// AcroForm fields whose appearances are drawn here; signature fields (sig_pole,
// sig_ecole_ordinaire, sig_cpms, sig_responsable) are left empty, with a visible box.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "ipt/core/dossier_fields.hpp"
#include "ipt/core/plan.hpp"
#include "ipt/core/result.hpp"
#include "ipt/templates/template_set.hpp"

namespace ipt::templates {

struct RenderOptions {
  int pdfa_part = 2;  // 2: PDF/A-2u; 1: PDF/A-1b (what PDFBox Preflight can check)
  // Creation date written in Info and XMP; now when not given (tests fix it).
  std::optional<std::chrono::sys_seconds> creation_date;
};

struct FontFiles {
  std::filesystem::path regular = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf";
  std::filesystem::path bold = "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf";
};

// Holds what does not change between dossiers: the parsed definitions, the font programs
// (subset and compressed once), their metrics, the ICC profile. Cheap to copy (shared,
// immutable state). Concurrent renders have not been checked against PoDoFo's lazily built
// globals (encodings): render from one thread at a time, or one process per core.
class Renderer {
 public:
  // Fails when a font cannot be read or lacks a WinAnsi character.
  static core::Result<Renderer> create(TemplateSet templates, const FontFiles& fonts = {});
  // The renderer of the definitions compiled into the binary (TemplateSet::load_embedded).
  static core::Result<Renderer> create_embedded();

  // Fails, naming the field, when a dossier value does not fit its box or holds a character
  // the font cannot draw, or when a field the definition names is absent from `fields`
  // ("champ « protocole_synthese » : le texte ne tient pas dans la case (14 lignes pour 10)").
  // The message does not repeat the document's name: the caller adds it as context.
  core::Result<std::vector<std::uint8_t>> render(const TemplateDefinition& definition,
                                                 const core::DossierFields& fields,
                                                 const RenderOptions& options = {}) const;
  // The definition whose id is core::file_stem(document).
  core::Result<std::vector<std::uint8_t>> render_document(core::Document document,
                                                          const core::DossierFields& fields,
                                                          const RenderOptions& options = {}) const;

  const TemplateSet& templates() const;

  struct State;

 private:
  explicit Renderer(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;
};

}  // namespace ipt::templates
