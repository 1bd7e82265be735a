#include "pdf_revision.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <sstream>
#include <unordered_set>

#include "ipt/core/files.hpp"
#include "ipt/core/text.hpp"
#include "openssl_util.hpp"
#include "pdf_object.hpp"
#include "pdf_objects.hpp"
#include "pdf_structure.hpp"

namespace ipt::signing::detail {

namespace {

constexpr const char* byte_range_placeholder = "[0 1234567890 1234567890 1234567890]";
constexpr long long read_only_flag = 1;     // Ff bit 1 (ISO 32000-1, table 221)
constexpr long long multiline_flag = 1 << 12;

// Escapes a Windows-1252 string for a content stream's literal string.
std::string literal(const std::string& win_ansi) {
  std::string out = "(";
  for (char c : win_ansi) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out + ")";
}

double number_of(const PdfValue* v, double otherwise) { return v && v->number() ? v->number()->value : otherwise; }

struct Field {
  int number;         // the terminal field's object (merged with its widget, or a group)
  std::string name;   // fully qualified
  std::string type;   // "Tx", "Btn", "Sig", "Ch"
};

struct Rect {
  double width = 0, height = 0;
};

// Greedy line breaking of Windows-1252 text at spaces (and at explicit line breaks).
std::vector<std::string> wrap(const std::string& text, double max_width, const std::function<double(const std::string&)>& width) {
  std::vector<std::string> lines;
  std::istringstream paragraphs(text);
  std::string paragraph;
  while (std::getline(paragraphs, paragraph)) {
    std::istringstream words(paragraph);
    std::string word, line;
    while (words >> word) {
      const std::string candidate = line.empty() ? word : line + " " + word;
      if (!line.empty() && width(candidate) > max_width) {
        lines.push_back(line);
        line = word;
      } else {
        line = candidate;
      }
    }
    lines.push_back(line);
  }
  return lines;
}

}  // namespace

std::string pdf_date(std::chrono::system_clock::time_point t) { return core::format_utc(t, "D:%Y%m%d%H%M%S+00'00'"); }

// The document's objects as its latest revision names them, read from the bytes when first
// asked for, and the objects this revision changes or adds. Nothing is written to the caller's
// bytes: write() appends the changed objects after them.
struct PdfRevision::Impl {
  const Bytes* original = nullptr;
  std::optional<PdfObjects> document;               // as of the last revision
  size_t previous_xref = 0;
  int next_number = 1;

  std::map<int, PdfValue> changed;                  // written by this revision, in number order
  std::map<int, std::string> stream_data;           // the data of the new streams among them
  int signature_number = 0;                         // its signature dictionary (0: none)
  size_t reserved_bytes = 0;

  const PdfValue* object(int number) {
    if (const auto c = changed.find(number); c != changed.end()) return &c->second;
    return document->object(number);
  }
  const PdfValue* resolve(const PdfValue* v) {
    for (int i = 0; v && v->reference() && i < max_references_followed; ++i) v = object(v->reference()->number);
    return v && v->reference() ? nullptr : v;
  }
  const PdfValue* key(const PdfValue* dictionary, std::string_view name) {
    return dictionary ? resolve(dictionary->find(name)) : nullptr;
  }
  PdfReference reference(int number) { return {number, number >= document->size() ? 0 : document->generation(number)}; }

  // The object to change, copied into this revision on the first change.
  PdfValue& edit(int number) {
    if (const auto c = changed.find(number); c != changed.end()) return c->second;
    const PdfValue* current = object(number);
    return changed[number] = current ? *current : PdfValue();
  }
  PdfReference add(PdfValue v) {
    const int number = next_number++;
    changed[number] = std::move(v);
    return {number, 0};
  }
  PdfReference add_stream(PdfDictionary dictionary, std::string data) {
    PdfValue v(std::move(dictionary));
    v.set("Length", make_integer(static_cast<long long>(data.size())));
    const PdfReference r = add(std::move(v));
    stream_data[r.number] = std::move(data);
    return r;
  }

  // The value at `path` under object `number`, made changeable: only the indirect object
  // that holds it is copied into the revision (a catalog whose /AcroForm is a reference is
  // left alone when the form changes). Nothing when the path does not exist.
  PdfValue* editable(int number, const std::vector<std::string_view>& path) {
    int owner = number;
    std::vector<std::string_view> inline_keys;
    const PdfValue* v = object(number);
    for (const auto k : path) {
      const PdfValue* next = v ? v->find(k) : nullptr;
      if (!next) return nullptr;
      if (const auto* r = next->reference()) {
        owner = r->number;
        inline_keys.clear();
        next = object(owner);
        if (!next) return nullptr;
      } else {
        inline_keys.push_back(k);
      }
      v = next;
    }
    PdfValue* m = &edit(owner);
    for (const auto k : inline_keys) {
      auto* d = m->dictionary();
      if (!d) return nullptr;
      const auto entry = std::find_if(d->begin(), d->end(), [&](const auto& e) { return e.first == k; });
      if (entry == d->end()) return nullptr;
      m = &entry->second;
    }
    return m;
  }

  int root_number() const { return document->root_number(); }
  const PdfValue* catalog() { return object(root_number()); }
  const PdfValue* acroform() { return key(catalog(), "AcroForm"); }

  // A field object met twice (a kid that names its parent) is read once: a cycle would
  // otherwise be explored to the depth limit along every path.
  void collect(const PdfValue* ref, const std::string& prefix, std::vector<Field>& out, std::unordered_set<int>& seen, int depth) {
    if (!ref || !ref->reference() || depth > 16 || out.size() > 10000) return;
    const int number = ref->reference()->number;
    if (!seen.insert(number).second) return;
    const PdfValue* field = object(number);
    if (!field || !field->dictionary()) return;
    const std::string partial = text_or_empty(key(field, "T"));
    const std::string name = partial.empty() ? prefix : prefix.empty() ? partial : prefix + "." + partial;
    const PdfValue* kids_value = key(field, "Kids");
    const PdfArray* kids = kids_value ? kids_value->array() : nullptr;
    // A field whose kids have no /T of their own is terminal (its kids are widgets).
    const bool kids_are_fields =
        kids && std::any_of(kids->begin(), kids->end(), [&](const PdfValue& kid) { return key(resolve(&kid), "T") != nullptr; });
    if (kids_are_fields) {
      for (const auto& kid : *kids) collect(&kid, name, out, seen, depth + 1);
      return;
    }
    out.push_back({number, name, name_or_empty(key(field, "FT"))});
  }

  // The form's terminal fields, read once: a revision changes fields' values and flags,
  // never which fields there are (a document timestamp's new field is not looked up).
  std::optional<std::vector<Field>> known_fields;
  const std::vector<Field>& fields() {
    if (known_fields) return *known_fields;
    auto& out = known_fields.emplace();
    const PdfValue* list = key(acroform(), "Fields");
    if (!list || !list->array()) return out;
    std::unordered_set<int> seen;
    for (const auto& f : *list->array()) collect(&f, "", out, seen, 0);
    return out;
  }

  std::optional<Field> find_field(const std::string& name) {
    for (const auto& f : fields()) {
      if (f.name == name) return f;
    }
    return std::nullopt;
  }

  long long flags_of(const Field& f) { return static_cast<long long>(number_of(key(object(f.number), "Ff"), 0)); }

  // The state a check box shows when on: its /AP /N key other than /Off.
  std::optional<std::string> on_state(const Field& box) {
    const PdfValue* normal = key(key(object(box.number), "AP"), "N");
    if (!normal || !normal->dictionary()) return std::nullopt;
    for (const auto& [state, value] : *normal->dictionary()) {
      if (state != "Off") return state;
    }
    return std::nullopt;
  }

  // Sets a check box (a field merged with its widget) to `state`, touching it only when its
  // value or appearance state changes: an object rewritten unchanged is a modification that
  // validators with difference analysis cannot explain.
  void set_check_box(const Field& box, const std::string& state) {
    const PdfValue* current = object(box.number);
    if (name_or_empty(key(current, "V")) == state && name_or_empty(key(current, "AS")) == state) return;
    PdfValue& edited = edit(box.number);
    edited.set("V", make_name(state));
    edited.set("AS", make_name(state));
  }

  // The AcroForm's default resources font named in a /DA string ("/F1 10 Tf 0 g").
  struct FontChoice {
    std::string name;
    double size = 10;
    const PdfValue* font = nullptr;
    PdfReference reference;
  };

  std::optional<FontChoice> form_font(const std::string& da) {
    FontChoice choice;
    std::istringstream tokens(da);
    std::string previous, token, before_previous;
    while (tokens >> token) {
      if (token == "Tf" && !before_previous.empty() && before_previous[0] == '/') {
        choice.name = before_previous.substr(1);
        choice.size = std::atof(previous.c_str());
      }
      before_previous = previous;
      previous = token;
    }
    const PdfValue* fonts = key(key(acroform(), "DR"), "Font");
    if (!fonts || !fonts->dictionary()) return std::nullopt;
    if (choice.name.empty()) {
      // No /DA: the first font of the form's resources, by name.
      const auto& entries = *fonts->dictionary();
      if (entries.empty()) return std::nullopt;
      choice.name = std::min_element(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; })->first;
    }
    const PdfValue* entry = fonts->find(choice.name);
    if (!entry || !entry->reference()) return std::nullopt;
    choice.reference = *entry->reference();
    choice.font = resolve(entry);
    if (choice.size <= 0) choice.size = 10;
    return choice;
  }

  // Width in text space units (1/1000 em) of Windows-1252 text, from the font's /Widths.
  double text_width(const PdfValue* font, const std::string& win_ansi) {
    const PdfValue* widths = key(font, "Widths");
    const PdfValue* first = key(font, "FirstChar");
    if (!widths || !widths->array() || !first || !first->number()) return 600.0 * static_cast<double>(win_ansi.size());
    const auto& array = *widths->array();
    const auto first_char = static_cast<long>(first->number()->value);
    double total = 0;
    for (char ch : win_ansi) {
      const long index = static_cast<long>(static_cast<unsigned char>(ch)) - first_char;
      const bool known = index >= 0 && static_cast<size_t>(index) < array.size();
      total += known ? number_of(resolve(&array[static_cast<size_t>(index)]), 500.0) : 500.0;
    }
    return total;
  }

  Rect rect_of(const PdfValue* widget) {
    const PdfValue* r = key(widget, "Rect");
    if (!r || !r->array() || r->array()->size() != 4) return {};
    const auto& a = *r->array();
    auto at = [&](size_t i) { return number_of(resolve(&a[i]), 0); };
    return {std::abs(at(2) - at(0)), std::abs(at(3) - at(1))};
  }

  PdfReference form_xobject(double w, double h, std::string content, const FontChoice* font) {
    PdfDictionary d;
    d.emplace_back("Type", make_name("XObject"));
    d.emplace_back("Subtype", make_name("Form"));
    d.emplace_back("BBox", PdfArray{make_integer(0), make_integer(0), make_real(w), make_real(h)});
    PdfDictionary resources;
    if (font) resources.emplace_back("Font", PdfDictionary{{font->name, font->reference}});
    d.emplace_back("Resources", std::move(resources));
    return add_stream(std::move(d), std::move(content));
  }

  std::optional<int> first_page() {
    const PdfValue* ref = catalog() ? catalog()->find("Pages") : nullptr;
    for (int depth = 0; ref && ref->reference() && depth < 64; ++depth) {
      const int number = ref->reference()->number;
      const PdfValue* node = object(number);
      if (name_or_empty(key(node, "Type")) == "Page") return number;
      const PdfValue* kids = key(node, "Kids");
      ref = kids && kids->array() && !kids->array()->empty() ? &kids->array()->front() : nullptr;
    }
    return std::nullopt;
  }

  // Appends `item` to the array at `path` under object `number` (the array itself may be an
  // indirect object), creating the array when absent.
  void append(int number, const std::vector<std::string_view>& path, PdfValue item) {
    if (PdfValue* existing = editable(number, path); existing && existing->array()) {
      existing->array()->push_back(std::move(item));
      return;
    }
    PdfValue* holder = editable(number, {path.begin(), path.end() - 1});
    if (holder) holder->set(path.back(), PdfArray{std::move(item)});
  }

  PdfValue signature_dictionary(const SignatureSpec& spec);
  core::Result<void> draw_signature_appearance(int field, const std::vector<std::string>& lines_utf8);
  core::Result<void> fill_text(const Field& field, const FieldFill& fill);
  std::string written_objects(size_t base, std::vector<std::pair<int, size_t>>& entries, size_t& range_at, size_t& contents_at);
};

PdfRevision::PdfRevision(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PdfRevision::~PdfRevision() = default;
PdfRevision::PdfRevision(PdfRevision&&) noexcept = default;
PdfRevision& PdfRevision::operator=(PdfRevision&&) noexcept = default;

core::Result<PdfRevision> PdfRevision::open(const Bytes& pdf) {
  auto revisions = scan_revisions(pdf, NestingCheck::none);
  if (!revisions) return std::unexpected(revisions.error().with_context("document non pris en charge"));
  if (revisions->back().end != pdf.size()) {
    return core::fail("document non pris en charge : des données suivent la dernière révision");
  }
  auto impl = std::make_unique<Impl>();
  impl->original = &pdf;
  impl->document.emplace(as_text(pdf), *revisions, revisions->size() - 1);
  impl->previous_xref = revisions->back().startxref;
  impl->next_number = impl->document->size();
  if (!impl->catalog() || !impl->catalog()->dictionary()) return core::fail("document illisible : catalogue (/Root) introuvable");
  if (!impl->acroform() || !impl->acroform()->dictionary()) return core::fail("le document n’a pas de formulaire (AcroForm)");
  return PdfRevision(std::move(impl));
}

std::vector<std::string> PdfRevision::filled_fields() const {
  std::vector<std::string> out;
  for (const auto& f : impl_->fields()) {
    const PdfValue* v = impl_->key(impl_->object(f.number), "V");
    if (!v || f.type == "Sig") continue;
    if (v->name() && v->name()->name == "Off") continue;
    if (v->string() && text_of(*v->string()).empty()) continue;
    out.push_back(f.name);
  }
  return out;
}

std::map<std::string, std::string> PdfRevision::values() const {
  std::map<std::string, std::string> out;
  for (const auto& f : impl_->fields()) {
    if (f.type == "Sig") continue;
    const PdfValue* v = impl_->key(impl_->object(f.number), "V");
    std::string value;
    if (v && v->string()) value = text_of(*v->string());
    if (v && v->name() && v->name()->name != "Off") value = v->name()->name;
    out[f.name] = value;
    // A choice's option: "avis_cpms.favorable" on gives avis_cpms = favorable.
    if (const auto dot = f.name.rfind('.'); dot != std::string::npos && f.type == "Btn") {
      std::string& group = out[f.name.substr(0, dot)];
      if (!value.empty()) group = f.name.substr(dot + 1);
    }
  }
  return out;
}

std::vector<std::string> PdfRevision::unlocked_fields() const {
  std::vector<std::string> out;
  for (const auto& f : impl_->fields()) {
    if (f.type == "Sig" || (impl_->flags_of(f) & read_only_flag)) continue;
    out.push_back(f.name);
  }
  return out;
}

std::vector<std::string> PdfRevision::lock(const std::vector<std::string>& names) {
  std::vector<std::string> stateful;
  for (const auto& f : impl_->fields()) {
    const auto group_of = [&](const std::string& n) { return f.name == n || f.name.starts_with(n + "."); };
    const auto named = std::find_if(names.begin(), names.end(), group_of);
    if (f.type == "Sig" || named == names.end()) continue;
    const long long flags = impl_->flags_of(f);
    if (!(flags & read_only_flag)) impl_->edit(f.number).set("Ff", make_integer(flags | read_only_flag));
    // Check boxes also go into the signature's FieldMDP lock (by their group's name), which
    // every validator honours; text fields do not (see SignatureSpec::lock_fields).
    if (f.type == "Btn" && std::find(stateful.begin(), stateful.end(), *named) == stateful.end()) stateful.push_back(*named);
  }
  return stateful;
}

core::Result<void> PdfRevision::Impl::fill_text(const Field& field, const FieldFill& fill) {
  const auto encoded = core::encode_win_ansi(fill.value);
  if (!encoded) {
    return core::fail("champ « " + fill.field + " » : " + core::find_undrawable_character(fill.value).value_or("texte non représentable"));
  }
  const PdfValue* current = object(field.number);
  const bool multiline = flags_of(field) & multiline_flag;
  if (!multiline && encoded->find('\n') != std::string::npos) {
    return core::fail("champ « " + fill.field + " » : une seule ligne attendue");
  }
  const PdfValue* da = key(current, "DA");
  const auto font = form_font(da && da->string() ? da->string()->bytes : "");
  if (!font) return core::fail("champ « " + fill.field + " » : police du formulaire introuvable");
  const Rect rect = rect_of(current);
  auto width = [&](const std::string& line) { return text_width(font->font, line) * font->size / 1000.0; };
  const double usable = rect.width - 4;
  std::vector<std::string> lines = multiline ? wrap(*encoded, usable, width) : std::vector<std::string>{*encoded};
  const double leading = font->size * 1.2;
  const auto fitting_lines = static_cast<size_t>(std::max(1.0, (rect.height - 2) / leading));
  for (const auto& line : lines) {
    if (width(line) > usable) {
      return core::fail("champ « " + fill.field + " » : le texte ne tient pas dans la case (" +
                        std::to_string(static_cast<int>(width(line))) + " pt pour " + std::to_string(static_cast<int>(usable)) + " pt)");
    }
  }
  if (multiline && lines.size() > fitting_lines) {
    return core::fail("champ « " + fill.field + " » : le texte ne tient pas dans la case (" + std::to_string(lines.size()) +
                      " lignes pour " + std::to_string(fitting_lines) + ")");
  }
  std::ostringstream content;
  content.imbue(std::locale::classic());
  if (multiline) {
    content << "/Tx BMC\nq BT /" << font->name << ' ' << font->size << " Tf 0 g " << leading << " TL 2 "
            << rect.height - 1 - font->size << " Td\n";
    for (size_t i = 0; i < lines.size(); ++i) content << (i ? "T* " : "") << literal(lines[i]) << " Tj\n";
    content << "ET Q\nEMC\n";
  } else {
    content << "/Tx BMC\nq BT /" << font->name << ' ' << font->size << " Tf 0 g 2 "
            << std::max(2.0, (rect.height - font->size) / 2 + 2) << " Td " << literal(*encoded) << " Tj ET Q\nEMC\n";
  }
  const PdfReference appearance = form_xobject(rect.width, rect.height, content.str(), &*font);
  PdfValue& edited = edit(field.number);
  edited.set("V", text_string(fill.value));
  edited.set("AP", PdfDictionary{{"N", appearance}});
  return {};
}

core::Result<void> PdfRevision::fill(const FieldFill& fill) {
  auto field = impl_->find_field(fill.field);
  if (!field) {
    // A choice: a group of check boxes named "<choice>.<option>".
    std::vector<Field> options;
    for (const auto& f : impl_->fields()) {
      if (f.name.starts_with(fill.field + ".") && f.type == "Btn") options.push_back(f);
    }
    if (options.empty()) return core::fail("champ « " + fill.field + " » inexistant");
    std::string allowed;
    bool known = false;
    for (const auto& o : options) {
      const std::string option = o.name.substr(fill.field.size() + 1);
      allowed += (allowed.empty() ? "" : ", ") + option;
      known = known || option == fill.value;
    }
    if (!known) return core::fail("champ « " + fill.field + " » : valeur « " + fill.value + " » impossible (valeurs : " + allowed + ")");
    for (const auto& o : options) {
      const bool chosen = o.name.substr(fill.field.size() + 1) == fill.value;
      const auto on = impl_->on_state(o);
      if (!on) return core::fail("champ « " + o.name + " » : case sans apparence");
      impl_->set_check_box(o, chosen ? *on : "Off");
    }
    return {};
  }
  if (field->type == "Btn") {
    // A single check box: "Off" or its on state.
    const auto on = impl_->on_state(*field);
    if (!on || (fill.value != *on && fill.value != "Off")) {
      return core::fail("champ « " + fill.field + " » : valeur « " + fill.value + " » impossible (valeurs : " + on.value_or("?") + ", Off)");
    }
    impl_->set_check_box(*field, fill.value);
    return {};
  }
  if (field->type == "Tx") return impl_->fill_text(*field, fill);
  return core::fail("champ « " + fill.field + " » : ce type de champ (" + field->type + ") ne se remplit pas à la signature");
}

// The signature dictionary without /ByteRange and /Contents, which write() puts last, with
// their placeholders, where it can find them.
PdfValue PdfRevision::Impl::signature_dictionary(const SignatureSpec& spec) {
  PdfValue sig(PdfDictionary{});
  sig.set("Type", make_name(spec.document_timestamp ? "DocTimeStamp" : "Sig"));
  sig.set("Filter", make_name("Adobe.PPKLite"));
  sig.set("SubFilter", make_name(spec.document_timestamp ? "ETSI.RFC3161" : "ETSI.CAdES.detached"));
  if (spec.document_timestamp) return sig;
  sig.set("M", PdfString{pdf_date(spec.time), false});
  if (!spec.name.empty()) sig.set("Name", text_string(spec.name));
  if (!spec.reason.empty()) sig.set("Reason", text_string(spec.reason));
  if (!spec.location.empty()) sig.set("Location", text_string(spec.location));
  // The /Reference entries: DocMDP P=2 for a certification, FieldMDP for the check boxes it
  // locks (see SignatureSpec::lock_fields).
  PdfArray references;
  if (spec.certify) {
    references.push_back(PdfDictionary{
        {"Type", make_name("SigRef")},
        {"TransformMethod", make_name("DocMDP")},
        {"TransformParams", PdfDictionary{{"Type", make_name("TransformParams")}, {"P", make_integer(2)}, {"V", make_name("1.2")}}}});
  }
  if (!spec.lock_fields.empty()) {
    PdfArray names;
    for (const auto& f : spec.lock_fields) names.push_back(text_string(f));
    references.push_back(PdfDictionary{
        {"Type", make_name("SigRef")},
        {"TransformMethod", make_name("FieldMDP")},
        {"TransformParams", PdfDictionary{{"Type", make_name("TransformParams")},
                                          {"Action", make_name("Include")},
                                          {"Fields", std::move(names)},
                                          {"V", make_name("1.2")}}},
        {"Data", reference(root_number())}});
  }
  if (!references.empty()) sig.set("Reference", std::move(references));
  return sig;
}

// The visible signature: the lines in the form's font, the largest size up to 9 pt at which
// every line fits the field's box.
core::Result<void> PdfRevision::Impl::draw_signature_appearance(int field, const std::vector<std::string>& lines_utf8) {
  const Rect rect = rect_of(object(field));
  const auto font = form_font("");
  if (!font || rect.width <= 8 || rect.height <= 8) return {};
  std::vector<std::string> lines;
  double widest = 0;
  for (const auto& line : lines_utf8) {
    const auto encoded = core::encode_win_ansi(line);
    if (!encoded) return core::fail(core::Category::invalid_input, "apparence de signature : " + core::find_undrawable_character(line).value_or("texte non représentable"));
    lines.push_back(*encoded);
    widest = std::max(widest, text_width(font->font, *encoded));
  }
  const double by_width = (rect.width - 8) * 1000.0 / std::max(widest, 1.0);
  const double by_height = (rect.height - 6) / (static_cast<double>(lines.size()) * 1.25);
  const double size = std::max(4.0, std::min({9.0, by_width, by_height}));
  std::ostringstream c;
  c.imbue(std::locale::classic());
  c << "q 0.94 0.96 1 rg 0 0 " << rect.width << ' ' << rect.height << " re f Q\n";
  c << "q 0.16 0.27 0.55 RG 0.8 w 0.4 0.4 " << rect.width - 0.8 << ' ' << rect.height - 0.8 << " re S Q\n";
  c << "BT /" << font->name << ' ' << size << " Tf 0.1 0.1 0.2 rg " << size * 1.25 << " TL 4 " << rect.height - 3 - size << " Td\n";
  for (size_t i = 0; i < lines.size(); ++i) c << (i ? "T* " : "") << literal(lines[i]) << " Tj\n";
  c << "ET\n";
  const PdfReference appearance = form_xobject(rect.width, rect.height, c.str(), &*font);
  edit(field).set("AP", PdfDictionary{{"N", appearance}});
  return {};
}

core::Result<void> PdfRevision::add_signature(const SignatureSpec& spec) {
  if (impl_->signature_number) return core::fail(core::Category::internal, "signature : une seule par révision");
  int field_number = 0;
  if (spec.document_timestamp) {
    // A new invisible signature field: zero-size rectangle, printable (PDF/A forbids hidden
    // annotations), on the first page.
    const auto page = impl_->first_page();
    if (!page) return core::fail(core::Category::invalid_input, "le document n’a pas de page");
    const PdfReference field = impl_->add(PdfDictionary{
        {"Type", make_name("Annot")},
        {"Subtype", make_name("Widget")},
        {"FT", make_name("Sig")},
        {"T", text_string(spec.field)},
        {"F", make_integer(4)},
        {"Rect", PdfArray{make_integer(0), make_integer(0), make_integer(0), make_integer(0)}},
        {"P", impl_->reference(*page)}});
    impl_->append(*page, {"Annots"}, field);
    impl_->append(impl_->root_number(), {"AcroForm", "Fields"}, field);
    field_number = field.number;
  } else {
    const auto field = impl_->find_field(spec.field);
    if (!field) return core::fail(core::Category::not_found, "champ de signature « " + spec.field + " » inexistant");
    if (field->type != "Sig") return core::fail(core::Category::invalid_input, "« " + spec.field + " » n’est pas un champ de signature");
    if (impl_->key(impl_->object(field->number), "V")) return core::fail(core::Category::refused, "le champ « " + spec.field + " » est déjà signé");
    field_number = field->number;
  }
  const PdfReference sig = impl_->add(impl_->signature_dictionary(spec));
  impl_->signature_number = sig.number;
  impl_->reserved_bytes = spec.reserved_bytes;
  impl_->edit(field_number).set("V", sig);
  if (spec.certify) {
    impl_->edit(impl_->root_number()).set("Perms", PdfDictionary{{"DocMDP", sig}});
  }
  if (!spec.appearance_lines.empty()) IPT_TRY_VOID(impl_->draw_signature_appearance(field_number, spec.appearance_lines));
  if (number_of(impl_->key(impl_->acroform(), "SigFlags"), 0) != 3) {
    if (PdfValue* form = impl_->editable(impl_->root_number(), {"AcroForm"})) form->set("SigFlags", make_integer(3));
  }
  return {};
}

core::Result<void> PdfRevision::add_validation_data(const ValidationData& data) {
  const int root = impl_->root_number();
  const PdfValue* dss = impl_->key(impl_->catalog(), "DSS");
  if (!dss || !dss->dictionary()) impl_->edit(root).set("DSS", impl_->add(PdfDictionary{{"Type", make_name("DSS")}}));
  for (const auto& [name, items] : {std::pair<std::string_view, const std::vector<Bytes>*>{"Certs", &data.certificates},
                                    {"OCSPs", &data.ocsp_responses},
                                    {"CRLs", &data.crls}}) {
    for (const auto& item : *items) impl_->append(root, {"DSS", name}, impl_->add_stream({}, std::string(item.begin(), item.end())));
  }
  return {};
}

// The changed and new objects as the revision writes them, each one's offset (counted from
// `base`, where the revision starts) in `entries`; the signature's placeholders' offsets.
std::string PdfRevision::Impl::written_objects(size_t base, std::vector<std::pair<int, size_t>>& entries, size_t& range_at,
                                               size_t& contents_at) {
  std::string out;
  for (const auto& [number, value] : changed) {
    entries.emplace_back(number, base + out.size());
    out += std::to_string(number) + ' ' + std::to_string(reference(number).generation) + " obj\n";
    write_value(value, out);
    if (number == signature_number && out.ends_with(">>")) {
      out.resize(out.size() - 2);
      out += "/ByteRange ";
      range_at = base + out.size();
      out += byte_range_placeholder;
      out += "/Contents ";
      contents_at = base + out.size();
      out += '<';
      out.append(reserved_bytes * 2, '0');
      out += ">>>";
    }
    if (const auto data = stream_data.find(number); data != stream_data.end()) {
      out += "\nstream\n";
      out += data->second;
      out += "\nendstream";
    }
    out += "\nendobj\n";
  }
  return out;
}

core::Result<WrittenRevision> PdfRevision::write() {
  const Bytes& original = *impl_->original;
  WrittenRevision out;
  std::string tail;
  // A revision starts on a line of its own.
  if (!original.empty() && original.back() != '\n' && original.back() != '\r') tail += '\n';
  std::vector<std::pair<int, size_t>> entries;
  size_t range_at = 0, contents_at = 0;
  tail += impl_->written_objects(original.size() + tail.size(), entries, range_at, contents_at);
  if (impl_->signature_number && (!range_at || !contents_at)) return core::fail(core::Category::internal, "écriture de la révision : emplacement de la signature introuvable");

  // The cross-reference section lists only what this revision wrote, in runs of consecutive
  // numbers, and points back at the previous section.
  const size_t xref_at = original.size() + tail.size();
  tail += "xref\n";
  for (size_t i = 0; i < entries.size();) {
    size_t j = i;
    while (j + 1 < entries.size() && entries[j + 1].first == entries[j].first + 1) ++j;
    tail += std::to_string(entries[i].first) + ' ' + std::to_string(j - i + 1) + '\n';
    for (size_t k = i; k <= j; ++k) {
      char entry[32];
      std::snprintf(entry, sizeof entry, "%010zu %05d n\r\n", entries[k].second, impl_->reference(entries[k].first).generation);
      tail += entry;
    }
    i = j + 1;
  }
  PdfValue trailer(PdfDictionary{});
  const int size = std::max(impl_->next_number, entries.empty() ? 0 : entries.back().first + 1);
  trailer.set("Size", make_integer(size));
  for (const char* k : {"Root", "Info"}) {
    if (const PdfValue* v = impl_->document->trailer().find(k)) trailer.set(k, *v);
  }
  // The file identifier's first half stays; the second tells this revision apart.
  const Bytes digest_of_revision = sha256(reinterpret_cast<const unsigned char*>(tail.data()), tail.size());
  PdfString changed_id{std::string(digest_of_revision.begin(), digest_of_revision.begin() + 16), true};
  const PdfValue* id = impl_->document->trailer().find("ID");
  PdfValue first_id = id && id->array() && id->array()->size() == 2 ? id->array()->front() : PdfValue(changed_id);
  trailer.set("ID", PdfArray{std::move(first_id), changed_id});
  trailer.set("Prev", make_integer(static_cast<long long>(impl_->previous_xref)));
  tail += "trailer\n";
  write_value(trailer, tail);
  tail += "\nstartxref\n" + std::to_string(xref_at) + "\n%%EOF\n";

  out.pdf.reserve(original.size() + tail.size());
  out.pdf.assign(original.begin(), original.end());
  out.pdf.insert(out.pdf.end(), tail.begin(), tail.end());
  if (!impl_->signature_number) return out;

  out.contents_offset = contents_at;
  out.contents_length = impl_->reserved_bytes * 2 + 2;
  const size_t after = contents_at + out.contents_length;
  char range[64];
  const int n = std::snprintf(range, sizeof range, "[0 %zu %zu %zu", contents_at, after, out.pdf.size() - after);
  const size_t placeholder_length = std::char_traits<char>::length(byte_range_placeholder);
  if (n <= 0 || static_cast<size_t>(n) + 1 > placeholder_length) return core::fail("document trop volumineux");
  std::string patched(range, static_cast<size_t>(n));
  patched.append(placeholder_length - patched.size() - 1, ' ');
  patched += ']';
  std::copy(patched.begin(), patched.end(), out.pdf.begin() + static_cast<long>(range_at));

  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx.get(), out.pdf.data(), contents_at);
  EVP_DigestUpdate(ctx.get(), out.pdf.data() + after, out.pdf.size() - after);
  out.digest.resize(32);
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx.get(), out.digest.data(), &length);
  return out;
}

core::Result<void> write_contents(Bytes& pdf, size_t contents_offset, size_t contents_length, const Bytes& cms) {
  if (cms.size() * 2 + 2 > contents_length) {
    return core::fail("la signature (" + std::to_string(cms.size()) + " octets) dépasse la place réservée (" +
                      std::to_string((contents_length - 2) / 2) + " octets)");
  }
  if (contents_offset + contents_length > pdf.size()) return core::fail("emplacement de la signature hors du document");
  const std::string hex = to_hex(cms);
  std::copy(hex.begin(), hex.end(), pdf.begin() + static_cast<long>(contents_offset + 1));
  return {};
}

}  // namespace ipt::signing::detail
