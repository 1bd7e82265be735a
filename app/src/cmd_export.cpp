// ipt export RÉFÉRENCE [-o FICHIER]: a dossier's latest version as the XML it was imported or
// saved as (the workspace's form writes the same), for another tool or another pole.
#include <ostream>

#include "common.hpp"
#include "ipt/core/files.hpp"

namespace ipt::app {

namespace {

int run(const Arguments& args, Io& io) {
  const std::string reference = args.positionals()[0];
  auto store = open_database(args);
  if (!store) return report_failure(io, "export", store.error());
  auto found = store->find_dossier(reference);
  if (!found) return report_failure(io, "export", found.error());
  if (!*found) {
    return report_failure(io, "export", core::Error{"dossier « " + reference + " » inconnu", core::Category::not_found, {}});
  }
  const auto out = args.value("-o");
  if (!out) {
    io.out << (**found).xml;
    return exit_ok;
  }
  // Owner-only, written under a temporary name then renamed: it holds the pupil's data.
  if (auto written = core::write_file_atomically(*out, (**found).xml); !written) return report_failure(io, "export", written.error());
  io.err << "dossier " << reference << " (version " << (**found).version << ") écrit dans " << *out << "\n";
  return exit_ok;
}

}  // namespace

Command export_command() {
  return {{"export", "ipt export RÉFÉRENCE [-o FICHIER] [--db FICHIER]", "écrit le XML de la dernière version d’un dossier",
           "Le XML tel qu’importé (ipt import) ou enregistré par le formulaire de l’espace des\n"
           "coordinateurs ; sur la sortie standard sans -o. Le fichier écrit n’est lisible que par vous.",
           {{"-o", "FICHIER", "le fichier à écrire (remplacé)"}, database_option()}, 1, 1},
          run};
}

}  // namespace ipt::app
