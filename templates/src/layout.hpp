#pragma once
// The renderer's two halves meet here: layout() places a definition's blocks on pages and
// draws them as PDF content operators; write_pdf() (pdf_document.cpp) wraps the result in a
// PDF/A file with PoDoFo. Coordinates are PDF points, origin at the bottom left.
#include <string>
#include <vector>

#include "font_program.hpp"
#include "ipt/core/dossier_fields.hpp"
#include "ipt/core/result.hpp"
#include "ipt/templates/template_definition.hpp"

namespace ipt::templates {

struct Rect {
  double x = 0, y = 0, w = 0, h = 0;
};

enum class WidgetKind { text, checkbox, radio, signature };

// One widget annotation; text and signature widgets are fields of their own, radio widgets
// are kids of the group `group`.
struct Widget {
  WidgetKind kind = WidgetKind::text;
  std::string name;        // field name (text, check box, signature)
  int page = 0;
  Rect rect;
  std::string value;       // text: the dossier's value (UTF-8), written as /V
  bool multiline = false;
  std::string appearance;  // text, signature: the /N stream's content (uses /F1, /F2)
  // check boxes and radio buttons
  std::string on_state;    // the export value ("Oui", "favorable", ...)
  bool selected = false;
  std::string on_appearance, off_appearance;
  int group = -1;          // radio: index in LaidOutDocument::radio_groups
  bool read_only = false;  // the dossier's data: no signatory fills it (field_owners.hpp)
};

struct RadioGroup {
  std::string name;
  std::string value;  // the selected export value, empty when none
  bool read_only = false;
};

struct LaidOutDocument {
  double page_width = 0, page_height = 0;
  std::vector<std::string> pages;  // one content stream per page
  std::vector<Widget> widgets;
  std::vector<RadioGroup> radio_groups;
};

struct Fonts {
  const FontProgram& regular;  // /F1
  const FontProgram& bold;     // /F2
};

// Fails, naming the PDF field (or the dossier field of an interpolation), when a value does
// not fit, holds a character the fonts cannot draw, or is absent from `fields`.
core::Result<LaidOutDocument> layout(const TemplateDefinition& definition, const core::DossierFields& fields,
                                     const Fonts& fonts);

}  // namespace ipt::templates
