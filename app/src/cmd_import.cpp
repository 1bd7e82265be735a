// ipt import DOSSIER.xml...: validates and stores dossiers, keeping every version.
#include <ostream>

#include "common.hpp"

namespace ipt::app {

namespace {

int run(const Arguments& args, Io& io) {
  // Validate everything first: one bad file stores nothing.
  std::vector<std::pair<core::Dossier, std::string>> dossiers;
  bool all_valid = true;
  for (const auto& path : args.positionals()) {
    std::string xml;
    auto dossier = read_dossier(path, &xml, io, "import");
    if (!dossier) {
      all_valid = false;
      continue;
    }
    dossiers.emplace_back(*std::move(dossier), std::move(xml));
  }
  if (!all_valid) return exit_bad_input;
  auto store = open_database(args);
  if (!store) return report_failure(io, "import", store.error());
  const std::string actor = core::current_actor();
  for (const auto& [dossier, xml] : dossiers) {
    const auto outcome = store->import_dossier(dossier, xml, actor);
    if (!outcome) return report_failure(io, "import", outcome.error().with_context("dossier " + dossier.reference));
    io.out << "dossier " << outcome->reference << " : "
           << (outcome->unchanged ? "inchangé, version " + std::to_string(outcome->version) + " conservée"
               : outcome->created ? "importé (version 1)"
                                  : "nouvelle version " + std::to_string(outcome->version) + " (l’historique est conservé)")
           << "\n";
  }
  if (!args.flag("--quiet")) io.out << "base de données : " << store->path().string() << "\n";
  return exit_ok;
}

}  // namespace

Command import_command() {
  return {{"import", "ipt import DOSSIER.xml... [--db FICHIER]",
           "valide et enregistre des dossiers dans la base de données",
           "Chaque dossier est validé ; si l’un d’eux est invalide, rien n’est enregistré.\n"
           "Un dossier déjà importé et modifié devient une nouvelle version ; les versions\n"
           "précédentes sont conservées. Chaque import est inscrit au journal d’audit.",
           {database_option(), {"--quiet", "", "n’affiche pas le chemin de la base"}},
           1, 1000},
          run};
}

}  // namespace ipt::app
