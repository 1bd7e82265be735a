#include "ipt/pipeline/dossier_form.hpp"

#include <tinyxml2.h>

#include <algorithm>
#include <functional>
#include <set>
#include <span>

#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/embedded_file.hpp"

namespace ipt::pipeline {

std::span<const EmbeddedFile> embedded_form_skeletons();  // generated from examples/

namespace {

// Elements of which a dossier may hold several: named with their position, as the strict
// reader names them ("responsable[2]").
const std::set<std::string> repeatable = {"responsable", "integration", "signataire", "desaccord"};
// Attributes whose skeleton value a blank form keeps: versions, enumerations, roles.
const std::set<std::string> kept_in_blank = {"version", "role", "reseau", "type", "type-actuel", "justification", "intervenant",
                                             "annee-scolaire"};
// Elements whose text is a paragraph.
const std::set<std::string> paragraphs = {"avis-ecrit", "synthese", "objectifs", "equipements", "transport", "dispositif-relation",
                                          "modalites-accompagnement", "evaluation-interne", "presence-registre", "motivation", "fin"};

struct Label {
  const char* name;
  const char* french;
};
constexpr Label labels[] = {
    {"dossier", "Dossier"}, {"eleve", "Élève"}, {"responsable", "Responsable"}, {"ecole-specialisee", "École d’enseignement spécialisé"},
    {"pole", "Pôle territorial"}, {"coordonnateur", "Coordonnateur du pôle"}, {"ecole-ordinaire", "École ordinaire"},
    {"cpms", "Centre PMS"}, {"integration", "Intégration"}, {"protocole", "Protocole d’intégration"},
    {"fin-integration", "Fin de l’intégration"}, {"signataire", "Signataire"}, {"premiere-ipt", "Première IPT"},
    {"proposition", "Proposition"}, {"concertation", "Concertation"}, {"desaccord", "Désaccord"}, {"prolongation", "Prolongation"},
    {"pole-precedent", "Pôle précédent"}, {"ecole-ordinaire-precedente", "École ordinaire précédente"},
    {"decision-ministre", "Décision du Ministre"}, {"auteur", "Auteur"},
    {"nom", "Nom"}, {"prenom", "Prénom"}, {"date-naissance", "Date de naissance (AAAA-MM-JJ)"}, {"sexe", "Sexe (F, M ou X)"},
    {"date-inscription-specialise", "Inscription dans l’enseignement spécialisé (AAAA-MM-JJ)"},
    {"numero-national", "Numéro de registre national"}, {"qualite", "Qualité (mère, père, tuteur…)"}, {"email", "Adresse électronique"},
    {"adresse", "Adresse"}, {"ecole-siege", "École siège"}, {"fonction", "Fonction"}, {"avis-ecrit", "Avis écrit"},
    {"annee-etude", "Année d’études"}, {"synthese", "Synthèse"}, {"objectifs", "Objectifs"}, {"equipements", "Équipements"},
    {"transport", "Transport"}, {"dispositif-relation", "Dispositif de relation"}, {"modalites-accompagnement", "Modalités d’accompagnement"},
    {"evaluation-interne", "Évaluation interne"}, {"presence-registre", "Registre de présence"}, {"motivation", "Motivation"},
    {"fin", "Fin"}, {"@fase", "Numéro FASE"}, {"@fase-implantation", "Numéro FASE de l’implantation"}, {"@reseau", "Réseau"},
    {"@reference", "Référence du dossier"}, {"@annee-scolaire", "Année scolaire (AAAA-AAAA)"}, {"@version", "Version du format"},
    {"@type", "Type"}, {"@debut", "Début (AAAA-MM-JJ)"}, {"@date", "Date (AAAA-MM-JJ)"}, {"@role", "Rôle"},
    {"@date-conseil-classe", "Date du conseil de classe (AAAA-MM-JJ)"}, {"@type-actuel", "Type actuel"},
    {"@date-arret", "Date d’arrêt (AAAA-MM-JJ)"}, {"@justification", "Justification"},
};

std::string label_of(const std::string& name) {
  for (const auto& l : labels) {
    if (name == l.name) return l.french;
  }
  std::string out = name[0] == '@' ? name.substr(1) : name;
  std::replace(out.begin(), out.end(), '-', ' ');
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

// The dossier as a tree: an element, its attributes in order, its text when it holds no element.
struct Node {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;
  std::vector<Node> children;
  bool leaf() const { return children.empty(); }
};

std::string collapsed(const char* text) {
  std::string out;
  bool space = false;
  for (const char* p = text ? text : ""; *p; ++p) {
    const bool ws = *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t';
    if (ws) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += *p;
  }
  return out;
}

Node tree_of(const tinyxml2::XMLElement* e) {
  Node n{e->Name(), {}, {}, {}};
  for (const auto* a = e->FirstAttribute(); a; a = a->Next()) n.attributes.emplace_back(a->Name(), a->Value());
  for (const auto* c = e->FirstChildElement(); c; c = c->NextSiblingElement()) n.children.push_back(tree_of(c));
  if (n.children.empty()) n.text = collapsed(e->GetText());
  return n;
}

core::Result<Node> parse_tree(const std::string& xml) {
  tinyxml2::XMLDocument doc;
  if (doc.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS || !doc.RootElement()) {
    return core::fail(core::Category::invalid_input, std::string("XML illisible : ") + (doc.ErrorStr() ? doc.ErrorStr() : "vide"));
  }
  return tree_of(doc.RootElement());
}

std::string child_path(const std::string& parent, const Node& child, int position) {
  return parent + "/" + child.name + (repeatable.contains(child.name) ? "[" + std::to_string(position) + "]" : "");
}

template <typename Visit>
void walk(Node& n, const std::string& path, Visit&& visit) {
  visit(n, path);
  std::map<std::string, int> seen;
  for (auto& c : n.children) walk(c, child_path(path, c, ++seen[c.name]), visit);
}

std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Where each value lands in the written XML: a text on its element's line, attributes each
// on a line of their own.
struct Written {
  std::string xml;
  std::map<std::string, int> line_of;  // field name → line
};

void write(const Node& n, const std::string& path, int depth, Written& w, int& line) {
  const std::string indent(static_cast<size_t>(depth) * 2, ' ');
  w.xml += indent + "<" + n.name;
  for (const auto& [name, value] : n.attributes) {
    w.xml += "\n" + indent + "    " + name + "=\"" + escaped(value) + "\"";
    ++line;
    w.line_of[path + "/@" + name] = line;
  }
  if (n.leaf()) {
    w.xml += ">" + escaped(n.text) + "</" + n.name + ">\n";
    w.line_of[path] = line;
    ++line;
    return;
  }
  w.xml += ">\n";
  ++line;
  std::map<std::string, int> seen;
  for (const auto& c : n.children) write(c, child_path(path, c, ++seen[c.name]), depth + 1, w, line);
  w.xml += indent + "</" + n.name + ">\n";
  ++line;
}

Written write_tree(const Node& root) {
  Written w;
  w.xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  int line = 2;
  write(root, root.name, 0, w, line);
  return w;
}

std::string section_title(const Node& n, const std::string& path) {
  std::string title = label_of(n.name);
  if (repeatable.contains(n.name)) title += " " + path.substr(path.rfind('[') + 1, path.rfind(']') - path.rfind('[') - 1);
  return title;
}

// The sections of the tree, in document order: each element with attributes or text children.
DossierForm form_from(Node& root, const Written& written) {
  DossierForm form;
  form.xml = written.xml;
  walk(root, root.name, [&](Node& n, const std::string& path) {
    // A text element without attributes is a field of its parent's section; one with
    // attributes (rare) is a section of its own.
    if (n.leaf() && n.attributes.empty()) return;
    FormSection s{section_title(n, path), repeatable.contains(n.name) ? n.name : "", path, {}};
    for (const auto& [name, value] : n.attributes) s.fields.push_back({path + "/@" + name, label_of("@" + name), value, false, {}});
    std::map<std::string, int> seen;
    for (const auto& c : n.children) {
      if (!c.leaf()) {
        ++seen[c.name];
        continue;
      }
      const std::string p = child_path(path, c, ++seen[c.name]);
      s.fields.push_back({p, label_of(c.name), c.text, paragraphs.contains(c.name) || c.text.size() > 90, {}});
    }
    if (n.leaf()) s.fields.push_back({path, label_of(n.name), n.text, paragraphs.contains(n.name) || n.text.size() > 90, {}});
    if (!s.fields.empty()) form.sections.push_back(std::move(s));
  });
  return form;
}

std::string without_positions(const std::string& path) {
  std::string out;
  bool inside = false;
  for (char c : path) {
    if (c == '[') inside = true;
    if (!inside) out += c;
    if (c == ']') inside = false;
  }
  return out;
}

// Puts each diagnostic next to its field: the same path, else the field on its line, else the
// only field of that path without positions.
void place_problems(DossierForm& form, const core::Diagnostics& diagnostics, const Written& written) {
  std::map<std::string, FormField*> by_name;
  std::multimap<std::string, FormField*> by_loose_name;  // paths without positions
  for (auto& s : form.sections) {
    for (auto& f : s.fields) {
      by_name[f.name] = &f;
      by_loose_name.emplace(without_positions(f.name), &f);
    }
  }
  std::map<int, FormField*> by_line;
  for (const auto& [name, line] : written.line_of) {
    if (auto f = by_name.find(name); f != by_name.end()) by_line[line] = f->second;
  }
  for (const auto& d : diagnostics) {
    const std::string loose = without_positions(d.path);
    FormField* target = by_name.contains(d.path) ? by_name[d.path] : nullptr;
    // The field on the problem's line, when the problem is about that field's element.
    if (!target && by_line.contains(d.line)) {
      const std::string field = without_positions(by_line[d.line]->name);
      if (loose.starts_with(field.substr(0, field.rfind('/')))) target = by_line[d.line];
    }
    if (!target && by_loose_name.count(loose) == 1) target = by_loose_name.find(loose)->second;
    if (target) target->problems.push_back(d.reason);
    else form.other_problems.push_back(d.path + " : " + d.reason);
  }
}

const std::pair<const char*, const char*> skeletons[] = {
    {"A-liste-30-09", "a-premiere-ipt-liste-30-09.xml"}, {"A", "a-premiere-ipt-apres-30-09.xml"},
    {"B1", "b1-changement-de-pole.xml"},                 {"B2", "b2-changement-de-partenaire.xml"},
    {"C", "c-fin-integration.xml"},
};

void blank(Node& n) {
  for (auto& [name, value] : n.attributes) {
    if (!kept_in_blank.contains(name)) value.clear();
  }
  n.text.clear();
  for (auto& c : n.children) blank(c);
}

}  // namespace

bool DossierForm::valid() const {
  if (!other_problems.empty()) return false;
  for (const auto& s : sections) {
    for (const auto& f : s.fields) {
      if (!f.problems.empty()) return false;
    }
  }
  return true;
}

core::Result<DossierForm> form_of(const std::string& xml) {
  IPT_TRY(root, parse_tree(xml));
  const Written written = write_tree(*root);
  return form_from(*root, written);
}

std::vector<std::pair<std::string, std::string>> form_procedures() {
  return {{"A-liste-30-09", "Première IPT, début au plus tard le 30/09 (liste du 30/09)"},
          {"A", "Première IPT, après le 30/09"},
          {"B1", "Prolongation, changement de pôle"},
          {"B2", "Prolongation, changement de partenaire"},
          {"C", "Fin d’IPT en cours d’année scolaire"}};
}

core::Result<DossierForm> blank_form(const std::string& procedure_code) {
  for (const auto& [code, file] : skeletons) {
    if (procedure_code != code) continue;
    for (const auto& f : embedded_form_skeletons()) {
      if (f.name != file) continue;
      IPT_TRY(root, parse_tree(std::string(f.content)));
      blank(*root);
      const Written written = write_tree(*root);
      return form_from(*root, written);
    }
  }
  return core::fail(core::Category::invalid_input, "procédure « " + procedure_code + " » inconnue (A-liste-30-09, A, B1, B2 ou C)",
                    {.field = "procedure"});
}

core::Result<SubmittedForm> submit_form(const std::string& skeleton, const std::map<std::string, std::string>& values,
                                        const std::string& add) {
  IPT_TRY(root, parse_tree(skeleton));
  walk(*root, root->name, [&](Node& n, const std::string& path) {
    for (auto& [name, value] : n.attributes) {
      if (auto v = values.find(path + "/@" + name); v != values.end()) value = collapsed(v->second.c_str());
    }
    if (n.leaf()) {
      if (auto v = values.find(path); v != values.end()) n.text = collapsed(v->second.c_str());
    }
  });
  if (!add.empty() && repeatable.contains(add)) {
    // A blank copy of the last such element, right after it.
    std::function<bool(Node&)> add_after_last = [&](Node& n) {
      for (auto it = n.children.rbegin(); it != n.children.rend(); ++it) {
        if (it->name == add) {
          Node copy = *it;
          blank(copy);
          n.children.insert(it.base(), std::move(copy));
          return true;
        }
        if (add_after_last(*it)) return true;
      }
      return false;
    };
    add_after_last(*root);
  }
  const Written written = write_tree(*root);
  SubmittedForm out{form_from(*root, written), std::nullopt};
  auto dossier = core::parse_dossier(written.xml, "formulaire");
  if (dossier) {
    out.dossier = *std::move(dossier);
  } else {
    place_problems(out.form, dossier.error(), written);
  }
  return out;
}

}  // namespace ipt::pipeline
