#pragma once
// The project's one SQLite layer. Every library that keeps state in the application's
// database (the store, the outbox, the portal's sessions) goes through it, so that a change
// made by one library and the audit entry made by another commit in one transaction.
//
//   IPT_TRY(db, core::Database::open(path));           // folder 0700, file 0600, WAL
//   IPT_TRY(tx, core::Transaction::begin(*db));         // BEGIN IMMEDIATE
//   IPT_TRY(q, core::Statement::prepare(*tx, "INSERT INTO t VALUES (?, ?)"));
//   q->bind(1, "texte").bind(2, 42LL);
//   IPT_TRY_VOID(q->run());
//   IPT_TRY_VOID(tx->commit());                         // else ROLLBACK when tx goes away
//
// A function that must run inside its caller's transaction takes a `Transaction&`: holding
// one is the proof that the transaction is open. SQLite itself stays private to core.
//
// Each component's tables are versioned in one table, schema_version(component, version),
// and brought up to date by migrate(): a database written by a later version of ipt is
// refused rather than misread.
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "ipt/core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace ipt::core {

struct WriteGate;  // one per database file and process (database.cpp)

class Database {
 public:
  // Opens the database, creating it when absent (its folder 0700, the file 0600: it holds
  // pupils' data), in WAL mode with synchronous=FULL (what is committed is on disk) and
  // foreign keys on. Waits up to 5 s for another writer's lock: in one process, writers queue
  // on a gate and are let through one after another as soon as the lock is free; between
  // processes, SQLite's busy handler retries.
  static Result<Database> open(const std::filesystem::path& path);
  ~Database();
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;

  const std::filesystem::path& path() const { return path_; }
  // Runs one or more statements that return no rows (schema, pragmas).
  Result<void> execute(std::string_view sql);
  long long last_insert_id() const;
  int changes() const;  // rows changed by the last statement

 private:
  friend class Statement;
  friend class Transaction;
  Database(sqlite3* handle, std::filesystem::path path);
  sqlite3* handle_ = nullptr;
  std::filesystem::path path_;
  WriteGate* gate_ = nullptr;  // shared by the process's connections to this file, never freed
};

// BEGIN IMMEDIATE on begin (the write lock at once, so two processes never both read a
// state and then both change it), ROLLBACK on destruction unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  // BEGIN DEFERRED: a read transaction, whose statements all see one snapshot of the
  // database (in WAL mode, writers go on meanwhile). For reads that must agree with each other.
  static Result<Transaction> begin_read(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_), gated_(other.gated_) {
    other.db_ = nullptr;
    other.gated_ = false;
  }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();
  Result<void> commit();
  Database& database() const { return *db_; }

 private:
  Transaction(Database& db, bool gated) : db_(&db), gated_(gated) {}
  void release();
  Database* db_;
  bool gated_;  // holds db_->gate_
};

class Statement {
 public:
  static Result<Statement> prepare(const Database& db, std::string_view sql);
  static Result<Statement> prepare(const Transaction& tx, std::string_view sql) { return prepare(tx.database(), sql); }
  ~Statement();
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;

  // Parameters are numbered from 1; text and blobs are copied.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, long long value);
  Statement& bind_blob(int index, std::string_view bytes);
  // A row: true; done: false; anything else: an error with SQLite's message.
  Result<bool> step();
  Result<void> run();  // steps to completion

  // Columns are numbered from 0. text() reads a BLOB byte for byte too.
  std::string text(int column) const;
  long long integer(int column) const;

 private:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// One step of a component's schema: the SQL that takes it from version - 1 to `version`.
struct Migration {
  int version;
  const char* sql;
};

// Brings `component`'s tables to the last of `steps` (in increasing version order) inside
// `tx`, recording the version reached. Fails, changing nothing, when the database already
// holds a later version than `steps` knows.
Result<void> migrate(Transaction& tx, std::string_view component, std::span<const Migration> steps);

// migrate() in a transaction of its own, begun only when `component` is not at the last of
// `steps` already: opening a connection to an up-to-date database takes no write lock.
Result<void> ensure_schema(Database& db, std::string_view component, std::span<const Migration> steps);

// The version of `component` recorded in the database (0 when it has none).
Result<int> schema_version(const Database& db, std::string_view component);

}  // namespace ipt::core
