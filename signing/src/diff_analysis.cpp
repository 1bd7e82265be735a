#include "diff_analysis.hpp"

#include <tinyxml2.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "pdf_objects.hpp"

namespace ipt::signing::detail {

namespace {

std::string name_of(const PdfValue* dict, const char* key) { return name_or_empty(dict ? dict->find(key) : nullptr); }

// Whether two values say the same: strings by their text (a tool may rewrite UTF-16 text in
// PDFDocEncoding, or escape it otherwise), numbers by their value, dictionaries whatever the
// order of their keys, everything else as written.
bool same(const PdfValue& a, const PdfValue& b) {
  return std::visit(
      [&](const auto& x) -> bool {
        using T = std::decay_t<decltype(x)>;
        const T* y = std::get_if<T>(&b.value);
        if (!y) return false;
        if constexpr (std::is_same_v<T, PdfString>) {
          return text_of(x) == text_of(*y);
        } else if constexpr (std::is_same_v<T, PdfNumber>) {
          return x.value == y->value;
        } else if constexpr (std::is_same_v<T, PdfName>) {
          return x.name == y->name;
        } else if constexpr (std::is_same_v<T, PdfArray>) {
          return std::equal(x.begin(), x.end(), y->begin(), y->end(), [](const PdfValue& l, const PdfValue& r) { return same(l, r); });
        } else if constexpr (std::is_same_v<T, PdfDictionary>) {
          return x.size() == y->size() && std::all_of(x.begin(), x.end(), [&](const auto& entry) {
                   const PdfValue* other = b.find(entry.first);
                   return other && same(entry.second, *other);
                 });
        } else if constexpr (std::is_same_v<T, std::monostate>) {
          return true;
        } else {
          return x == *y;  // bool, reference
        }
      },
      a.value);
}

bool same_value(const PdfValue* a, const PdfValue* b) { return a && b ? same(*a, *b) : a == b; }

// Keys whose values differ between two dictionaries.
std::set<std::string> changed_keys(const PdfValue* before, const PdfValue* after) {
  std::set<std::string> keys;
  const PdfDictionary* old_entries = before ? before->dictionary() : nullptr;
  const PdfDictionary* new_entries = after ? after->dictionary() : nullptr;
  if (!old_entries || !new_entries) return {"*"};
  std::set<std::string> all;
  for (const auto& entry : *old_entries) all.insert(entry.first);
  for (const auto& entry : *new_entries) all.insert(entry.first);
  for (const auto& k : all) {
    if (!same_value(before->find(k), after->find(k))) keys.insert(k);
  }
  return keys;
}

bool only(const std::set<std::string>& changed, std::initializer_list<const char*> allowed) {
  return std::all_of(changed.begin(), changed.end(), [&](const std::string& k) {
    return std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; });
  });
}

std::string field_name(const PdfValue* o) { return text_or_empty(o ? o->find("T") : nullptr); }

// "avis_cpms.favorable": the partial names up the /Parent chain.
std::string qualified_name(PdfObjects& state, const PdfValue* o) {
  std::string name;
  for (int depth = 0; o && o->dictionary() && depth < 16; ++depth) {
    const std::string partial = field_name(o);
    if (!partial.empty()) name = name.empty() ? partial : partial + "." + name;
    o = state.key(o, "Parent");
  }
  return name;
}

long long flags_of(const PdfValue* o) {
  const PdfValue* ff = o ? o->find("Ff") : nullptr;
  return ff && ff->number() ? static_cast<long long>(ff->number()->value) : 0;
}

// The fields that are read-only in a revision (Ff bit 1): the dossier's data from the start,
// and what each signature locked. A read-only field is locked for every signature from then on.
std::set<std::string> read_only_fields(PdfObjects& state) {
  std::set<std::string> out;
  const PdfValue* fields = state.key(state.acroform(), "Fields");
  if (!fields || !fields->array()) return out;
  std::vector<std::pair<const PdfValue*, int>> stack;
  for (const auto& f : *fields->array()) stack.emplace_back(state.resolve(&f), 0);
  while (!stack.empty() && out.size() < 10000) {
    auto [field, depth] = stack.back();
    stack.pop_back();
    if (!field || !field->dictionary() || depth > 16) continue;
    if (flags_of(field) & 1) out.insert(qualified_name(state, field));
    if (const PdfValue* kids = state.key(field, "Kids"); kids && kids->array()) {
      for (const auto& k : *kids->array()) stack.emplace_back(state.resolve(&k), depth + 1);
    }
  }
  return out;
}

// One object that a later revision wrote, beside its previous version.
struct ObjectChange {
  int number = 0;
  const PdfValue* before = nullptr;   // null: a new object
  const PdfValue* after = nullptr;
  std::set<std::string> changed;      // keys whose values differ
  std::string type, subtype, ft;      // of the new version
  PdfObjects* later = nullptr;        // the document as of the revision that wrote it
  PdfObjects* before_state = nullptr; // and as of the revision before
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
  if (!c.after->find("Fields")) return std::nullopt;
  if (only(c.changed, {"SigFlags", "Fields"})) return allowed(ChangeKind::signature, "formulaire : champ de signature ajouté");
  return forbidden("formulaire modifié (" + keys_of(c.changed) + ")");
}

bool is_field_or_widget(const ObjectChange& c) {
  return c.type != "Page" && c.type != "Pages" &&
         (!c.ft.empty() || c.subtype == "Widget" || c.after->find("Parent"));
}

std::string display_name(const ObjectChange& c) {
  const std::string name = field_name(c.after);
  return name.empty() && c.after->find("Parent") ? "(bouton)" : name;
}

std::optional<LaterChange> signature_field(const ObjectChange& c) {
  if (!is_field_or_widget(c) || c.ft != "Sig") return std::nullopt;
  const bool was_signed = c.before->find("V") != nullptr;
  if (!was_signed && only(c.changed, {"V", "AP"})) return allowed(ChangeKind::signature, "champ « " + display_name(c) + " » signé");
  return forbidden("champ de signature « " + display_name(c) + " » modifié après signature");
}

// Whether `name` ("avis_cpms.favorable") is `lock` or lies under it ("avis_cpms").
bool under(const std::string& name, const std::string& lock) { return name == lock || name.starts_with(lock + "."); }

std::optional<LaterChange> form_field(const ObjectChange& c) {
  if (!is_field_or_widget(c)) return std::nullopt;
  std::string name = qualified_name(*c.later, c.after);
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
    // The annotations as the page's revision said them: an /Annots array of its own, or
    // the array object it names (new in the later revision, or not).
    const PdfValue* old_annots = c.before_state->key(c.before, "Annots");
    const PdfValue* new_annots = c.later->key(c.after, "Annots");
    auto written = [](const PdfValue& v) {
      std::string out;
      write_value(v, out);
      return out;
    };
    std::multiset<std::string> kept;
    if (old_annots && old_annots->array()) {
      for (const auto& a : *old_annots->array()) kept.insert(written(a));
    }
    if (new_annots && new_annots->array()) {
      for (const auto& a : *new_annots->array()) {
        if (const auto it = kept.find(written(a)); it != kept.end()) {
          kept.erase(it);
          continue;
        }
        if (name_of(c.later->resolve(&a), "FT") != "Sig") ok = false;
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
  if (!c.after->find("Producer") && !c.after->find("CreationDate")) return std::nullopt;
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
  const PdfValue* catalog = c.later->catalog();
  const PdfValue* ref = catalog ? catalog->find("Metadata") : nullptr;
  if (!ref || !ref->reference() || ref->reference()->number != c.number) {
    return forbidden("métadonnées XMP (objet " + std::to_string(c.number) + ") qui ne sont pas celles du document modifiées");
  }
  if (!only(c.changed, {"Length", "Filter", "DecodeParms"})) return forbidden("métadonnées XMP modifiées (" + keys_of(c.changed) + ")");
  const auto data = c.later->decoded_stream(c.number, 16u << 20);
  if (!data) return forbidden("métadonnées XMP illisibles");
  std::string_view packet(*data);
  // The closing <?xpacket end="…"?> follows the root element, where tinyxml2 refuses a
  // processing instruction: the packet is read up to it.
  if (const auto end = packet.rfind("<?xpacket end="); end != std::string_view::npos && end > 0) packet = packet.substr(0, end);
  tinyxml2::XMLDocument xml;
  const bool well_formed = !packet.empty() && xml.Parse(packet.data(), packet.size()) == tinyxml2::XML_SUCCESS;
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
  std::shared_ptr<ParsedObjects> parsed;
  std::map<size_t, PdfObjects> states;  // by 0-based revision index
  std::map<size_t, std::set<std::string>> read_only;

  PdfObjects& state_at(size_t index) {
    if (auto it = states.find(index); it != states.end()) return it->second;
    return states.try_emplace(index, as_text(pdf), revisions, index, parsed).first->second;
  }
};

RevisionHistory::RevisionHistory(const Bytes& pdf, const std::vector<Revision>& revisions, std::shared_ptr<ParsedObjects> parsed)
    : impl_(std::make_unique<Impl>(Impl{pdf, revisions, parsed ? std::move(parsed) : std::make_shared<ParsedObjects>(), {}, {}})) {}
RevisionHistory::~RevisionHistory() = default;

core::Result<std::set<std::string>> RevisionHistory::read_only_after(size_t index) {
  if (auto it = impl_->read_only.find(index); it != impl_->read_only.end()) return it->second;
  if (index >= impl_->revisions.size()) return core::fail(core::Category::internal, "révision inexistante");
  return impl_->read_only.emplace(index, read_only_fields(impl_->state_at(index))).first->second;
}

core::Result<std::vector<LaterChange>> RevisionHistory::changes(size_t first_later, const std::vector<std::string>& locked,
                                                                const std::set<std::string>& read_only) {
  std::vector<LaterChange> changes;
  const auto& revisions = impl_->revisions;
  if (first_later == 0 || first_later >= revisions.size()) return changes;
  PdfObjects* before = &impl_->state_at(first_later - 1);
  for (size_t j = first_later; j < revisions.size(); ++j) {
    PdfObjects* after = &impl_->state_at(j);
    for (int freed : revisions[j].freed) changes.push_back(forbidden("objet " + std::to_string(freed) + " supprimé"));
    for (const auto& [number, offset] : revisions[j].objects) {
      (void)offset;
      ObjectChange c;
      c.number = number;
      c.before = before->object(number);
      c.after = after->object(number);
      if (!c.after) continue;
      if (c.before && same(*c.before, *c.after) && before->stream_data(number) == after->stream_data(number)) continue;  // rewritten unchanged
      c.type = name_of(c.after, "Type");
      c.subtype = name_of(c.after, "Subtype");
      c.ft = name_of(c.after, "FT");
      c.later = after;
      c.before_state = before;
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
