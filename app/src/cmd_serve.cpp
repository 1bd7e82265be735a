// ipt serve: the signer portal (portal/), with the outbox worker inside it.
#include <csignal>
#include <ostream>

#include "common.hpp"
#include "mail_common.hpp"
#include "ipt/portal/server.hpp"

namespace ipt::app {

namespace {

portal::Server* running = nullptr;

extern "C" void stop_on_signal(int) {
  // Server::stop only sets a flag, wakes the worker and shuts the listening socket.
  if (running) running->stop();
}

int run(const Arguments& args, Io& io) {
  auto mail = read_mail_config(args);
  if (!mail) return report_failure(io, "serve", mail.error());
  auto portal_config = read_portal_config(args);
  if (!portal_config) return report_failure(io, "serve", portal_config.error());
  auto signing = read_signing_config(args);
  if (!signing) return report_failure(io, "serve", signing.error());
  if (const auto listen = args.value("--ecoute")) {
    const auto colon = listen->rfind(':');
    try {
      if (colon == std::string::npos) throw std::invalid_argument("port");
      portal_config->listen_host = listen->substr(0, colon);
      portal_config->listen_port = std::stoi(listen->substr(colon + 1));
    } catch (const std::exception&) {
      io.err << "ipt serve : --ecoute : « adresse:port » attendu (127.0.0.1:8783, port 0 : un port libre)\n";
      return exit_bad_input;
    }
  }
  portal::ServeOptions options;
  options.database = database_path(args);
  options.mail = *std::move(mail);
  options.portal = *std::move(portal_config);
  options.signing = *std::move(signing);
  options.outbox_folder = default_outbox_folder(args);
  auto server = portal::Server::create(std::move(options));
  if (!server) return report_failure(io, "serve", server.error());
  auto port = (*server)->bind();
  if (!port) return report_failure(io, "serve", port.error());
  // The first line says where it listens (tests and scripts wait for it).
  io.out << "PORT " << *port << " — portail de signature : " << (*server)->base_url() << "\n" << std::flush;
  running = server->get();
  std::signal(SIGINT, stop_on_signal);
  std::signal(SIGTERM, stop_on_signal);
  (*server)->run();
  running = nullptr;
  io.out << "ipt serve : arrêté\n";
  return exit_ok;
}

}  // namespace

Command serve_command() {
  return {{"serve", "ipt serve [--ecoute ADRESSE:PORT] [--config ipt.conf] [--db FICHIER]",
           "le portail de signature à distance (et l’envoi des courriels)",
           "Sert les pages où chaque signataire ouvre son lien, lit les documents, confirme son\n"
           "identité par un code reçu par courriel, remplit sa partie et signe, ou refuse en écrivant\n"
           "sa raison. Publie le certificat et la liste de révocation de l’autorité de signature du\n"
           "pôle (/ac/certificat, /ac/crl) et envoie la file d’envoi en continu. Écoute sur\n"
           "127.0.0.1:8783 par défaut ([portail] ecoute) ; HTTPS avec certificat_tls et cle_tls ;\n"
           "derrière un proxy inverse, déclarez son adresse ([portail] proxy). Arrêt : Ctrl-C.",
           {{"--ecoute", "ADRESSE:PORT", "où écouter (défaut : [portail] ecoute, sinon 127.0.0.1:8783)"},
            config_option(),
            database_option()},
           0, 0},
          run};
}

}  // namespace ipt::app
