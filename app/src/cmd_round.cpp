// ipt round restart REFERENCE --reason TEXT: voids a signing round after a correction.
#include <nlohmann/json.hpp>
#include <ostream>

#include "common.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/templates/renderer.hpp"

namespace ipt::app {

namespace {

int run(const Arguments& args, Io& io) {
  const std::string reference = args.positionals()[0];
  const auto reason = args.value("--reason");
  if (!reason) {
    io.err << "ipt round restart : l’option --reason TEXTE est obligatoire (elle est inscrite au journal d’audit)\n";
    return exit_bad_input;
  }
  auto store = open_database(args);
  if (!store) return report_failure(io, "round restart", store.error());
  auto renderer = templates::Renderer::create_embedded();
  if (!renderer) return report_failure(io, "round restart", renderer.error());
  pipeline::DossierDocuments documents(*store, *renderer);
  auto rendered = documents.restart_round(reference, *reason, core::current_actor());
  if (!rendered) return report_failure(io, "round restart", rendered.error().with_context("dossier " + reference));
  if (args.flag("--json")) {
    auto docs = nlohmann::json::array();
    for (const auto& d : *rendered) docs.push_back({{"document", d.name}, {"sha256", d.sha256}});
    io.out << nlohmann::json{{"reference", reference}, {"documents", docs}}.dump(2) << "\n";
    return exit_ok;
  }
  io.out << "tour de signatures relancé pour " << reference
         << " : les documents précédents sont conservés dans documents/" << reference << "/annules/ ;\n";
  for (const auto& d : *rendered) io.out << "  " << d.name << ".pdf produit à nouveau\n";
  io.out << "les signatures recommencent dans l’ordre du plan (ipt status " << reference << ")\n";
  return exit_ok;
}

}  // namespace

Command round_restart_command() {
  return {{"round restart", "ipt round restart RÉFÉRENCE --reason TEXTE [--db FICHIER] [--json]",
           "relance le tour de signatures d’un dossier corrigé",
           "Après l’import d’une version corrigée d’un dossier dont les signatures avaient commencé :\n"
           "les documents signés (ou non) sont annulés et conservés dans l’historique du dossier\n"
           "(documents/RÉFÉRENCE/annules/, et dans son archive), la relance est inscrite au journal\n"
           "d’audit avec sa raison, et la dernière version du dossier est produite à nouveau ; les\n"
           "signatures recommencent dans l’ordre du plan. Sans relance, un document d’une version\n"
           "précédente n’est plus signé.",
           {{"--reason", "TEXTE", "pourquoi le tour est relancé (obligatoire, inscrit au journal)"},
            database_option(),
            {"--json", "", "sortie JSON pour un programme"}},
           1, 1},
          run};
}

}  // namespace ipt::app
