// The dossier generator (bench/dossier_generator.hpp): every dossier it makes is read by the
// strict reader and rendered, references are unique and never name the pupil, every
// procedure, adult pupils, unfavourable opinions and long texts are among them, and the
// same index gives the same dossier.
#include <gtest/gtest.h>

#include <set>

#include "dossier_generator.hpp"
#include "ipt/core/dossier_fields.hpp"
#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/plan.hpp"
#include "ipt/core/reference.hpp"
#include "ipt/core/school_calendar.hpp"
#include "ipt/templates/renderer.hpp"

namespace ipt::test {
namespace {

TEST(DossierGenerator, EveryDossierReadsAndTheSeriesCoversEveryCase) {
  for (const bool vary : {false, true}) {
    bench::GeneratorOptions options;
    options.vary_signatories = vary;
    std::set<std::string> references, procedures, names;
    size_t adults = 0, unfavourable = 0, long_texts = 0;
    for (size_t i = 0; i < 400; ++i) {
      const auto g = bench::generate_dossier(i, options);
      auto d = core::parse_dossier(g.xml, g.reference + ".xml");
      ASSERT_TRUE(d) << i << " (" << g.example << ") :\n" << core::format_diagnostics(d.error());
      EXPECT_EQ(d->reference, g.reference);
      EXPECT_FALSE(core::reference_names_pupil(d->reference, d->eleve)) << g.reference;
      references.insert(g.reference);
      names.insert(d->eleve.prenom + " " + d->eleve.nom);
      const auto plan = core::make_plan(*d, core::SchoolCalendar::official());
      ASSERT_TRUE(plan) << g.reference << ": " << plan.error().message;
      procedures.insert(std::string(core::code(plan->procedure)));
      adults += d->eleve_majeur();
      unfavourable += d->cpms.avis == core::AvisCpms::defavorable;
      long_texts += g.xml.size() > 6000;
    }
    EXPECT_EQ(references.size(), 400u);
    EXPECT_EQ(procedures, (std::set<std::string>{"A", "A-liste-30-09", "B1", "B2", "C"}));
    EXPECT_GT(names.size(), 100u) << "des élèves variés";
    EXPECT_GE(adults, 400u / bench::example_count());
    EXPECT_GE(unfavourable, 400u / bench::example_count());
    EXPECT_GT(long_texts, 50u);
  }
  EXPECT_EQ(bench::generate_dossier(1234).xml, bench::generate_dossier(1234).xml);
  EXPECT_NE(bench::generate_dossier(1234).xml, bench::generate_dossier(1234, {7, true, false}).xml);
}

// Every document of their plans renders: the long texts stay within the forms' boxes.
TEST(DossierGenerator, EveryDocumentOfTheirPlansRenders) {
  auto renderer = templates::Renderer::create_embedded();
  ASSERT_TRUE(renderer) << renderer.error().message;
  for (size_t i = 0; i < 96; ++i) {
    const auto g = bench::generate_dossier(i);
    const auto d = core::parse_dossier(g.xml, g.reference);
    ASSERT_TRUE(d);
    const auto plan = core::make_plan(*d, core::SchoolCalendar::official());
    ASSERT_TRUE(plan);
    const auto fields = core::dossier_fields(*d, core::SchoolCalendar::official());
    for (const auto& document : plan->documents) {
      const auto pdf = renderer->render_document(document.document, fields);
      EXPECT_TRUE(pdf) << g.reference << " " << core::file_stem(document.document) << ": " << (pdf ? "" : pdf.error().message);
    }
  }
}

}  // namespace
}  // namespace ipt::test
