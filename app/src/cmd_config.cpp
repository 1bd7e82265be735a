// ipt config check: reads the mail configuration and tests the SMTP connection without
// sending anything.
#include <nlohmann/json.hpp>
#include <ostream>

#include "common.hpp"
#include "ipt/mail/transport.hpp"
#include "mail_common.hpp"

namespace ipt::app {

namespace {

int run_check(const Arguments& args, Io& io) {
  auto config = read_mail_config(args);
  if (!config) return report_failure(io, "config check", config.error());
  const bool smtp = !config->smtp_url.empty();
  const std::string password_source = !config->password_file.empty() ? "fichier " + config->password_file
                                      : !config->password_env.empty() ? "variable " + config->password_env
                                                                      : "";
  const std::filesystem::path folder = config->outbox_dir.empty() ? default_outbox_folder(args) : config->outbox_dir;
  std::string verdict;
  bool ok = true;
  if (smtp) {
    auto transport = mail::SmtpTransport::create(*config);
    if (!transport) {
      ok = false;
      verdict = transport.error().message;
    } else {
      auto checked = (*transport)->check_connection();
      ok = checked.has_value();
      verdict = checked ? *checked : checked.error().message;
    }
  } else {
    verdict = "aucun serveur SMTP configuré (smtp_url) : les messages seront écrits en .eml dans " + folder.string();
  }
  if (config->sender.empty()) {
    ok = false;
    verdict += (verdict.empty() ? "" : " ; ") + std::string("sender (adresse d’expédition du pôle) absent");
  }
  if (args.flag("--json")) {
    io.out << nlohmann::json{{"transport", smtp ? "smtp" : "fichier"},
                             {"smtp_url", config->smtp_url},
                             {"dossier_fichiers", smtp ? "" : folder.string()},
                             {"expediteur", config->sender},
                             {"administration", config->admin_address},
                             {"copie_pole", config->pole_copy},
                             {"identifiant", config->username},
                             {"source_mot_de_passe", password_source},
                             {"ok", ok},
                             {"resultat", verdict}}
                  .dump(2)
           << "\n";
    return ok ? exit_ok : exit_failure;
  }
  io.out << "transport        : " << (smtp ? "SMTP " + config->smtp_url : "fichiers .eml (" + folder.string() + ")") << "\n"
         << "expéditeur       : " << (config->sender.empty() ? "(absent)" : config->sender) << "\n"
         << "Administration   : " << config->admin_address << "\n"
         << "copie au pôle    : " << (config->pole_copy.empty() ? "(aucune)" : config->pole_copy) << "\n";
  if (smtp) {
    io.out << "identifiant      : " << (config->username.empty() ? "(pas d’authentification)" : config->username) << "\n";
    if (!password_source.empty()) io.out << "mot de passe     : lu depuis " << password_source << "\n";
  }
  io.out << (ok ? "OK : " : "ÉCHEC : ") << verdict << "\n";
  return ok ? exit_ok : exit_failure;
}

}  // namespace

Command config_check_command() {
  return {{"config check", "ipt config check [--config FICHIER] [--db FICHIER] [--json]",
           "vérifie la configuration d’envoi et la connexion au serveur SMTP",
           "Lit la configuration (voir docs/mail.md), puis se connecte au serveur SMTP : EHLO,\n"
           "STARTTLS, authentification, et se déconnecte (QUIT) sans rien envoyer. Le mot de passe\n"
           "n’est jamais affiché. Statut 0 si tout fonctionne, 1 sinon, 2 si la configuration est\n"
           "invalide.",
           {config_option(), database_option(), {"--json", "", "sortie JSON pour un programme"}},
           0, 0},
          run_check};
}

}  // namespace ipt::app
