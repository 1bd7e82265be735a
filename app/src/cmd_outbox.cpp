// ipt outbox list | ipt outbox send: the durable outbox of messages to the Administration.
#include <nlohmann/json.hpp>
#include <ostream>

#include "common.hpp"
#include "ipt/pipeline/dispatch.hpp"
#include "ipt/mail/outbox.hpp"
#include "ipt/mail/transport.hpp"
#include "mail_common.hpp"

namespace ipt::app {

namespace {

nlohmann::json entry_json(const mail::OutboxEntry& e) {
  auto history = nlohmann::json::array();
  for (const auto& a : e.history) {
    history.push_back({{"n", a.number}, {"debut", a.started_at}, {"fin", a.finished_at}, {"resultat", a.outcome},
                       {"reponse", a.reply}});
  }
  return {{"n", e.id},
          {"message_id", e.message_id},
          {"dossier", e.dossier},
          {"objet", e.subject},
          {"destinataires", e.recipients},
          {"statut", std::string(mail::to_string(e.status))},
          {"ecrit_localement", e.written_locally},
          {"tentatives", e.attempts},
          {"cree", e.created_at},
          {"prochaine_tentative", e.next_attempt_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.next_attempt_at)},
          {"derniere_reponse", e.last_reply},
          {"historique", history}};
}

int run_list(const Arguments& args, Io& io) {
  auto outbox = mail::Outbox::open(database_path(args));
  if (!outbox) return report_failure(io, "outbox list", outbox.error());
  const auto entries = outbox->list();
  if (!entries) return report_failure(io, "outbox list", entries.error());
  if (args.flag("--json")) {
    auto out = nlohmann::json::array();
    for (const auto& e : *entries) out.push_back(entry_json(e));
    io.out << out.dump(2) << "\n";
    return exit_ok;
  }
  if (entries->empty()) {
    io.out << "file d’envoi vide\n";
    return exit_ok;
  }
  for (const auto& e : *entries) {
    io.out << "n° " << e.id << "  " << mail::state_fr(e) << "  dossier " << e.dossier << "  → "
           << e.recipients << "  (" << e.attempts << " tentative" << (e.attempts > 1 ? "s" : "") << ", créé le "
           << e.created_at << ")\n";
    io.out << "      Message-ID " << e.message_id << "\n";
    if (!e.next_attempt_at.empty() && e.attempts > 0) io.out << "      prochaine tentative : " << e.next_attempt_at << "\n";
    if (!e.last_reply.empty()) {
      io.out << "      " << (e.status == mail::OutboxStatus::failed ? "motif de l’échec : " : "dernière réponse : ")
             << e.last_reply << "\n";
    }
    if (args.flag("--details")) {
      for (const auto& a : e.history) {
        io.out << "        tentative " << a.number << "  " << a.started_at << "  " << a.outcome << "  " << a.reply << "\n";
      }
    }
  }
  return exit_ok;
}

int run_send(const Arguments& args, Io& io) {
  auto config = read_mail_config(args);
  if (!config) return report_failure(io, "outbox send", config.error());
  auto outbox = mail::Outbox::open(database_path(args), {config->retry_initial, config->retry_max, config->max_attempts});
  if (!outbox) return report_failure(io, "outbox send", outbox.error());
  auto transport = mail::make_transport(*config, default_outbox_folder(args));
  if (!transport) return report_failure(io, "outbox send", assume_category(transport.error(), core::Category::invalid_input));
  // Outcomes go to the audit trail: opening the store creates or migrates its tables.
  if (auto store = open_database(args); !store) return report_failure(io, "outbox send", store.error());
  auto pass = pipeline::send_and_record(*outbox, **transport, core::current_actor());
  if (!pass) return report_failure(io, "outbox send", pass.error());
  const bool trouble = pass->failed > 0 || pass->server_unavailable;
  if (args.flag("--json")) {
    io.out << nlohmann::json{{"transport", (*transport)->describe()},
                             {"envoyes", pass->sent},
                             {"a_reessayer", pass->retried},
                             {"en_echec", pass->failed},
                             {"repris_apres_interruption", pass->recovered},
                             {"serveur_indisponible", pass->server_unavailable},
                             {"probleme_serveur", pass->server_problem},
                             {"messages_en_echec", pass->failed_ids}}
                  .dump(2)
           << "\n";
    return trouble ? exit_failure : exit_ok;
  }
  io.out << "envoi par " << (*transport)->describe() << " : " << pass->sent << " envoyé(s), " << pass->retried
         << " à réessayer, " << pass->failed << " en échec définitif\n";
  if (pass->recovered > 0) {
    io.out << pass->recovered << " message(s) interrompu(s) lors d’un envoi précédent remis en file "
           << "(le destinataire peut les recevoir deux fois, avec le même Message-ID)\n";
  }
  if (pass->server_unavailable) {
    io.out << "serveur indisponible, envoi arrêté ; les messages restants attendent la prochaine tentative : "
           << pass->server_problem << "\n";
  }
  for (const long long id : pass->failed_ids) io.out << "échec définitif du message n° " << id << " (voir ipt outbox list)\n";
  return trouble ? exit_failure : exit_ok;
}

}  // namespace

Command outbox_list_command() {
  return {{"outbox list", "ipt outbox list [--db FICHIER] [--details] [--json]",
           "affiche la file d’envoi (messages à l’Administration) et leur statut",
           "Chaque message : statut (en attente, en cours d’envoi, envoyé, échec définitif), dossier,\n"
           "destinataires, nombre de tentatives, Message-ID, et la dernière réponse du serveur\n"
           "(le motif pour un échec définitif). --details affiche chaque tentative.",
           {database_option(), {"--details", "", "affiche chaque tentative"},
            {"--json", "", "sortie JSON pour un programme"}},
           0, 0},
          run_list};
}

Command outbox_send_command() {
  return {{"outbox send", "ipt outbox send [--db FICHIER] [--config FICHIER] [--json]",
           "envoie les messages en attente (SMTP, ou fichiers .eml sans serveur configuré)",
           "Une passe d’envoi : chaque message dont l’heure est venue est envoyé, sur une seule\n"
           "connexion. Un échec temporaire (serveur injoignable, réponse 4xx) est réessayé plus\n"
           "tard, avec un délai croissant ; un refus définitif (5xx) arrête ce message seulement.\n"
           "Sans smtp_url dans la configuration, chaque message est écrit en .eml dans outbox_dir\n"
           "(défaut : le dossier « outbox » à côté de la base de données).\n"
           "Garantie : au moins une fois. Un envoi interrompu est refait ; un doublon éventuel porte\n"
           "le même Message-ID. Statut 0 si tout s’est bien passé, 1 si un message a échoué ou si\n"
           "le serveur était indisponible.",
           {database_option(), config_option(), {"--json", "", "sortie JSON pour un programme"}},
           0, 0},
          run_send};
}

}  // namespace ipt::app
