// Every example dossier of examples/, through core (reader, plan, fields) and the renderer:
// each document its plan asks for renders, passes qpdf --check, extracts the pupil's name,
// and carries exactly the signature fields the plan will sign.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "fixtures.hpp"
#include "preflight.hpp"
#include "ipt/core/dossier_fields.hpp"
#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/plan.hpp"
#include "ipt/core/school_calendar.hpp"
#include "ipt/templates/renderer.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ipt::templates {
namespace {

namespace fs = std::filesystem;

TEST(CoreFields, FixtureNamesAreCoresNames) {
  // The fixture mirrors dossier_fields(): if core adds or renames a field, update both.
  EXPECT_EQ(testing::fixture_field_names(), core::dossier_field_names());
}

TEST(CoreFields, EmbeddedDefinitionsMatchCoresFieldNames) {
  const auto set = TemplateSet::load_embedded();
  ASSERT_TRUE(set) << set.error().message;
  for (const auto document :
       {core::Document::annexe_1, core::Document::annexe_2b, core::Document::annexe_2c, core::Document::annexe_3,
        core::Document::annexe_4, core::Document::declaration_premiere_ipt,
        core::Document::declaration_prolongation_ipt, core::Document::motivations_ecole_specialisee,
        core::Document::motivations_organisme_guidance, core::Document::motivations_ecole_ordinaire,
        core::Document::motivations_cpms, core::Document::motivations_pole, core::Document::motivations_parents,
        core::Document::motivations_eleve_majeur})
    EXPECT_NE(set->find(document), nullptr) << core::file_stem(document);
}

const Renderer& embedded_renderer() {
  static const Renderer renderer = [] {
    auto set = TemplateSet::load_embedded();
    EXPECT_TRUE(set) << set.error().message;
    auto r = Renderer::create(std::move(*set));
    EXPECT_TRUE(r) << r.error().message;
    return std::move(*r);
  }();
  return renderer;
}

std::vector<fs::path> examples() {
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(IPT_EXAMPLES_DIR))
    if (e.path().extension() == ".xml") paths.push_back(e.path());
  std::ranges::sort(paths);
  return paths;
}

TEST(Examples, EveryPlannedDocumentRendersAndChecks) {
  const auto paths = examples();
  ASSERT_FALSE(paths.empty());
  test::TempDir tmp;
  int documents = 0;
  std::vector<fs::path> a1b;  // the same documents as PDF/A-1b, for one Preflight run
  for (const auto& path : paths) {
    SCOPED_TRACE(path.filename().string());
    const auto dossier = core::load_dossier(path);
    ASSERT_TRUE(dossier) << core::format_diagnostics(dossier.error());
    const auto& calendar = core::SchoolCalendar::official();
    const auto plan = core::make_plan(*dossier, calendar);
    ASSERT_TRUE(plan) << plan.error().message;
    const auto fields = core::dossier_fields(*dossier, calendar);
    for (const auto& planned : plan->documents) {
      const std::string stem(core::file_stem(planned.document));
      SCOPED_TRACE(stem);
      const auto pdf = embedded_renderer().render_document(planned.document, fields, testing::fixed_options());
      EXPECT_TRUE(pdf) << pdf.error().message;
      if (!pdf) continue;
      const fs::path file = tmp / (path.stem().string() + "-" + stem + ".pdf");
      std::ofstream(file, std::ios::binary)
          .write(reinterpret_cast<const char*>(pdf->data()), static_cast<std::streamsize>(pdf->size()));
      ++documents;
      const auto pdf1 = embedded_renderer().render_document(planned.document, fields, testing::fixed_options(1));
      ASSERT_TRUE(pdf1) << pdf1.error().message;
      a1b.push_back(tmp / (path.stem().string() + "-" + stem + "-a1b.pdf"));
      std::ofstream(a1b.back(), std::ios::binary)
          .write(reinterpret_cast<const char*>(pdf1->data()), static_cast<std::streamsize>(pdf1->size()));

      const auto check = test::run_process({IPT_QPDF, "--check", file.string()});
      EXPECT_EQ(check.status, 0) << check.out << check.err;

      const auto text = test::run_process({IPT_PDFTOTEXT, "-enc", "UTF-8", file.string(), "-"});
      ASSERT_EQ(text.status, 0);
      std::string flat;
      for (const char c : text.out) flat.push_back(c == '\n' ? ' ' : c);
      if (!stem.starts_with("motivations")) {
        EXPECT_NE(flat.find(fields.at("eleve.nom")), std::string::npos) << flat;
      }

      // The signature fields are the plan's, named by role; none is signed yet.
      const auto json_out = test::run_process({IPT_QPDF, "--json=2", "--json-key=acroform", file.string()});
      ASSERT_EQ(json_out.status, 0) << json_out.err;
      std::vector<std::string> in_pdf;
      const auto json = nlohmann::json::parse(json_out.out);  // kept: the loop borrows from it
      for (const auto& f : json.at("acroform").at("fields"))
        if (f.at("fieldtype") == "/Sig") in_pdf.push_back(f.at("fullname"));
      std::vector<std::string> planned_fields;
      for (const auto& s : planned.signatures) planned_fields.push_back(s.field);
      std::ranges::sort(in_pdf);
      std::ranges::sort(planned_fields);
      EXPECT_EQ(in_pdf, planned_fields);
    }
  }
  EXPECT_GT(documents, 10);

  // scripts/install-deps.sh installs PDFBox Preflight: its absence is a set-up defect, not a skip.
  ASSERT_TRUE(testing::preflight_available()) << "java or PDFBox Preflight absent";
  std::string output;
  const auto verdicts = testing::preflight_a1b(a1b, tmp.path(), &output);
  for (const auto& f : a1b) {
    const auto name = f.filename().string();
    ASSERT_TRUE(verdicts.contains(name)) << name << "\n" << output;
    EXPECT_TRUE(testing::preflight_valid(verdicts.at(name))) << verdicts.at(name);
  }
}

}  // namespace
}  // namespace ipt::templates
