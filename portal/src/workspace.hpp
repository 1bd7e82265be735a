#pragma once
// The coordinators' workspace, under /espace (private to portal): logging in (password, then
// a code by e-mail), the dossiers of the coordinator's pole at a glance, a dossier's page
// (its deadlines, documents and signatures, signing round, audit trail), its documents'
// downloads, logging out. Every page of a dossier and every download is an audit entry. A
// dossier of another pole answers as an unknown one (404): its existence is not told.
#include <httplib.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ipt/mail/config.hpp"
#include "ipt/pipeline/signing_config.hpp"
#include "ipt/pipeline/signing_requests.hpp"
#include "ipt/signing/bytes.hpp"
#include "ipt/templates/renderer.hpp"

namespace ipt::portal {

struct WorkspaceSetup {
  std::filesystem::path database;
  mail::MailConfig mail;
  const templates::Renderer* renderer = nullptr;  // for the documents' folder and signatures
  std::vector<signing::Bytes> trust;               // anchors the documents' signatures are judged against
  // [signature] of ipt.conf: the pole's seal key and the timestamp server seal the archives,
  // which go to archives/<reference>/v<n> beside the database.
  const pipeline::SigningConfig* signing = nullptr;
  bool https = false;
  // "IP …, navigateur …" of a request, for the audit trail (the portal's proxy rules).
  std::function<std::string(const httplib::Request&)> client;
  // The address a request comes from, for the login's rate limits.
  std::function<std::string(const httplib::Request&)> address;
  // The [portail] configuration with the address links point to (for the invitations).
  std::function<pipeline::PortalConfig()> portal;
};

class Workspace {
 public:
  explicit Workspace(WorkspaceSetup setup);
  ~Workspace();
  void routes(httplib::Server& server);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ipt::portal
