// ipt-serve: the signer portal (portal/), with the outbox worker inside it. `ipt serve` execs
// it (app/src/cmd_serve.cpp says why it is a program of its own); run alone, it takes the
// same options.
#include <sys/stat.h>

#include <csignal>
#include <iostream>
#include <ostream>

#include "common.hpp"
#include "ipt/portal/server.hpp"
#include "mail_common.hpp"
#include "serve_spec.hpp"

namespace {

using namespace ipt::app;

ipt::portal::Server* running = nullptr;

extern "C" void stop_on_signal(int) {
  // Server::stop only sets a flag, wakes the worker and shuts the listening socket.
  if (running) running->stop();
}

int serve(const Arguments& args, Io& io) {
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
  ipt::portal::ServeOptions options;
  options.database = database_path(args);
  options.mail = *std::move(mail);
  options.portal = *std::move(portal_config);
  options.signing = *std::move(signing);
  options.outbox_folder = default_outbox_folder(args);
  auto server = ipt::portal::Server::create(std::move(options));
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

int main(int argc, char** argv) {
  ::umask(077);  // the database and documents hold pupils' personal data: owner only
  const std::vector<std::string> words(argv + 1, argv + argc);
  Io io{std::cout, std::cerr};
  const auto spec = serve_spec();
  const auto parsed = ArgumentParser::parse(spec, words);
  if (parsed.help) {
    std::cout << help_text(spec);
    return exit_ok;
  }
  if (!parsed.arguments) {
    std::cerr << "ipt serve : " << parsed.error << "\n";
    return exit_bad_input;
  }
  try {
    return serve(*parsed.arguments, io);
  } catch (const std::exception& e) {
    std::cerr << "ipt serve : erreur interne : " << e.what() << "\n";
    return exit_status(ipt::core::Category::internal);
  }
}
