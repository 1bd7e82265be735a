// Reads a definition file (docs/templates.md) into a TemplateDefinition, strictly: the
// first problem stops the parse and is reported as "file:line: reason" in French.
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

struct ParseError {
  int line;
  std::string reason;
};

class Parser {
 public:
  Parser(std::string file, const FieldNames& known) : file_(std::move(file)), known_(known) {}

  core::Result<TemplateDefinition> parse(std::string_view xml) {
    tinyxml2::XMLDocument doc;
    if (doc.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) {
      const char* detail = doc.ErrorStr();
      return core::fail(file_ + ":" + std::to_string(doc.ErrorLineNum()) + ": XML mal formé (" +
                        std::string(detail != nullptr ? detail : "") + ")");
    }
    const XMLElement* root = doc.RootElement();
    if (root == nullptr || std::strcmp(root->Name(), "document") != 0)
      return error(root != nullptr ? root->GetLineNum() : 1, "l’élément racine doit être <document>");
    TemplateDefinition def;
    def.file = file_;
    def.id = file_.substr(0, file_.rfind('.'));
    if (const auto slash = def.id.find_last_of('/'); slash != std::string::npos) def.id = def.id.substr(slash + 1);
    if (auto r = allow(root, {"titre", "marge"}); !r) return std::unexpected(r.error());
    auto title = required_text_attribute(root, "titre");
    if (!title) return std::unexpected(title.error());
    def.title = *title;
    if (const char* margin = root->Attribute("marge")) {
      auto m = parse_number(root, "marge", margin, 10, 150);
      if (!m) return std::unexpected(m.error());
      def.margin = *m;
    }
    for (const XMLElement* e = root->FirstChildElement(); e != nullptr; e = e->NextSiblingElement()) {
      auto block = parse_block(e);
      if (!block) return std::unexpected(block.error());
      def.blocks.push_back(std::move(*block));
    }
    def.sources = std::move(sources_);
    return def;
  }

 private:
  std::string file_;
  const FieldNames& known_;
  FieldNames sources_;
  int repeat_index_ = -1;  // inside <ligne repeter="n">: the row index replacing {i}

  std::unexpected<core::Error> error(int line, const std::string& reason) const {
    return core::fail(file_ + ":" + std::to_string(line) + ": " + reason);
  }

  core::Result<void> allow(const XMLElement* e, std::initializer_list<const char*> names) const {
    for (const tinyxml2::XMLAttribute* a = e->FirstAttribute(); a != nullptr; a = a->Next()) {
      bool ok = false;
      for (const char* n : names) ok = ok || std::strcmp(n, a->Name()) == 0;
      if (!ok)
        return error(e->GetLineNum(),
                     "attribut « " + std::string(a->Name()) + " » inconnu sur <" + e->Name() + ">");
    }
    return {};
  }

  // Text must be drawable by the WinAnsi fonts: say which character is not.
  core::Result<std::string> drawable(const XMLElement* e, std::string text) const {
    const auto encoded = win_ansi::encode_utf8(text);
    if (encoded.unsupported)
      return error(e->GetLineNum(), "caractère " + win_ansi::describe(*encoded.unsupported) +
                                        " impossible à imprimer avec les polices du formulaire");
    return text;
  }

  std::string expand_index(std::string text) const {
    if (repeat_index_ < 0) return text;
    for (std::size_t at = text.find("{i}"); at != std::string::npos; at = text.find("{i}"))
      text.replace(at, 3, std::to_string(repeat_index_));
    return text;
  }

  // A label may hold `{field}` references too.
  core::Result<std::string> label_attribute(const XMLElement* e, const char* name) {
    const char* raw = e->Attribute(name);
    std::string text = expand_index(raw != nullptr ? raw : "");
    if (auto r = check_references(e, text); !r) return std::unexpected(r.error());
    return drawable(e, text);
  }

  core::Result<void> check_references(const XMLElement* e, const std::string& text) {
    for (std::size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
      const std::size_t close = text.find('}', open);
      if (close == std::string::npos) return error(e->GetLineNum(), "accolade « { » non refermée");
      const std::string name = text.substr(open + 1, close - open - 1);
      if (!known_.contains(name)) return error(e->GetLineNum(), "champ « " + name + " » inconnu");
      sources_.insert(name);
    }
    return {};
  }

  core::Result<std::string> required_text_attribute(const XMLElement* e, const char* name) const {
    const char* value = e->Attribute(name);
    if (value == nullptr || *value == '\0')
      return error(e->GetLineNum(), "attribut « " + std::string(name) + " » manquant sur <" + e->Name() + ">");
    return drawable(e, value);
  }

  core::Result<double> parse_number(const XMLElement* e, const char* name, const char* text, double min,
                                    double max) const {
    double v = 0;
    const char* end = text + std::strlen(text);
    const auto [ptr, ec] = std::from_chars(text, end, v);
    if (ec != std::errc() || ptr != end || v < min || v > max)
      return error(e->GetLineNum(), "attribut « " + std::string(name) + " » : « " + text +
                                        " » n’est pas un nombre entre " + std::to_string(static_cast<int>(min)) +
                                        " et " + std::to_string(static_cast<int>(max)));
    return v;
  }

  core::Result<bool> parse_bool(const XMLElement* e, const char* name, bool fallback) const {
    const char* v = e->Attribute(name);
    if (v == nullptr) return fallback;
    if (std::strcmp(v, "oui") == 0) return true;
    if (std::strcmp(v, "non") == 0) return false;
    return error(e->GetLineNum(), "attribut « " + std::string(name) + " » : « oui » ou « non » attendu, pas « " + v + " »");
  }

  core::Result<std::string> source(const XMLElement* e, const char* attribute = "source") {
    const char* raw = e->Attribute(attribute);
    if (raw == nullptr || *raw == '\0')
      return error(e->GetLineNum(), "attribut « " + std::string(attribute) + " » manquant sur <" + e->Name() + ">");
    std::string name = expand_index(raw);
    if (!known_.contains(name)) return error(e->GetLineNum(), "champ « " + name + " » inconnu");
    sources_.insert(name);
    return name;
  }

  // The element's text, whitespace collapsed, `{field}` references checked.
  core::Result<std::string> text_of(const XMLElement* e) {
    if (e->FirstChildElement() != nullptr)
      return error(e->FirstChildElement()->GetLineNum(),
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
    if (auto r = check_references(e, collapsed); !r) return std::unexpected(r.error());
    return drawable(e, collapsed);
  }


  // A column heading: text, with <br/> where it must break (as the circular's do).
  core::Result<std::string> heading_of(const XMLElement* e) {
    std::string out;
    for (const tinyxml2::XMLNode* n = e->FirstChild(); n != nullptr; n = n->NextSibling()) {
      if (const XMLElement* child = n->ToElement()) {
        if (std::strcmp(child->Name(), "br") != 0 || child->FirstChild() != nullptr || child->FirstAttribute() != nullptr)
          return error(child->GetLineNum(), "<colonne> ne contient que du texte et des <br/>, pas <" +
                                                std::string(child->Name()) + ">");
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
    if (auto r = check_references(e, out); !r) return std::unexpected(r.error());
    return drawable(e, out);
  }

  core::Result<Condition> condition(const XMLElement* e) {
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
      if (test.empty()) return error(e->GetLineNum(), "condition « " + text + " » mal formée");
      const auto star = test.find('*');
      if (star == std::string::npos) {
        if (!known_.contains(test)) return error(e->GetLineNum(), "champ « " + test + " » inconnu");
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
      if (!any) return error(e->GetLineNum(), "champ « " + test + " » inconnu");
    }
    return c;
  }

  core::Result<TextBlock> parse_text(const XMLElement* e, TextStyle style) {
    if (auto r = allow(e, {"style", "centre", "cadre", "si"}); !r) return std::unexpected(r.error());
    TextBlock t;
    t.style = style;
    t.line = e->GetLineNum();
    {
      auto when = condition(e);
      if (!when) return std::unexpected(when.error());
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
      if (!found) return error(e->GetLineNum(), "style « " + std::string(s) + " » inconnu");
    }
    auto centre = parse_bool(e, "centre", style == TextStyle::titre);
    if (!centre) return std::unexpected(centre.error());
    t.centre = *centre;
    auto cadre = parse_bool(e, "cadre", false);
    if (!cadre) return std::unexpected(cadre.error());
    t.cadre = *cadre;
    auto text = text_of(e);
    if (!text) return std::unexpected(text.error());
    t.text = std::move(*text);
    return t;
  }

  static std::string pdf_name_of(const std::string& source) {
    std::string name = source;
    for (char& c : name)
      if (c == '.') c = '_';  // a period separates levels of a PDF field name
    return name;
  }

  core::Result<std::string> field_name(const XMLElement* e, const std::string& fallback) const {
    const char* raw = e->Attribute("nom");
    std::string name = raw != nullptr ? expand_index(raw) : pdf_name_of(fallback);
    if (name.empty()) return error(e->GetLineNum(), "attribut « nom » vide");
    for (const char c : name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
        return error(e->GetLineNum(), "nom de champ PDF « " + name + " » : lettres, chiffres, « _ » et « - » seulement");
    return name;
  }

  core::Result<TextField> parse_field(const XMLElement* e) {
    if (auto r = allow(e, {"nom", "source", "libelle", "lignes", "libelle-dessus", "largeur-libelle", "si"}); !r)
      return std::unexpected(r.error());
    TextField f;
    f.line = e->GetLineNum();
    {
      auto when = condition(e);
      if (!when) return std::unexpected(when.error());
      f.when = std::move(*when);
    }
    auto src = source(e);
    if (!src) return std::unexpected(src.error());
    f.source = *src;
    auto name = field_name(e, f.source);
    if (!name) return std::unexpected(name.error());
    f.name = *name;
    if (e->Attribute("libelle") != nullptr) {
      auto l = label_attribute(e, "libelle");
      if (!l) return std::unexpected(l.error());
      f.label = *l;
    }
    if (const char* lines = e->Attribute("lignes")) {
      auto n = parse_number(e, "lignes", lines, 1, 60);
      if (!n) return std::unexpected(n.error());
      f.lines = static_cast<int>(*n);
    }
    auto above = parse_bool(e, "libelle-dessus", false);
    if (!above) return std::unexpected(above.error());
    f.label_above = *above;
    if (const char* w = e->Attribute("largeur-libelle")) {
      auto n = parse_number(e, "largeur-libelle", w, 0.05, 0.9);
      if (!n) return std::unexpected(n.error());
      f.label_width = *n;
    }
    if (e->FirstChild() != nullptr) return error(e->GetLineNum(), "<champ> doit être vide");
    return f;
  }

  core::Result<ChoiceField> parse_choice(const XMLElement* e) {
    if (auto r = allow(e, {"nom", "source", "libelle", "disposition", "si"}); !r) return std::unexpected(r.error());
    ChoiceField c;
    c.line = e->GetLineNum();
    {
      auto when = condition(e);
      if (!when) return std::unexpected(when.error());
      c.when = std::move(*when);
    }
    auto src = source(e);
    if (!src) return std::unexpected(src.error());
    c.source = *src;
    auto name = field_name(e, c.source);
    if (!name) return std::unexpected(name.error());
    c.name = *name;
    if (e->Attribute("libelle") != nullptr) {
      auto l = label_attribute(e, "libelle");
      if (!l) return std::unexpected(l.error());
      c.label = *l;
    }
    if (const char* d = e->Attribute("disposition")) {
      if (std::strcmp(d, "verticale") == 0) c.vertical = true;
      else if (std::strcmp(d, "horizontale") == 0) c.vertical = false;
      else return error(e->GetLineNum(), "disposition « " + std::string(d) + " » : « verticale » ou « horizontale » attendu");
    }
    for (const XMLElement* o = e->FirstChildElement(); o != nullptr; o = o->NextSiblingElement()) {
      if (std::strcmp(o->Name(), "option") != 0)
        return error(o->GetLineNum(), "élément <" + std::string(o->Name()) + "> inattendu dans <choix>");
      if (auto r = allow(o, {"valeur"}); !r) return std::unexpected(r.error());
      ChoiceOption option;
      const char* v = o->Attribute("valeur");
      if (v == nullptr || *v == '\0') return error(o->GetLineNum(), "attribut « valeur » manquant sur <option>");
      option.value = v;
      for (const char ch : option.value)
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-'))
          return error(o->GetLineNum(), "valeur « " + option.value + " » : lettres, chiffres, « _ » et « - » seulement");
      for (const auto& other : c.options)
        if (other.value == option.value) return error(o->GetLineNum(), "valeur « " + option.value + " » en double");
      auto label = text_of(o);
      if (!label) return std::unexpected(label.error());
      option.label = *label;
      c.options.push_back(std::move(option));
    }
    if (c.options.size() < 2) return error(e->GetLineNum(), "<choix> demande au moins deux <option>");
    return c;
  }

  core::Result<Tick> parse_tick(const XMLElement* e) {
    if (auto r = allow(e, {"nom", "source"}); !r) return std::unexpected(r.error());
    Tick t;
    t.line = e->GetLineNum();
    if (e->Attribute("source") != nullptr) {  // without one, the box is ticked by hand
      auto src = source(e);
      if (!src) return std::unexpected(src.error());
      t.source = *src;
    } else if (e->Attribute("nom") == nullptr) {
      return error(e->GetLineNum(), "<coche> sans « source » : attribut « nom » obligatoire");
    }
    auto name = field_name(e, "coche_" + t.source);
    if (!name) return std::unexpected(name.error());
    t.name = *name;
    return t;
  }

  core::Result<Cell> parse_cell(const XMLElement* e) {
    if (const XMLElement* child = e->FirstChildElement()) {
      if (auto r = allow(e, {}); !r) return std::unexpected(r.error());
      if (child->NextSiblingElement() != nullptr)
        return error(child->NextSiblingElement()->GetLineNum(), "une <cellule> contient un seul élément");
      if (std::strcmp(child->Name(), "champ") == 0) {
        auto f = parse_field(child);
        if (!f) return std::unexpected(f.error());
        return Cell(std::move(*f));
      }
      if (std::strcmp(child->Name(), "coche") == 0) {
        auto t = parse_tick(child);
        if (!t) return std::unexpected(t.error());
        return Cell(std::move(*t));
      }
      return error(child->GetLineNum(), "élément <" + std::string(child->Name()) + "> inattendu dans <cellule>");
    }
    auto t = parse_text(e, TextStyle::normal);
    if (!t) return std::unexpected(t.error());
    return Cell(std::move(*t));
  }

  core::Result<Table> parse_table(const XMLElement* e) {
    if (auto r = allow(e, {"si"}); !r) return std::unexpected(r.error());
    Table table;
    table.line = e->GetLineNum();
    {
      auto when = condition(e);
      if (!when) return std::unexpected(when.error());
      table.when = std::move(*when);
    }
    for (const XMLElement* c = e->FirstChildElement(); c != nullptr; c = c->NextSiblingElement()) {
      if (std::strcmp(c->Name(), "colonne") == 0) {
        if (!table.rows.empty()) return error(c->GetLineNum(), "les <colonne> précèdent les <ligne>");
        if (auto r = allow(c, {"largeur"}); !r) return std::unexpected(r.error());
        Column col;
        if (const char* w = c->Attribute("largeur")) {
          auto n = parse_number(c, "largeur", w, 0.1, 100);
          if (!n) return std::unexpected(n.error());
          col.width = *n;
        }
        auto heading = heading_of(c);
        if (!heading) return std::unexpected(heading.error());
        col.heading = *heading;
        table.columns.push_back(std::move(col));
      } else if (std::strcmp(c->Name(), "ligne") == 0) {
        if (auto r = allow(c, {"repeter", "lignes", "si"}); !r) return std::unexpected(r.error());
        int repeat = 1;
        if (const char* n = c->Attribute("repeter")) {
          auto v = parse_number(c, "repeter", n, 1, 50);
          if (!v) return std::unexpected(v.error());
          repeat = static_cast<int>(*v);
        }
        int min_lines = 1;
        if (const char* n = c->Attribute("lignes")) {
          auto v = parse_number(c, "lignes", n, 1, 40);
          if (!v) return std::unexpected(v.error());
          min_lines = static_cast<int>(*v);
        }
        for (int i = 0; i < repeat; ++i) {
          repeat_index_ = c->Attribute("repeter") != nullptr ? i : -1;
          TableRow row;
          row.min_lines = min_lines;
          auto when = condition(c);
          if (!when) return std::unexpected(when.error());
          row.when = std::move(*when);
          for (const XMLElement* cell = c->FirstChildElement(); cell != nullptr; cell = cell->NextSiblingElement()) {
            if (std::strcmp(cell->Name(), "cellule") != 0)
              return error(cell->GetLineNum(), "élément <" + std::string(cell->Name()) + "> inattendu dans <ligne>");
            auto parsed = parse_cell(cell);
            if (!parsed) return std::unexpected(parsed.error());
            row.cells.push_back(std::move(*parsed));
          }
          repeat_index_ = -1;
          if (row.cells.size() != table.columns.size())
            return error(c->GetLineNum(), std::to_string(row.cells.size()) + " cellule(s) pour " +
                                              std::to_string(table.columns.size()) + " colonne(s)");
          table.rows.push_back(std::move(row));
        }
      } else {
        return error(c->GetLineNum(), "élément <" + std::string(c->Name()) + "> inattendu dans <tableau>");
      }
    }
    if (table.columns.empty()) return error(e->GetLineNum(), "<tableau> sans <colonne>");
    return table;
  }

  core::Result<SignatureField> parse_signature(const XMLElement* e) {
    if (auto r = allow(e, {"role", "libelle", "mentions", "si"}); !r) return std::unexpected(r.error());
    SignatureField s;
    s.line = e->GetLineNum();
    {
      auto when = condition(e);
      if (!when) return std::unexpected(when.error());
      s.when = std::move(*when);
    }
    const char* role = e->Attribute("role");
    if (role == nullptr) return error(e->GetLineNum(), "attribut « role » manquant sur <signature>");
    static constexpr std::pair<const char*, core::Role> roles[] = {{"pole", core::Role::pole},
                                                                   {"ecole-ordinaire", core::Role::ecole_ordinaire},
                                                                   {"cpms", core::Role::cpms},
                                                                   {"responsable", core::Role::responsable}};
    bool found = false;
    for (const auto& [name, value] : roles)
      if (std::strcmp(name, role) == 0) {
        s.role = value;
        found = true;
      }
    if (!found)
      return error(e->GetLineNum(), "rôle « " + std::string(role) +
                                        " » inconnu (pole, ecole-ordinaire, cpms ou responsable)");
    if (e->Attribute("libelle") != nullptr) {
      auto l = label_attribute(e, "libelle");
      if (!l) return std::unexpected(l.error());
      s.label = *l;
    }
    if (const char* m = e->Attribute("mentions")) {
      auto l = drawable(e, m);
      if (!l) return std::unexpected(l.error());
      s.mentions = *l;
    }
    for (const XMLElement* c = e->FirstChildElement(); c != nullptr; c = c->NextSiblingElement()) {
      if (std::strcmp(c->Name(), "champ") == 0) {
        auto f = parse_field(c);
        if (!f) return std::unexpected(f.error());
        s.details.push_back(std::move(*f));
      } else if (std::strcmp(c->Name(), "choix") == 0) {
        auto f = parse_choice(c);
        if (!f) return std::unexpected(f.error());
        s.choices.push_back(std::move(*f));
      } else {
        return error(c->GetLineNum(), "élément <" + std::string(c->Name()) + "> inattendu dans <signature>");
      }
    }
    return s;
  }

  core::Result<Block> parse_block(const XMLElement* e) {
    const std::string name = e->Name();
    if (name == "titre" || name == "intertitre" || name == "texte") {
      auto t = parse_text(e, name == "titre" ? TextStyle::titre
                             : name == "intertitre" ? TextStyle::intertitre
                                                    : TextStyle::normal);
      if (!t) return std::unexpected(t.error());
      return Block(std::move(*t));
    }
    if (name == "champ") {
      auto f = parse_field(e);
      if (!f) return std::unexpected(f.error());
      return Block(std::move(*f));
    }
    if (name == "choix") {
      auto c = parse_choice(e);
      if (!c) return std::unexpected(c.error());
      return Block(std::move(*c));
    }
    if (name == "tableau") {
      auto t = parse_table(e);
      if (!t) return std::unexpected(t.error());
      return Block(std::move(*t));
    }
    if (name == "signatures") {
      if (auto r = allow(e, {"si"}); !r) return std::unexpected(r.error());
      SignatureRow row;
      row.line = e->GetLineNum();
    {
      auto when = condition(e);
      if (!when) return std::unexpected(when.error());
      row.when = std::move(*when);
    }
      for (const XMLElement* c = e->FirstChildElement(); c != nullptr; c = c->NextSiblingElement()) {
        if (std::strcmp(c->Name(), "signature") != 0)
          return error(c->GetLineNum(), "élément <" + std::string(c->Name()) + "> inattendu dans <signatures>");
        auto s = parse_signature(c);
        if (!s) return std::unexpected(s.error());
        row.signatures.push_back(std::move(*s));
      }
      if (row.signatures.empty() || row.signatures.size() > 2)
        return error(e->GetLineNum(), "<signatures> contient une ou deux <signature>");
      return Block(std::move(row));
    }
    if (name == "note") {
      if (auto r = allow(e, {"appel", "si"}); !r) return std::unexpected(r.error());
      Footnote n;
      n.line = e->GetLineNum();
    {
      auto when = condition(e);
      if (!when) return std::unexpected(when.error());
      n.when = std::move(*when);
    }
      auto mark = required_text_attribute(e, "appel");
      if (!mark) return std::unexpected(mark.error());
      n.mark = *mark;
      auto text = text_of(e);
      if (!text) return std::unexpected(text.error());
      n.text = *text;
      return Block(std::move(n));
    }
    if (name == "espace") {
      if (auto r = allow(e, {"points", "si"}); !r) return std::unexpected(r.error());
      Spacer s;
      auto when = condition(e);
      if (!when) return std::unexpected(when.error());
      s.when = std::move(*when);
      if (const char* p = e->Attribute("points")) {
        auto v = parse_number(e, "points", p, 0, 500);
        if (!v) return std::unexpected(v.error());
        s.points = *v;
      }
      return Block(s);
    }
    if (name == "saut-de-page") {
      if (auto r = allow(e, {"si"}); !r) return std::unexpected(r.error());
      auto when = condition(e);
      if (!when) return std::unexpected(when.error());
      return Block(PageBreak{std::move(*when)});
    }
    return error(e->GetLineNum(), "élément <" + name + "> inconnu");
  }
};

}  // namespace

core::Result<TemplateDefinition> parse_definition(std::string_view xml, const std::string& file_name,
                                                  const FieldNames& known_fields) {
  Parser parser(file_name, known_fields);
  return parser.parse(xml);
}

}  // namespace ipt::templates
