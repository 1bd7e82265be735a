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

core::Result<TemplateDefinition> parse(const std::string& xml, const std::string& file = "annexe-4.xml") {
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

TEST(DefinitionParser, UnknownFieldNamesFileAndLine) {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<document titre=\"Annexe 4 – Bilan d’intégration\">\n"
      "  <titre>Annexe 4</titre>\n"
      "  <champ source=\"fin.justifcation\"/>\n"
      "</document>\n";
  const auto def = parse(xml);
  ASSERT_FALSE(def);
  EXPECT_EQ(def.error().message, "annexe-4.xml:4: champ « fin.justifcation » inconnu");
}

TEST(DefinitionParser, UnknownFieldInTextReference) {
  const auto def = parse("<document titre=\"t\">\n<texte>Année {annee_scolaire_longue}</texte>\n</document>");
  ASSERT_FALSE(def);
  EXPECT_EQ(def.error().message, "annexe-4.xml:2: champ « annee_scolaire_longue » inconnu");
}

TEST(DefinitionParser, MalformedXmlNamesTheLine) {
  const auto def = parse("<document titre=\"t\">\n<texte>ok</texte>\n<texte>pas fermé\n</document>", "annexe-1.xml");
  ASSERT_FALSE(def);
  EXPECT_TRUE(def.error().message.starts_with("annexe-1.xml:")) << def.error().message;
  EXPECT_NE(def.error().message.find("XML mal formé"), std::string::npos) << def.error().message;
}

TEST(DefinitionParser, UnknownElementAndAttribute) {
  auto def = parse("<document titre=\"t\">\n\n<tableau-magique/>\n</document>");
  ASSERT_FALSE(def);
  EXPECT_EQ(def.error().message, "annexe-4.xml:3: élément <tableau-magique> inconnu");
  def = parse("<document titre=\"t\">\n<champ source=\"eleve.nom\" couleur=\"rouge\"/>\n</document>");
  ASSERT_FALSE(def);
  EXPECT_EQ(def.error().message, "annexe-4.xml:2: attribut « couleur » inconnu sur <champ>");
}

TEST(DefinitionParser, TextTheFontsCannotDrawIsRefused) {
  // U+202F (narrow no-break space) is not in WinAnsi: it would vanish from the page.
  const auto def = parse("<document titre=\"t\">\n<texte>Note\u202F:</texte>\n</document>");
  ASSERT_FALSE(def);
  EXPECT_NE(def.error().message.find("annexe-4.xml:2: caractère"), std::string::npos) << def.error().message;
  EXPECT_NE(def.error().message.find("U+202F"), std::string::npos);
}

TEST(DefinitionParser, BadSignatureRoleAndMissingOptions) {
  auto def = parse("<document titre=\"t\">\n<signatures><signature role=\"directeur\"/></signatures>\n</document>");
  ASSERT_FALSE(def);
  EXPECT_NE(def.error().message.find("annexe-4.xml:2: rôle « directeur » inconnu"), std::string::npos);
  def = parse("<document titre=\"t\">\n<choix source=\"cpms.avis.code\">\n<option valeur=\"favorable\">A</option>\n</choix>\n</document>");
  ASSERT_FALSE(def);
  EXPECT_EQ(def.error().message, "annexe-4.xml:2: <choix> demande au moins deux <option>");
}

TEST(DefinitionParser, RepeatedRowsAndWildcardConditions) {
  const auto def = parse(
      "<document titre=\"t\">\n<tableau><colonne>A</colonne>\n"
      "<ligne repeter=\"3\" si=\"historique.{i}.annee_scolaire\"><cellule><champ source=\"historique.{i}.fin\"/></cellule></ligne>\n"
      "</tableau>\n<texte si=\"desaccords.*.intervenant.code=cpms\">x</texte>\n</document>");
  ASSERT_TRUE(def) << def.error().message;
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
  ASSERT_TRUE(def) << def.error().message;
  const auto& table = std::get<Table>(def->blocks[0]);
  EXPECT_EQ(table.columns[0].heading, "Fin de l’intégration\nÀ préciser");
  const auto& tick = std::get<Tick>(table.rows[0].cells[0]);
  EXPECT_EQ(tick.name, "accord");
  EXPECT_TRUE(tick.source.empty());  // left to tick by hand
  EXPECT_EQ(std::get<PageBreak>(def->blocks[1]).when.any_of.at(0).field, "desaccord.cpms.motivation");
  EXPECT_EQ(std::get<Spacer>(def->blocks[2]).when.any_of.size(), 1u);
  // A tick by hand needs a name; a heading holds nothing but text and <br/>.
  def = parse("<document titre=\"t\">\n<tableau><colonne>A</colonne>\n<ligne><cellule><coche/></cellule></ligne></tableau>\n</document>");
  ASSERT_FALSE(def);
  EXPECT_EQ(def.error().message, "annexe-4.xml:3: <coche> sans « source » : attribut « nom » obligatoire");
  def = parse("<document titre=\"t\">\n<tableau><colonne>A<b>B</b></colonne></tableau>\n</document>");
  ASSERT_FALSE(def);
  EXPECT_NE(def.error().message.find("annexe-4.xml:2: <colonne> ne contient que du texte et des <br/>"), std::string::npos)
      << def.error().message;
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
  EXPECT_EQ(set.error().message, "annexe-9.xml:3: champ « eleve.prenon » inconnu");
}

}  // namespace
}  // namespace ipt::templates
