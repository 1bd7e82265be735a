// Renders every definition with the fixture dossier into a directory:
//   ipt_templates_render_fixtures OUT_DIR [1|2]
// Used by scripts/update-reference-renderings.sh and to look at the documents.
#include <fstream>
#include <iostream>

#include "fixtures.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage : ipt_templates_render_fixtures DOSSIER_SORTIE [1|2]\n";
    return 2;
  }
  const int part = argc > 2 ? std::atoi(argv[2]) : 2;
  const auto& renderer = ipt::templates::testing::fixture_renderer();
  const auto fields = ipt::templates::testing::fixture_fields();
  int status = 0;
  for (const auto& def : renderer.templates().definitions()) {
    auto pdf = renderer.render(def, fields, ipt::templates::testing::fixed_options(part));
    if (!pdf) {
      std::cerr << pdf.error().message << "\n";
      status = 1;
      continue;
    }
    std::ofstream out(std::filesystem::path(argv[1]) / (def.id + ".pdf"), std::ios::binary);
    out.write(reinterpret_cast<const char*>(pdf->data()), static_cast<std::streamsize>(pdf->size()));
  }
  return status;
}
