#include "ipt/core/store.hpp"
#include "ipt/core/files.hpp"

#include <openssl/evp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "ipt/core/database.hpp"

namespace ipt::core {


namespace {

const std::string genesis_hash(64, '0');

// Append-only by construction: triggers refuse UPDATE and DELETE on the trail and its head
// except through the one statement that advances the head.
constexpr const char* schema_v1_sql = R"sql(
CREATE TABLE dossier (
  reference   TEXT PRIMARY KEY,
  created_at  TEXT NOT NULL
);
CREATE TABLE dossier_version (
  reference   TEXT NOT NULL REFERENCES dossier(reference),
  version     INTEGER NOT NULL,
  imported_at TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  xml         TEXT NOT NULL,
  PRIMARY KEY (reference, version)
);
CREATE TABLE audit (
  seq       INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  dossier   TEXT NOT NULL,
  details   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE INDEX audit_by_dossier ON audit(dossier, seq);
CREATE TABLE audit_head (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  seq  INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'le journal d''audit est en ajout seul'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'le journal d''audit est en ajout seul'); END;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
  WHEN NEW.seq <> OLD.seq + 1
  BEGIN SELECT RAISE(ABORT, 'le journal d''audit est en ajout seul'); END;
CREATE TRIGGER dossier_version_no_update BEFORE UPDATE ON dossier_version
  BEGIN SELECT RAISE(ABORT, 'les versions de dossier sont conservées telles quelles'); END;
)sql";

constexpr Migration store_migrations[] = {{1, schema_v1_sql}};

// The chained hash covers every field of the entry and the previous hash, separated by a
// unit separator that cannot occur in them.
std::string entry_hash(const AuditEntry& e) {
  std::string canonical = std::to_string(e.seq);
  for (const std::string* field : {&e.at, &e.actor, &e.action, &e.dossier, &e.details, &e.prev_hash}) {
    canonical += '\x1f';
    canonical += *field;
  }
  return sha256_hex(canonical);
}

// Appends one entry inside the caller's transaction.
Result<void> append_audit(const Transaction& db, const std::string& at, const std::string& actor,
                          const std::string& action, const std::string& dossier,
                          const std::string& details) {
  IPT_TRY(head, Statement::prepare(db, "SELECT seq, hash FROM audit_head WHERE id = 1"));
  IPT_TRY(found, head->step());
  if (!*found) return fail("base de données : tête du journal d’audit absente");
  AuditEntry e{head->integer(0) + 1, at, actor, action, dossier, details, head->text(1), ""};
  e.hash = entry_hash(e);
  IPT_TRY(insert, Statement::prepare(db, "INSERT INTO audit VALUES (?,?,?,?,?,?,?,?)"));
  insert->bind(1, e.seq).bind(2, e.at).bind(3, e.actor).bind(4, e.action).bind(5, e.dossier)
      .bind(6, e.details).bind(7, e.prev_hash).bind(8, e.hash);
  if (auto r = insert->run(); !r) return r;
  IPT_TRY(advance, Statement::prepare(db, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1"));
  advance->bind(1, e.seq).bind(2, e.hash);
  return advance->run();
}

}  // namespace

std::string audit_entry_hash(const AuditEntry& entry) { return entry_hash(entry); }

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xF];
  }
  return out;
}

std::filesystem::path default_database_path() {
  if (const char* env = std::getenv("IPT_DB"); env && *env) return env;
  std::filesystem::path base;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    base = std::filesystem::path(home) / ".local" / "share";
  } else {
    base = ".";
  }
  return base / "ipt-dossiers" / "ipt.sqlite";
}

std::string current_actor() {
  if (const char* env = std::getenv("IPT_ACTOR"); env && *env) return env;
  if (const auto* pw = getpwuid(geteuid())) return pw->pw_name;
  return "uid:" + std::to_string(geteuid());
}

struct Store::Impl {
  std::filesystem::path path;
  Database db;
  Clock clock;
  std::string now() const { return core::utc_millis(clock ? clock() : std::chrono::system_clock::now()); }
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

const std::filesystem::path& Store::path() const { return impl_->path; }

Result<Store> Store::open(const std::filesystem::path& path, Clock clock) {
  const auto where = "base de données " + path.string();
  IPT_TRY(db, Database::open(path));
  {
    auto tx = Transaction::begin(*db);
    if (!tx) return std::unexpected(tx.error().with_context(where));
    // Databases written before schema_version existed marked the store's version 1 with
    // SQLite's user_version alone: record it so that migrate() does not create it again.
    IPT_TRY(legacy, Statement::prepare(*tx, "PRAGMA user_version"));
    IPT_TRY(row, legacy->step());
    const bool legacy_v1 = *row && legacy->integer(0) == 1;
    IPT_TRY(current, schema_version(*db, "store"));
    if (legacy_v1 && *current == 0) {
      IPT_TRY_VOID(db->execute("CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL);"
                               "INSERT INTO schema_version VALUES ('store', 1)"));
    }
    if (auto r = migrate(*tx, "store", store_migrations); !r) return std::unexpected(r.error());
    if (auto r = tx->commit(); !r) return std::unexpected(r.error().with_context(where));
  }
  return Store(std::make_unique<Impl>(Impl{path, std::move(*db), std::move(clock)}));
}

Result<ImportOutcome> Store::import_dossier(const Dossier& dossier, std::string_view xml,
                                           const std::string& actor) {
  const std::string hash = sha256_hex(xml);
  IPT_TRY(tx, Transaction::begin(impl_->db));
  const Transaction& db = *tx;
  IPT_TRY(latest, Statement::prepare(db,
      "SELECT version, sha256 FROM dossier_version WHERE reference = ? ORDER BY version DESC LIMIT 1"));
  latest->bind(1, dossier.reference);
  IPT_TRY(found, latest->step());
  ImportOutcome outcome{dossier.reference, 1, !*found, false};
  if (*found) {
    if (latest->text(1) == hash) {
      outcome.version = static_cast<int>(latest->integer(0));
      outcome.unchanged = true;
      return outcome;  // the transaction rolls back: nothing was written
    }
    outcome.version = static_cast<int>(latest->integer(0)) + 1;
  }
  const std::string now = impl_->now();
  if (outcome.created) {
    IPT_TRY(insert, Statement::prepare(db, "INSERT INTO dossier VALUES (?, ?)"));
    insert->bind(1, dossier.reference).bind(2, now);
    IPT_TRY_VOID(insert->run());
  }
  IPT_TRY(insert, Statement::prepare(db, "INSERT INTO dossier_version VALUES (?, ?, ?, ?, ?)"));
  insert->bind(1, dossier.reference).bind(2, outcome.version).bind(3, now).bind(4, hash).bind(5, xml);
  IPT_TRY_VOID(insert->run());
  const std::string details = "version " + std::to_string(outcome.version) + ", sha256 " + hash;
  if (auto r = append_audit(db, now, actor, "dossier.import", dossier.reference, details); !r) {
    return std::unexpected(r.error());
  }
  IPT_TRY_VOID(tx->commit());
  return outcome;
}

Result<std::vector<DossierSummary>> Store::list_dossiers() const {
  IPT_TRY(q, (Statement::prepare(impl_->db,
      "SELECT reference, COUNT(*), MAX(imported_at) FROM dossier_version GROUP BY reference ORDER BY reference")));
  std::vector<DossierSummary> out;
  for (;;) {
    IPT_TRY(row, q->step());
    if (!*row) break;
    out.push_back({q->text(0), static_cast<int>(q->integer(1)), q->text(2)});
  }
  return out;
}

Result<std::optional<StoredDossier>> Store::find_dossier(std::string_view reference) const {
  IPT_TRY(q, (Statement::prepare(impl_->db,
      "SELECT version, sha256, xml FROM dossier_version WHERE reference = ? ORDER BY version DESC LIMIT 1")));
  q->bind(1, reference);
  IPT_TRY(row, q->step());
  if (!*row) return std::optional<StoredDossier>{};
  return StoredDossier{std::string(reference), static_cast<int>(q->integer(0)), q->text(1), q->text(2)};
}

Result<std::vector<AuditEntry>> Store::audit_entries(std::string_view reference) const {
  IPT_TRY(q, (Statement::prepare(impl_->db,
      reference.empty() ? "SELECT * FROM audit ORDER BY seq"
                        : "SELECT * FROM audit WHERE dossier = ? ORDER BY seq")));
  if (!reference.empty()) q->bind(1, reference);
  std::vector<AuditEntry> out;
  for (;;) {
    IPT_TRY(row, q->step());
    if (!*row) break;
    out.push_back({q->integer(0), q->text(1), q->text(2), q->text(3), q->text(4), q->text(5),
                   q->text(6), q->text(7)});
  }
  return out;
}

Result<AuditVerdict> Store::verify_audit() const {
  // The entries and the head are read in one snapshot: an entry appended by another process
  // between the two reads must not look like one removed from the end.
  IPT_TRY(snapshot, Transaction::begin_read(impl_->db));
  IPT_TRY(entries, audit_entries());
  AuditVerdict verdict;
  verdict.entries = static_cast<long long>(entries->size());
  auto broken = [&](long long seq, std::string problem) {
    verdict.intact = false;
    verdict.first_broken_seq = seq;
    verdict.problem = std::move(problem);
    return verdict;
  };
  std::string previous = genesis_hash;
  long long expected = 1;
  for (const auto& e : *entries) {
    if (e.seq != expected) {
      return broken(expected, "entrée n° " + std::to_string(expected) + " supprimée (la suivante est la n° " +
                                  std::to_string(e.seq) + ")");
    }
    if (e.prev_hash != previous) {
      return broken(e.seq, "entrée n° " + std::to_string(e.seq) +
                               " : le lien vers l’entrée précédente est rompu (entrée précédente modifiée ou supprimée)");
    }
    if (entry_hash(e) != e.hash) {
      return broken(e.seq, "entrée n° " + std::to_string(e.seq) + " modifiée (son empreinte ne correspond plus)");
    }
    previous = e.hash;
    ++expected;
  }
  IPT_TRY(head, (Statement::prepare(impl_->db, "SELECT seq, hash FROM audit_head WHERE id = 1")));
  IPT_TRY(row, head->step());
  if (!*row) return broken(expected, "tête du journal absente");
  if (head->integer(0) != expected - 1 || head->text(1) != previous) {
    return broken(expected, "entrée(s) n° " + std::to_string(expected) + " à " + std::to_string(head->integer(0)) +
                                " supprimée(s) en fin de journal");
  }
  return verdict;
}

Result<void> Store::record_with(const std::string& actor, const std::string& action, const std::string& dossier,
                               const std::string& details, const std::function<Result<void>(Transaction&)>& change) {
  IPT_TRY(tx, Transaction::begin(impl_->db));
  if (auto r = change(*tx); !r) return r;
  if (auto r = append_audit(*tx, impl_->now(), actor, action, dossier, details); !r) return r;
  return tx->commit();
}

Database& Store::database() { return impl_->db; }

std::filesystem::path Store::data_folder() const {
  return impl_->path.has_parent_path() ? impl_->path.parent_path() : std::filesystem::path(".");
}

Result<void> Store::record(const std::string& actor, const std::string& action,
                           const std::string& dossier, const std::string& details) {
  IPT_TRY(tx, Transaction::begin(impl_->db));
  if (auto r = append_audit(*tx, impl_->now(), actor, action, dossier, details); !r) return r;
  return tx->commit();
}

Result<void> append_audit_in_transaction(Transaction& tx, std::chrono::system_clock::time_point at, const std::string& actor,
                                         const std::string& action, const std::string& dossier, const std::string& details) {
  return append_audit(tx, core::utc_millis(at), actor, action, dossier, details);
}

}  // namespace ipt::core
