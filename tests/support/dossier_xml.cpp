#include "support/dossier_xml.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "ipt/core/dossier_reader.hpp"

namespace ipt::test {

std::string example_text(const std::string& name) {
  std::ifstream in(std::string(IPT_EXAMPLES_DIR) + "/" + name + ".xml", std::ios::binary);
  if (!in) throw std::runtime_error("example not found: " + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

core::Dossier example_dossier(const std::string& name) {
  auto parsed = core::parse_dossier(example_text(name), name + ".xml");
  if (!parsed) throw std::runtime_error("example does not parse: " + core::format_diagnostics(parsed.error()));
  return *parsed;
}

DossierXml::DossierXml(const std::string& example_name) : doc_(std::make_unique<tinyxml2::XMLDocument>()) {
  const auto text = example_text(example_name);
  if (doc_->Parse(text.c_str(), text.size()) != tinyxml2::XML_SUCCESS) {
    throw std::runtime_error("example is not XML: " + example_name);
  }
}

tinyxml2::XMLElement* DossierXml::find(const std::string& path) {
  tinyxml2::XMLElement* e = doc_->RootElement();
  std::stringstream parts(path);
  std::string part;
  while (e && std::getline(parts, part, '/')) {
    if (part.empty()) continue;
    int index = 1;
    if (const auto bracket = part.find('['); bracket != std::string::npos) {
      index = std::stoi(part.substr(bracket + 1));
      part = part.substr(0, bracket);
    }
    e = e->FirstChildElement(part.c_str());
    while (e && --index > 0) e = e->NextSiblingElement(part.c_str());
  }
  if (!e) throw std::runtime_error("no element at " + path);
  return e;
}

DossierXml& DossierXml::set_text(const std::string& path, const std::string& text) {
  find(path)->SetText(text.c_str());
  return *this;
}

DossierXml& DossierXml::set_attribute(const std::string& path, const std::string& name, const std::string& value) {
  find(path)->SetAttribute(name.c_str(), value.c_str());
  return *this;
}

DossierXml& DossierXml::remove_attribute(const std::string& path, const std::string& name) {
  find(path)->DeleteAttribute(name.c_str());
  return *this;
}

DossierXml& DossierXml::remove(const std::string& path) {
  auto* e = find(path);
  e->Parent()->DeleteChild(e);
  return *this;
}

DossierXml& DossierXml::add_child(const std::string& path, const std::string& name, const std::string& text) {
  auto* parent = find(path);
  auto* child = doc_->NewElement(name.c_str());
  if (!text.empty()) child->SetText(text.c_str());
  parent->InsertEndChild(child);
  return *this;
}

DossierXml& DossierXml::replace(const std::string& path, const std::string& xml_fragment) {
  auto* e = find(path);
  tinyxml2::XMLDocument fragment;
  if (fragment.Parse(xml_fragment.c_str()) != tinyxml2::XML_SUCCESS) throw std::runtime_error("bad fragment");
  auto* copy = fragment.RootElement()->DeepClone(doc_.get());
  e->Parent()->InsertAfterChild(e, copy);
  e->Parent()->DeleteChild(e);
  return *this;
}

std::string DossierXml::str() const {
  tinyxml2::XMLPrinter printer;
  doc_->Print(&printer);
  return printer.CStr();
}

}  // namespace ipt::test
