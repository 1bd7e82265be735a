#include "diff_analysis.hpp"

#include <tinyxml2.h>

#include <podofo/podofo.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "info_dates.hpp"

namespace ipt::signing::detail {

using namespace PoDoFo;

namespace {

std::string text_of(const PdfObject* o) {
  if (!o) return "";
  std::string s;
  o->ToString(s, ePdfWriteMode_Compact);
  return s;
}

// The raw (still encoded) stream bytes, read through const access.
std::string stream_of(const PdfObject* o) {
  if (!o || !o->HasStream()) return "";
  const PdfStream* stream = o->GetStream();
  char* data = nullptr;
  pdf_long length = 0;
  stream->GetCopy(&data, &length);
  std::string out(data ? data : "", data ? static_cast<size_t>(length) : 0);
  podofo_free(data);
  return out;
}

std::string name_of(const PdfObject* dict, const char* key) {
  if (!dict || !dict->IsDictionary()) return "";
  const PdfObject* v = dict->GetDictionary().GetKey(PdfName(key));
  return v && v->IsName() ? v->GetName().GetName() : "";
}

// Whether two values are the same: strings by what they say (a tool may rewrite UTF-16 text
// in PDFDocEncoding, or escape it otherwise), everything else as written.
bool same_value(const PdfObject* a, const PdfObject* b) {
  if (a && b && a->IsString() && b->IsString()) return a->GetString().GetStringUtf8() == b->GetString().GetStringUtf8();
  return text_of(a) == text_of(b);
}

// Keys whose values differ between two dictionaries.
std::set<std::string> changed_keys(const PdfObject* before, const PdfObject* after) {
  std::set<std::string> keys;
  if (!before || !after || !before->IsDictionary() || !after->IsDictionary()) return {"*"};
  std::set<std::string> all;
  for (const auto& [k, v] : before->GetDictionary().GetKeys()) all.insert(k.GetName());
  for (const auto& [k, v] : after->GetDictionary().GetKeys()) all.insert(k.GetName());
  for (const auto& k : all) {
    if (!same_value(before->GetDictionary().GetKey(PdfName(k)), after->GetDictionary().GetKey(PdfName(k)))) {
      keys.insert(k);
    }
  }
  return keys;
}

bool only(const std::set<std::string>& changed, std::initializer_list<const char*> allowed) {
  return std::all_of(changed.begin(), changed.end(), [&](const std::string& k) {
    return std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; });
  });
}

struct LoadedRevision {
  std::unique_ptr<PdfMemDocument> owned;
  PdfMemDocument* doc = nullptr;
  const PdfObject* get(int number) {
    return doc->GetObjects().GetObject(PdfReference(static_cast<pdf_objnum>(number), 0));
  }
};

core::Result<LoadedRevision> load_prefix(const Bytes& pdf, size_t end) {
  LoadedRevision r{std::make_unique<PdfMemDocument>(), nullptr};
  r.doc = r.owned.get();
  try {
    r.doc->LoadFromBuffer(reinterpret_cast<const char*>(pdf.data()), static_cast<long>(end), false);
  } catch (const PdfError& e) {
    return core::fail("révision illisible (" + std::string(PdfError::ErrorName(e.GetError())) + ")");
  }
  return r;
}

std::string field_name(const PdfObject* o) {
  const PdfObject* t = o->GetDictionary().GetKey(PdfName("T"));
  if (t && t->IsString()) return t->GetString().GetStringUtf8();
  return "";
}

// "avis_cpms.favorable": the partial names up the /Parent chain.
std::string qualified_name(const PdfObject* o) {
  std::string name;
  for (int depth = 0; o && o->IsDictionary() && depth < 16; ++depth) {
    const std::string partial = field_name(o);
    if (!partial.empty()) name = name.empty() ? partial : partial + "." + name;
    o = o->GetIndirectKey(PdfName("Parent"));
  }
  return name;
}

long long flags_of(const PdfObject* o) {
  const PdfObject* ff = o && o->IsDictionary() ? o->GetDictionary().GetKey(PdfName("Ff")) : nullptr;
  return ff && ff->IsNumber() ? ff->GetNumber() : 0;
}

// The fields that are read-only in a revision (Ff bit 1): the dossier's data from the start,
// and what each signature locked. A read-only field is locked for every signature from then on.
std::set<std::string> read_only_fields(LoadedRevision& revision) {
  std::set<std::string> out;
  PdfVecObjects& objects = revision.doc->GetObjects();
  const PdfObject* catalog = revision.doc->GetCatalog();
  const PdfObject* form = catalog->GetIndirectKey(PdfName("AcroForm"));
  const PdfObject* fields = form ? form->GetIndirectKey(PdfName("Fields")) : nullptr;
  if (!fields || !fields->IsArray()) return out;
  std::vector<std::pair<const PdfObject*, int>> stack;
  for (const auto& f : fields->GetArray()) stack.emplace_back(f.IsReference() ? objects.GetObject(f.GetReference()) : &f, 0);
  while (!stack.empty() && out.size() < 10000) {
    auto [field, depth] = stack.back();
    stack.pop_back();
    if (!field || !field->IsDictionary() || depth > 16) continue;
    if (flags_of(field) & 1) out.insert(qualified_name(field));
    if (const PdfObject* kids = field->GetIndirectKey(PdfName("Kids")); kids && kids->IsArray()) {
      for (const auto& k : kids->GetArray()) stack.emplace_back(k.IsReference() ? objects.GetObject(k.GetReference()) : &k, depth + 1);
    }
  }
  return out;
}

// One object that a later revision wrote, beside its previous version.
struct ObjectChange {
  int number = 0;
  const PdfObject* before = nullptr;  // null: a new object
  const PdfObject* after = nullptr;
  std::set<std::string> changed;      // keys whose values differ
  std::string type, subtype, ft;      // of the new version
  LoadedRevision* later = nullptr;    // the revision that wrote it
  const std::vector<std::string>* locked = nullptr;  // the signature's FieldMDP lock
  const std::set<std::string>* read_only = nullptr;  // read-only in the signed revision
};

LaterChange allowed(ChangeKind kind, std::string detail) { return {kind, std::move(detail), std::nullopt}; }
LaterChange forbidden(std::string detail, ProblemCode problem = ProblemCode::change_forbidden) {
  return {ChangeKind::forbidden, std::move(detail), problem};
}

std::string keys_of(const std::set<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

// Each rule judges the objects it knows and passes (nullopt) on the others; the first rule
// that speaks decides. An object no rule explains is a forbidden change.
using Rule = std::optional<LaterChange> (*)(const ObjectChange&);

// New objects (judged apart from the rules below): signatures, timestamps, validation data, appearances, widgets of new
// signature fields; judged through the existing objects that refer to them.
std::optional<LaterChange> new_object(const ObjectChange& c) {
  if (c.before) return std::nullopt;
  if (c.type == "Sig") return allowed(ChangeKind::signature, "nouvelle signature");
  if (c.type == "DocTimeStamp") return allowed(ChangeKind::timestamp, "horodatage du document");
  if (c.type == "DSS") return allowed(ChangeKind::validation_data, "données de validation (DSS)");
  return std::nullopt;  // an appearance, a widget: explained by the existing objects that refer to it
}

std::optional<LaterChange> catalog(const ObjectChange& c) {
  if (c.type != "Catalog") return std::nullopt;
  if (only(c.changed, {"DSS"})) return allowed(ChangeKind::validation_data, "données de validation (DSS) ajoutées au catalogue");
  // Other signing tools declare the extensions and the version they wrote (pyHanko adds
  // /Extensions /ESIC and raises /Version for a cross-reference stream); pyHanko's own
  // difference analysis ignores both keys, and neither changes what the document shows.
  if (only(c.changed, {"DSS", "Extensions", "Version"})) {
    return allowed(ChangeKind::signature, "catalogue : extensions ou version déclarées (" + keys_of(c.changed) + ")");
  }
  return forbidden("catalogue du document modifié (" + keys_of(c.changed) + ")");
}

std::optional<LaterChange> dss(const ObjectChange& c) {
  if (c.type != "DSS") return std::nullopt;
  return allowed(ChangeKind::validation_data, "données de validation (DSS) complétées");
}

std::optional<LaterChange> acroform(const ObjectChange& c) {
  if (!c.after->GetDictionary().HasKey(PdfName("Fields"))) return std::nullopt;
  if (only(c.changed, {"SigFlags", "Fields"})) return allowed(ChangeKind::signature, "formulaire : champ de signature ajouté");
  return forbidden("formulaire modifié (" + keys_of(c.changed) + ")");
}

bool is_field_or_widget(const ObjectChange& c) {
  return c.type != "Page" && c.type != "Pages" &&
         (!c.ft.empty() || c.subtype == "Widget" || c.after->GetDictionary().HasKey(PdfName("Parent")));
}

std::string display_name(const ObjectChange& c) {
  const std::string name = field_name(c.after);
  return name.empty() && c.after->GetDictionary().HasKey(PdfName("Parent")) ? "(bouton)" : name;
}

std::optional<LaterChange> signature_field(const ObjectChange& c) {
  if (!is_field_or_widget(c) || c.ft != "Sig") return std::nullopt;
  const bool was_signed = c.before->GetDictionary().HasKey(PdfName("V"));
  if (!was_signed && only(c.changed, {"V", "AP"})) return allowed(ChangeKind::signature, "champ « " + display_name(c) + " » signé");
  return forbidden("champ de signature « " + display_name(c) + " » modifié après signature");
}

// Whether `name` ("avis_cpms.favorable") is `lock` or lies under it ("avis_cpms").
bool under(const std::string& name, const std::string& lock) { return name == lock || name.starts_with(lock + "."); }

std::optional<LaterChange> form_field(const ObjectChange& c) {
  if (!is_field_or_widget(c)) return std::nullopt;
  std::string name = qualified_name(c.after);
  if (name.empty()) name = display_name(c);
  // Setting the read-only flag is how a later signature locks a field; clearing it is not allowed.
  const long long old_flags = flags_of(c.before), new_flags = flags_of(c.after);
  const bool flags_changed = c.changed.contains("Ff");
  if (flags_changed && new_flags != (old_flags | 1)) {
    return forbidden("champ « " + name + " » : indicateurs modifiés (" + std::to_string(old_flags) + " → " +
                     std::to_string(new_flags) + ")");
  }
  if (!only(c.changed, {"V", "AS", "AP", "Ff"})) {
    return forbidden("champ « " + name + " » modifié hors remplissage (" + keys_of(c.changed) + ")");
  }
  const bool value_changed = c.changed.size() > (flags_changed ? 1u : 0u);
  if (!value_changed) return allowed(ChangeKind::form_filling, "champ « " + name + " » verrouillé");
  const bool is_locked = std::any_of(c.locked->begin(), c.locked->end(), [&](const std::string& l) { return under(name, l); }) ||
                         std::any_of(c.read_only->begin(), c.read_only->end(), [&](const std::string& l) { return under(name, l); });
  if (is_locked) return forbidden("champ verrouillé « " + name + " » modifié", ProblemCode::field_locked_changed);
  return allowed(ChangeKind::form_filling, "champ « " + name + " » rempli");
}

// Only new annotations that are signature fields (document timestamps) may be added.
std::optional<LaterChange> page(const ObjectChange& c) {
  if (c.type != "Page") return std::nullopt;
  bool ok = only(c.changed, {"Annots"});
  if (ok) {
    const PdfObject* old_annots = c.before->GetIndirectKey(PdfName("Annots"));
    const PdfObject* new_annots = c.after->GetIndirectKey(PdfName("Annots"));
    std::set<std::string> kept;
    if (old_annots && old_annots->IsArray()) {
      for (const auto& a : old_annots->GetArray()) kept.insert(text_of(&a));
    }
    if (new_annots && new_annots->IsArray()) {
      for (const auto& a : new_annots->GetArray()) {
        if (kept.erase(text_of(&a))) continue;
        const PdfObject* annot = a.IsReference() ? c.later->doc->GetObjects().GetObject(a.GetReference()) : &a;
        if (name_of(annot, "FT") != "Sig") ok = false;
      }
    }
    ok = ok && kept.empty();
  }
  if (ok) return allowed(ChangeKind::signature, "page : champ de signature ajouté");
  return forbidden("page modifiée (contenu ou annotations)");
}

std::optional<LaterChange> pages(const ObjectChange& c) {
  if (c.type != "Pages") return std::nullopt;
  return forbidden("pages ajoutées ou retirées");
}

std::optional<LaterChange> info(const ObjectChange& c) {
  const auto& d = c.after->GetDictionary();
  if (!d.HasKey(PdfName("Producer")) && !d.HasKey(PdfName("CreationDate"))) return std::nullopt;
  if (only(c.changed, {"ModDate"})) return allowed(ChangeKind::form_filling, "date de modification des métadonnées");
  // The tool that wrote the revision may sign its name, as pyHanko does ("…; pyHanko 0.25.1").
  if (only(c.changed, {"ModDate", "Producer"})) {
    return allowed(ChangeKind::form_filling, "métadonnées : date de modification et producteur");
  }
  return forbidden("métadonnées du document modifiées");
}

// The document's XMP metadata, rewritten by a tool that keeps it in step with the Info
// dictionary (pyHanko, and Acrobat on saving: the modification date, the producer). pyHanko's
// difference analysis allows that when the new stream is well-formed XML, and so does this one:
// no page shows it.
std::optional<LaterChange> metadata(const ObjectChange& c) {
  if (c.type != "Metadata") return std::nullopt;
  const PdfObject* catalog = c.later->doc->GetCatalog();
  const PdfObject* ref = catalog ? catalog->GetDictionary().GetKey(PdfName("Metadata")) : nullptr;
  if (!ref || !ref->IsReference() || static_cast<int>(ref->GetReference().ObjectNumber()) != c.number) {
    return forbidden("métadonnées XMP (objet " + std::to_string(c.number) + ") qui ne sont pas celles du document modifiées");
  }
  if (!only(c.changed, {"Length", "Filter", "DecodeParms"})) return forbidden("métadonnées XMP modifiées (" + keys_of(c.changed) + ")");
  char* data = nullptr;
  pdf_long length = 0;
  try {
    c.after->GetStream()->GetFilteredCopy(&data, &length);
  } catch (const PdfError&) {
    return forbidden("métadonnées XMP illisibles");
  }
  std::string_view packet(data ? data : "", data ? static_cast<size_t>(length) : 0);
  // The closing <?xpacket end="…"?> follows the root element, where tinyxml2 refuses a
  // processing instruction: the packet is read up to it.
  if (const auto end = packet.rfind("<?xpacket end="); end != std::string_view::npos && end > 0) packet = packet.substr(0, end);
  tinyxml2::XMLDocument xml;
  const bool well_formed = !packet.empty() && xml.Parse(packet.data(), packet.size()) == tinyxml2::XML_SUCCESS;
  podofo_free(data);
  if (!well_formed) return forbidden("métadonnées XMP mal formées");
  return allowed(ChangeKind::form_filling, "métadonnées XMP mises à jour");
}

// For objects that existed before.
constexpr Rule rules[] = {catalog, dss, acroform, signature_field, form_field, page, pages, info, metadata};

LaterChange judge(const ObjectChange& c) {
  for (Rule rule : rules) {
    if (auto verdict = rule(c)) return *verdict;
  }
  return forbidden("objet " + std::to_string(c.number) + " modifié" + (c.type.empty() ? "" : " (" + c.type + ")"));
}

}  // namespace

struct RevisionHistory::Impl {
  const Bytes& pdf;
  const std::vector<Revision>& revisions;
  std::map<size_t, LoadedRevision> loaded;  // by 0-based revision index
  std::map<size_t, std::set<std::string>> read_only;
};

RevisionHistory::RevisionHistory(const Bytes& pdf, const std::vector<Revision>& revisions)
    : impl_(std::make_unique<Impl>(Impl{pdf, revisions, {}, {}})) {}
RevisionHistory::~RevisionHistory() = default;

namespace {

core::Result<LoadedRevision*> state_at(RevisionHistory::Impl& h, size_t index) {
  if (auto it = h.loaded.find(index); it != h.loaded.end()) return &it->second;
  IPT_TRY(loaded, load_prefix(h.pdf, h.revisions[index].end));
  // What the revision says, not when it was loaded.
  restore_info_mod_date(*loaded->doc, h.pdf, h.revisions, index);
  return &h.loaded.emplace(index, std::move(*loaded)).first->second;
}

}  // namespace

void RevisionHistory::share(size_t index, PdfMemDocument& doc) {
  restore_info_mod_date(doc, impl_->pdf, impl_->revisions, index);
  LoadedRevision r;
  r.doc = &doc;
  impl_->loaded.insert_or_assign(index, std::move(r));
}

core::Result<std::set<std::string>> RevisionHistory::read_only_after(size_t index) {
  if (auto it = impl_->read_only.find(index); it != impl_->read_only.end()) return it->second;
  IPT_TRY(state, state_at(*impl_, index));
  return impl_->read_only.emplace(index, read_only_fields(**state)).first->second;
}

core::Result<std::vector<LaterChange>> RevisionHistory::changes(size_t first_later, const std::vector<std::string>& locked,
                                                                const std::set<std::string>& read_only) {
  std::vector<LaterChange> changes;
  const auto& revisions = impl_->revisions;
  if (first_later == 0 || first_later >= revisions.size()) return changes;
  IPT_TRY(before, state_at(*impl_, first_later - 1));
  for (size_t j = first_later; j < revisions.size(); ++j) {
    IPT_TRY(after, state_at(*impl_, j));
    for (int freed : revisions[j].freed) changes.push_back(forbidden("objet " + std::to_string(freed) + " supprimé"));
    for (const auto& [number, offset] : revisions[j].objects) {
      (void)offset;
      ObjectChange c;
      c.number = number;
      c.before = (*before)->get(number);
      c.after = (*after)->get(number);
      if (!c.after) continue;
      if (c.before && text_of(c.before) == text_of(c.after) && stream_of(c.before) == stream_of(c.after)) continue;  // rewritten unchanged
      c.type = name_of(c.after, "Type");
      c.subtype = name_of(c.after, "Subtype");
      c.ft = name_of(c.after, "FT");
      c.later = *after;
      c.locked = &locked;
      c.read_only = &read_only;
      if (!c.before) {
        if (auto verdict = new_object(c)) changes.push_back(*std::move(verdict));
        continue;
      }
      c.changed = changed_keys(c.before, c.after);
      changes.push_back(judge(c));
    }
    before = after;
  }
  return changes;
}

core::Result<std::vector<LaterChange>> analyse_changes(const Bytes& pdf, const std::vector<Revision>& revisions,
                                                       size_t first_later, const std::vector<std::string>& locked) {
  if (first_later == 0 || first_later >= revisions.size()) return std::vector<LaterChange>{};
  RevisionHistory history(pdf, revisions);
  IPT_TRY(read_only, history.read_only_after(first_later - 1));
  return history.changes(first_later, locked, *read_only);
}

}  // namespace ipt::signing::detail
