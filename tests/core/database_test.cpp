// The project's SQLite layer: transactions that roll back unless committed, BLOBs kept byte
// for byte, and per-component schema versions brought forward in order.
#include "ipt/core/database.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/temp_dir.hpp"

namespace ipt::core {
namespace {

Result<std::vector<std::string>> column(const Database& db, const char* sql) {
  IPT_TRY(q, Statement::prepare(db, sql));
  std::vector<std::string> out;
  for (;;) {
    IPT_TRY(row, q->step());
    if (!*row) return out;
    out.push_back(q->text(0));
  }
}

TEST(Database, CreatesItsFolderAndFileForTheOwnerOnly) {
  test::TempDir dir;
  const auto path = dir / "sous-dossier" / "ipt.sqlite";
  ASSERT_TRUE(Database::open(path));
  EXPECT_EQ(std::filesystem::status(path).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(std::filesystem::status(path.parent_path()).permissions(), std::filesystem::perms::owner_all);
}

TEST(Database, ATransactionRollsBackUnlessCommitted) {
  test::TempDir dir;
  auto db = Database::open(dir / "t.sqlite");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->execute("CREATE TABLE t (v TEXT)"));
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx);
    auto q = Statement::prepare(*tx, "INSERT INTO t VALUES (?)");
    ASSERT_TRUE(q);
    ASSERT_TRUE(q->bind(1, "abandonné").run());
  }
  {
    auto tx = Transaction::begin(*db);
    auto q = Statement::prepare(*tx, "INSERT INTO t VALUES (?)");
    ASSERT_TRUE(q->bind(1, "gardé").run());
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_EQ(*column(*db, "SELECT v FROM t"), std::vector<std::string>{"gardé"});
}

// Many connections of one process writing at once (the portal: one per request) each get the
// lock in turn, none fails on "database is locked", and a rolled-back or failed transaction
// lets the next one through.
TEST(Database, WritersOfOneProcessTakeTurns) {
  test::TempDir dir;
  const auto path = dir / "t.sqlite";
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->execute("CREATE TABLE t (n INTEGER)"));
  }
  constexpr int writers = 16, rows = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&] {
      auto db = Database::open(path);
      if (!db) return void(++failures);
      for (int i = 0; i < rows; ++i) {
        auto tx = Transaction::begin(*db);
        if (!tx) return void(++failures);
        // Read, then write what was read: two writers inside at once would lose a row.
        auto count = Statement::prepare(*tx, "SELECT count(*) FROM t");
        if (!count || !count->step()) return void(++failures);
        const long long seen = count->integer(0);
        auto insert = Statement::prepare(*tx, "INSERT INTO t VALUES (?)");
        if (!insert || !insert->bind(1, seen).run()) return void(++failures);
        if (i % 5 == 4) continue;  // rolled back when tx goes away
        if (!tx->commit()) return void(++failures);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto db = Database::open(path);
  const auto numbers = column(*db, "SELECT n FROM t ORDER BY n");
  ASSERT_TRUE(numbers);
  constexpr int committed = writers * (rows - rows / 5);
  ASSERT_EQ(numbers->size(), static_cast<size_t>(committed));
  for (int i = 0; i < committed; ++i) EXPECT_EQ((*numbers)[static_cast<size_t>(i)], std::to_string(i));
}

TEST(Database, KeepsBlobsByteForByte) {
  test::TempDir dir;
  auto db = Database::open(dir / "t.sqlite");
  ASSERT_TRUE(db->execute("CREATE TABLE b (bytes BLOB)"));
  const std::string bytes("%PDF\0\xff\n\0fin", 11);
  auto insert = Statement::prepare(*db, "INSERT INTO b VALUES (?)");
  ASSERT_TRUE(insert->bind_blob(1, bytes).run());
  auto read = Statement::prepare(*db, "SELECT bytes FROM b");
  ASSERT_TRUE(*read->step());
  EXPECT_EQ(read->text(0), bytes);
}

TEST(Database, AnSqlErrorCarriesSqlitesReason) {
  test::TempDir dir;
  auto db = Database::open(dir / "t.sqlite");
  const auto q = Statement::prepare(*db, "SELECT * FROM absente");
  ASSERT_FALSE(q);
  EXPECT_NE(q.error().message.find("no such table: absente"), std::string::npos) << q.error().message;
}

constexpr Migration steps[] = {
    {1, "CREATE TABLE a (x TEXT)"},
    {2, "ALTER TABLE a ADD COLUMN y TEXT; CREATE TABLE b (z TEXT)"},
};

TEST(Migrate, TakesEachComponentFromItsVersionToTheLast) {
  test::TempDir dir;
  auto db = Database::open(dir / "t.sqlite");
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(migrate(*tx, "essai", std::span(steps).first(1)));
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_EQ(*schema_version(*db, "essai"), 1);
  EXPECT_EQ(*schema_version(*db, "autre"), 0);
  for (int run = 0; run < 2; ++run) {  // the second run finds nothing to do
    auto tx = Transaction::begin(*db);
    auto r = migrate(*tx, "essai", steps);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_EQ(*schema_version(*db, "essai"), 2);
  EXPECT_TRUE(db->execute("INSERT INTO a (x, y) VALUES ('1', '2'); INSERT INTO b VALUES ('3')"));
}

TEST(Migrate, RefusesALaterVersionAndChangesNothing) {
  test::TempDir dir;
  auto db = Database::open(dir / "t.sqlite");
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(migrate(*tx, "essai", steps));
    ASSERT_TRUE(tx->commit());
  }
  auto tx = Transaction::begin(*db);
  const auto r = migrate(*tx, "essai", std::span(steps).first(1));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is(Category::refused));
  EXPECT_NE(r.error().message.find("« essai » en version 2"), std::string::npos) << r.error().message;
}

// An up-to-date component takes no write lock: another connection's open write transaction
// does not stop it (it would fail with "database is locked" after the busy timeout).
TEST(EnsureSchema, TakesNoWriteLockWhenTheTablesAreCurrent) {
  test::TempDir dir;
  auto writer = Database::open(dir / "t.sqlite");
  ASSERT_TRUE(ensure_schema(*writer, "essai", steps));
  EXPECT_EQ(*schema_version(*writer, "essai"), 2);
  auto reader = Database::open(dir / "t.sqlite");
  auto busy = Transaction::begin(*writer);
  ASSERT_TRUE(busy);
  auto r = ensure_schema(*reader, "essai", steps);
  ASSERT_TRUE(r) << r.error().message;
  // A component not yet there needs the lock: it waits, then says so.
  auto blocked = ensure_schema(*reader, "autre", std::span(steps).first(1));
  EXPECT_FALSE(blocked);
}

}  // namespace
}  // namespace ipt::core
