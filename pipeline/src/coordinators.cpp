#include "ipt/pipeline/coordinators.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>

#include "ipt/core/database.hpp"
#include "workspace_schema.hpp"

namespace ipt::pipeline {

using core::Statement;
using core::Transaction;

namespace detail {

namespace {

constexpr const char* schema_v1_sql = R"sql(
CREATE TABLE workspace_account (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  pole_fase     INTEGER NOT NULL,
  administrator INTEGER NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1,
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE TABLE workspace_session (
  id_hash         TEXT PRIMARY KEY,
  account         INTEGER NOT NULL REFERENCES workspace_account(id),
  state           TEXT NOT NULL,
  csrf            TEXT NOT NULL,
  code_hmac       TEXT NOT NULL DEFAULT '',
  code_expires_at INTEGER NOT NULL DEFAULT 0,
  code_tries      INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  last_used_at    INTEGER NOT NULL
);
)sql";

constexpr core::Migration migrations[] = {{1, schema_v1_sql}};

}  // namespace

core::Result<void> prepare_workspace_schema(core::Database& db) { return core::ensure_schema(db, "workspace", migrations); }

}  // namespace detail

namespace {

std::string folded(std::string email) {
  email.erase(0, email.find_first_not_of(" \t"));
  email.erase(email.find_last_not_of(" \t") + 1);
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return email;
}

core::Result<std::string> hash_password(const std::string& password) {
  if (password.size() < minimum_password_length) {
    return core::fail(core::Category::invalid_input, "mot de passe trop court : au moins " + std::to_string(minimum_password_length) +
                                                         " caractères (une phrase de passe)",
                      {.field = "mot_de_passe"});
  }
  char hashed[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hashed, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return core::fail(core::Category::internal, "hachage du mot de passe impossible (mémoire)");
  }
  return std::string(hashed);
}

Coordinator row_of(const Statement& q) {
  Coordinator c;
  c.id = q.integer(0);
  c.email = q.text(1);
  c.name = q.text(2);
  c.pole_fase = static_cast<unsigned>(q.integer(3));
  c.administrator = q.integer(4) != 0;
  c.active = q.integer(5) != 0;
  return c;
}

constexpr const char* account_columns = "SELECT id, email, name, pole_fase, administrator, active, password_hash FROM workspace_account";

std::string describe(const Coordinator& c) {
  return c.email + (c.administrator ? ", administrateur" : ", pôle FASE " + std::to_string(c.pole_fase));
}

}  // namespace

bool may_see(const Coordinator& who, const core::Dossier& dossier) {
  return who.active && (who.administrator || (who.pole_fase != 0 && dossier.pole.fase == who.pole_fase));
}

core::Result<Coordinators> Coordinators::open(core::Store& store) {
  if (sodium_init() < 0) return core::fail(core::Category::internal, "libsodium ne s’initialise pas");
  IPT_TRY_VOID(detail::prepare_workspace_schema(store.database()));
  return Coordinators(store);
}

core::Result<Coordinator> Coordinators::add(const Coordinator& account, const std::string& password, const std::string& actor) {
  Coordinator c = account;
  c.email = folded(c.email);
  if (c.email.find('@') == std::string::npos || c.email.find_first_of(" <>\"") != std::string::npos) {
    return core::fail(core::Category::invalid_input, "adresse électronique « " + c.email + " » invalide", {.field = "courriel"});
  }
  if (c.name.empty()) return core::fail(core::Category::invalid_input, "nom manquant", {.field = "nom"});
  if (!c.administrator && c.pole_fase == 0) {
    return core::fail(core::Category::invalid_input, "un coordinateur appartient à un pôle : donnez son numéro FASE", {.field = "pole"});
  }
  if (c.administrator && c.pole_fase != 0) {
    return core::fail(core::Category::invalid_input, "un administrateur voit tous les pôles : pas de numéro FASE", {.field = "pole"});
  }
  IPT_TRY(hashed, hash_password(password));
  IPT_TRY_VOID(store_->record_with(actor, "account.add", "", describe(c), [&](Transaction& tx) -> core::Result<void> {
    IPT_TRY(exists, Statement::prepare(tx, "SELECT 1 FROM workspace_account WHERE email = ?"));
    exists->bind(1, c.email);
    IPT_TRY(found, exists->step());
    if (*found) return core::fail(core::Category::refused, "un compte existe déjà pour " + c.email, {.field = "courriel"});
    IPT_TRY(q, Statement::prepare(tx,
        "INSERT INTO workspace_account (email, name, pole_fase, administrator, active, password_hash, created_at)"
        " VALUES (?, ?, ?, ?, 1, ?, ?)"));
    q->bind(1, c.email).bind(2, c.name).bind(3, static_cast<long long>(c.pole_fase)).bind(4, c.administrator ? 1LL : 0LL);
    q->bind(5, *hashed).bind(6, static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch()).count()));
    IPT_TRY_VOID(q->run());
    c.id = tx.database().last_insert_id();
    return {};
  }));
  c.active = true;
  return c;
}

core::Result<std::vector<Coordinator>> Coordinators::list() const {
  IPT_TRY(q, Statement::prepare(store_->database(), std::string(account_columns) + " ORDER BY email"));
  std::vector<Coordinator> out;
  for (;;) {
    IPT_TRY(row, q->step());
    if (!*row) return out;
    out.push_back(row_of(*q));
  }
}

core::Result<std::optional<Coordinator>> Coordinators::find(long long id) const {
  IPT_TRY(q, Statement::prepare(store_->database(), std::string(account_columns) + " WHERE id = ?"));
  q->bind(1, id);
  IPT_TRY(row, q->step());
  if (!*row) return std::optional<Coordinator>{};
  return std::optional<Coordinator>{row_of(*q)};
}

core::Result<void> Coordinators::set_active(const std::string& email, bool active, const std::string& actor) {
  const std::string who = folded(email);
  return store_->record_with(actor, active ? "account.enable" : "account.disable", "", who, [&](Transaction& tx) -> core::Result<void> {
    IPT_TRY(q, Statement::prepare(tx, "UPDATE workspace_account SET active = ? WHERE email = ?"));
    q->bind(1, active ? 1LL : 0LL).bind(2, who);
    IPT_TRY_VOID(q->run());
    if (tx.database().changes() == 0) return core::fail(core::Category::not_found, "aucun compte pour " + who, {.field = "courriel"});
    if (active) return {};
    // A disabled account's sessions end now.
    IPT_TRY(end, Statement::prepare(tx, "DELETE FROM workspace_session WHERE account = (SELECT id FROM workspace_account WHERE email = ?)"));
    end->bind(1, who);
    return end->run();
  });
}

core::Result<void> Coordinators::set_password(const std::string& email, const std::string& password, const std::string& actor) {
  const std::string who = folded(email);
  IPT_TRY(hashed, hash_password(password));
  return store_->record_with(actor, "account.password", "", who, [&](Transaction& tx) -> core::Result<void> {
    IPT_TRY(q, Statement::prepare(tx, "UPDATE workspace_account SET password_hash = ? WHERE email = ?"));
    q->bind(1, *hashed).bind(2, who);
    IPT_TRY_VOID(q->run());
    if (tx.database().changes() == 0) return core::fail(core::Category::not_found, "aucun compte pour " + who, {.field = "courriel"});
    IPT_TRY(end, Statement::prepare(tx, "DELETE FROM workspace_session WHERE account = (SELECT id FROM workspace_account WHERE email = ?)"));
    end->bind(1, who);
    return end->run();
  });
}

core::Result<std::optional<Coordinator>> Coordinators::authenticate(const std::string& email, const std::string& password) const {
  // A hash of a password nobody has, verified when the e-mail is unknown: the answer then
  // takes as long as for a wrong password.
  static const std::string decoy = [] {
    char hashed[crypto_pwhash_STRBYTES] = {};
    const std::string random = "leurre inutilisable";
    if (crypto_pwhash_str(hashed, random.data(), random.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
      return std::string();  // verifying against "" fails: an unknown e-mail is still refused
    }
    return std::string(hashed);
  }();
  IPT_TRY(q, Statement::prepare(store_->database(), std::string(account_columns) + " WHERE email = ?"));
  q->bind(1, folded(email));
  IPT_TRY(row, q->step());
  const std::string stored = *row ? q->text(6) : decoy;
  const bool right = crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
  if (!*row || !right) return std::optional<Coordinator>{};
  Coordinator c = row_of(*q);
  if (!c.active) return std::optional<Coordinator>{};
  return std::optional<Coordinator>{c};
}

}  // namespace ipt::pipeline
