#pragma once
// Logging in to the workspace: the account's password (Coordinators::authenticate), then a
// second factor, a 6-digit code sent to the account's e-mail through the outbox (stored as an
// HMAC keyed by the session, valid 10 minutes, 5 tries, single use), then a session.
//
// A session id is random (256 bits), kept only as its SHA-256, and carried in an HttpOnly,
// SameSite=Strict cookie. It ends 30 minutes after its last use, 10 hours after the login, at
// logout, and when its account is disabled or its password changed. Its anti-forgery token is
// stored with it: sessions outlive a restart of `ipt serve`. Every login, wrong password,
// wrong code and logout is an audit entry (without dossier) naming the account's e-mail and
// the client's address, never the password or the code.
#include <chrono>
#include <string>

#include "ipt/core/result.hpp"
#include "ipt/core/store.hpp"
#include "ipt/mail/config.hpp"
#include "ipt/pipeline/coordinators.hpp"

namespace ipt::pipeline {

struct WorkspaceSession {
  Coordinator who;
  std::string csrf;        // the token every form of this session carries
  bool confirmed = false;  // the second factor was given
};

inline constexpr std::chrono::minutes workspace_idle_limit{30};
inline constexpr std::chrono::hours workspace_session_limit{10};

class WorkspaceLogin {
 public:
  using Clock = core::Clock;
  static core::Result<WorkspaceLogin> open(core::Store& store, mail::MailConfig mail, Clock clock = {});

  // With the right password: a new session waiting for its code, and the code queued to the
  // account's e-mail, in one transaction; returns the session's id. Otherwise refused with
  // « adresse ou mot de passe incorrect », whichever of the two was wrong.
  core::Result<std::string> begin(const std::string& email, const std::string& password, const std::string& client);
  // The code of a session waiting for it. Five wrong codes end the session.
  core::Result<void> confirm(const std::string& session_id, const std::string& code, const std::string& client);
  // The session of `id`, waiting for its code or confirmed, its last use now. Refused
  // (« session expirée ») when unknown or ended.
  core::Result<WorkspaceSession> session(const std::string& id);
  core::Result<void> logout(const std::string& id, const std::string& client);

 private:
  WorkspaceLogin(core::Store& store, Coordinators accounts, mail::MailConfig mail, Clock clock)
      : store_(&store), accounts_(std::move(accounts)), mail_(std::move(mail)), clock_(std::move(clock)) {}
  std::chrono::system_clock::time_point now() const { return clock_ ? clock_() : std::chrono::system_clock::now(); }
  core::Store* store_;
  Coordinators accounts_;
  mail::MailConfig mail_;
  Clock clock_;
};

}  // namespace ipt::pipeline
