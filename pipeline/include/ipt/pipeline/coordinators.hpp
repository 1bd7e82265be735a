#pragma once
// The workspace's accounts: the pole coordinators who prepare dossiers and drive signatures
// through the portal's pages, and the administrators who manage them. A coordinator sees the
// dossiers of one pole (its FASE number); an administrator sees every pole's and manages the
// accounts. Passwords are kept as Argon2id hashes (libsodium's crypto_pwhash_str, its
// "interactive" limits); nothing else of them is stored or logged. Each change of an account
// is an audit entry (without dossier), naming the account by its e-mail.
#include <optional>
#include <string>
#include <vector>

#include "ipt/core/dossier.hpp"
#include "ipt/core/result.hpp"
#include "ipt/core/store.hpp"

namespace ipt::pipeline {

struct Coordinator {
  long long id = 0;
  std::string email;  // the login, folded to lower case
  std::string name;
  unsigned pole_fase = 0;  // the pole's FASE number; 0 for an administrator
  bool administrator = false;
  bool active = true;
};

// Whether `who` may see `dossier`: an administrator every dossier, a coordinator those of
// their pole (Dossier::pole.fase).
bool may_see(const Coordinator& who, const core::Dossier& dossier);

// Passwords: at least this many characters (a passphrase, not a PIN).
inline constexpr size_t minimum_password_length = 12;

class Coordinators {
 public:
  // Brings the "workspace" tables up to date on the store's connection.
  static core::Result<Coordinators> open(core::Store& store);

  // Creates an account. Refuses an e-mail already used, a coordinator without a pole, an
  // administrator with one, and a password shorter than minimum_password_length.
  core::Result<Coordinator> add(const Coordinator& account, const std::string& password, const std::string& actor);
  core::Result<std::vector<Coordinator>> list() const;
  core::Result<std::optional<Coordinator>> find(long long id) const;
  core::Result<void> set_active(const std::string& email, bool active, const std::string& actor);
  core::Result<void> set_password(const std::string& email, const std::string& password, const std::string& actor);

  // The active account of `email` when `password` is its own; nothing otherwise (an unknown
  // e-mail costs the same time as a wrong password, and says the same).
  core::Result<std::optional<Coordinator>> authenticate(const std::string& email, const std::string& password) const;

 private:
  explicit Coordinators(core::Store& store) : store_(&store) {}
  core::Store* store_;
};

}  // namespace ipt::pipeline
