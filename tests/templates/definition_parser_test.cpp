// parse_definition and TemplateSet: the definition files are checked strictly, and every
// problem names the file and the line.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "fixtures.hpp"
#include "ipt/templates/template_set.hpp"

namespace ipt::templates {
namespace {

using testing::fixture_field_names;

std::expected<TemplateDefinition, core::Diagnostics> parse(const std::string& xml, const std::string& file = "annexe-4.xml") {
  return parse_definition(xml, file, fixture_field_names());
}

TEST(DefinitionParser, EveryShippedDefinitionLoads) {
  const auto set = testing::fixture_templates();
  std::vector<std::string> ids;
  for (const auto& d : set.definitions()) ids.push_back(d.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"annexe-1", "annexe-2b", "annexe-2c", "annexe-3", "annexe-4",
                                           "declaration-premiere-ipt", "declaration-prolongation-ipt",
                                           "motivations-cpms", "motivations-ecole-ordinaire",
                                           "motivations-ecole-specialisee", "motivations-eleve-majeur",
                                           "motivations-organisme-guidance", "motivations-parents",
                                           "motivations-pole"}));
}

TEST(DefinitionParser, EmbeddedDefinitionsAreTheSourceFiles) {
  const auto embedded = embedded_definitions();
  ASSERT_EQ(embedded.size(), 14u);
  auto set = TemplateSet::parse(embedded, fixture_field_names());
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_NE(set->find("annexe-2b"), nullptr);
  EXPECT_EQ(set->find("annexe-10"), nullptr);
}

// The one problem of a definition expected to have exactly one.
core::Diagnostic only_problem(const std::expected<TemplateDefinition, core::Diagnostics>& def) {
  if (def) return {"", -1, "", "aucun problème"};
  if (def.error().size() != 1) return {"", -2, "", core::format_diagnostics(def.error())};
  return def.error().front();
}

void expect_problem(const core::Diagnostic& d, const std::string& file, int line, const std::string& path,
                    const std::string& reason) {
  EXPECT_EQ(d.file, file) << d.to_string();
  EXPECT_EQ(d.line, line) << d.to_string();
  EXPECT_EQ(d.path, path) << d.to_string();
  EXPECT_EQ(d.reason, reason) << d.to_string();
}

TEST(DefinitionParser, UnknownFieldNamesFileLineAndAttribute) {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<document titre=\"Annexe 4 – Bilan d’intégration\">\n"
      "  <titre>Annexe 4</titre>\n"
      "  <champ source=\"fin.justifcation\"/>\n"
      "</document>\n";
  const auto d = only_problem(parse(xml));
  expect_problem(d, "annexe-4.xml", 4, "document/champ/@source", "champ « fin.justifcation » inconnu");
  EXPECT_EQ(d.to_string(), "annexe-4.xml:4: document/champ/@source: champ « fin.justifcation » inconnu");
}

TEST(DefinitionParser, UnknownFieldInTextReference) {
  const auto d = only_problem(parse("<document titre=\"t\">\n<texte>Année {annee_scolaire_longue}</texte>\n</document>"));
  expect_problem(d, "annexe-4.xml", 2, "document/texte", "champ « annee_scolaire_longue » inconnu");
}

TEST(DefinitionParser, MalformedXmlNamesTheLine) {
  const auto d = only_problem(
      parse("<document titre=\"t\">\n<texte>ok</texte>\n<texte>pas fermé\n</document>", "annexe-1.xml"));
  EXPECT_EQ(d.file, "annexe-1.xml");
  EXPECT_GT(d.line, 0);
  EXPECT_TRUE(d.reason.starts_with("XML mal formé")) << d.reason;
}

TEST(DefinitionParser, UnknownElementAndAttribute) {
  expect_problem(only_problem(parse("<document titre=\"t\">\n\n<tableau-magique/>\n</document>")), "annexe-4.xml", 3,
                 "document/tableau-magique", "élément <tableau-magique> inconnu");
  expect_problem(only_problem(parse("<document titre=\"t\">\n<champ source=\"eleve.nom\" couleur=\"rouge\"/>\n</document>")),
                 "annexe-4.xml", 2, "document/champ/@couleur", "attribut « couleur » inconnu sur <champ>");
}

TEST(DefinitionParser, EveryFaultyBlockIsReported) {
  const auto def = parse(
      "<document titre=\"t\">\n<champ source=\"eleve.nom\" couleur=\"rouge\"/>\n<texte>ok</texte>\n"
      "<tableau><colonne>A</colonne><ligne><cellule><champ source=\"eleve.prenon\"/></cellule></ligne></tableau>\n"
      "</document>");
  ASSERT_FALSE(def);
  ASSERT_EQ(def.error().size(), 2u) << core::format_diagnostics(def.error());
  EXPECT_EQ(def.error()[0].line, 2);
  expect_problem(def.error()[1], "annexe-4.xml", 4, "document/tableau/ligne/cellule/champ/@source",
                 "champ « eleve.prenon » inconnu");
}

TEST(DefinitionParser, TextTheFontsCannotDrawIsRefused) {
  // U+202F (narrow no-break space) is not in WinAnsi: it would vanish from the page.
  const auto d = only_problem(parse("<document titre=\"t\">\n<texte>Note\u202F:</texte>\n</document>"));
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.path, "document/texte");
  EXPECT_TRUE(d.reason.starts_with("caractère")) << d.reason;
  EXPECT_NE(d.reason.find("U+202F"), std::string::npos) << d.reason;
}

TEST(DefinitionParser, BadSignatureRoleAndMissingOptions) {
  auto d = only_problem(parse("<document titre=\"t\">\n<signatures><signature role=\"directeur\"/></signatures>\n</document>"));
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.path, "document/signatures/signature/@role");
  EXPECT_TRUE(d.reason.starts_with("rôle « directeur » inconnu")) << d.reason;
  d = only_problem(parse("<document titre=\"t\">\n<choix source=\"cpms.avis.code\">\n<option valeur=\"favorable\">A</option>\n</choix>\n</document>"));
  expect_problem(d, "annexe-4.xml", 2, "document/choix", "<choix> demande au moins deux <option>");
}

TEST(DefinitionParser, RepeatedRowsAndWildcardConditions) {
  const auto def = parse(
      "<document titre=\"t\">\n<tableau><colonne>A</colonne>\n"
      "<ligne repeter=\"3\" si=\"historique.{i}.annee_scolaire\"><cellule><champ source=\"historique.{i}.fin\"/></cellule></ligne>\n"
      "</tableau>\n<texte si=\"desaccords.*.intervenant.code=cpms\">x</texte>\n</document>");
  ASSERT_TRUE(def) << core::format_diagnostics(def.error());
  const auto& table = std::get<Table>(def->blocks[0]);
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(std::get<TextField>(table.rows[2].cells[0]).source, "historique.2.fin");
  EXPECT_EQ(std::get<TextField>(table.rows[2].cells[0]).name, "historique_2_fin");
  const auto& text = std::get<TextBlock>(def->blocks[1]);
  EXPECT_EQ(text.when.any_of.size(), static_cast<std::size_t>(core::max_rows));
  EXPECT_TRUE(def->sources.contains("desaccords.7.intervenant.code"));
}

TEST(DefinitionParser, TicksByHandHeadingBreaksAndConditionalPages) {
  auto def = parse(
      "<document titre=\"t\">\n<tableau><colonne>Fin de l’intégration<br/>À préciser</colonne>\n"
      "<ligne><cellule><coche nom=\"accord\"/></cellule></ligne></tableau>\n"
      "<saut-de-page si=\"desaccord.cpms.motivation\"/>\n<espace points=\"9\" si=\"desaccord.cpms.motivation\"/>\n</document>");
  ASSERT_TRUE(def) << core::format_diagnostics(def.error());
  const auto& table = std::get<Table>(def->blocks[0]);
  EXPECT_EQ(table.columns[0].heading, "Fin de l’intégration\nÀ préciser");
  const auto& tick = std::get<Tick>(table.rows[0].cells[0]);
  EXPECT_EQ(tick.name, "accord");
  EXPECT_TRUE(tick.source.empty());  // left to tick by hand
  EXPECT_EQ(std::get<PageBreak>(def->blocks[1]).when.any_of.at(0).field, "desaccord.cpms.motivation");
  EXPECT_EQ(std::get<Spacer>(def->blocks[2]).when.any_of.size(), 1u);
  // A tick by hand needs a name; a heading holds nothing but text and <br/>.
  def = parse("<document titre=\"t\">\n<tableau><colonne>A</colonne>\n<ligne><cellule><coche/></cellule></ligne></tableau>\n</document>");
  const auto tick_problem = only_problem(def);
  EXPECT_EQ(tick_problem.line, 3) << tick_problem.to_string();
  EXPECT_EQ(tick_problem.reason, "<coche> sans « source » : attribut « nom » obligatoire") << tick_problem.to_string();
  def = parse("<document titre=\"t\">\n<tableau><colonne>A<b>B</b></colonne></tableau>\n</document>");
  const auto heading_problem = only_problem(def);
  EXPECT_EQ(heading_problem.line, 2) << heading_problem.to_string();
  EXPECT_NE(heading_problem.reason.find("<colonne> ne contient que du texte et des <br/>"), std::string::npos)
      << heading_problem.to_string();
}

TEST(DefinitionParser, DirectoryErrorsNameTheFile) {
  const auto dir = std::filesystem::temp_directory_path() / "ipt-templates-bad-definitions";
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "annexe-9.xml") << "<document titre=\"t\">\n<champ source=\"eleve.nom\"/>\n<champ source=\"eleve.prenon\"/>\n</document>\n";
  }
  const auto set = TemplateSet::load_directory(dir, fixture_field_names());
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().category, core::Category::invalid_input);
  EXPECT_EQ(set.error().place.file, "annexe-9.xml");
  EXPECT_EQ(set.error().place.line, 3);
  EXPECT_EQ(set.error().place.field, "document/champ/@source");
  EXPECT_EQ(set.error().message, "annexe-9.xml:3: document/champ/@source: champ « eleve.prenon » inconnu");
}

}  // namespace
}  // namespace ipt::templates
