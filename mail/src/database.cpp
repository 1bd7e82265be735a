#include "database.hpp"

namespace ipt::mail::detail {

namespace {

core::Error sqlite_error(sqlite3* db, std::string_view what) {
  return core::Error{"base de données (file d’envoi) : " + std::string(what) + " : " + sqlite3_errmsg(db)};
}

}  // namespace

core::Result<Query> Query::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    return std::unexpected(sqlite_error(db, "préparation de requête"));
  }
  return Query(db, stmt);
}

Query& Query::text(int index, std::string_view value) {
  sqlite3_bind_text(stmt_.get(), index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Query& Query::integer(int index, long long value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

Query& Query::blob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  return *this;
}

core::Result<bool> Query::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(sqlite_error(db_, "exécution de requête"));
}

core::Result<void> Query::run() {
  for (;;) {
    auto more = step();
    if (!more) return std::unexpected(more.error());
    if (!*more) return {};
  }
}

std::string Query::text(int column) const {
  const void* p = sqlite3_column_blob(stmt_.get(), column);
  const int n = sqlite3_column_bytes(stmt_.get(), column);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

long long Query::integer(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

core::Result<void> execute(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    return core::fail("base de données (file d’envoi) : " + text);
  }
  return {};
}

core::Result<Transaction> Transaction::begin(sqlite3* db) {
  if (auto r = execute(db, "BEGIN IMMEDIATE"); !r) return std::unexpected(r.error());
  return Transaction(db);
}

Transaction::~Transaction() {
  if (db_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

core::Result<void> Transaction::commit() {
  auto r = execute(db_, "COMMIT");
  if (r) db_ = nullptr;
  return r;
}

}  // namespace ipt::mail::detail
