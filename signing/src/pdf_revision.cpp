#include "pdf_revision.hpp"
#include "info_dates.hpp"
#include "ipt/core/files.hpp"

#include <podofo/podofo.h>

#include <algorithm>
#include <functional>
#include <cstdio>
#include <ctime>
#include <spanstream>
#include <sstream>
#include <streambuf>

#include "ipt/core/text.hpp"
#include "openssl_util.hpp"
#include "incremental_xref.hpp"
#include "pdf_structure.hpp"

namespace ipt::signing::detail {

using namespace PoDoFo;

namespace {

constexpr const char* byte_range_placeholder = "[ 0 1234567890 1234567890 1234567890]";

std::string pdf_error(const PdfError& e) {
  const char* name = PdfError::ErrorName(e.GetError());
  return std::string("erreur PDF (") + (name ? name : "inconnue") + ")";
}

// Reads without marking objects dirty: PoDoFo rewrites, in the update, any object reached
// through a non-const accessor.
const PdfObject* resolve(PdfVecObjects& objects, const PdfObject* o) {
  if (o && o->IsReference()) return objects.GetObject(o->GetReference());
  return o;
}

const PdfObject* key_of(PdfVecObjects& objects, const PdfObject* dict, const char* key) {
  if (!dict || !dict->IsDictionary()) return nullptr;
  return resolve(objects, dict->GetDictionary().GetKey(PdfName(key)));
}

std::string utf8_of(const PdfObject* o) {
  if (!o || !o->IsString()) return {};
  return o->GetString().GetStringUtf8();
}

PdfString pdf_text(const std::string& utf8) {
  return PdfString(reinterpret_cast<const pdf_utf8*>(utf8.c_str()));
}

// Escapes a Windows-1252 string for a content stream's literal string.
std::string literal(const std::string& win_ansi) {
  std::string out = "(";
  for (char c : win_ansi) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out + ")";
}

// A stream buffer that appends to a Bytes: PoDoFo writes the revision straight into the
// result, instead of into a PdfRefCountedBuffer that would then be copied (a 10 MB document
// would otherwise be held twice).
class AppendToBytes final : public std::streambuf {
 public:
  explicit AppendToBytes(Bytes& out) : out_(out) {}

 protected:
  int_type overflow(int_type ch) override {
    if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
    out_.push_back(static_cast<unsigned char>(traits_type::to_char_type(ch)));
    return ch;
  }
  std::streamsize xsputn(const char* data, std::streamsize n) override {
    out_.insert(out_.end(), reinterpret_cast<const unsigned char*>(data), reinterpret_cast<const unsigned char*>(data) + n);
    return n;
  }

 private:
  Bytes& out_;
};

// Reads the caller's bytes in place. The parser and WriteUpdate share this one device, so
// a seek first clears the end-of-file state the other may have left.
class InPlaceInputDevice final : public PdfInputDevice {
 public:
  explicit InPlaceInputDevice(std::istream* stream) : PdfInputDevice(stream), stream_(stream) {}
  void Seek(std::streamoff offset, std::ios_base::seekdir direction) override {
    stream_->clear();
    PdfInputDevice::Seek(offset, direction);
  }

 private:
  std::istream* stream_;
};

struct Field {
  PdfObject* object;  // the terminal field (merged with its widget, or a radio group)
  std::string name;
  std::string type;   // "Tx", "Btn", "Sig", "Ch"
};

}  // namespace

std::string pdf_date(std::chrono::system_clock::time_point t) { return core::format_utc(t, "D:%Y%m%d%H%M%S+00'00'"); }

struct PdfRevision::Impl {
  // The caller's document, read in place (see PdfRevision::open): PoDoFo reads it through
  // `source`, which must outlive `doc` (members are destroyed in reverse order).
  const Bytes* original = nullptr;
  std::unique_ptr<std::ispanstream> source;
  std::vector<Revision> revisions;
  PdfMemDocument doc;
  bool signature_added = false;
  size_t reserved_bytes = 0;

  PdfVecObjects& objects() { return doc.GetObjects(); }

  PdfObject* acroform() {
    const PdfObject* catalog = doc.GetCatalog();
    const PdfObject* form = key_of(objects(), catalog, "AcroForm");
    return const_cast<PdfObject*>(form);
  }

  void collect(PdfObject* field, const std::string& prefix, std::vector<Field>& out, int depth) {
    if (!field || !field->IsDictionary() || depth > 16 || out.size() > 10000) return;
    const PdfObject* cfield = field;
    const std::string partial = utf8_of(key_of(objects(), cfield, "T"));
    const std::string name = partial.empty() ? prefix : prefix.empty() ? partial : prefix + "." + partial;
    const PdfObject* kids = key_of(objects(), cfield, "Kids");
    const PdfObject* ft = key_of(objects(), cfield, "FT");
    // A field whose kids have no /T of their own is terminal (its kids are widgets).
    bool kids_are_fields = false;
    if (kids && kids->IsArray()) {
      for (const auto& kid : kids->GetArray()) {
        if (key_of(objects(), resolve(objects(), &kid), "T")) kids_are_fields = true;
      }
    }
    if (kids_are_fields) {
      for (const auto& kid : kids->GetArray()) collect(const_cast<PdfObject*>(resolve(objects(), &kid)), name, out, depth + 1);
      return;
    }
    out.push_back({field, name, ft && ft->IsName() ? ft->GetName().GetName() : ""});
  }

  std::vector<Field> fields() {
    std::vector<Field> out;
    const PdfObject* list = key_of(objects(), acroform(), "Fields");
    if (!list || !list->IsArray()) return out;
    for (const auto& f : list->GetArray()) collect(const_cast<PdfObject*>(resolve(objects(), &f)), "", out, 0);
    return out;
  }

  std::optional<Field> find_field(const std::string& name) {
    for (auto& f : fields()) {
      if (f.name == name) return f;
    }
    return std::nullopt;
  }

  std::vector<PdfObject*> widgets_of(const Field& f) {
    std::vector<PdfObject*> out;
    const PdfObject* kids = key_of(objects(), f.object, "Kids");
    if (kids && kids->IsArray()) {
      for (const auto& kid : kids->GetArray()) out.push_back(const_cast<PdfObject*>(resolve(objects(), &kid)));
    } else {
      out.push_back(f.object);
    }
    return out;
  }

  // The AcroForm's default resources font named in a /DA string ("/F1 10 Tf 0 g").
  struct FontChoice {
    std::string name;
    double size = 10;
    const PdfObject* font = nullptr;
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
    const PdfObject* fonts = key_of(objects(), key_of(objects(), acroform(), "DR"), "Font");
    if (!fonts || !fonts->IsDictionary()) return std::nullopt;
    if (choice.name.empty()) {
      // No /DA: the first font of the form's resources.
      const auto& keys = fonts->GetDictionary().GetKeys();
      if (keys.empty()) return std::nullopt;
      choice.name = keys.begin()->first.GetName();
    }
    const PdfObject* entry = fonts->GetDictionary().GetKey(PdfName(choice.name));
    if (!entry || !entry->IsReference()) return std::nullopt;
    choice.reference = entry->GetReference();
    choice.font = resolve(objects(), entry);
    if (choice.size <= 0) choice.size = 10;
    return choice;
  }

  // Width in text space units (1/1000 em) of Windows-1252 text, from the font's /Widths.
  static double text_width(PdfVecObjects& objects, const PdfObject* font, const std::string& win_ansi) {
    const PdfObject* widths = key_of(objects, font, "Widths");
    const PdfObject* first = key_of(objects, font, "FirstChar");
    if (!widths || !widths->IsArray() || !first || !first->IsNumber()) return 600.0 * static_cast<double>(win_ansi.size());
    const auto& array = widths->GetArray();
    const long first_char = static_cast<long>(first->GetNumber());
    double total = 0;
    for (char ch : win_ansi) {
      const long index = static_cast<long>(static_cast<unsigned char>(ch)) - first_char;
      const bool known = index >= 0 && static_cast<size_t>(index) < array.size();
      const PdfObject* w = known ? &array[static_cast<size_t>(index)] : nullptr;
      total += w && (w->IsNumber() || w->IsReal()) ? w->GetReal() : 500.0;
    }
    return total;
  }

  static PdfRect rect_of(const PdfObject* widget) {
    const PdfObject* r = widget->GetDictionary().GetKey(PdfName("Rect"));
    if (!r || !r->IsArray() || r->GetArray().size() != 4) return PdfRect();
    PdfRect rect;
    rect.FromArray(r->GetArray());
    return rect;
  }

  PdfObject* signature_dictionary(const SignatureSpec& spec);
  core::Result<void> draw_signature_appearance(PdfObject* field, const std::vector<std::string>& lines_utf8);

  PdfObject* form_xobject(double w, double h, const std::string& content, const FontChoice* font) {
    PdfObject* x = objects().CreateObject("XObject");
    auto& d = x->GetDictionary();
    d.AddKey("Subtype", PdfName("Form"));
    PdfArray bbox;
    bbox.push_back(PdfVariant(0.0));
    bbox.push_back(PdfVariant(0.0));
    bbox.push_back(PdfVariant(w));
    bbox.push_back(PdfVariant(h));
    d.AddKey("BBox", bbox);
    PdfDictionary resources;
    if (font) {
      PdfDictionary fonts;
      fonts.AddKey(PdfName(font->name), font->reference);
      resources.AddKey("Font", fonts);
    }
    d.AddKey("Resources", resources);
    x->GetStream()->Set(content.data(), static_cast<pdf_long>(content.size()));
    return x;
  }
};

PdfRevision::PdfRevision(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PdfRevision::~PdfRevision() = default;
PdfRevision::PdfRevision(PdfRevision&&) noexcept = default;
PdfRevision& PdfRevision::operator=(PdfRevision&&) noexcept = default;

void silence_podofo() {
  // PoDoFo prints parser details (trailers) on stdout by default.
  static const bool once = [] {
    PdfError::EnableLogging(false);
    PdfError::EnableDebug(false);
    return true;
  }();
  (void)once;
}

core::Result<PdfRevision> PdfRevision::open(const Bytes& pdf) {
  silence_podofo();
  auto impl = std::make_unique<Impl>();
  auto revisions = scan_revisions(pdf);
  if (!revisions) return std::unexpected(revisions.error().with_context("document non pris en charge"));
  impl->revisions = std::move(*revisions);
  if (impl->revisions.back().end != pdf.size()) {
    return core::fail("document non pris en charge : des données suivent la dernière révision");
  }
  impl->original = &pdf;
  try {
    // LoadFromBuffer would copy the file twice (PoDoFo 0.9.8 makes an istringstream from a
    // std::string copy for the parser, and another for WriteUpdate): one device over the
    // caller's bytes serves both.
    impl->source = std::make_unique<std::ispanstream>(
        std::span<const char>(reinterpret_cast<const char*>(pdf.data()), pdf.size()));
    PdfRefCountedInputDevice device(new InPlaceInputDevice(impl->source.get()));
    impl->doc.LoadFromDevice(device, true);
    restore_info_mod_date(impl->doc, pdf, impl->revisions, impl->revisions.size() - 1);
  } catch (const PdfError& e) {
    return core::fail("document illisible : " + pdf_error(e));
  }
  if (!impl->acroform()) return core::fail("le document n’a pas de formulaire (AcroForm)");
  return PdfRevision(std::move(impl));
}

namespace {

constexpr pdf_int64 read_only_flag = 1;  // Ff bit 1 (ISO 32000-1, table 221)

pdf_int64 flags_of(PdfVecObjects& objects, const PdfObject* field) {
  const PdfObject* ff = key_of(objects, field, "Ff");
  return ff && ff->IsNumber() ? ff->GetNumber() : 0;
}

// The state a check box shows when on: its /AP /N key other than /Off.
std::optional<std::string> on_state(PdfVecObjects& objects, const PdfObject* widget) {
  const PdfObject* normal = key_of(objects, key_of(objects, widget, "AP"), "N");
  if (!normal || !normal->IsDictionary()) return std::nullopt;
  for (const auto& [state, value] : normal->GetDictionary().GetKeys()) {
    if (state.GetName() != "Off") return state.GetName();
  }
  return std::nullopt;
}

std::string name_value(PdfVecObjects& objects, const PdfObject* o, const char* key) {
  const PdfObject* v = key_of(objects, o, key);
  return v && v->IsName() ? v->GetName().GetName() : "";
}

// Sets a check box (a field merged with its widget) to `state`, touching it only when its
// value or appearance state changes: an object rewritten unchanged is a modification that
// validators with difference analysis cannot explain.
void set_check_box(PdfVecObjects& objects, PdfObject* box, const std::string& state) {
  if (name_value(objects, box, "V") == state && name_value(objects, box, "AS") == state) return;
  box->GetDictionary().AddKey("V", PdfName(state));
  box->GetDictionary().AddKey("AS", PdfName(state));
}

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

std::vector<std::string> PdfRevision::filled_fields() const {
  std::vector<std::string> out;
  for (const auto& f : impl_->fields()) {
    const PdfObject* v = key_of(impl_->objects(), f.object, "V");
    if (!v || f.type == "Sig") continue;
    if (v->IsName() && v->GetName().GetName() == "Off") continue;
    if (v->IsString() && v->GetString().GetStringUtf8().empty()) continue;
    out.push_back(f.name);
  }
  return out;
}

std::map<std::string, std::string> PdfRevision::values() const {
  std::map<std::string, std::string> out;
  for (const auto& f : impl_->fields()) {
    if (f.type == "Sig") continue;
    const PdfObject* v = key_of(impl_->objects(), f.object, "V");
    std::string value;
    if (v && v->IsString()) value = v->GetString().GetStringUtf8();
    if (v && v->IsName() && v->GetName().GetName() != "Off") value = v->GetName().GetName();
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
    if (f.type == "Sig" || (flags_of(impl_->objects(), f.object) & read_only_flag)) continue;
    out.push_back(f.name);
  }
  return out;
}

std::vector<std::string> PdfRevision::lock(const std::vector<std::string>& names) {
  std::vector<std::string> stateful;
  for (auto& f : impl_->fields()) {
    const auto group_of = [&](const std::string& n) { return f.name == n || f.name.starts_with(n + "."); };
    const auto named = std::find_if(names.begin(), names.end(), group_of);
    if (f.type == "Sig" || named == names.end()) continue;
    const pdf_int64 flags = flags_of(impl_->objects(), f.object);
    if (!(flags & read_only_flag)) f.object->GetDictionary().AddKey("Ff", PdfVariant(flags | read_only_flag));
    // Check boxes also go into the signature's FieldMDP lock (by their group's name), which
    // every validator honours; text fields do not (see SignatureSpec::lock_fields).
    if (f.type == "Btn" && std::find(stateful.begin(), stateful.end(), *named) == stateful.end()) stateful.push_back(*named);
  }
  return stateful;
}

core::Result<void> PdfRevision::fill(const FieldFill& fill) {
  try {
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
      for (auto& o : options) {
        const bool chosen = o.name.substr(fill.field.size() + 1) == fill.value;
        const auto on = on_state(impl_->objects(), o.object);
        if (!on) return core::fail("champ « " + o.name + " » : case sans apparence");
        set_check_box(impl_->objects(), o.object, chosen ? *on : "Off");
      }
      return {};
    }
    if (field->type == "Btn") {
      // A single check box: "Off" or its on state.
      const auto on = on_state(impl_->objects(), field->object);
      if (!on || (fill.value != *on && fill.value != "Off")) {
        return core::fail("champ « " + fill.field + " » : valeur « " + fill.value + " » impossible (valeurs : " + on.value_or("?") + ", Off)");
      }
      set_check_box(impl_->objects(), field->object, fill.value);
      return {};
    }
    if (field->type == "Tx") {
      const auto encoded = core::encode_win_ansi(fill.value);
      if (!encoded) {
        return core::fail("champ « " + fill.field + " » : " +
                          core::find_undrawable_character(fill.value).value_or("texte non représentable"));
      }
      const bool multiline = flags_of(impl_->objects(), field->object) & (1 << 12);
      if (!multiline && encoded->find('\n') != std::string::npos) {
        return core::fail("champ « " + fill.field + " » : une seule ligne attendue");
      }
      const PdfObject* da = key_of(impl_->objects(), field->object, "DA");
      const auto font = impl_->form_font(da && da->IsString() ? da->GetString().GetString() : "");
      if (!font) return core::fail("champ « " + fill.field + " » : police du formulaire introuvable");
      const PdfRect rect = Impl::rect_of(field->object);
      auto width = [&](const std::string& text) { return Impl::text_width(impl_->objects(), font->font, text) * font->size / 1000.0; };
      const double usable = rect.GetWidth() - 4;
      std::vector<std::string> lines = multiline ? wrap(*encoded, usable, width) : std::vector<std::string>{*encoded};
      const double leading = font->size * 1.2;
      const auto fitting_lines = static_cast<size_t>(std::max(1.0, (rect.GetHeight() - 2) / leading));
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
                << rect.GetHeight() - 1 - font->size << " Td\n";
        for (size_t i = 0; i < lines.size(); ++i) content << (i ? "T* " : "") << literal(lines[i]) << " Tj\n";
        content << "ET Q\nEMC\n";
      } else {
        content << "/Tx BMC\nq BT /" << font->name << ' ' << font->size << " Tf 0 g 2 "
                << std::max(2.0, (rect.GetHeight() - font->size) / 2 + 2) << " Td " << literal(*encoded) << " Tj ET Q\nEMC\n";
      }
      PdfObject* appearance = impl_->form_xobject(rect.GetWidth(), rect.GetHeight(), content.str(), &*font);
      field->object->GetDictionary().AddKey("V", pdf_text(fill.value));
      PdfDictionary ap;
      ap.AddKey("N", appearance->Reference());
      field->object->GetDictionary().AddKey("AP", ap);
      return {};
    }
    return core::fail("champ « " + fill.field + " » : ce type de champ (" + field->type + ") ne se remplit pas à la signature");
  } catch (const PdfError& e) {
    return core::fail("champ « " + fill.field + " » : " + pdf_error(e));
  }
}

namespace {

// A new invisible signature field for a document timestamp: zero-size rectangle, printable
// (PDF/A forbids hidden annotations), on the first page.
core::Result<PdfObject*> new_timestamp_field(PdfMemDocument& doc, PdfObject* acroform, const std::string& name) {
  PdfVecObjects& objects = doc.GetObjects();
  PdfPage* page = doc.GetPage(0);
  if (!page) return core::fail(core::Category::invalid_input, "le document n’a pas de page");
  PdfObject* field = objects.CreateObject("Annot");
  auto& d = field->GetDictionary();
  d.AddKey("Subtype", PdfName("Widget"));
  d.AddKey("FT", PdfName("Sig"));
  d.AddKey("T", pdf_text(name));
  d.AddKey("F", PdfVariant(static_cast<pdf_int64>(4)));
  PdfArray zero;
  for (int i = 0; i < 4; ++i) zero.push_back(PdfVariant(static_cast<pdf_int64>(0)));
  d.AddKey("Rect", zero);
  d.AddKey("P", page->GetObject()->Reference());
  PdfObject* page_object = page->GetObject();
  if (!page_object->GetDictionary().HasKey("Annots")) page_object->GetDictionary().AddKey("Annots", PdfArray());
  PdfObject* annots = page_object->GetDictionary().GetKey("Annots");
  if (annots->IsReference()) annots = objects.GetObject(annots->GetReference());
  annots->GetArray().push_back(field->Reference());
  PdfObject* fields = acroform->GetDictionary().GetKey("Fields");
  if (fields->IsReference()) fields = objects.GetObject(fields->GetReference());
  fields->GetArray().push_back(field->Reference());
  return field;
}

// The /Reference entries of a signature: DocMDP P=2 for a certification, FieldMDP for the
// check boxes it locks (see SignatureSpec::lock_fields).
PdfArray transform_references(const SignatureSpec& spec, PdfObject* sig, PdfObject* catalog) {
  PdfArray references;
  if (spec.certify) {
    PdfDictionary params;
    params.AddKey("Type", PdfName("TransformParams"));
    params.AddKey("P", PdfVariant(static_cast<pdf_int64>(2)));
    params.AddKey("V", PdfName("1.2"));
    PdfDictionary ref;
    ref.AddKey("Type", PdfName("SigRef"));
    ref.AddKey("TransformMethod", PdfName("DocMDP"));
    ref.AddKey("TransformParams", params);
    references.push_back(ref);
    PdfDictionary perms;
    perms.AddKey("DocMDP", sig->Reference());
    catalog->GetDictionary().AddKey("Perms", perms);
  }
  if (!spec.lock_fields.empty()) {
    PdfArray names;
    for (const auto& f : spec.lock_fields) names.push_back(pdf_text(f));
    PdfDictionary params;
    params.AddKey("Type", PdfName("TransformParams"));
    params.AddKey("Action", PdfName("Include"));
    params.AddKey("Fields", names);
    params.AddKey("V", PdfName("1.2"));
    PdfDictionary ref;
    ref.AddKey("Type", PdfName("SigRef"));
    ref.AddKey("TransformMethod", PdfName("FieldMDP"));
    ref.AddKey("TransformParams", params);
    ref.AddKey("Data", catalog->Reference());
    references.push_back(ref);
  }
  return references;
}

}  // namespace

// The signature dictionary, with room for its CMS; /ByteRange is written right before
// /Contents (keys are sorted): nothing may sort between them.
PdfObject* PdfRevision::Impl::signature_dictionary(const SignatureSpec& spec) {
  PdfObject* sig = objects().CreateObject(spec.document_timestamp ? "DocTimeStamp" : "Sig");
  auto& s = sig->GetDictionary();
  s.AddKey("Filter", PdfName("Adobe.PPKLite"));
  s.AddKey("SubFilter", PdfName(spec.document_timestamp ? "ETSI.RFC3161" : "ETSI.CAdES.detached"));
  s.AddKey("ByteRange", PdfVariant(PdfData(byte_range_placeholder)));
  s.AddKey("Contents", PdfVariant(PdfData(("<" + std::string(spec.reserved_bytes * 2, '0') + ">").c_str())));
  if (spec.document_timestamp) return sig;
  s.AddKey("M", PdfString(pdf_date(spec.time)));
  if (!spec.name.empty()) s.AddKey("Name", pdf_text(spec.name));
  if (!spec.reason.empty()) s.AddKey("Reason", pdf_text(spec.reason));
  if (!spec.location.empty()) s.AddKey("Location", pdf_text(spec.location));
  PdfArray references = transform_references(spec, sig, doc.GetCatalog());
  if (!references.empty()) s.AddKey("Reference", references);
  return sig;
}

// The visible signature: the lines in the form's font, the largest size up to 9 pt at which
// every line fits the field's box.
core::Result<void> PdfRevision::Impl::draw_signature_appearance(PdfObject* field, const std::vector<std::string>& lines_utf8) {
  const PdfRect rect = rect_of(field);
  const auto font = form_font("");
  if (!font || rect.GetWidth() <= 8 || rect.GetHeight() <= 8) return {};
  std::vector<std::string> lines;
  double widest = 0;
  for (const auto& line : lines_utf8) {
    const auto encoded = core::encode_win_ansi(line);
    if (!encoded) return core::fail(core::Category::invalid_input, "apparence de signature : " + core::find_undrawable_character(line).value_or("texte non représentable"));
    lines.push_back(*encoded);
    widest = std::max(widest, text_width(objects(), font->font, *encoded));
  }
  const double by_width = (rect.GetWidth() - 8) * 1000.0 / std::max(widest, 1.0);
  const double by_height = (rect.GetHeight() - 6) / (static_cast<double>(lines.size()) * 1.25);
  const double size = std::max(4.0, std::min({9.0, by_width, by_height}));
  std::ostringstream c;
  c.imbue(std::locale::classic());
  c << "q 0.94 0.96 1 rg 0 0 " << rect.GetWidth() << ' ' << rect.GetHeight() << " re f Q\n";
  c << "q 0.16 0.27 0.55 RG 0.8 w 0.4 0.4 " << rect.GetWidth() - 0.8 << ' ' << rect.GetHeight() - 0.8 << " re S Q\n";
  c << "BT /" << font->name << ' ' << size << " Tf 0.1 0.1 0.2 rg " << size * 1.25 << " TL 4 "
    << rect.GetHeight() - 3 - size << " Td\n";
  for (size_t i = 0; i < lines.size(); ++i) c << (i ? "T* " : "") << literal(lines[i]) << " Tj\n";
  c << "ET\n";
  PdfObject* appearance = form_xobject(rect.GetWidth(), rect.GetHeight(), c.str(), &*font);
  PdfDictionary ap;
  ap.AddKey("N", appearance->Reference());
  field->GetDictionary().AddKey("AP", ap);
  return {};
}

core::Result<void> PdfRevision::add_signature(const SignatureSpec& spec) {
  try {
    PdfObject* field_object = nullptr;
    if (spec.document_timestamp) {
      IPT_TRY(created, new_timestamp_field(impl_->doc, impl_->acroform(), spec.field));
      field_object = *created;
    } else {
      const auto field = impl_->find_field(spec.field);
      if (!field) return core::fail(core::Category::not_found, "champ de signature « " + spec.field + " » inexistant");
      if (field->type != "Sig") return core::fail(core::Category::invalid_input, "« " + spec.field + " » n’est pas un champ de signature");
      if (key_of(impl_->objects(), field->object, "V")) return core::fail(core::Category::refused, "le champ « " + spec.field + " » est déjà signé");
      field_object = field->object;
    }
    field_object->GetDictionary().AddKey("V", impl_->signature_dictionary(spec)->Reference());
    if (!spec.appearance_lines.empty()) IPT_TRY_VOID(impl_->draw_signature_appearance(field_object, spec.appearance_lines));
    impl_->acroform()->GetDictionary().AddKey("SigFlags", PdfVariant(static_cast<pdf_int64>(3)));
    impl_->signature_added = true;
    impl_->reserved_bytes = spec.reserved_bytes;
    return {};
  } catch (const PdfError& e) {
    return core::fail(core::Category::internal, "signature : " + pdf_error(e));
  }
}

core::Result<void> PdfRevision::add_validation_data(const ValidationData& data) {
  try {
    PdfVecObjects& objects = impl_->objects();
    PdfObject* catalog = impl_->doc.GetCatalog();
    PdfObject* dss = nullptr;
    if (PdfObject* existing = catalog->GetDictionary().GetKey("DSS")) {
      dss = existing->IsReference() ? objects.GetObject(existing->GetReference()) : nullptr;
    }
    if (!dss) {
      dss = objects.CreateObject();
      dss->GetDictionary().AddKey("Type", PdfName("DSS"));
      catalog->GetDictionary().AddKey("DSS", dss->Reference());
    }
    auto add_streams = [&](const char* key, const std::vector<Bytes>& items) {
      if (items.empty()) return;
      if (!dss->GetDictionary().HasKey(key)) dss->GetDictionary().AddKey(key, PdfArray());
      PdfArray& array = dss->GetDictionary().GetKey(key)->GetArray();
      for (const auto& item : items) {
        PdfObject* stream = objects.CreateObject();
        stream->GetStream()->Set(reinterpret_cast<const char*>(item.data()), static_cast<pdf_long>(item.size()));
        array.push_back(stream->Reference());
      }
    };
    add_streams("Certs", data.certificates);
    add_streams("OCSPs", data.ocsp_responses);
    add_streams("CRLs", data.crls);
    return {};
  } catch (const PdfError& e) {
    return core::fail("données de validation : " + pdf_error(e));
  }
}

core::Result<WrittenRevision> PdfRevision::write() {
  WrittenRevision out;
  try {
    impl_->doc.SetWriteMode(ePdfWriteMode_Clean);
    out.pdf.reserve(impl_->original->size() + 65536);
    AppendToBytes sink(out.pdf);
    std::ostream stream(&sink);
    {
      PdfOutputDevice device(&stream);
      impl_->doc.WriteUpdate(&device, true);
    }
    if (!stream) return core::fail("écriture de la révision : flux en erreur");
  } catch (const PdfError& e) {
    return core::fail("écriture de la révision : " + pdf_error(e));
  }
  const Bytes& original = *impl_->original;
  const size_t appended = original.size();
  if (out.pdf.size() < appended || !std::equal(original.begin(), original.end(), out.pdf.begin())) {
    return core::fail("écriture de la révision : les révisions précédentes ont été modifiées");
  }
  if (auto restored = restore_incremental_xref(out.pdf, appended); !restored) {
    return std::unexpected(std::move(restored.error()).with_context("écriture de la révision"));
  }
  if (!impl_->signature_added) return out;

  const std::string_view text(reinterpret_cast<const char*>(out.pdf.data()), out.pdf.size());
  const std::string contents = "<" + std::string(impl_->reserved_bytes * 2, '0') + ">";
  const size_t contents_at = text.find(contents, appended);
  const size_t range_at = text.rfind(byte_range_placeholder, contents_at);
  if (contents_at == std::string_view::npos || range_at == std::string_view::npos || range_at < appended) {
    return core::fail("écriture de la révision : emplacement de la signature introuvable");
  }
  out.contents_offset = contents_at;
  out.contents_length = contents.size();
  const size_t after = contents_at + contents.size();
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
