// ipt dossiers: the dossiers in the database.
#include <nlohmann/json.hpp>
#include <ostream>

#include "common.hpp"

namespace ipt::app {

namespace {

int run(const Arguments& args, Io& io) {
  auto store = open_database(args);
  if (!store) return report_failure(io, "dossiers", store.error());
  const auto list = store->list_dossiers();
  if (!list) return report_failure(io, "dossiers", list.error());
  if (args.flag("--json")) {
    auto out = nlohmann::json::array();
    for (const auto& d : *list) {
      out.push_back({{"reference", d.reference}, {"versions", d.versions}, {"dernier_import", d.last_imported_at}});
    }
    io.out << out.dump(2) << "\n";
    return exit_ok;
  }
  if (list->empty()) io.out << "aucun dossier dans " << store->path().string() << "\n";
  for (const auto& d : *list) {
    io.out << d.reference << "  " << d.versions << (d.versions > 1 ? " versions" : " version")
           << "  dernier import " << d.last_imported_at << "\n";
  }
  return exit_ok;
}

}  // namespace

Command dossiers_command() {
  return {{"dossiers", "ipt dossiers [--db FICHIER] [--json]", "liste les dossiers enregistrés", "",
           {database_option(), {"--json", "", "sortie JSON pour un programme"}}, 0, 0},
          run};
}

}  // namespace ipt::app
