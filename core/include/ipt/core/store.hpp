#pragma once
// The embedded state: imported dossiers (every version kept) and the audit trail, in one
// SQLite file readable by its owner only.
//
// Every change and its audit entry are written in one transaction: either both are stored
// or neither. The audit trail is append-only (SQLite triggers refuse UPDATE and DELETE) and
// hash-chained: each entry stores the SHA-256 of the previous one, and a head record keeps
// the last entry's number and hash, so `verify_audit` finds an entry that was edited,
// removed from the middle or cut from the end by someone bypassing the tool.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ipt/core/database.hpp"
#include "ipt/core/dossier.hpp"
#include "ipt/core/result.hpp"

namespace ipt::core {

using Clock = std::function<std::chrono::system_clock::time_point()>;

struct AuditEntry {
  long long seq = 0;
  std::string at;       // UTC, "2026-11-29T12:04:48.123Z"
  std::string actor;    // who ran the command (OS user or IPT_ACTOR); never a pupil
  std::string action;   // "dossier.import", ...
  std::string dossier;  // the dossier reference; never a pupil's name
  std::string details;  // non-personal facts: versions, hashes
  std::string prev_hash;
  std::string hash;
};

// The verdict of verify_audit: intact, or the first broken entry and why.
struct AuditVerdict {
  bool intact = true;
  long long entries = 0;
  std::optional<long long> first_broken_seq;
  std::string problem;  // French
};

struct ImportOutcome {
  std::string reference;
  int version = 0;
  bool created = false;    // first import of this reference
  bool unchanged = false;  // same content as the latest version: nothing stored
};

struct DossierSummary {
  std::string reference;
  int versions = 0;
  std::string last_imported_at;
};

struct StoredDossier {
  std::string reference;
  int version = 0;
  std::string sha256;
  std::string xml;
};

// The default database path: $IPT_DB, else $XDG_DATA_HOME/ipt-dossiers/ipt.sqlite, else
// ~/.local/share/ipt-dossiers/ipt.sqlite.
std::filesystem::path default_database_path();

// Who acts: $IPT_ACTOR, else the OS user name.
std::string current_actor();

class Store {
 public:
  // Opens the database, creating it (directory 0700, file 0600) and its schema when absent.
  // Fails with the path and SQLite's reason.
  static Result<Store> open(const std::filesystem::path& path, Clock clock = {});
  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;

  const std::filesystem::path& path() const;

  // Stores a validated dossier. A changed dossier becomes a new version; identical content
  // stores nothing (and writes no audit entry).
  Result<ImportOutcome> import_dossier(const Dossier& dossier, std::string_view xml,
                                       const std::string& actor);

  Result<std::vector<DossierSummary>> list_dossiers() const;
  Result<std::optional<StoredDossier>> find_dossier(std::string_view reference) const;
  // Entries of one dossier, or all entries when `reference` is empty, in order.
  Result<std::vector<AuditEntry>> audit_entries(std::string_view reference = {}) const;

  // Re-computes the chain; an I/O failure is an error, a broken chain a verdict.
  Result<AuditVerdict> verify_audit() const;

  // Appends one audit entry on its own, for actions that change no other table.
  Result<void> record(const std::string& actor, const std::string& action,
                      const std::string& dossier, const std::string& details);

  // Appends one audit entry and runs `change` on the same connection, in one transaction:
  // both are stored or neither (e.g. a signature recorded and the mail it causes queued).
  // `change` runs first; its failure rolls everything back.
  Result<void> record_with(const std::string& actor, const std::string& action, const std::string& dossier,
                           const std::string& details, const std::function<Result<void>(Transaction&)>& change);

  // The store's connection, for the libraries that keep their tables beside the store's (the
  // signing requests): their changes go through record_with, with an audit entry.
  Database& database();

  // The folder beside the database where dossiers' documents are kept.
  std::filesystem::path data_folder() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Appends one audit entry inside a transaction its caller opened on another connection to
// the store's database (the outbox marking a message sent), so that the change and its
// audit entry commit together.
Result<void> append_audit_in_transaction(Transaction& tx, std::chrono::system_clock::time_point at,
                                         const std::string& actor, const std::string& action,
                                         const std::string& dossier, const std::string& details);

// The hash an audit entry must carry: SHA-256 over its fields and the previous hash.
std::string audit_entry_hash(const AuditEntry& entry);

// SHA-256 of bytes, lower-case hexadecimal.
std::string sha256_hex(std::string_view bytes);

}  // namespace ipt::core
