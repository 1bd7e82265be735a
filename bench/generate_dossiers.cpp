// ipt_generate_dossiers N DOSSIER [--seed S] [--vary-signatories]: writes N varied, valid
// dossiers (dossier_generator.hpp) as DOSSIER/<reference>.xml, for `ipt batch import`.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "dossier_generator.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage : ipt_generate_dossiers N DOSSIER [--seed S] [--vary-signatories]\n";
    return 2;
  }
  const long count = std::strtol(argv[1], nullptr, 10);
  if (count <= 0) {
    std::cerr << "ipt_generate_dossiers : N doit être un nombre positif\n";
    return 2;
  }
  const std::filesystem::path dir = argv[2];
  ipt::bench::GeneratorOptions options;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seed" && i + 1 < argc) {
      options.seed = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    } else if (a == "--vary-signatories") {
      options.vary_signatories = true;
    } else {
      std::cerr << "ipt_generate_dossiers : option inconnue « " << a << " »\n";
      return 2;
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  for (long i = 0; i < count; ++i) {
    const auto d = ipt::bench::generate_dossier(static_cast<size_t>(i), options);
    std::ofstream(dir / (d.reference + ".xml")) << d.xml;
  }
  std::cout << count << " dossiers écrits dans " << dir.string() << "\n";
  return 0;
}
