#include "dossier_generator.hpp"

#include <tinyxml2.h>

#include <array>
#include <utility>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <string_view>

#include "ipt/core/embedded_file.hpp"

namespace ipt::bench {

std::span<const EmbeddedFile> generator_examples();  // generated from examples/*.xml

namespace {

using tinyxml2::XMLDocument;
using tinyxml2::XMLElement;

constexpr std::array<std::string_view, 24> given_names{
    "Léa",   "Noah",   "Inès",  "Mohamed", "Zoé",    "Arthur", "Chloé",  "Louis",  "Maëlys", "Théo",   "Aïcha", "Jules",
    "Emma",  "Gabriel", "Nour", "Hugo",    "Elif",   "Mathis", "Océane", "Lucas",  "Jeanne", "Yanis",  "Anaïs", "Victor"};
constexpr std::array<std::string_view, 24> surnames{
    "Dubois",     "Van den Bossche", "Lambert",  "El Amrani", "Peeters", "Dupont",   "N’Diaye", "Wouters",
    "Goossens",   "Mertens",         "De Smet",  "Lejeune",   "Renard",  "Kaya",     "Simon",   "Leclercq",
    "De Wilde",   "Jacobs",          "Lemaire",  "Nowak",     "Dumont",  "Gérard",   "Bodart",  "Vandermeulen-Delcourt"};
constexpr std::array<std::string_view, 8> sentences{
    "L’équipe éducative se réunit chaque mois pour faire le point avec la famille et ajuster les aménagements.",
    "Les aménagements raisonnables portent sur le temps supplémentaire aux évaluations et l’usage d’un ordinateur.",
    "La logopède du pôle intervient en classe deux fois par semaine et propose des exercices à reprendre à la maison.",
    "Les progrès sont réels en lecture ; la production d’écrits reste difficile et demande un accompagnement soutenu.",
    "L’élève participe volontiers aux activités de groupe et a noué des liens avec plusieurs camarades de classe.",
    "Un référent est désigné dans l’école ordinaire ; il assure le lien avec le pôle et avec le centre PMS.",
    "Le transport scolaire est organisé par la commune ; aucun changement n’est prévu pour l’année à venir.",
    "Les parents souhaitent poursuivre le projet et ont été informés de leurs droits et des recours possibles."};

// A small deterministic mix (SplitMix64) of the index and the seed.
unsigned long long mix(unsigned long long x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

XMLElement* path(XMLElement* e, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (!e) return nullptr;
    e = e->FirstChildElement(n);
  }
  return e;
}

void set_text(XMLElement* e, std::string_view text) {
  if (e) e->SetText(std::string(text).c_str());
}

// A national number for `date` (YYYY-MM-DD) with serial `serial` and its check digits.
std::string national_number(const std::string& date, unsigned serial) {
  const std::string yymmdd = date.substr(2, 2) + date.substr(5, 2) + date.substr(8, 2);
  char nine[16];
  std::snprintf(nine, sizeof nine, "%s%03u", yymmdd.c_str(), serial % 998 + 1);
  unsigned long long base = std::stoull(nine);
  if (std::stoi(date.substr(0, 4)) >= 2000) base += 2000000000ULL;
  const unsigned check = static_cast<unsigned>(97 - base % 97);
  char out[32];
  std::snprintf(out, sizeof out, "%.2s.%.2s.%.2s-%.3s.%02u", nine, nine + 2, nine + 4, nine + 6, check);
  return out;
}

// More text after what the example says, up to `limit` characters in all.
void lengthen(XMLElement* e, unsigned long long r, size_t limit) {
  if (!e || !e->GetText()) return;
  std::string text = e->GetText();
  const size_t extra = 3 + r % 8;
  for (size_t i = 0; i < extra; ++i) {
    const std::string_view s = sentences[(r >> (i * 3)) % sentences.size()];
    if (text.size() + s.size() + 1 > limit) break;
    text += " ";
    text += s;
  }
  e->SetText(text.c_str());
}

}  // namespace

size_t example_count() { return generator_examples().size(); }

GeneratedDossier generate_dossier(size_t index, const GeneratorOptions& options) {
  const auto examples = generator_examples();
  const EmbeddedFile& example = examples[index % examples.size()];
  const unsigned long long r = mix(index * 0x100000001B3ULL ^ options.seed);
  XMLDocument doc;
  if (doc.Parse(example.content.data(), example.content.size()) != tinyxml2::XML_SUCCESS) {
    throw std::runtime_error("exemple illisible : " + std::string(example.name));
  }
  XMLElement* root = doc.RootElement();
  GeneratedDossier out;
  out.example = std::string(example.name.substr(0, example.name.rfind('.')));
  // "PT-LIEGE-2026-0002" → "PT-LIEGE-2026-G0000042": the example's pole and year, never a name.
  const std::string reference = root->Attribute("reference");
  char number[16];
  std::snprintf(number, sizeof number, "G%07zu", index);
  out.reference = reference.substr(0, reference.rfind('-') + 1) + number;
  root->SetAttribute("reference", out.reference.c_str());

  XMLElement* eleve = path(root, {"eleve"});
  auto text_of = [](XMLElement* e) { return std::string(e && e->GetText() ? e->GetText() : ""); };
  const std::string old_given = text_of(path(eleve, {"prenom"}));
  const std::string old_surname = text_of(path(eleve, {"nom"}));
  // A person named as the pupil is the pupil (an adult pupil signs for themself).
  auto is_pupil = [&](XMLElement* person) {
    return text_of(path(person, {"nom"})) == old_surname && text_of(path(person, {"prenom"})) == old_given;
  };
  bool pupil_signs = false;
  for (XMLElement* s = path(root, {"signataires", "signataire"}); s; s = s->NextSiblingElement("signataire")) pupil_signs |= is_pupil(s);
  const std::string_view given = given_names[r % given_names.size()];
  const std::string_view surname = surnames[(r >> 8) % surnames.size()];
  // The signatories keep their certificates' names unless asked: then the pupil who signs
  // keeps their name too.
  if (!pupil_signs || options.vary_signatories) {
    set_text(path(eleve, {"prenom"}), given);
    set_text(path(eleve, {"nom"}), surname);
  }
  if (options.vary_signatories) {
    for (XMLElement* p = path(root, {"responsables", "responsable"}); p; p = p->NextSiblingElement("responsable")) {
      if (is_pupil(p)) set_text(path(p, {"prenom"}), given);
      set_text(path(p, {"nom"}), surname);
    }
    for (XMLElement* s = path(root, {"signataires", "signataire"}); s; s = s->NextSiblingElement("signataire")) {
      const char* role = s->Attribute("role");
      if (!role || std::string_view(role) != "responsable") continue;
      if (is_pupil(s)) set_text(path(s, {"prenom"}), given);
      set_text(path(s, {"nom"}), surname);
    }
  }
  if (XMLElement* birth = path(eleve, {"date-naissance"}); birth && birth->GetText()) {
    std::string date = birth->GetText();
    char day[4];
    std::snprintf(day, sizeof day, "%02u", static_cast<unsigned>(1 + (r >> 16) % 28));
    date.replace(8, 2, day);
    birth->SetText(date.c_str());
    if (XMLElement* niss = path(eleve, {"numero-national"})) {
      set_text(niss, national_number(date, static_cast<unsigned>(r >> 24)));
    }
  }
  // Longer texts, up to what the forms' boxes hold (about 70 characters a line: the
  // protocol's synthesis has 10 lines in Annexe 2b, the CPMS's written opinion 5 in Annexe 4).
  if (options.long_texts && (r >> 32) % 3 == 0) {
    constexpr std::pair<const char*, size_t> sections[] = {
        {"synthese", 700}, {"objectifs", 560}, {"dispositif-relation", 420}, {"modalites-accompagnement", 420}};
    for (const auto& [section, limit] : sections) lengthen(path(root, {"protocole", section}), r >> 5, limit);
    lengthen(path(root, {"cpms", "avis-ecrit"}), r >> 7, 350);
  }
  tinyxml2::XMLPrinter printer;
  doc.Print(&printer);
  out.xml = printer.CStr();
  return out;
}

}  // namespace ipt::bench
