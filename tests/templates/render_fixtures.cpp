// Renders documents for a look, or for the reference images:
//   ipt_templates_render_fixtures OUT_DIR [1|2]              every definition, fixture dossier
//   ipt_templates_render_fixtures OUT_DIR [1|2] DOSSIER.xml  the documents of that dossier's plan
// Used by scripts/update-reference-renderings.sh (first form).
#include <fstream>
#include <iostream>

#include "fixtures.hpp"
#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/plan.hpp"

namespace {

bool write(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage : ipt_templates_render_fixtures DOSSIER_SORTIE [1|2] [dossier.xml]\n";
    return 2;
  }
  const std::filesystem::path out_dir = argv[1];
  const int part = argc > 2 ? std::atoi(argv[2]) : 2;
  const auto& renderer = ipt::templates::testing::fixture_renderer();
  const auto options = ipt::templates::testing::fixed_options(part);
  int status = 0;
  if (argc > 3) {
    const auto dossier = ipt::core::load_dossier(argv[3]);
    if (!dossier) {
      std::cerr << ipt::core::format_diagnostics(dossier.error()) << "\n";
      return 1;
    }
    const auto& calendar = ipt::core::SchoolCalendar::official();
    const auto plan = ipt::core::make_plan(*dossier, calendar);
    if (!plan) {
      std::cerr << plan.error().message << "\n";
      return 1;
    }
    const auto fields = ipt::core::dossier_fields(*dossier, calendar);
    for (const auto& planned : plan->documents) {
      auto pdf = renderer.render_document(planned.document, fields, options);
      if (!pdf) {
        std::cerr << pdf.error().message << "\n";
        status = 1;
        continue;
      }
      if (!write(out_dir / (std::string(ipt::core::file_stem(planned.document)) + ".pdf"), *pdf)) status = 1;
    }
    return status;
  }
  const auto fields = ipt::templates::testing::fixture_fields();
  for (const auto& def : renderer.templates().definitions()) {
    auto pdf = renderer.render(def, fields, options);
    if (!pdf) {
      std::cerr << pdf.error().message << "\n";
      status = 1;
      continue;
    }
    if (!write(out_dir / (def.id + ".pdf"), *pdf)) status = 1;
  }
  return status;
}
