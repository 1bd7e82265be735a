#include "ipt/core/database.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace ipt::core {

namespace {

Error sqlite_error(sqlite3* db, std::string_view what) {
  return Error{"base de données : " + std::string(what) + " : " + sqlite3_errmsg(db)};
}

Result<void> exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    return fail("base de données : " + text);
  }
  return {};
}

constexpr const char* version_table_sql =
    "CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)";

}  // namespace

// Writers of one process wait here, not in SQLite's busy handler: that handler sleeps and
// retries in growing steps (up to 100 ms), so a waiting writer often sleeps past the moment
// the lock is free while later ones go through. A mutex hands the lock over on release. With
// 50 signatories at once (bench/portal_bench.cpp), the slowest page took 455–658 ms without
// the gate and 146–192 ms with it.
struct WriteGate {
  std::timed_mutex mutex;
};

namespace {

constexpr auto write_wait = std::chrono::seconds(5);

WriteGate* gate_for(const std::filesystem::path& path) {
  static std::mutex registry_mutex;
  static std::map<std::string, std::unique_ptr<WriteGate>> gates;
  std::error_code ec;
  const auto canonical = std::filesystem::weakly_canonical(path, ec);
  std::lock_guard lock(registry_mutex);
  auto& gate = gates[(ec ? path : canonical).string()];
  if (!gate) gate = std::make_unique<WriteGate>();
  return gate.get();
}

}  // namespace

Database::Database(sqlite3* handle, std::filesystem::path path) : handle_(handle), path_(std::move(path)), gate_(gate_for(path_)) {}

Result<Database> Database::open(const std::filesystem::path& path) {
  const auto where = "base de données " + path.string();
  std::error_code ec;
  if (path.has_parent_path() && !std::filesystem::exists(path.parent_path(), ec)) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return fail(where + " : création du dossier impossible (" + ec.message() + ")");
    std::filesystem::permissions(path.parent_path(), std::filesystem::perms::owner_all, ec);
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Database db(raw, path);
  if (rc != SQLITE_OK) {
    return fail(where + " : ouverture impossible (" + (raw ? sqlite3_errmsg(raw) : "mémoire") + ")");
  }
  // Owner only: the database holds pupils' personal data and the signed documents queued
  // for sending. SQLite gives its -wal and -shm files the database file's permissions.
  ::chmod(path.c_str(), S_IRUSR | S_IWUSR);
  sqlite3_busy_timeout(raw, 5000);
  // WAL is a property of the file: set once. Setting it while another connection sets it or
  // writes fails at once with "database is locked" (the busy handler does not cover that
  // change): two processes creating the same database (a batch's workers) take turns, for up
  // to the busy timeout.
  for (int attempt = 0;; ++attempt) {
    sqlite3_stmt* mode = nullptr;
    bool wal = false;
    if (sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &mode, nullptr) == SQLITE_OK && sqlite3_step(mode) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(mode, 0);
      wal = text && std::string_view(reinterpret_cast<const char*>(text)) == "wal";
    }
    sqlite3_finalize(mode);
    if (wal) break;
    auto r = db.execute("PRAGMA journal_mode=WAL");
    if (r) break;
    if (attempt >= 100) return std::unexpected(r.error().with_context(where));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (const char* pragma : {"PRAGMA foreign_keys=ON", "PRAGMA synchronous=FULL"}) {
    if (auto r = db.execute(pragma); !r) return std::unexpected(r.error().with_context(where));
  }
  return db;
}

Database::~Database() {
  if (handle_) sqlite3_close_v2(handle_);
}

Database::Database(Database&& other) noexcept : handle_(other.handle_), path_(std::move(other.path_)), gate_(other.gate_) {
  other.handle_ = nullptr;
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    if (handle_) sqlite3_close_v2(handle_);
    handle_ = other.handle_;
    path_ = std::move(other.path_);
    gate_ = other.gate_;
    other.handle_ = nullptr;
  }
  return *this;
}

Result<void> Database::execute(std::string_view sql) { return exec(handle_, std::string(sql)); }

long long Database::last_insert_id() const { return sqlite3_last_insert_rowid(handle_); }

int Database::changes() const { return sqlite3_changes(handle_); }

Result<Transaction> Transaction::begin(Database& db) {
  if (!db.gate_->mutex.try_lock_for(write_wait)) {
    // Like SQLITE_BUSY: may pass later (HTTP 503 in the portal).
    return fail(Category::external_service, "base de données " + db.path_.string() + " occupée : aucune écriture possible depuis 5 s");
  }
  Transaction tx(db, true);  // releases the gate should BEGIN fail
  IPT_TRY_VOID(db.execute("BEGIN IMMEDIATE"));
  return tx;
}

Result<Transaction> Transaction::begin_read(Database& db) {
  IPT_TRY_VOID(db.execute("BEGIN DEFERRED"));
  return Transaction(db, false);
}

void Transaction::release() {
  if (gated_) db_->gate_->mutex.unlock();
  gated_ = false;
  db_ = nullptr;
}

Transaction::~Transaction() {
  if (!db_) return;
  sqlite3_exec(db_->handle_, "ROLLBACK", nullptr, nullptr, nullptr);
  release();
}

Result<void> Transaction::commit() {
  auto r = db_->execute("COMMIT");
  if (r) release();
  return r;
}

Result<Statement> Statement::prepare(const Database& db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db.handle_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    return std::unexpected(sqlite_error(db.handle_, "préparation de requête"));
  }
  return Statement(db.handle_, stmt);
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::string_view text) {
  // A default-constructed view has no data: bind an empty text, never NULL.
  sqlite3_bind_text(stmt_, index, text.data() ? text.data() : "", static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, long long value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data() ? bytes.data() : "", bytes.size(), SQLITE_TRANSIENT);
  return *this;
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(sqlite_error(db_, "exécution de requête"));
}

Result<void> Statement::run() {
  for (;;) {
    IPT_TRY(more, step());
    if (!*more) return {};
  }
}

std::string Statement::text(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

long long Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

Result<int> schema_version(const Database& db, std::string_view component) {
  IPT_TRY(exists, Statement::prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"));
  IPT_TRY(found, exists->step());
  if (!*found) return 0;
  IPT_TRY(q, Statement::prepare(db, "SELECT version FROM schema_version WHERE component = ?"));
  q->bind(1, component);
  IPT_TRY(row, q->step());
  return *row ? static_cast<int>(q->integer(0)) : 0;
}

Result<void> ensure_schema(Database& db, std::string_view component, std::span<const Migration> steps) {
  IPT_TRY(current, schema_version(db, component));
  if (!steps.empty() && *current == steps.back().version) return {};
  IPT_TRY(tx, Transaction::begin(db));
  IPT_TRY_VOID(migrate(*tx, component, steps));
  return tx->commit();
}

Result<void> migrate(Transaction& tx, std::string_view component, std::span<const Migration> steps) {
  Database& db = tx.database();
  IPT_TRY_VOID(db.execute(version_table_sql));
  IPT_TRY(current, schema_version(db, component));
  const int known = steps.empty() ? 0 : steps.back().version;
  if (*current > known) {
    return fail(Category::refused, "base de données " + db.path().string() + " : tables « " + std::string(component) +
                                       " » en version " + std::to_string(*current) +
                                       ", inconnue de cette version d’ipt (elle connaît la version " +
                                       std::to_string(known) + ")");
  }
  for (const auto& step : steps) {
    if (step.version <= *current) continue;
    if (auto r = db.execute(step.sql); !r) {
      return std::unexpected(r.error().with_context("migration des tables « " + std::string(component) +
                                                    " » vers la version " + std::to_string(step.version)));
    }
  }
  if (known != *current) {
    IPT_TRY(record, Statement::prepare(tx, "INSERT INTO schema_version VALUES (?, ?) "
                                           "ON CONFLICT(component) DO UPDATE SET version = excluded.version"));
    record->bind(1, component).bind(2, static_cast<long long>(known));
    IPT_TRY_VOID(record->run());
  }
  return {};
}

}  // namespace ipt::core
