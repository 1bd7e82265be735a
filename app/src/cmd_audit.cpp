// ipt audit verify | ipt audit list: the hash-chained audit trail.
#include <nlohmann/json.hpp>
#include <ostream>

#include "common.hpp"

namespace ipt::app {

namespace {

int run_verify(const Arguments& args, Io& io) {
  auto store = open_database(args);
  if (!store) return report_failure(io, "audit verify", store.error());
  const auto verdict = store->verify_audit();
  if (!verdict) return report_failure(io, "audit verify", verdict.error());
  if (args.flag("--json")) {
    io.out << nlohmann::json{{"intact", verdict->intact},
                             {"entrees", verdict->entries},
                             {"premiere_entree_rompue", verdict->first_broken_seq ? nlohmann::json(*verdict->first_broken_seq)
                                                                                 : nlohmann::json(nullptr)},
                             {"probleme", verdict->problem}}
                  .dump(2)
           << "\n";
  } else if (verdict->intact) {
    io.out << "journal d’audit intact : " << verdict->entries << " entrée(s) vérifiée(s)\n";
  } else {
    io.out << "journal d’audit ROMPU : " << verdict->problem << "\n";
  }
  return verdict->intact ? exit_ok : exit_failure;
}

int run_list(const Arguments& args, Io& io) {
  auto store = open_database(args);
  if (!store) return report_failure(io, "audit list", store.error());
  const std::string reference = args.positionals().empty() ? "" : args.positionals()[0];
  const auto entries = store->audit_entries(reference);
  if (!entries) return report_failure(io, "audit list", entries.error());
  if (args.flag("--json")) {
    auto out = nlohmann::json::array();
    for (const auto& e : *entries) {
      out.push_back({{"n", e.seq}, {"date", e.at}, {"acteur", e.actor}, {"action", e.action},
                     {"dossier", e.dossier}, {"details", e.details}, {"empreinte_precedente", e.prev_hash},
                     {"empreinte", e.hash}});
    }
    io.out << out.dump(2) << "\n";
    return exit_ok;
  }
  for (const auto& e : *entries) {
    io.out << e.seq << "  " << e.at << "  " << e.actor << "  " << e.action << "  " << e.dossier << "  "
           << e.details << "\n";
  }
  return exit_ok;
}

}  // namespace

Command audit_verify_command() {
  return {{"audit verify", "ipt audit verify [--db FICHIER] [--json]",
           "vérifie la chaîne d’empreintes du journal d’audit",
           "Recalcule l’empreinte SHA-256 de chaque entrée et son lien avec la précédente.\n"
           "Nomme la première entrée modifiée ou supprimée. Statut 0 si le journal est intact, 1 sinon.",
           {database_option(), {"--json", "", "sortie JSON pour un programme"}}, 0, 0},
          run_verify};
}

Command audit_list_command() {
  return {{"audit list", "ipt audit list [RÉFÉRENCE] [--db FICHIER] [--json]",
           "affiche le journal d’audit (d’un dossier, ou complet)", "",
           {database_option(), {"--json", "", "sortie JSON pour un programme"}}, 0, 1},
          run_list};
}

}  // namespace ipt::app
