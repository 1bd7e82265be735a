#include "xml_reader.hpp"

#include "ipt/core/text.hpp"

namespace ipt::core::detail {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t count_code_points(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::string normalise_text(std::string_view raw, TextShape shape) {
  std::string out;
  bool pending_space = false;
  int pending_newlines = 0;
  for (char c : raw) {
    if (c == '\n') ++pending_newlines;
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (!out.empty()) {
      if (shape == TextShape::paragraphs && pending_newlines >= 2) out += '\n';
      else if (pending_space) out += ' ';
    }
    pending_space = false;
    pending_newlines = 0;
    out += c;
  }
  return out;
}

ElementReader::ElementReader(const tinyxml2::XMLElement* element, std::string path,
                             DiagnosticSink& sink)
    : element_(element), path_(std::move(path)), sink_(sink) {}

const tinyxml2::XMLElement* ElementReader::child(std::string_view name, Presence presence) {
  const std::string key(name);
  const auto* first = element_->FirstChildElement(key.c_str());
  if (!first) {
    if (presence == Presence::required) error("élément <" + key + "> manquant");
    return nullptr;
  }
  consumed_children_.insert(first);
  for (const auto* extra = first->NextSiblingElement(key.c_str()); extra;
       extra = extra->NextSiblingElement(key.c_str())) {
    consumed_children_.insert(extra);
    sink_.error(extra->GetLineNum(), path_ + "/" + key, "élément répété (un seul permis)");
  }
  return first;
}

std::vector<const tinyxml2::XMLElement*> ElementReader::children(std::string_view name) {
  const std::string key(name);
  std::vector<const tinyxml2::XMLElement*> out;
  for (const auto* e = element_->FirstChildElement(key.c_str()); e;
       e = e->NextSiblingElement(key.c_str())) {
    consumed_children_.insert(e);
    out.push_back(e);
  }
  return out;
}

std::string ElementReader::child_path(const tinyxml2::XMLElement* child, int index) const {
  std::string p = path_ + "/" + child->Name();
  if (index >= 0) p += "[" + std::to_string(index + 1) + "]";
  return p;
}

std::optional<std::string> ElementReader::checked_text(const tinyxml2::XMLElement* e,
                                                       const std::string& path, TextShape shape,
                                                       size_t max_chars) {
  if (e->FirstChildElement()) {
    sink_.error(e->GetLineNum(), path, "texte attendu, pas d’éléments imbriqués");
    return std::nullopt;
  }
  const char* raw = e->GetText();
  std::string value = normalise_text(raw ? raw : "", shape);
  if (value.empty()) {
    sink_.error(e->GetLineNum(), path, "valeur vide");
    return std::nullopt;
  }
  if (auto bad = find_undrawable_character(value)) {
    sink_.error(e->GetLineNum(), path, *bad);
    return std::nullopt;
  }
  if (const size_t n = count_code_points(value); n > max_chars) {
    sink_.error(e->GetLineNum(), path,
                "texte trop long (" + std::to_string(n) + " caractères, " +
                    std::to_string(max_chars) + " au plus)");
    return std::nullopt;
  }
  return value;
}

std::string ElementReader::text(std::string_view name, Presence presence, TextShape shape,
                                size_t max_chars) {
  const auto* e = child(name, presence);
  if (!e) return {};
  // Its own children and attributes are not allowed: check them like any element's.
  ElementReader inner(e, path_ + "/" + std::string(name), sink_);
  auto value = checked_text(e, inner.path(), shape, max_chars);
  inner.finish();
  return value.value_or("");
}

std::optional<Date> ElementReader::date(std::string_view name, Presence presence) {
  const auto* e = child(name, presence);
  if (!e) return std::nullopt;
  ElementReader inner(e, path_ + "/" + std::string(name), sink_);
  const auto raw = normalise_text(e->GetText() ? e->GetText() : "", TextShape::line);
  inner.finish();
  const auto parsed = Date::parse_iso(raw);
  if (!parsed) {
    // The pupil's own values (the date of birth) are never repeated in a message.
    const bool personal = inner.path().starts_with("dossier/eleve/");
    sink_.error(e->GetLineNum(), inner.path(),
                raw.empty()  ? "date manquante (format AAAA-MM-JJ)"
                : personal   ? "date invalide (format AAAA-MM-JJ, date réelle)"
                             : "date invalide « " + raw + " » (format AAAA-MM-JJ, date réelle)");
  }
  return parsed;
}

std::optional<std::string> ElementReader::attribute(std::string_view name, Presence presence) {
  const std::string key(name);
  consumed_attributes_.insert(key);
  const char* value = element_->Attribute(key.c_str());
  if (!value) {
    if (presence == Presence::required) sink_.error(line(), attribute_path(name), "attribut manquant");
    return std::nullopt;
  }
  std::string normalised = normalise_text(value, TextShape::line);
  if (normalised.empty()) {
    sink_.error(line(), attribute_path(name), "valeur vide");
    return std::nullopt;
  }
  return normalised;
}

std::optional<Date> ElementReader::date_attribute(std::string_view name, Presence presence) {
  const auto value = attribute(name, presence);
  if (!value) return std::nullopt;
  const auto parsed = Date::parse_iso(*value);
  if (!parsed) {
    sink_.error(line(), attribute_path(name),
                "date invalide « " + *value + " » (format AAAA-MM-JJ, date réelle)");
  }
  return parsed;
}

std::optional<SchoolYear> ElementReader::school_year_attribute(std::string_view name) {
  const auto value = attribute(name, Presence::required);
  if (!value) return std::nullopt;
  const auto parsed = SchoolYear::parse(*value);
  if (!parsed) {
    sink_.error(line(), attribute_path(name),
                "année scolaire invalide « " + *value + " » (forme 2026-2027)");
  }
  return parsed;
}

unsigned ElementReader::fase_attribute(std::string_view name) {
  const auto value = attribute(name, Presence::required);
  if (!value) return 0;
  unsigned long long n = 0;
  bool ok = !value->empty() && value->size() <= 9;
  for (char c : *value) {
    if (c < '0' || c > '9') ok = false;
    else n = n * 10 + static_cast<unsigned>(c - '0');
  }
  if (!ok || n == 0) {
    sink_.error(line(), attribute_path(name),
                "numéro FASE invalide « " + *value + " » (entier positif attendu)");
    return 0;
  }
  return static_cast<unsigned>(n);
}

void ElementReader::finish() {
  for (const auto* a = element_->FirstAttribute(); a; a = a->Next()) {
    if (!consumed_attributes_.contains(std::string_view(a->Name()))) {
      sink_.error(line(), attribute_path(a->Name()), "attribut inconnu");
    }
  }
  for (const auto* node = element_->FirstChild(); node; node = node->NextSibling()) {
    if (const auto* e = node->ToElement()) {
      if (!consumed_children_.contains(e)) {
        sink_.error(e->GetLineNum(), path_ + "/" + e->Name(), "élément inconnu");
      }
    } else if (const auto* t = node->ToText()) {
      // Text between elements of a structured element is a mistake (only white space is allowed),
      // except for elements read as text, which have no element children.
      if (element_->FirstChildElement() || !consumed_children_.empty()) {
        if (!normalise_text(t->Value(), TextShape::line).empty()) {
          sink_.error(t->GetLineNum(), path_, "texte inattendu entre les éléments");
        }
      }
    }
  }
}

}  // namespace ipt::core::detail
