#include "ipt/pipeline/batch_journal.hpp"

#include <chrono>

#include "ipt/core/database.hpp"
#include "ipt/core/files.hpp"

namespace ipt::pipeline {

namespace {

using core::Statement;
using core::Transaction;

constexpr const char* schema_v1_sql = R"sql(
CREATE TABLE batch_run (
  id INTEGER PRIMARY KEY,
  step TEXT NOT NULL,
  selection TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX batch_run_open ON batch_run(step, selection) WHERE finished_at IS NULL;
CREATE TABLE batch_item (
  run INTEGER NOT NULL REFERENCES batch_run(id),
  item TEXT NOT NULL,
  status TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (run, item)
);
)sql";
constexpr core::Migration batch_migrations[] = {{1, schema_v1_sql}};

std::string now() { return core::utc_millis(std::chrono::system_clock::now()); }

}  // namespace

struct BatchJournal::Impl {
  core::Database db;
  long long run = 0;
  bool resumed = false;
  std::string started_at;
  std::set<std::string> finished;
};

BatchJournal::BatchJournal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BatchJournal::~BatchJournal() = default;
BatchJournal::BatchJournal(BatchJournal&&) noexcept = default;
BatchJournal& BatchJournal::operator=(BatchJournal&&) noexcept = default;

core::Result<BatchJournal> BatchJournal::open(const std::filesystem::path& database, const std::string& step,
                                              const std::string& selection) {
  const std::string where = database.string() + " (journal des lots)";
  auto db = core::Database::open(database);
  if (!db) return std::unexpected(db.error().with_context(where));
  if (auto r = core::ensure_schema(*db, "batch", batch_migrations); !r) return std::unexpected(r.error().with_context(where));
  auto impl = std::make_unique<Impl>(Impl{std::move(*db), 0, false, {}, {}});
  IPT_TRY(tx, Transaction::begin(impl->db));
  {
    IPT_TRY(q, Statement::prepare(*tx, "SELECT id, started_at FROM batch_run WHERE step = ? AND selection = ? AND finished_at IS NULL "
                                       "ORDER BY id DESC LIMIT 1"));
    q->bind(1, step).bind(2, selection);
    IPT_TRY(row, q->step());
    if (*row) {
      impl->run = q->integer(0);
      impl->started_at = q->text(1);
      impl->resumed = true;
    }
  }
  if (impl->resumed) {
    IPT_TRY(q, Statement::prepare(*tx, "SELECT item FROM batch_item WHERE run = ? AND status != 'echec'"));
    q->bind(1, impl->run);
    for (;;) {
      IPT_TRY(row, q->step());
      if (!*row) break;
      impl->finished.insert(q->text(0));
    }
  } else {
    impl->started_at = now();
    IPT_TRY(q, Statement::prepare(*tx, "INSERT INTO batch_run (step, selection, started_at) VALUES (?, ?, ?)"));
    q->bind(1, step).bind(2, selection).bind(3, impl->started_at);
    IPT_TRY_VOID(q->run());
    impl->run = impl->db.last_insert_id();
  }
  IPT_TRY_VOID(tx->commit());
  return BatchJournal(std::move(impl));
}

long long BatchJournal::run() const { return impl_->run; }
bool BatchJournal::resumed() const { return impl_->resumed; }
const std::string& BatchJournal::started_at() const { return impl_->started_at; }
const std::set<std::string>& BatchJournal::finished() const { return impl_->finished; }

core::Result<void> BatchJournal::record(const ItemOutcome& outcome) {
  IPT_TRY(tx, Transaction::begin(impl_->db));
  IPT_TRY(q, Statement::prepare(*tx, "INSERT OR REPLACE INTO batch_item (run, item, status, at) VALUES (?, ?, ?, ?)"));
  q->bind(1, impl_->run).bind(2, outcome.item).bind(3, code(outcome.status)).bind(4, now());
  IPT_TRY_VOID(q->run());
  IPT_TRY_VOID(tx->commit());
  if (outcome.status != ItemStatus::failed) impl_->finished.insert(outcome.item);
  return {};
}

core::Result<void> BatchJournal::close() {
  IPT_TRY(tx, Transaction::begin(impl_->db));
  IPT_TRY(q, Statement::prepare(*tx, "UPDATE batch_run SET finished_at = ? WHERE id = ?"));
  q->bind(1, now()).bind(2, impl_->run);
  IPT_TRY_VOID(q->run());
  return tx->commit();
}

}  // namespace ipt::pipeline
