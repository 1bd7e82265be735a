#pragma once
// Test dossiers made from the shipped examples with small, named edits, so that each test
// says what it changes ("remove eleve/sexe") instead of carrying a copy of a whole file.
#include <tinyxml2.h>

#include <memory>
#include <string>

#include "ipt/core/dossier.hpp"

namespace ipt::test {

// The text of examples/<name>.xml.
std::string example_text(const std::string& name);
// The parsed example; fails the test (throws) when it does not parse.
core::Dossier example_dossier(const std::string& name);

class DossierXml {
 public:
  explicit DossierXml(const std::string& example_name);

  // Paths are element names from <dossier> down, separated by '/', e.g. "eleve/nom";
  // "signataires/signataire[3]" picks the third. The element must exist (else throws).
  DossierXml& set_text(const std::string& path, const std::string& text);
  DossierXml& set_attribute(const std::string& path, const std::string& name, const std::string& value);
  DossierXml& remove_attribute(const std::string& path, const std::string& name);
  DossierXml& remove(const std::string& path);
  // Adds <name>text</name> as the last child of `path` ("" for the root).
  DossierXml& add_child(const std::string& path, const std::string& name, const std::string& text = "");
  // Replaces the element with the given XML fragment.
  DossierXml& replace(const std::string& path, const std::string& xml_fragment);

  std::string str() const;

 private:
  tinyxml2::XMLElement* find(const std::string& path);
  std::unique_ptr<tinyxml2::XMLDocument> doc_;
};

}  // namespace ipt::test
