// Reads a definition file (docs/templates.md) into a TemplateDefinition, strictly. Each
// problem is a core::Diagnostic (file, line, path of the element or attribute, French
// reason); within a top-level block the first problem stops that block, and every block is
// read, so one run reports a problem per faulty block.
#include <tinyxml2.h>

#include <cctype>
#include <charconv>
#include <cstring>
#include <initializer_list>
#include <string>

#include "ipt/templates/template_set.hpp"
#include "win_ansi.hpp"

namespace ipt::templates {

namespace {

using tinyxml2::XMLElement;

template <class T>
using Parsed = std::expected<T, core::Diagnostic>;

// "document/tableau/ligne/cellule" (and "/@attribute" when one is named).
std::string path_of(const XMLElement* e, const char* attribute) {
  std::string path;
  for (const tinyxml2::XMLNode* n = e; n != nullptr && n->ToElement() != nullptr; n = n->Parent()) {
    path = path.empty() ? std::string(n->Value()) : std::string(n->Value()) + "/" + path;
  }
  if (attribute != nullptr) path += "/@" + std::string(attribute);
  return path;
}

class Parser {
 public:
  Parser(std::string file, const FieldNames& known) : file_(std::move(file)), known_(known) {}

  std::expected<TemplateDefinition, core::Diagnostics> parse(std::string_view xml) {
    tinyxml2::XMLDocument doc;
    if (doc.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) {
      const char* detail = doc.ErrorStr();
      return std::unexpected(core::Diagnostics{
          {file_, doc.ErrorLineNum(), "", "XML mal formé (" + std::string(detail != nullptr ? detail : "") + ")"}});
    }
    const XMLElement* root = doc.RootElement();
    if (root == nullptr || std::strcmp(root->Name(), "document") != 0) {
      return std::unexpected(core::Diagnostics{{file_, root != nullptr ? root->GetLineNum() : 1,
                                                root != nullptr ? root->Name() : "", "l’élément racine doit être <document>"}});
    }
    TemplateDefinition def;
    def.file = file_;
    def.id = file_.substr(0, file_.rfind('.'));
    if (const auto slash = def.id.find_last_of('/'); slash != std::string::npos) def.id = def.id.substr(slash + 1);
    core::Diagnostics problems;
    if (auto ok = read_root(root, def); !ok) problems.push_back(std::move(ok).error());
    for (const XMLElement* e = root->FirstChildElement(); e != nullptr; e = e->NextSiblingElement()) {
      repeat_index_ = -1;
      auto block = parse_block(e);
      if (!block) {
        problems.push_back(std::move(block).error());
        continue;
      }
      def.blocks.push_back(std::move(*block));
    }
    if (!problems.empty()) return std::unexpected(std::move(problems));
    def.sources = std::move(sources_);
    return def;
  }

 private:
  std::string file_;
  const FieldNames& known_;
  FieldNames sources_;
  int repeat_index_ = -1;  // inside <ligne repeter="n">: the row index replacing {i}

  // A problem at `e` (or at its `attribute`).
  std::unexpected<core::Diagnostic> error(const XMLElement* e, const std::string& reason,
                                          const char* attribute = nullptr) const {
    return std::unexpected(core::Diagnostic{file_, e->GetLineNum(), path_of(e, attribute), reason});
  }

  Parsed<void> read_root(const XMLElement* root, TemplateDefinition& def) const {
    IPT_TRY_VOID(allow(root, {"titre", "marge"}));
    IPT_TRY(title, required_text_attribute(root, "titre"));
    def.title = *title;
    if (const char* margin = root->Attribute("marge")) {
      IPT_TRY(m, parse_number(root, "marge", margin, 10, 150));
      def.margin = *m;
    }
    return {};
  }

  Parsed<void> allow(const XMLElement* e, std::initializer_list<const char*> names) const {
    for (const tinyxml2::XMLAttribute* a = e->FirstAttribute(); a != nullptr; a = a->Next()) {
      bool ok = false;
      for (const char* n : names) ok = ok || std::strcmp(n, a->Name()) == 0;
      if (!ok)
        return error(e, "attribut « " + std::string(a->Name()) + " » inconnu sur <" + e->Name() + ">", a->Name());
    }
    return {};
  }

  // Text must be drawable by the WinAnsi fonts: say which character is not.
  Parsed<std::string> drawable(const XMLElement* e, std::string text, const char* attribute = nullptr) const {
    const auto encoded = win_ansi::encode_utf8(text);
    if (encoded.unsupported)
      return error(e, "caractère " + win_ansi::describe(*encoded.unsupported) +
                                        " impossible à imprimer avec les polices du formulaire",
                   attribute);
    return text;
  }

  std::string expand_index(std::string text) const {
    if (repeat_index_ < 0) return text;
    for (std::size_t at = text.find("{i}"); at != std::string::npos; at = text.find("{i}"))
      text.replace(at, 3, std::to_string(repeat_index_));
    return text;
  }

  // A label may hold `{field}` references too.
  Parsed<std::string> label_attribute(const XMLElement* e, const char* name) {
    const char* raw = e->Attribute(name);
    std::string text = expand_index(raw != nullptr ? raw : "");
    IPT_TRY_VOID(check_references(e, text, name));
    return drawable(e, text, name);
  }

  Parsed<void> check_references(const XMLElement* e, const std::string& text, const char* attribute = nullptr) {
    for (std::size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
      const std::size_t close = text.find('}', open);
      if (close == std::string::npos) return error(e, "accolade « { » non refermée", attribute);
      const std::string name = text.substr(open + 1, close - open - 1);
      if (!known_.contains(name)) return error(e, "champ « " + name + " » inconnu", attribute);
      sources_.insert(name);
    }
    return {};
  }

  Parsed<std::string> required_text_attribute(const XMLElement* e, const char* name) const {
    const char* value = e->Attribute(name);
    if (value == nullptr || *value == '\0')
      return error(e, "attribut « " + std::string(name) + " » manquant sur <" + e->Name() + ">", name);
    return drawable(e, value, name);
  }

  Parsed<double> parse_number(const XMLElement* e, const char* name, const char* text, double min,
                                    double max) const {
    double v = 0;
    const char* end = text + std::strlen(text);
    const auto [ptr, ec] = std::from_chars(text, end, v);
    if (ec != std::errc() || ptr != end || v < min || v > max)
      return error(e, "attribut « " + std::string(name) + " » : « " + text +
                                        " » n’est pas un nombre entre " + std::to_string(static_cast<int>(min)) +
                                        " et " + std::to_string(static_cast<int>(max)),
                   name);
    return v;
  }

  Parsed<bool> parse_bool(const XMLElement* e, const char* name, bool fallback) const {
    const char* v = e->Attribute(name);
    if (v == nullptr) return fallback;
    if (std::strcmp(v, "oui") == 0) return true;
    if (std::strcmp(v, "non") == 0) return false;
    return error(e, "attribut « " + std::string(name) + " » : « oui » ou « non » attendu, pas « " + v + " »", name);
  }

  Parsed<std::string> source(const XMLElement* e, const char* attribute = "source") {
    const char* raw = e->Attribute(attribute);
    if (raw == nullptr || *raw == '\0')
      return error(e, "attribut « " + std::string(attribute) + " » manquant sur <" + e->Name() + ">", attribute);
    std::string name = expand_index(raw);
    if (!known_.contains(name)) return error(e, "champ « " + name + " » inconnu", attribute);
    sources_.insert(name);
    return name;
  }

  // The element's text, whitespace collapsed, `{field}` references checked.
  Parsed<std::string> text_of(const XMLElement* e) {
    if (e->FirstChildElement() != nullptr)
      return error(e->FirstChildElement(),
                   "<" + std::string(e->Name()) + "> ne contient que du texte, pas <" + e->FirstChildElement()->Name() + ">");
    const char* raw = e->GetText();
    std::string collapsed;
    bool space = false;
    for (const char* p = raw != nullptr ? raw : ""; *p != '\0'; ++p) {
      const char c = *p;
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        space = !collapsed.empty();
        continue;
      }
      if (space) collapsed.push_back(' ');
      space = false;
      collapsed.push_back(c);
    }
    collapsed = expand_index(collapsed);
    IPT_TRY_VOID(check_references(e, collapsed));
    return drawable(e, collapsed);
  }


  // A column heading: text, with <br/> where it must break (as the circular's do).
  Parsed<std::string> heading_of(const XMLElement* e) {
    std::string out;
    for (const tinyxml2::XMLNode* n = e->FirstChild(); n != nullptr; n = n->NextSibling()) {
      if (const XMLElement* child = n->ToElement()) {
        if (std::strcmp(child->Name(), "br") != 0 || child->FirstChild() != nullptr || child->FirstAttribute() != nullptr)
          return error(child, "<colonne> ne contient que du texte et des <br/>, pas <" + std::string(child->Name()) + ">");
        out += '\n';
      } else if (const tinyxml2::XMLText* text = n->ToText()) {
        std::string piece;
        bool space = false;
        for (const char* p = text->Value(); *p != '\0'; ++p) {
          const bool blank = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r';
          if (blank) {
            space = true;
            continue;
          }
          if (space && !piece.empty()) piece.push_back(' ');
          space = false;
          piece.push_back(*p);
        }
        out += piece;
      }
    }
    IPT_TRY_VOID(check_references(e, out));
    return drawable(e, out);
  }

  Parsed<Condition> condition(const XMLElement* e) {
    Condition c;
    const char* raw = e->Attribute("si");
    if (raw == nullptr) return c;
    const std::string text = expand_index(raw);
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t bar = text.find('|', start);
      if (bar == std::string::npos) bar = text.size();
      std::string test = text.substr(start, bar - start);
      start = bar + 1;
      std::optional<std::string> value;
      if (const auto eq = test.find('='); eq != std::string::npos) {
        value = test.substr(eq + 1);
        test.resize(eq);
      }
      if (test.empty()) return error(e, "condition « " + text + " » mal formée", "si");
      const auto star = test.find('*');
      if (star == std::string::npos) {
        if (!known_.contains(test)) return error(e, "champ « " + test + " » inconnu", "si");
        sources_.insert(test);
        c.any_of.push_back({test, value});
        continue;
      }
      // "desaccords.*.intervenant.code": every row index the field list has.
      const std::string prefix = test.substr(0, star);
      const std::string suffix = test.substr(star + 1);
      bool any = false;
      for (const auto& name : known_) {
        if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) || !name.ends_with(suffix)) continue;
        const std::string middle = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
        if (middle.empty() || middle.find_first_not_of("0123456789") != std::string::npos) continue;
        sources_.insert(name);
        c.any_of.push_back({name, value});
        any = true;
      }
      if (!any) return error(e, "champ « " + test + " » inconnu", "si");
    }
    return c;
  }

  Parsed<TextBlock> parse_text(const XMLElement* e, TextStyle style) {
    IPT_TRY_VOID(allow(e, {"style", "centre", "cadre", "si"}));
    TextBlock t;
    t.style = style;
    t.line = e->GetLineNum();
    {
      IPT_TRY(when, condition(e));
      t.when = std::move(*when);
    }
    if (const char* s = e->Attribute("style")) {
      static constexpr std::pair<const char*, TextStyle> styles[] = {
          {"titre", TextStyle::titre}, {"intertitre", TextStyle::intertitre}, {"normal", TextStyle::normal},
          {"petit", TextStyle::petit}, {"gras", TextStyle::gras}};
      bool found = false;
      for (const auto& [name, value] : styles)
        if (std::strcmp(name, s) == 0) {
          t.style = value;
          found = true;
        }
      if (!found) return error(e, "style « " + std::string(s) + " » inconnu", "style");
    }
    IPT_TRY(centre, parse_bool(e, "centre", style == TextStyle::titre));
    t.centre = *centre;
    IPT_TRY(cadre, parse_bool(e, "cadre", false));
    t.cadre = *cadre;
    IPT_TRY(text, text_of(e));
    t.text = std::move(*text);
    return t;
  }

  static std::string pdf_name_of(const std::string& source) {
    std::string name = source;
    for (char& c : name)
      if (c == '.') c = '_';  // a period separates levels of a PDF field name
    return name;
  }

  Parsed<std::string> field_name(const XMLElement* e, const std::string& fallback) const {
    const char* raw = e->Attribute("nom");
    std::string name = raw != nullptr ? expand_index(raw) : pdf_name_of(fallback);
    if (name.empty()) return error(e, "attribut « nom » vide", "nom");
    for (const char c : name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
        return error(e, "nom de champ PDF « " + name + " » : lettres, chiffres, « _ » et « - » seulement", "nom");
    return name;
  }

  // A signatory's role named by `attribute` ("pole", "ecole-ordinaire", "cpms", "responsable").
  Parsed<core::Role> role_attribute(const XMLElement* e, const char* attribute) const {
    static constexpr std::pair<const char*, core::Role> roles[] = {{"pole", core::Role::pole},
                                                                   {"ecole-ordinaire", core::Role::ecole_ordinaire},
                                                                   {"cpms", core::Role::cpms},
                                                                   {"responsable", core::Role::responsable}};
    const char* role = e->Attribute(attribute);
    for (const auto& [name, value] : roles)
      if (role != nullptr && std::strcmp(name, role) == 0) return value;
    return error(e, "rôle « " + std::string(role ? role : "") + " » inconnu (pole, ecole-ordinaire, cpms ou responsable)",
                 attribute);
  }

  Parsed<TextField> parse_field(const XMLElement* e) {
    IPT_TRY_VOID(allow(e, {"nom", "source", "libelle", "lignes", "libelle-dessus", "largeur-libelle", "si", "rempli-par"}));
    TextField f;
    f.line = e->GetLineNum();
    {
      IPT_TRY(when, condition(e));
      f.when = std::move(*when);
    }
    IPT_TRY(src, source(e));
    f.source = *src;
    IPT_TRY(name, field_name(e, f.source));
    f.name = *name;
    if (e->Attribute("libelle") != nullptr) {
      IPT_TRY(l, label_attribute(e, "libelle"));
      f.label = *l;
    }
    if (const char* lines = e->Attribute("lignes")) {
      IPT_TRY(n, parse_number(e, "lignes", lines, 1, 60));
      f.lines = static_cast<int>(*n);
    }
    IPT_TRY(above, parse_bool(e, "libelle-dessus", false));
    f.label_above = *above;
    if (const char* w = e->Attribute("largeur-libelle")) {
      IPT_TRY(n, parse_number(e, "largeur-libelle", w, 0.05, 0.9));
      f.label_width = *n;
    }
    if (e->Attribute("rempli-par") != nullptr) {
      IPT_TRY(owner, role_attribute(e, "rempli-par"));
      f.filled_by = *owner;
    }
    if (e->FirstChild() != nullptr) return error(e, "<champ> doit être vide");
    return f;
  }

  Parsed<ChoiceField> parse_choice(const XMLElement* e) {
    IPT_TRY_VOID(allow(e, {"nom", "source", "libelle", "disposition", "si"}));
    ChoiceField c;
    c.line = e->GetLineNum();
    {
      IPT_TRY(when, condition(e));
      c.when = std::move(*when);
    }
    IPT_TRY(src, source(e));
    c.source = *src;
    IPT_TRY(name, field_name(e, c.source));
    c.name = *name;
    if (e->Attribute("libelle") != nullptr) {
      IPT_TRY(l, label_attribute(e, "libelle"));
      c.label = *l;
    }
    if (const char* d = e->Attribute("disposition")) {
      if (std::strcmp(d, "verticale") == 0) c.vertical = true;
      else if (std::strcmp(d, "horizontale") == 0) c.vertical = false;
      else return error(e, "disposition « " + std::string(d) + " » : « verticale » ou « horizontale » attendu");
    }
    for (const XMLElement* o = e->FirstChildElement(); o != nullptr; o = o->NextSiblingElement()) {
      if (std::strcmp(o->Name(), "option") != 0)
        return error(o, "élément <" + std::string(o->Name()) + "> inattendu dans <choix>");
      IPT_TRY_VOID(allow(o, {"valeur"}));
      ChoiceOption option;
      const char* v = o->Attribute("valeur");
      if (v == nullptr || *v == '\0') return error(o, "attribut « valeur » manquant sur <option>");
      option.value = v;
      for (const char ch : option.value)
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-'))
          return error(o, "valeur « " + option.value + " » : lettres, chiffres, « _ » et « - » seulement");
      for (const auto& other : c.options)
        if (other.value == option.value) return error(o, "valeur « " + option.value + " » en double");
      IPT_TRY(label, text_of(o));
      option.label = *label;
      c.options.push_back(std::move(option));
    }
    if (c.options.size() < 2) return error(e, "<choix> demande au moins deux <option>");
    return c;
  }

  Parsed<Tick> parse_tick(const XMLElement* e) {
    IPT_TRY_VOID(allow(e, {"nom", "source"}));
    Tick t;
    t.line = e->GetLineNum();
    if (e->Attribute("source") != nullptr) {  // without one, the box is ticked by hand
      IPT_TRY(src, source(e));
      t.source = *src;
    } else if (e->Attribute("nom") == nullptr) {
      return error(e, "<coche> sans « source » : attribut « nom » obligatoire");
    }
    IPT_TRY(name, field_name(e, "coche_" + t.source));
    t.name = *name;
    return t;
  }

  Parsed<Cell> parse_cell(const XMLElement* e) {
    if (const XMLElement* child = e->FirstChildElement()) {
      IPT_TRY_VOID(allow(e, {}));
      if (child->NextSiblingElement() != nullptr)
        return error(child->NextSiblingElement(), "une <cellule> contient un seul élément");
      if (std::strcmp(child->Name(), "champ") == 0) {
        IPT_TRY(f, parse_field(child));
        return Cell(std::move(*f));
      }
      if (std::strcmp(child->Name(), "coche") == 0) {
        IPT_TRY(t, parse_tick(child));
        return Cell(std::move(*t));
      }
      return error(child, "élément <" + std::string(child->Name()) + "> inattendu dans <cellule>");
    }
    IPT_TRY(t, parse_text(e, TextStyle::normal));
    return Cell(std::move(*t));
  }

  Parsed<Table> parse_table(const XMLElement* e) {
    IPT_TRY_VOID(allow(e, {"si"}));
    Table table;
    table.line = e->GetLineNum();
    {
      IPT_TRY(when, condition(e));
      table.when = std::move(*when);
    }
    for (const XMLElement* c = e->FirstChildElement(); c != nullptr; c = c->NextSiblingElement()) {
      if (std::strcmp(c->Name(), "colonne") == 0) {
        if (!table.rows.empty()) return error(c, "les <colonne> précèdent les <ligne>");
        IPT_TRY_VOID(allow(c, {"largeur"}));
        Column col;
        if (const char* w = c->Attribute("largeur")) {
          IPT_TRY(n, parse_number(c, "largeur", w, 0.1, 100));
          col.width = *n;
        }
        IPT_TRY(heading, heading_of(c));
        col.heading = *heading;
        table.columns.push_back(std::move(col));
      } else if (std::strcmp(c->Name(), "ligne") == 0) {
        IPT_TRY_VOID(allow(c, {"repeter", "lignes", "si"}));
        int repeat = 1;
        if (const char* n = c->Attribute("repeter")) {
          IPT_TRY(v, parse_number(c, "repeter", n, 1, 50));
          repeat = static_cast<int>(*v);
        }
        int min_lines = 1;
        if (const char* n = c->Attribute("lignes")) {
          IPT_TRY(v, parse_number(c, "lignes", n, 1, 40));
          min_lines = static_cast<int>(*v);
        }
        for (int i = 0; i < repeat; ++i) {
          repeat_index_ = c->Attribute("repeter") != nullptr ? i : -1;
          TableRow row;
          row.min_lines = min_lines;
          IPT_TRY(when, condition(c));
          row.when = std::move(*when);
          for (const XMLElement* cell = c->FirstChildElement(); cell != nullptr; cell = cell->NextSiblingElement()) {
            if (std::strcmp(cell->Name(), "cellule") != 0)
              return error(cell, "élément <" + std::string(cell->Name()) + "> inattendu dans <ligne>");
            IPT_TRY(parsed, parse_cell(cell));
            row.cells.push_back(std::move(*parsed));
          }
          repeat_index_ = -1;
          if (row.cells.size() != table.columns.size())
            return error(c, std::to_string(row.cells.size()) + " cellule(s) pour " +
                                              std::to_string(table.columns.size()) + " colonne(s)");
          table.rows.push_back(std::move(row));
        }
      } else {
        return error(c, "élément <" + std::string(c->Name()) + "> inattendu dans <tableau>");
      }
    }
    if (table.columns.empty()) return error(e, "<tableau> sans <colonne>");
    return table;
  }

  Parsed<SignatureField> parse_signature(const XMLElement* e) {
    IPT_TRY_VOID(allow(e, {"role", "libelle", "mentions", "si"}));
    SignatureField s;
    s.line = e->GetLineNum();
    {
      IPT_TRY(when, condition(e));
      s.when = std::move(*when);
    }
    const char* role = e->Attribute("role");
    if (role == nullptr) return error(e, "attribut « role » manquant sur <signature>", "role");
    IPT_TRY(parsed_role, role_attribute(e, "role"));
    s.role = *parsed_role;
    if (e->Attribute("libelle") != nullptr) {
      IPT_TRY(l, label_attribute(e, "libelle"));
      s.label = *l;
    }
    if (const char* m = e->Attribute("mentions")) {
      IPT_TRY(l, drawable(e, m, "mentions"));
      s.mentions = *l;
    }
    for (const XMLElement* c = e->FirstChildElement(); c != nullptr; c = c->NextSiblingElement()) {
      if (std::strcmp(c->Name(), "champ") == 0) {
        IPT_TRY(f, parse_field(c));
        s.details.push_back(std::move(*f));
      } else if (std::strcmp(c->Name(), "choix") == 0) {
        IPT_TRY(f, parse_choice(c));
        s.choices.push_back(std::move(*f));
      } else {
        return error(c, "élément <" + std::string(c->Name()) + "> inattendu dans <signature>");
      }
    }
    return s;
  }

  Parsed<Block> parse_block(const XMLElement* e) {
    const std::string name = e->Name();
    if (name == "titre" || name == "intertitre" || name == "texte") {
      IPT_TRY(t, parse_text(e, name == "titre" ? TextStyle::titre
                             : name == "intertitre" ? TextStyle::intertitre
                                                    : TextStyle::normal));
      return Block(std::move(*t));
    }
    if (name == "champ") {
      IPT_TRY(f, parse_field(e));
      return Block(std::move(*f));
    }
    if (name == "choix") {
      IPT_TRY(c, parse_choice(e));
      return Block(std::move(*c));
    }
    if (name == "tableau") {
      IPT_TRY(t, parse_table(e));
      return Block(std::move(*t));
    }
    if (name == "signatures") {
      IPT_TRY_VOID(allow(e, {"si"}));
      SignatureRow row;
      row.line = e->GetLineNum();
    {
      IPT_TRY(when, condition(e));
      row.when = std::move(*when);
    }
      for (const XMLElement* c = e->FirstChildElement(); c != nullptr; c = c->NextSiblingElement()) {
        if (std::strcmp(c->Name(), "signature") != 0)
          return error(c, "élément <" + std::string(c->Name()) + "> inattendu dans <signatures>");
        IPT_TRY(s, parse_signature(c));
        row.signatures.push_back(std::move(*s));
      }
      if (row.signatures.empty() || row.signatures.size() > 2)
        return error(e, "<signatures> contient une ou deux <signature>");
      return Block(std::move(row));
    }
    if (name == "note") {
      IPT_TRY_VOID(allow(e, {"appel", "si"}));
      Footnote n;
      n.line = e->GetLineNum();
    {
      IPT_TRY(when, condition(e));
      n.when = std::move(*when);
    }
      IPT_TRY(mark, required_text_attribute(e, "appel"));
      n.mark = *mark;
      IPT_TRY(text, text_of(e));
      n.text = *text;
      return Block(std::move(n));
    }
    if (name == "espace") {
      IPT_TRY_VOID(allow(e, {"points", "si"}));
      Spacer s;
      auto when = condition(e);
      if (!when) return std::unexpected(when.error());
      s.when = std::move(*when);
      if (const char* p = e->Attribute("points")) {
        IPT_TRY(v, parse_number(e, "points", p, 0, 500));
        s.points = *v;
      }
      return Block(s);
    }
    if (name == "saut-de-page") {
      IPT_TRY_VOID(allow(e, {"si"}));
      IPT_TRY(when, condition(e));
      return Block(PageBreak{std::move(*when)});
    }
    return error(e, "élément <" + name + "> inconnu");
  }
};

}  // namespace

std::expected<TemplateDefinition, core::Diagnostics> parse_definition(std::string_view xml, const std::string& file_name,
                                                                      const FieldNames& known_fields) {
  Parser parser(file_name, known_fields);
  return parser.parse(xml);
}

}  // namespace ipt::templates
