// ipt archive REFERENCE --out DIR | ipt archive verify DIR: filing for the Inspection.
#include <nlohmann/json.hpp>
#include <ostream>

#include "common.hpp"
#include "key_options.hpp"
#include "mail_common.hpp"
#include "ipt/pipeline/dispatch.hpp"
#include "ipt/pipeline/archive.hpp"
#include "ipt/signing/certificates.hpp"

namespace ipt::app {

namespace {

int run_archive(const Arguments& args, Io& io) {
  const std::string reference = args.positionals()[0];
  const auto out = args.value("--out");
  if (!out) {
    io.err << "ipt archive : l’option --out DOSSIER est obligatoire\n";
    return exit_bad_input;
  }
  const auto config = read_signing_config(args);
  if (!config) return report_failure(io, "archive", config.error());
  const auto trust = all_trust(args);
  if (!trust) return report_failure(io, "archive", trust.error());
  const std::string tsa_url = args.value("--tsa").value_or(config->tsa_url);
  if (tsa_url.empty()) {
    return report_failure(io, "archive", core::Error{"un serveur d’horodatage est requis pour le cachet B-LTA de l’archive "
                                                     "(--tsa URL ou tsa_url dans [signature] d’ipt.conf)",
                                                     core::Category::invalid_input});
  }
  auto key = open_pole_seal(args, *config);
  if (!key) return report_failure(io, "archive", key.error());
  signing::HttpTimestampClient tsa(tsa_url);
  auto store = open_database(args);
  if (!store) return report_failure(io, "archive", store.error());
  if (auto found = find_stored_dossier(*store, reference); !found) return report_failure(io, "archive", found.error());
  auto renderer = templates::Renderer::create_embedded();
  if (!renderer) return report_failure(io, "archive", renderer.error());
  pipeline::DossierDocuments documents(*store, *renderer);
  auto outcome = pipeline::archive_dossier(*store, documents, reference, *out, *trust,
                                           pipeline::dispatches_of(store->path(), reference),
                                           pipeline::ArchiveSeal{key->get(), &tsa}, core::current_actor());
  if (!outcome) return report_failure(io, "archive", outcome.error().with_context("dossier " + reference));
  if (args.flag("--json")) {
    io.out << nlohmann::json{{"dossier", outcome->folder.string()}, {"version", outcome->version}, {"fichiers", outcome->files}}.dump(2) << "\n";
  } else {
    io.out << "archive version " << outcome->version << " : " << outcome->folder.string() << " (" << outcome->files
           << " fichiers, manifeste compris ; certificat d’achèvement scellé par le pôle, B-LTA)\n";
  }
  return exit_ok;
}

int run_verify(const Arguments& args, Io& io) {
  const auto config = read_signing_config(args);
  if (!config) return report_failure(io, "archive verify", config.error());
  const auto trust = all_trust(args);
  if (!trust) return report_failure(io, "archive verify", trust.error());
  auto check = pipeline::verify_archive(args.positionals()[0], *trust, !args.flag("--offline"), config->seals);
  if (!check) return report_failure(io, "archive verify", assume_category(check.error(), core::Category::invalid_input));
  if (args.flag("--json")) {
    io.out << nlohmann::json{{"intacte", check->ok},
                             {"scellee", check->sealed},
                             {"cachet", check->sealed_by},
                             {"fichiers_verifies", check->files_checked},
                             {"problemes", check->problems}}
                  .dump(2)
           << "\n";
  } else if (check->ok) {
    io.out << "archive intacte : cachet du pôle valide (" << check->sealed_by << "), " << check->files_checked
           << " fichiers vérifiés (empreintes, signatures, journal d’audit)\n";
    if (config->seals.empty()) {
      io.out << "  (aucun seal.pole dans ipt.conf : le cachet est celui d’un certificat de confiance, comparez-le au cachet "
                "du pôle)\n";
    }
  } else {
    io.out << "archive NON INTACTE :\n";
    for (const auto& p : check->problems) io.out << "  " << p << "\n";
  }
  return check->ok ? exit_ok : exit_failure;
}

}  // namespace

Command archive_command() {
  std::vector<OptionSpec> options{{"--out", "DOSSIER", "dossier des archives"},
                                  {"--trust", "CA.pem", "certificat racine de confiance, répétable (s’ajoute à ceux d’ipt.conf)", true},
                                  {"--tsa", "URL", "serveur d’horodatage du cachet (défaut : tsa_url d’ipt.conf)"},
                                  config_option(),
                                  database_option(),
                                  {"--json", "", "sortie JSON pour un programme"}};
  for (auto& o : key_options()) options.push_back(std::move(o));
  return {{"archive", "ipt archive RÉFÉRENCE --out DOSSIER [--trust CA.pem]... [--tsa URL] [--p12 CACHET.p12 ...] [--db FICHIER] [--json]",
           "classe un dossier pour l’Inspection (originaux, copies, rapports, manifeste)",
           "Écrit DOSSIER/<référence>/v<N>/ : les originaux signés, les copies pour l’école\n"
           "d’enseignement ordinaire et l’école partenaire, le rapport de validation de chaque\n"
           "document, le journal d’audit du dossier, un certificat d’achèvement en PDF/A (qui a signé\n"
           "quoi et quand, ce qui a été envoyé à qui, avec les empreintes) et manifest.json (chaque\n"
           "fichier et son SHA-256). Le certificat porte l’empreinte du manifeste et reçoit le cachet\n"
           "du pôle (PAdES B-LTA, clé seal_key.pole d’ipt.conf, ou --p12/--token) : retirer une\n"
           "entrée du journal et recalculer le manifeste se voit. Une archive n’est jamais réécrite :\n"
           "classer à nouveau crée la version suivante à côté. Refuse, sans rien écrire, un dossier\n"
           "dont une signature manque ou ne se vérifie pas.",
           options,
           1, 1},
          run_archive};
}

Command archive_verify_command() {
  return {{"archive verify", "ipt archive verify DOSSIER [--trust CA.pem]... [--config ipt.conf] [--offline] [--json]",
           "vérifie une archive : cachet, empreintes, signatures, journal d’audit",
           "Vérifie d’abord le cachet du pôle sur le certificat d’achèvement (B-LTA valide, apposé par\n"
           "un seal.pole d’ipt.conf quand il y en a, et portant l’empreinte de manifest.json), puis\n"
           "recalcule l’empreinte de chaque fichier du manifeste, signale les fichiers manquants,\n"
           "modifiés ou ajoutés, vérifie à nouveau chaque original signé et l’empreinte de chaque\n"
           "entrée du journal d’audit archivé. Statut 0 si l’archive est intacte, 1 sinon.",
           {{"--trust", "CA.pem", "certificat racine de confiance, répétable (s’ajoute à ceux d’ipt.conf)", true},
            config_option(),
            {"--offline", "", "n’interroge aucun répondeur OCSP en ligne"},
            {"--json", "", "sortie JSON pour un programme"}},
           1, 1},
          run_verify};
}

}  // namespace ipt::app
