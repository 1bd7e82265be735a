#include "diff_analysis.hpp"

#include <podofo/podofo.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

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

// Keys whose values differ between two dictionaries.
std::set<std::string> changed_keys(const PdfObject* before, const PdfObject* after) {
  std::set<std::string> keys;
  if (!before || !after || !before->IsDictionary() || !after->IsDictionary()) return {"*"};
  std::set<std::string> all;
  for (const auto& [k, v] : before->GetDictionary().GetKeys()) all.insert(k.GetName());
  for (const auto& [k, v] : after->GetDictionary().GetKeys()) all.insert(k.GetName());
  for (const auto& k : all) {
    if (text_of(before->GetDictionary().GetKey(PdfName(k))) != text_of(after->GetDictionary().GetKey(PdfName(k)))) {
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
  std::unique_ptr<PdfMemDocument> doc;
  const PdfObject* get(int number) {
    return doc->GetObjects().GetObject(PdfReference(static_cast<pdf_objnum>(number), 0));
  }
};

core::Result<LoadedRevision> load_prefix(const Bytes& pdf, size_t end) {
  LoadedRevision r{std::make_unique<PdfMemDocument>()};
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

}  // namespace

core::Result<std::vector<LaterChange>> analyse_changes(const Bytes& pdf, const std::vector<Revision>& revisions,
                                                       size_t first_later, const std::vector<std::string>& locked) {
  std::vector<LaterChange> changes;
  if (first_later >= revisions.size()) return changes;
  auto before = load_prefix(pdf, revisions[first_later - 1].end);
  if (!before) return std::unexpected(before.error());
  for (size_t j = first_later; j < revisions.size(); ++j) {
    auto after = load_prefix(pdf, revisions[j].end);
    if (!after) return std::unexpected(after.error());
    for (int freed : revisions[j].freed) {
      changes.push_back({"interdit", "objet " + std::to_string(freed) + " supprimé", false});
    }
    // Objects reached from validation data and new widgets' appearances are expected.
    for (const auto& [number, offset] : revisions[j].objects) {
      (void)offset;
      const PdfObject* old_object = before->get(number);
      const PdfObject* new_object = after->get(number);
      if (!new_object) continue;
      if (old_object && text_of(old_object) == text_of(new_object) && stream_of(old_object) == stream_of(new_object)) {
        continue;  // rewritten unchanged
      }
      const std::string type = name_of(new_object, "Type");
      const std::string subtype = name_of(new_object, "Subtype");
      if (!old_object) {
        // New objects: signatures, timestamps, validation data, appearances, widgets of new
        // signature fields; judged through the existing objects that refer to them.
        if (type == "Sig") changes.push_back({"signature", "nouvelle signature", true});
        else if (type == "DocTimeStamp") changes.push_back({"horodatage", "horodatage du document", true});
        else if (type == "DSS") changes.push_back({"donnees-validation", "données de validation (DSS)", true});
        continue;
      }
      const auto changed = changed_keys(old_object, new_object);
      const std::string ft = name_of(new_object, "FT");
      const bool is_widget_or_field = type != "Page" && type != "Pages" &&
                                      (!ft.empty() || subtype == "Widget" || new_object->GetDictionary().HasKey(PdfName("Parent")));
      if (type == "Catalog") {
        if (only(changed, {"DSS"})) {
          changes.push_back({"donnees-validation", "données de validation (DSS) ajoutées au catalogue", true});
        } else {
          std::string keys;
          for (const auto& k : changed) keys += (keys.empty() ? "" : ", ") + k;
          changes.push_back({"interdit", "catalogue du document modifié (" + keys + ")", false});
        }
      } else if (type == "DSS") {
        changes.push_back({"donnees-validation", "données de validation (DSS) complétées", true});
      } else if (new_object->GetDictionary().HasKey(PdfName("Fields"))) {  // the AcroForm
        if (only(changed, {"SigFlags", "Fields"})) {
          changes.push_back({"signature", "formulaire : champ de signature ajouté", true});
        } else {
          changes.push_back({"interdit", "formulaire modifié", false});
        }
      } else if (is_widget_or_field) {
        const std::string name = field_name(new_object).empty() && new_object->GetDictionary().HasKey(PdfName("Parent"))
                                     ? "(bouton)" : field_name(new_object);
        if (ft == "Sig") {
          const bool was_signed = old_object->GetDictionary().HasKey(PdfName("V"));
          if (!was_signed && only(changed, {"V", "AP"})) {
            changes.push_back({"signature", "champ « " + name + " » signé", true});
          } else {
            changes.push_back({"interdit", "champ de signature « " + name + " » modifié après signature", false});
          }
        } else if (only(changed, {"V", "AS", "AP"})) {
          // A radio button's widget carries /AS; its group (the parent) carries the name.
          std::string group = name;
          if (const PdfObject* parent = new_object->GetIndirectKey(PdfName("Parent"))) group = field_name(parent);
          const bool is_locked = std::find(locked.begin(), locked.end(), group) != locked.end() ||
                                 std::find(locked.begin(), locked.end(), name) != locked.end();
          if (is_locked) {
            changes.push_back({"interdit", "champ verrouillé « " + group + " » modifié", false});
          } else {
            changes.push_back({"remplissage", "champ « " + group + " » rempli", true});
          }
        } else {
          std::string keys;
          for (const auto& k : changed) keys += (keys.empty() ? "" : ", ") + k;
          changes.push_back({"interdit", "champ « " + name + " » modifié hors remplissage (" + keys + ")", false});
        }
      } else if (type == "Page") {
        // Only new annotations that are signature fields (document timestamps) may be added.
        bool allowed = only(changed, {"Annots"});
        if (allowed) {
          const PdfObject* old_annots = old_object->GetIndirectKey(PdfName("Annots"));
          const PdfObject* new_annots = new_object->GetIndirectKey(PdfName("Annots"));
          std::set<std::string> kept;
          if (old_annots && old_annots->IsArray()) {
            for (const auto& a : old_annots->GetArray()) kept.insert(text_of(&a));
          }
          if (new_annots && new_annots->IsArray()) {
            for (const auto& a : new_annots->GetArray()) {
              if (kept.erase(text_of(&a))) continue;
              const PdfObject* annot = a.IsReference() ? after->doc->GetObjects().GetObject(a.GetReference()) : &a;
              if (name_of(annot, "FT") != "Sig") allowed = false;
            }
          }
          allowed = allowed && kept.empty();
        }
        changes.push_back(allowed ? LaterChange{"signature", "page : champ de signature ajouté", true}
                                  : LaterChange{"interdit", "page modifiée (contenu ou annotations)", false});
      } else if (type == "Pages") {
        changes.push_back({"interdit", "pages ajoutées ou retirées", false});
      } else if (new_object->GetDictionary().HasKey(PdfName("Producer")) ||
                 new_object->GetDictionary().HasKey(PdfName("CreationDate"))) {  // Info
        if (only(changed, {"ModDate"})) changes.push_back({"remplissage", "date de modification des métadonnées", true});
        else changes.push_back({"interdit", "métadonnées du document modifiées", false});
      } else {
        changes.push_back({"interdit", "objet " + std::to_string(number) + " modifié" +
                                           (type.empty() ? "" : " (" + type + ")"), false});
      }
    }
    before = std::move(after);
  }
  return changes;
}

}  // namespace ipt::signing::detail
