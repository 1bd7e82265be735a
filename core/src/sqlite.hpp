#pragma once
// A thin RAII layer over SQLite's C API (private to core): handles in unique_ptr, errors
// as Result values carrying SQLite's message, transactions that roll back unless committed.
#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "ipt/core/result.hpp"

namespace ipt::core::detail {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Database = std::unique_ptr<sqlite3, SqliteCloser>;

class Statement {
 public:
  static Result<Statement> prepare(sqlite3* db, std::string_view sql);

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, long long value);
  // SQLITE_ROW: true; SQLITE_DONE: false; anything else: an error.
  Result<bool> step();
  Result<void> run();  // steps to completion

  std::string text(int column) const;
  long long integer(int column) const;

 private:
  explicit Statement(sqlite3* db, sqlite3_stmt* s) : db_(db), stmt_(s) {}
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> stmt_;
};

Result<void> execute(sqlite3* db, const char* sql);

// BEGIN IMMEDIATE on construction (the write lock is taken at once, so two processes never
// both read the audit head and append), ROLLBACK on destruction unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(sqlite3* db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<void> commit();

 private:
  explicit Transaction(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

}  // namespace ipt::core::detail
