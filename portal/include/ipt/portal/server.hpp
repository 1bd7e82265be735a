#pragma once
// `ipt serve`: the signer portal over the pipeline. Each signatory opens their link, reads the
// documents (page previews rendered here, and downloads), confirms who they are with a code
// sent to their e-mail, fills their own fields and signs, or declines with a reason. The
// portal has no rules of its own: every step is pipeline::SigningRequests and
// pipeline::RemoteSigning, on a connection of its own per request. It also publishes the
// issuing CA's certificate and CRL, and runs the outbox worker (invitations, codes, the
// Annexe 4 for the Administration). Under /espace, the coordinators' workspace: their pole's
// dossiers, each dossier's page and round, the dossier form (portal/src/workspace.cpp).
//
// Listens on 127.0.0.1 by default; HTTPS when [portail] names a certificate and its key;
// behind a reverse proxy, X-Forwarded-For is believed only from [portail] proxy addresses.
#include <chrono>
#include <filesystem>
#include <memory>

#include "ipt/core/result.hpp"
#include "ipt/mail/config.hpp"
#include "ipt/pipeline/signing_config.hpp"
#include "ipt/pipeline/signing_requests.hpp"

namespace ipt::portal {

struct ServeOptions {
  std::filesystem::path database;
  mail::MailConfig mail;
  pipeline::PortalConfig portal;  // an empty base_url: http://<listen_host>:<bound port>
  pipeline::SigningConfig signing;
  std::filesystem::path outbox_folder;  // the file transport's, when no SMTP server is configured
  bool outbox_worker = true;
  std::chrono::milliseconds outbox_interval{2000};
  size_t max_upload_bytes = 20u << 20;
};

class Server {
 public:
  // Opens the database and the issuing CA (issuing_ca of [signature]), checks the
  // configuration; listens nowhere yet.
  static core::Result<std::unique_ptr<Server>> create(ServeOptions options);
  ~Server();

  // Binds listen_host:listen_port (0: a free port) and returns the port.
  core::Result<int> bind();
  // Serves until stop() (from another thread or a signal).
  void run();
  void stop();
  // The address signatories' links point to.
  std::string base_url() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ipt::portal
