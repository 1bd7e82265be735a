// Renderer: failures that must be reported, never printed wrong (or cut).
#include <gtest/gtest.h>

#include <string>

#include "fixtures.hpp"

namespace ipt::templates {
namespace {

using testing::fixed_options;
using testing::fixture_fields;
using testing::fixture_renderer;

core::Result<std::vector<std::uint8_t>> render(const std::string& id, const core::DossierFields& fields) {
  const auto* def = fixture_renderer().templates().find(id);
  EXPECT_NE(def, nullptr) << id;
  return fixture_renderer().render(*def, fields, fixed_options());
}

TEST(Renderer, EveryDocumentRendersTheFixture) {
  for (const auto& def : fixture_renderer().templates().definitions()) {
    const auto pdf = fixture_renderer().render(def, fixture_fields(), fixed_options());
    ASSERT_TRUE(pdf) << def.id << ": " << pdf.error().message;
    EXPECT_GT(pdf->size(), 10'000u);
    const std::string head(pdf->begin(), pdf->begin() + 8);
    EXPECT_EQ(head, "%PDF-1.7");
  }
}

TEST(Renderer, TextTooLongForItsBoxNamesTheField) {
  auto fields = fixture_fields();
  std::string synthese;
  for (int i = 0; i < 60; ++i) synthese += "Léa progresse en lecture, en écriture et en calcul mental. ";
  fields["protocole.synthese"] = synthese;
  const auto pdf = render("annexe-2b", fields);
  ASSERT_FALSE(pdf);
  EXPECT_NE(pdf.error().message.find("annexe-2b : champ « protocole_synthese » : le texte ne tient pas dans la case"),
            std::string::npos)
      << pdf.error().message;
}

TEST(Renderer, SingleLineValueTooLongIsAnError) {
  auto fields = fixture_fields();
  fields["eleve.nom_prenom"] = "Dubœuf-de la Vallée-Saint-Éloi-Montreuil-sur-Meuse Léa Marie-Françoise Joséphine Éléonore";
  const auto pdf = render("annexe-2c", fields);
  ASSERT_FALSE(pdf);
  EXPECT_NE(pdf.error().message.find("champ « eleve_nom_prenom »"), std::string::npos) << pdf.error().message;
}

TEST(Renderer, CharacterOutsideTheFontsIsAnErrorNamingTheField) {
  auto fields = fixture_fields();
  fields["fin.motivation"] = "CEB obtenu avec 78\u202F% des points";  // narrow no-break space
  const auto pdf = render("annexe-4", fields);
  ASSERT_FALSE(pdf);
  EXPECT_NE(pdf.error().message.find("champ « fin_motivation »"), std::string::npos) << pdf.error().message;
  EXPECT_NE(pdf.error().message.find("U+202F"), std::string::npos) << pdf.error().message;
}

TEST(Renderer, MissingDossierFieldIsAnError) {
  auto fields = fixture_fields();
  fields.erase("calendrier.dernier_jour");
  const auto pdf = render("annexe-4", fields);
  ASSERT_FALSE(pdf);
  EXPECT_NE(pdf.error().message.find("« calendrier.dernier_jour » absent"), std::string::npos) << pdf.error().message;
}

TEST(Renderer, PdfA1IsOnRequest) {
  const auto* def = fixture_renderer().templates().find("annexe-3");
  const auto pdf = fixture_renderer().render(*def, fixture_fields(), fixed_options(1));
  ASSERT_TRUE(pdf) << pdf.error().message;
  EXPECT_EQ(std::string(pdf->begin(), pdf->begin() + 8), "%PDF-1.4");
  const std::string text(pdf->begin(), pdf->end());
  EXPECT_NE(text.find("<pdfaid:part>1</pdfaid:part>"), std::string::npos);
  EXPECT_NE(text.find("<pdfaid:conformance>B</pdfaid:conformance>"), std::string::npos);
  auto bad = fixed_options(3);
  EXPECT_FALSE(fixture_renderer().render(*def, fixture_fields(), bad));
}

TEST(Renderer, StructureForLaterSigning) {
  const auto pdf = render("annexe-2c", fixture_fields());
  ASSERT_TRUE(pdf) << pdf.error().message;
  const std::string text(pdf->begin(), pdf->end());
  EXPECT_EQ(text.find("/ObjStm"), std::string::npos);          // classic objects only
  EXPECT_EQ(text.find("/XRefStm"), std::string::npos);
  EXPECT_NE(text.find("\nxref\n"), std::string::npos);          // a classic cross-reference table
  EXPECT_EQ(text.find("NeedAppearances"), std::string::npos);
  EXPECT_NE(text.find("<pdfaid:part>2</pdfaid:part>"), std::string::npos);
  EXPECT_NE(text.find("<rdf:li>fr-BE</rdf:li>"), std::string::npos);
  EXPECT_NE(text.find("/Lang (fr-BE)"), std::string::npos);
  EXPECT_NE(text.find("/DisplayDocTitle true"), std::string::npos);
  EXPECT_NE(text.find("/CreationDate (D:20261129090000Z)"), std::string::npos);
  EXPECT_NE(text.find("<xmp:CreateDate>2026-11-29T09:00:00Z</xmp:CreateDate>"), std::string::npos);
}

}  // namespace
}  // namespace ipt::templates
