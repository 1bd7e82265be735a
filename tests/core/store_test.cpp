#include "ipt/core/store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "ipt/core/dossier_reader.hpp"
#include "support/dossier_xml.hpp"
#include "support/temp_dir.hpp"

namespace ipt::core {
namespace {

using test::DossierXml;

Clock fixed_clock() {
  return [] { return std::chrono::system_clock::time_point(std::chrono::seconds(1795000000)); };
}

struct Imported {
  Dossier dossier;
  std::string xml;
};

Imported example(const std::string& name) { return {test::example_dossier(name), test::example_text(name)}; }

// Tampering as someone with the file would: bypassing the tool and its triggers.
void tamper(const std::filesystem::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const std::string all = "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TRIGGER audit_head_forward; " + sql;
  ASSERT_EQ(sqlite3_exec(db, all.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_close(db);
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::open(db_path(), fixed_clock());
    ASSERT_TRUE(store) << store.error().message;
    store_.emplace(*std::move(store));
    for (const char* name : {"a-premiere-ipt-apres-30-09", "b1-changement-de-pole", "c-fin-integration"}) {
      const auto e = example(name);
      ASSERT_TRUE(store_->import_dossier(e.dossier, e.xml, "coordinatrice"));
    }
  }
  std::filesystem::path db_path() const { return dir_ / "etat" / "ipt.sqlite"; }

  // Closes the store, tampers with the file, reopens it and verifies the trail.
  AuditVerdict verdict_after(const std::string& sql) {
    store_.reset();
    tamper(db_path(), sql);
    auto store = Store::open(db_path());
    if (!store) throw std::runtime_error(store.error().message);
    auto verdict = store->verify_audit();
    if (!verdict) throw std::runtime_error(verdict.error().message);
    return *verdict;
  }

  test::TempDir dir_;
  std::optional<Store> store_;
};

TEST_F(StoreTest, CreatesAnOwnerOnlyDatabase) {
  struct stat st {};
  ASSERT_EQ(::stat(db_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(db_path().parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(StoreTest, KeepsEveryVersionAndSkipsIdenticalImports) {
  const auto e = example("a-premiere-ipt-apres-30-09");
  auto again = store_->import_dossier(e.dossier, e.xml, "coordinatrice");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->unchanged);
  EXPECT_EQ(again->version, 1);

  const auto changed_xml = DossierXml("a-premiere-ipt-apres-30-09").set_text("protocole/transport", "Bus scolaire.").str();
  const auto changed = parse_dossier(changed_xml, "x.xml");
  ASSERT_TRUE(changed);
  auto v2 = store_->import_dossier(*changed, changed_xml, "coordinatrice");
  ASSERT_TRUE(v2);
  EXPECT_FALSE(v2->created);
  EXPECT_EQ(v2->version, 2);

  const auto latest = store_->find_dossier("PT-LIEGE-2026-0007");
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->version, 2);
  EXPECT_EQ((*latest)->xml, changed_xml);
  EXPECT_EQ((*latest)->sha256, sha256_hex(changed_xml));
  const auto list = store_->list_dossiers();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].reference, "PT-LIEGE-2026-0002");
  EXPECT_EQ((*list)[1].versions, 2);
  const auto missing = store_->find_dossier("PT-INCONNU");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_F(StoreTest, AuditTrailRecordsEachChangeWithoutPersonalData) {
  const auto entries = store_->audit_entries();
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 3u);
  const auto& first = (*entries)[0];
  EXPECT_EQ(first.seq, 1);
  EXPECT_EQ(first.actor, "coordinatrice");
  EXPECT_EQ(first.action, "dossier.import");
  EXPECT_EQ(first.dossier, "PT-LIEGE-2026-0007");
  EXPECT_EQ(first.at, "2026-11-18T11:06:40.000Z");
  EXPECT_EQ(first.prev_hash, std::string(64, '0'));
  EXPECT_EQ((*entries)[1].prev_hash, first.hash);
  for (const auto& e : *entries) {
    EXPECT_EQ(e.details.find("Dubœuf"), std::string::npos);
    EXPECT_EQ(e.details.find("Léa"), std::string::npos);
  }
  const auto verdict = store_->verify_audit();
  ASSERT_TRUE(verdict);
  EXPECT_TRUE(verdict->intact);
  EXPECT_EQ(verdict->entries, 3);
}

TEST_F(StoreTest, TheToolCannotRewriteTheTrail) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit SET actor = 'x' WHERE seq = 1", nullptr, nullptr, &error), SQLITE_OK);
  EXPECT_NE(std::string(error ? error : "").find("ajout seul"), std::string::npos);
  sqlite3_free(error);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit WHERE seq = 3", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(StoreTest, VerifyCatchesAnEditedEntry) {
  const auto verdict = verdict_after("UPDATE audit SET details = 'version 9' WHERE seq = 2;");
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.first_broken_seq, 2);
  EXPECT_NE(verdict.problem.find("entrée n° 2 modifiée"), std::string::npos) << verdict.problem;
}

TEST_F(StoreTest, VerifyCatchesADeletedEntry) {
  const auto verdict = verdict_after("DELETE FROM audit WHERE seq = 2;");
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.first_broken_seq, 2);
  EXPECT_NE(verdict.problem.find("entrée n° 2 supprimée"), std::string::npos) << verdict.problem;
}

TEST_F(StoreTest, VerifyCatchesEntriesCutFromTheEnd) {
  const auto verdict = verdict_after("DELETE FROM audit WHERE seq = 3;");
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.first_broken_seq, 3);
  EXPECT_NE(verdict.problem.find("fin de journal"), std::string::npos) << verdict.problem;
}

TEST_F(StoreTest, VerifyCatchesARecomputedButRelinkedEntry) {
  // Changing an entry and its own hash still breaks the next entry's link.
  const auto verdict = verdict_after("UPDATE audit SET details = 'x', hash = 'abc' WHERE seq = 1;");
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.first_broken_seq, 1);
}

TEST(Store, ReportsAnUnusablePath) {
  test::TempDir dir;
  std::filesystem::create_directory(dir / "pas-un-fichier.sqlite");
  const auto store = Store::open(dir / "pas-un-fichier.sqlite");
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("pas-un-fichier.sqlite"), std::string::npos) << store.error().message;
}

TEST(Store, RefusesTablesOfALaterVersion) {
  test::TempDir dir;
  const auto path = dir / "x.sqlite";
  ASSERT_TRUE(Store::open(path));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 42 WHERE component = 'store'", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  const auto store = Store::open(path);
  ASSERT_FALSE(store);
  EXPECT_TRUE(store.error().is(Category::refused));
  EXPECT_NE(store.error().message.find("« store » en version 42"), std::string::npos) << store.error().message;
}

// A database from before schema_version (the store's version in SQLite's user_version only)
// opens with its dossiers and audit trail, and is recorded as the store's version 1.
TEST(Store, OpensADatabaseFromBeforeSchemaVersions) {
  test::TempDir dir;
  const auto path = dir / "x.sqlite";
  {
    auto store = Store::open(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->record("test", "essai", "PT-1", "avant"));
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE schema_version; PRAGMA user_version = 1", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = Store::open(path);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(store->audit_entries()->size(), 1u);
  EXPECT_TRUE(store->verify_audit()->intact);
  auto reopened = Database::open(path);
  EXPECT_EQ(*schema_version(*reopened, "store"), 1);
}

}  // namespace
}  // namespace ipt::core
