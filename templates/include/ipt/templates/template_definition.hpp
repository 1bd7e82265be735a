#pragma once
// One document (an annexe, a summary sheet, a partner's written motivation) described as data.
// The XML form is documented in docs/templates.md; parse_definition() is the only producer.
// Nothing here knows about PDF: the renderer turns a definition and a dossier into a file.
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "ipt/core/dossier.hpp"

namespace ipt::templates {

// When a block is printed: always when `any_of` is empty, otherwise when one of the tests
// holds. A test is a dossier field and, optionally, a value: without a value the field must
// not be empty; with one, it must equal it. Written `si="champ"`, `si="champ=valeur"`, or
// with `*` for any row index (`si="desaccords.*.intervenant.code=cpms"`), alternatives
// separated by `|`.
struct Condition {
  struct Test {
    std::string field;
    std::optional<std::string> value;
  };
  std::vector<Test> any_of;
};

// Text style of a block; sizes and weights are the renderer's business.
enum class TextStyle { titre, intertitre, normal, petit, gras };

// Text to print. `text` may hold `{dossier.field}` references, replaced at render time.
struct TextBlock {
  Condition when;
  TextStyle style = TextStyle::normal;
  bool centre = false;
  bool cadre = false;  // drawn inside a frame (the circular's boxed headings)
  std::string text;
  int line = 0;  // in the definition file, for error messages
};

// An AcroForm text field holding a dossier value. `name` is the PDF field name;
// `source` the dossier field (ipt::core::dossier_field_names()) whose value fills it.
// A value that does not fit in `lines` lines of the box is a render error naming `name`.
struct TextField {
  Condition when;
  std::string name;
  std::string source;
  std::string label;        // printed before the box (left, or above when `label_above`)
  bool label_above = false;
  int lines = 1;            // > 1: a multi-line field; the value wraps inside the box
  double label_width = 0;   // fraction of the width given to a label on the left, 0 = auto
  // `rempli-par="cpms"`: a signatory fills it at signing (inside a signatory's box, its role
  // is implied). Otherwise the field holds the dossier's data and is read-only.
  std::optional<core::Role> filled_by;
  int line = 0;
};

struct ChoiceOption {
  std::string value;  // the export value, compared with the source field's value
  std::string label;  // the circular's wording
};

// Radio buttons (one of the options) or independent check boxes, bound to a dossier field.
// For radio buttons the option whose value equals the source value is selected.
struct ChoiceField {
  Condition when;
  std::string name;
  std::string source;
  std::string label;
  bool vertical = true;   // one option per line; false: options side by side
  std::vector<ChoiceOption> options;
  int line = 0;
};

// A tick in a table cell: ticked when the dossier field `source` is not empty; without a
// source, left to tick by hand (what the dossier cannot prove, e.g. a signed agreement).
// It is an AcroForm check box named `name`.
struct Tick {
  std::string name;
  std::string source;  // may be empty
  int line = 0;
};

using Cell = std::variant<TextBlock, TextField, Tick>;

struct Column {
  std::string heading;  // may hold '\n' where the heading must break (<br/>)
  double width = 1;  // relative to the other columns
};

struct TableRow {
  Condition when;
  std::vector<Cell> cells;  // one per column
  int min_lines = 1;        // height of the row, in lines of normal text, at least
};

struct Table {
  Condition when;
  std::vector<Column> columns;
  std::vector<TableRow> rows;
  int line = 0;
};

// One signatory's box. The PDF signature field is named after the role
// (ipt::core::field_name: sig_pole, sig_ecole_ordinaire, sig_cpms, sig_responsable), left
// empty (no /V) for the signing step, with a visible box where the circular has
// « Date / Signature / Cachet ».
struct SignatureField {
  Condition when;
  core::Role role = core::Role::pole;
  std::string label;                // "Pour le pôle territorial, le PO de l’école siège ou son délégué :"
  std::vector<TextField> details;   // printed above the box (N° FASE, the CPMS opinion's name...)
  std::vector<ChoiceField> choices; // e.g. the CPMS opinion
  std::string mentions = "Date / Signature / Cachet";
  int line = 0;
};

// Signature boxes side by side (one or two per row).
struct SignatureRow {
  Condition when;
  std::vector<SignatureField> signatures;
  int line = 0;
};

// A footnote, printed at the bottom of the page where it is declared.
struct Footnote {
  Condition when;
  std::string mark;  // "1"
  std::string text;
  int line = 0;
};

struct Spacer {
  Condition when;
  double points = 6;
};

// A new page, unless the current one is still empty.
struct PageBreak {
  Condition when;
};

using Block = std::variant<TextBlock, TextField, ChoiceField, Table, SignatureRow, Footnote, Spacer,
                           PageBreak>;

struct TemplateDefinition {
  std::string id;     // the file stem: "annexe-2b" (core::file_stem of its Document)
  std::string file;   // the definition's file name, for messages
  std::string title;  // the PDF's title (Info /Title, dc:title)
  double page_width = 595.276;   // A4, in points
  double page_height = 841.89;
  double margin = 50;
  std::vector<Block> blocks;
  std::set<std::string, std::less<>> sources;  // every dossier field the definition uses
};

}  // namespace ipt::templates
