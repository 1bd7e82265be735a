#pragma once
// Strict, diagnostic-collecting reading of one XML element (private to core).
//
// An ElementReader hands out the children and attributes the caller asks for, checks their
// form, and on finish() reports everything the caller did not ask for as unknown: a
// misspelt element is an error, never silently dropped. Every problem goes to the sink and
// reading goes on, so the user sees all problems of a file at once.
#include <tinyxml2.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ipt/core/date.hpp"
#include "ipt/core/diagnostic.hpp"
#include "ipt/core/school_year.hpp"

namespace ipt::core::detail {

struct DiagnosticSink {
  std::string file;
  Diagnostics diagnostics;
  void error(int line, std::string path, std::string reason) {
    diagnostics.push_back({file, line, std::move(path), std::move(reason)});
  }
};

// A machine value of the dossier and the enum it stands for.
template <class E>
struct Choice {
  std::string_view code;
  E value;
};

enum class Presence { required, optional };

// Text shapes: one line (names) or free text whose paragraphs are kept.
enum class TextShape { line, paragraphs };

class ElementReader {
 public:
  ElementReader(const tinyxml2::XMLElement* element, std::string path, DiagnosticSink& sink);
  ElementReader(const ElementReader&) = delete;
  ElementReader& operator=(const ElementReader&) = delete;

  const std::string& path() const { return path_; }
  int line() const { return element_->GetLineNum(); }
  DiagnosticSink& sink() { return sink_; }
  void error(std::string reason) { sink_.error(line(), path_, std::move(reason)); }

  // The single child named `name`; reports it missing (when required) or repeated.
  const tinyxml2::XMLElement* child(std::string_view name, Presence presence);
  // Every child named `name`, in document order.
  std::vector<const tinyxml2::XMLElement*> children(std::string_view name);
  std::string child_path(const tinyxml2::XMLElement* child, int index = -1) const;

  // Text of a child element, normalised (see TextShape) and checked to be drawable.
  std::string text(std::string_view name, Presence presence = Presence::required,
                   TextShape shape = TextShape::line, size_t max_chars = 200);
  std::optional<Date> date(std::string_view name, Presence presence = Presence::required);

  // Attributes.
  std::optional<std::string> attribute(std::string_view name, Presence presence);
  std::optional<Date> date_attribute(std::string_view name, Presence presence = Presence::required);
  std::optional<SchoolYear> school_year_attribute(std::string_view name);
  // FASE numbers: positive integers.
  unsigned fase_attribute(std::string_view name);
  template <class E, size_t N>
  std::optional<E> choice_attribute(std::string_view name, const Choice<E> (&choices)[N],
                                    Presence presence = Presence::required) {
    const auto value = attribute(name, presence);
    if (!value) return std::nullopt;
    for (const auto& c : choices) {
      if (c.code == *value) return c.value;
    }
    std::string allowed;
    for (const auto& c : choices) {
      if (!allowed.empty()) allowed += ", ";
      allowed += c.code;
    }
    sink_.error(line(), attribute_path(name),
                "valeur « " + *value + " » inconnue (valeurs permises : " + allowed + ")");
    return std::nullopt;
  }

  // Reports unknown children, attributes and stray text. Call once, after reading.
  void finish();

 private:
  std::string attribute_path(std::string_view name) const { return path_ + "/@" + std::string(name); }
  std::optional<std::string> checked_text(const tinyxml2::XMLElement* e, const std::string& path,
                                          TextShape shape, size_t max_chars);

  const tinyxml2::XMLElement* element_;
  std::string path_;
  DiagnosticSink& sink_;
  std::set<const tinyxml2::XMLElement*> consumed_children_;
  std::set<std::string, std::less<>> consumed_attributes_;
};

// Text normalisation, exposed for tests: `line` collapses runs of white space; `paragraphs`
// joins the lines of each paragraph with one space and separates paragraphs (blank lines in
// the source) with one line feed.
std::string normalise_text(std::string_view raw, TextShape shape);

}  // namespace ipt::core::detail
