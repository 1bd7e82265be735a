#pragma once
// A minimal SQLite layer for the outbox: prepared statements with text, integer and BLOB
// columns (attachments are BLOBs), and a transaction that rolls back unless committed.
// core has a similar private wrapper without BLOBs; once it is public and has them, this
// file can go.
#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "ipt/core/result.hpp"

namespace ipt::mail::detail {

struct DatabaseClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Database = std::unique_ptr<sqlite3, DatabaseClose>;

class Query {
 public:
  static core::Result<Query> prepare(sqlite3* db, std::string_view sql);

  Query& text(int index, std::string_view value);
  Query& integer(int index, long long value);
  Query& blob(int index, std::string_view bytes);
  core::Result<bool> step();  // true: a row; false: done
  core::Result<void> run();

  std::string text(int column) const;  // also reads BLOBs, byte for byte
  long long integer(int column) const;

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  Query(sqlite3* db, sqlite3_stmt* s) : db_(db), stmt_(s) {}
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

core::Result<void> execute(sqlite3* db, const char* sql);

class Transaction {
 public:
  // BEGIN IMMEDIATE: the write lock at once, so two workers never claim the same message.
  static core::Result<Transaction> begin(sqlite3* db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  core::Result<void> commit();

 private:
  explicit Transaction(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

}  // namespace ipt::mail::detail
