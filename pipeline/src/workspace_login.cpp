#include "ipt/pipeline/workspace_login.hpp"

#include "ipt/core/database.hpp"
#include "ipt/core/secrets.hpp"
#include "ipt/core/text.hpp"
#include "ipt/mail/outbox.hpp"
#include "request_mail.hpp"
#include "workspace_schema.hpp"

namespace ipt::pipeline {

using core::Statement;
using core::Transaction;

namespace {

constexpr int code_digits = 6;
constexpr int code_max_tries = 5;
constexpr std::chrono::minutes code_lifetime{10};

long long seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::unexpected<core::Error> expired() {
  return core::fail(core::Category::refused, "session expirée ou inconnue : reconnectez-vous");
}

struct StoredSession {
  long long account = 0;
  std::string state;  // "code" or "active"
  std::string csrf, code_hmac;
  long long code_expires_at = 0, code_tries = 0, created_at = 0, last_used_at = 0;
};

core::Result<std::optional<StoredSession>> find_session(core::Database& db, const std::string& id) {
  IPT_TRY(q, Statement::prepare(db,
      "SELECT account, state, csrf, code_hmac, code_expires_at, code_tries, created_at, last_used_at FROM workspace_session"
      " WHERE id_hash = ?"));
  q->bind(1, core::sha256_hex(id));
  IPT_TRY(row, q->step());
  if (!*row) return std::optional<StoredSession>{};
  return std::optional<StoredSession>{StoredSession{q->integer(0), q->text(1), q->text(2), q->text(3), q->integer(4), q->integer(5),
                                                    q->integer(6), q->integer(7)}};
}

}  // namespace

core::Result<WorkspaceLogin> WorkspaceLogin::open(core::Store& store, mail::MailConfig mail, Clock clock) {
  IPT_TRY(accounts, Coordinators::open(store));
  return WorkspaceLogin(store, *std::move(accounts), std::move(mail), std::move(clock));
}

core::Result<std::string> WorkspaceLogin::begin(const std::string& email, const std::string& password, const std::string& client) {
  IPT_TRY(who, accounts_.authenticate(email, password));
  if (!*who) {
    IPT_TRY_VOID(store_->record("espace", "login.refused", "", "mot de passe refusé pour « " + email.substr(0, 120) + " », " + client));
    return core::fail(core::Category::refused, "adresse ou mot de passe incorrect", {.field = "mot_de_passe"});
  }
  const std::string id = core::random_token();
  const std::string code = core::random_digits(code_digits);
  const long long at = seconds(now());
  IPT_TRY_VOID(store_->record_with("espace", "login.code_sent", "", (*who)->email + ", " + client, [&](Transaction& tx) -> core::Result<void> {
    IPT_TRY(q, Statement::prepare(tx,
        "INSERT INTO workspace_session (id_hash, account, state, csrf, code_hmac, code_expires_at, code_tries, created_at,"
        " last_used_at) VALUES (?, ?, 'code', ?, ?, ?, 0, ?, ?)"));
    q->bind(1, core::sha256_hex(id)).bind(2, (*who)->id).bind(3, core::random_token());
    q->bind(4, core::hmac_sha256_hex(core::sha256_hex(id), code)).bind(5, at + std::chrono::seconds(code_lifetime).count());
    q->bind(6, at).bind(7, at);
    IPT_TRY_VOID(q->run());
    IPT_TRY(message, detail::login_code_message(mail_, (*who)->email, (*who)->name, code, code_lifetime));
    IPT_TRY_VOID(mail::enqueue(tx, *std::move(message), "", now()));
    return {};
  }));
  return id;
}

core::Result<void> WorkspaceLogin::confirm(const std::string& session_id, const std::string& code, const std::string& client) {
  IPT_TRY(found, find_session(store_->database(), session_id));
  const long long at = seconds(now());
  if (!*found || (*found)->created_at + std::chrono::seconds(workspace_session_limit).count() <= at) return expired();
  const auto& s = **found;
  if (s.state != "code") return {};  // already confirmed
  IPT_TRY(account, accounts_.find(s.account));
  const std::string who = *account ? (*account)->email : "compte n° " + std::to_string(s.account);
  if (s.code_expires_at <= at) {
    return core::fail(core::Category::refused, "ce code a expiré (il vaut 10 minutes) : reconnectez-vous", {.field = "code"});
  }
  const bool right = core::constant_time_equal(core::hmac_sha256_hex(core::sha256_hex(session_id), code), s.code_hmac);
  const std::string hash = core::sha256_hex(session_id);
  if (!right) {
    const long long tries = s.code_tries + 1;
    IPT_TRY_VOID(store_->record_with("espace", "login.code_wrong", "", who + ", " + client + ", essai n° " + std::to_string(tries),
        [&](Transaction& tx) -> core::Result<void> {
          IPT_TRY(q, Statement::prepare(tx, tries >= code_max_tries ? "DELETE FROM workspace_session WHERE id_hash = ?"
                                                                    : "UPDATE workspace_session SET code_tries = code_tries + 1 WHERE id_hash = ?"));
          q->bind(1, hash);
          return q->run();
        }));
    if (tries >= code_max_tries) return core::fail(core::Category::refused, "code erroné, 5 essais : reconnectez-vous", {.field = "code"});
    return core::fail(core::Category::refused, "code erroné (encore " + std::to_string(code_max_tries - tries) + " essai" +
                                                   (code_max_tries - tries > 1 ? "s" : "") + ")",
                      {.field = "code"});
  }
  return store_->record_with("espace", "login", "", who + ", " + client, [&](Transaction& tx) -> core::Result<void> {
    // Single use: the code is spent; the anti-forgery token changes with the privilege.
    IPT_TRY(q, Statement::prepare(tx, "UPDATE workspace_session SET state = 'active', code_hmac = '', csrf = ?, last_used_at = ?"
                                      " WHERE id_hash = ? AND state = 'code'"));
    q->bind(1, core::random_token()).bind(2, at).bind(3, hash);
    return q->run();
  });
}

core::Result<WorkspaceSession> WorkspaceLogin::session(const std::string& id) {
  if (id.empty()) return expired();
  IPT_TRY(found, find_session(store_->database(), id));
  if (!*found) return expired();
  const auto& s = **found;
  const long long at = seconds(now());
  const bool ended = s.created_at + std::chrono::seconds(workspace_session_limit).count() <= at ||
                     s.last_used_at + std::chrono::seconds(workspace_idle_limit).count() <= at;
  IPT_TRY(account, accounts_.find(s.account));
  if (ended || !*account || !(*account)->active) {
    IPT_TRY(tx, Transaction::begin(store_->database()));
    IPT_TRY(q, Statement::prepare(*tx, "DELETE FROM workspace_session WHERE id_hash = ?"));
    q->bind(1, core::sha256_hex(id));
    IPT_TRY_VOID(q->run());
    IPT_TRY_VOID(tx->commit());
    return expired();
  }
  {
    IPT_TRY(tx, Transaction::begin(store_->database()));
    IPT_TRY(q, Statement::prepare(*tx, "UPDATE workspace_session SET last_used_at = ? WHERE id_hash = ?"));
    q->bind(1, at).bind(2, core::sha256_hex(id));
    IPT_TRY_VOID(q->run());
    IPT_TRY_VOID(tx->commit());
  }
  return WorkspaceSession{**account, s.csrf, s.state == "active"};
}

core::Result<void> WorkspaceLogin::logout(const std::string& id, const std::string& client) {
  IPT_TRY(found, find_session(store_->database(), id));
  if (!*found) return {};
  IPT_TRY(account, accounts_.find((*found)->account));
  const std::string who = *account ? (*account)->email : "compte n° " + std::to_string((*found)->account);
  return store_->record_with("espace", "logout", "", who + ", " + client, [&](Transaction& tx) -> core::Result<void> {
    IPT_TRY(q, Statement::prepare(tx, "DELETE FROM workspace_session WHERE id_hash = ?"));
    q->bind(1, core::sha256_hex(id));
    return q->run();
  });
}

}  // namespace ipt::pipeline
