#include "ipt/mail/outbox.hpp"
#include "ipt/core/files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <sstream>

#include "ipt/core/database.hpp"

namespace ipt::mail {

using core::Database;
using core::Migration;
using core::Statement;
using core::Transaction;

namespace {

// Version 1 says IF NOT EXISTS: databases from before schema_version have these tables.
constexpr const char* schema_v1_sql = R"sql(
CREATE TABLE IF NOT EXISTS outbox_message (
  id              INTEGER PRIMARY KEY,
  message_id      TEXT NOT NULL UNIQUE,
  dossier         TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_reply      TEXT NOT NULL DEFAULT '',
  sender          TEXT NOT NULL,
  recipients_to   TEXT NOT NULL,
  recipients_cc   TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,
  date            INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox_message(status, next_attempt_at);
CREATE TABLE IF NOT EXISTS outbox_attachment (
  message      INTEGER NOT NULL REFERENCES outbox_message(id),
  n            INTEGER NOT NULL,
  file_name    TEXT NOT NULL,
  content_type TEXT NOT NULL,
  bytes        BLOB NOT NULL,
  PRIMARY KEY (message, n)
);
CREATE TABLE IF NOT EXISTS outbox_attempt (
  message     INTEGER NOT NULL REFERENCES outbox_message(id),
  n           INTEGER NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  outcome     TEXT NOT NULL,
  reply       TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (message, n)
);
)sql";

// Version 2: a message whose body holds a secret has it erased once sent.
constexpr const char* schema_v2_sql = "ALTER TABLE outbox_message ADD COLUMN secret_body INTEGER NOT NULL DEFAULT 0";
constexpr Migration outbox_migrations[] = {{1, schema_v1_sql}, {2, schema_v2_sql}};
constexpr const char* erased_body = "[contenu effacé après l’envoi : il contenait un lien ou un code personnel]";

long long unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::chrono::system_clock::time_point from_unix(long long s) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(s));
}

// Addresses are stored one a line as "email<TAB>name"; validate() guarantees that neither
// part holds a line break and that the email holds no tab.
std::string encode_addresses(const std::vector<Address>& list) {
  std::string out;
  for (const auto& a : list) out += a.email + "\t" + a.display_name + "\n";
  return out;
}

std::vector<Address> decode_addresses(const std::string& text) {
  std::vector<Address> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const auto tab = line.find('\t');
    out.push_back(tab == std::string::npos ? Address{line, ""} : Address{line.substr(0, tab), line.substr(tab + 1)});
  }
  return out;
}

OutboxStatus parse_status(const std::string& s) {
  if (s == "queued") return OutboxStatus::queued;
  if (s == "sending") return OutboxStatus::sending;
  if (s == "sent") return OutboxStatus::sent;
  if (s == "failed") return OutboxStatus::failed;
  return OutboxStatus::unknown;
}

// Releases the worker lock when the pass ends; the kernel releases it if the process dies.
class WorkerLock {
 public:
  explicit WorkerLock(int fd) : fd_(fd) {}
  ~WorkerLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  WorkerLock(WorkerLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  WorkerLock(const WorkerLock&) = delete;
  WorkerLock& operator=(const WorkerLock&) = delete;
  WorkerLock& operator=(WorkerLock&&) = delete;

  static Result<WorkerLock> take(const std::filesystem::path& database) {
    const std::string path = database.string() + ".outbox-lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) return core::fail(path + " : ouverture du verrou impossible (" + std::strerror(errno) + ")");
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return core::fail("un autre envoi de la file est déjà en cours (verrou " + path + ")");
    }
    return WorkerLock(fd);
  }

 private:
  int fd_;
};

}  // namespace

std::string_view to_string(OutboxStatus status) {
  switch (status) {
    case OutboxStatus::queued: return "queued";
    case OutboxStatus::sending: return "sending";
    case OutboxStatus::sent: return "sent";
    case OutboxStatus::failed: return "failed";
    case OutboxStatus::unknown: break;
  }
  return "unknown";
}

std::string_view label_fr(OutboxStatus status) {
  switch (status) {
    case OutboxStatus::queued: return "en attente";
    case OutboxStatus::sending: return "en cours d’envoi";
    case OutboxStatus::sent: return "envoyé";
    case OutboxStatus::failed: return "échec définitif";
    case OutboxStatus::unknown: break;
  }
  return "inconnu";
}

Result<void> create_outbox_schema(Transaction& tx) { return core::migrate(tx, "outbox", outbox_migrations); }

Result<QueuedMessage> enqueue(Transaction& db, MailMessage message, const std::string& dossier,
                              std::chrono::system_clock::time_point now) {
  assign_identity(message, now);
  if (auto valid = validate(message); !valid) {
    return std::unexpected(valid.error().with_context("file d’envoi, dossier " + dossier));
  }
  IPT_TRY_VOID(create_outbox_schema(db));
  IPT_TRY(insert, Statement::prepare(db,
      "INSERT INTO outbox_message (message_id, dossier, created_at, status, attempts, next_attempt_at, sender,"
      " recipients_to, recipients_cc, subject, body, date, secret_body) VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?, ?, ?, ?)"));
  insert->bind(1, message.message_id).bind(2, dossier).bind(3, core::utc_millis(now)).bind(4, unix_seconds(now))
      .bind(5, encode_addresses({message.from})).bind(6, encode_addresses(message.to))
      .bind(7, encode_addresses(message.cc)).bind(8, message.subject).bind(9, message.text)
      .bind(10, unix_seconds(message.date)).bind(11, message.secret_body ? 1LL : 0LL);
  IPT_TRY_VOID(insert->run());
  const long long id = db.database().last_insert_id();
  for (size_t i = 0; i < message.attachments.size(); ++i) {
    const auto& a = message.attachments[i];
    IPT_TRY(attach, Statement::prepare(db, "INSERT INTO outbox_attachment VALUES (?, ?, ?, ?, ?)"));
    attach->bind(1, id).bind(2, static_cast<long long>(i)).bind(3, a.file_name).bind(4, a.content_type)
        .bind_blob(5, a.bytes);
    IPT_TRY_VOID(attach->run());
  }
  return QueuedMessage{id, message.message_id};
}

struct Outbox::Impl {
  std::filesystem::path path;
  Database db;
  RetryPolicy policy;
  Clock clock;

  std::chrono::system_clock::time_point now() const { return clock ? clock() : std::chrono::system_clock::now(); }

  Result<MailMessage> load_message(long long id) const;
  Result<std::vector<OutboxAttempt>> load_attempts(long long id) const;
  Result<int> recover_interrupted();
  Result<bool> claim(long long id);
  Result<void> finish(long long id, const DeliveryOutcome& outcome, PassReport& report, const OutcomeRecorder& record);
  // One message with its attempts (on this connection, inside or outside a transaction).
  Result<OutboxEntry> read_entry(long long id) const;
  Result<std::vector<OutboxEntry>> read_entries(std::string_view dossier, std::optional<long long> id) const;
  std::chrono::seconds retry_delay(int attempts) const {
    auto delay = policy.initial;
    for (int i = 1; i < attempts && delay < policy.max; ++i) delay *= 2;
    return std::min(delay, policy.max);
  }
};

Outbox::Outbox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Outbox::~Outbox() = default;
Outbox::Outbox(Outbox&&) noexcept = default;
Outbox& Outbox::operator=(Outbox&&) noexcept = default;

Result<Outbox> Outbox::open(const std::filesystem::path& path, RetryPolicy policy, Clock clock) {
  const auto where = "base de données " + path.string();
  IPT_TRY(db, Database::open(path));
  if (auto r = core::ensure_schema(*db, "outbox", outbox_migrations); !r) return std::unexpected(r.error().with_context(where));
  return Outbox(std::make_unique<Impl>(Impl{path, std::move(*db), policy, std::move(clock)}));
}

Result<QueuedMessage> Outbox::enqueue(MailMessage message, const std::string& dossier) {
  IPT_TRY(tx, Transaction::begin(impl_->db));
  auto queued = mail::enqueue(*tx, std::move(message), dossier, impl_->now());
  if (!queued) return queued;
  IPT_TRY_VOID(tx->commit());
  return queued;
}

Result<MailMessage> Outbox::Impl::load_message(long long id) const {
  IPT_TRY(q, Statement::prepare(db,
      "SELECT message_id, sender, recipients_to, recipients_cc, subject, body, date FROM outbox_message WHERE id = ?"));
  q->bind(1, id);
  IPT_TRY(row, q->step());
  if (!*row) return core::fail("file d’envoi : message n° " + std::to_string(id) + " introuvable");
  MailMessage m;
  m.message_id = q->text(0);
  const auto from = decode_addresses(q->text(1));
  if (!from.empty()) m.from = from.front();
  m.to = decode_addresses(q->text(2));
  m.cc = decode_addresses(q->text(3));
  m.subject = q->text(4);
  m.text = q->text(5);
  m.date = from_unix(q->integer(6));
  IPT_TRY(a, Statement::prepare(db,
      "SELECT file_name, content_type, bytes FROM outbox_attachment WHERE message = ? ORDER BY n"));
  a->bind(1, id);
  for (;;) {
    IPT_TRY(more, a->step());
    if (!*more) break;
    m.attachments.push_back({a->text(0), a->text(1), a->text(2)});
  }
  return m;
}

Result<std::vector<OutboxAttempt>> Outbox::Impl::load_attempts(long long id) const {
  IPT_TRY(q, Statement::prepare(db,
      "SELECT n, started_at, finished_at, outcome, reply FROM outbox_attempt WHERE message = ? ORDER BY n"));
  q->bind(1, id);
  std::vector<OutboxAttempt> out;
  for (;;) {
    IPT_TRY(more, q->step());
    if (!*more) break;
    out.push_back({static_cast<int>(q->integer(0)), q->text(1), q->text(2), q->text(3), q->text(4)});
  }
  return out;
}

Result<int> Outbox::Impl::recover_interrupted() {
  IPT_TRY(tx, Transaction::begin(db));
  const Transaction& h = *tx;
  const auto t = now();
  IPT_TRY(attempts, Statement::prepare(h,
      "UPDATE outbox_attempt SET outcome = 'interrupted', finished_at = ?, reply = ? WHERE outcome = 'sending'"));
  attempts->bind(1, core::utc_millis(t)).bind(2,
      "envoi interrompu (arrêt du programme) : le serveur a pu recevoir le message ; il est renvoyé avec le même "
      "Message-ID");
  IPT_TRY_VOID(attempts->run());
  IPT_TRY(messages, Statement::prepare(h, "UPDATE outbox_message SET status = 'queued', next_attempt_at = ? WHERE status = 'sending'"));
  messages->bind(1, unix_seconds(t));
  IPT_TRY_VOID(messages->run());
  const int recovered = db.changes();
  IPT_TRY_VOID(tx->commit());
  return recovered;
}

Result<bool> Outbox::Impl::claim(long long id) {
  IPT_TRY(tx, Transaction::begin(db));
  const Transaction& h = *tx;
  const auto t = now();
  IPT_TRY(update, Statement::prepare(h,
      "UPDATE outbox_message SET status = 'sending', attempts = attempts + 1 WHERE id = ? AND status = 'queued'"
      " AND next_attempt_at <= ?"));
  update->bind(1, id).bind(2, unix_seconds(t));
  IPT_TRY_VOID(update->run());
  if (db.changes() != 1) return false;
  IPT_TRY(attempt, Statement::prepare(h,
      "INSERT INTO outbox_attempt (message, n, started_at, outcome) "
      "SELECT id, attempts, ?, 'sending' FROM outbox_message WHERE id = ?"));
  attempt->bind(1, core::utc_millis(t)).bind(2, id);
  IPT_TRY_VOID(attempt->run());
  // Committed (synchronous=FULL) before the first byte leaves: after a crash, "sending"
  // tells the next pass that the server may have the message.
  IPT_TRY_VOID(tx->commit());
  return true;
}

Result<void> Outbox::Impl::finish(long long id, const DeliveryOutcome& outcome, PassReport& report,
                                  const OutcomeRecorder& record) {
  IPT_TRY(tx, Transaction::begin(db));
  const Transaction& h = *tx;
  IPT_TRY(current, Statement::prepare(h, "SELECT attempts FROM outbox_message WHERE id = ?"));
  current->bind(1, id);
  if (auto row = current->step(); !row || !*row) {
    return core::fail("file d’envoi : message n° " + std::to_string(id) + " disparu pendant l’envoi");
  }
  const int attempts = static_cast<int>(current->integer(0));
  const auto t = now();
  std::string status;
  std::string attempt_outcome;
  std::string reply = outcome.reply;
  long long next = unix_seconds(t);
  switch (outcome.status) {
    case DeliveryStatus::sent:
      status = "sent";
      attempt_outcome = outcome.written_locally ? "written" : "sent";
      ++report.sent;
      break;
    case DeliveryStatus::permanent_failure:
      status = "failed";
      attempt_outcome = "permanent";
      ++report.failed;
      report.failed_ids.push_back(id);
      break;
    case DeliveryStatus::temporary_failure:
      attempt_outcome = "temporary";
      // An unreachable server, a refused login or a TLS problem says nothing about the
      // message: it waits, however long, rather than fail for our server's sake.
      if (attempts >= policy.max_attempts && !outcome.server_unavailable) {
        status = "failed";
        reply += " (abandon après " + std::to_string(attempts) + " tentatives)";
        ++report.failed;
        report.failed_ids.push_back(id);
      } else {
        status = "queued";
        next += retry_delay(attempts).count();
        ++report.retried;
      }
      break;
  }
  IPT_TRY(update, Statement::prepare(h, "UPDATE outbox_message SET status = ?, next_attempt_at = ?, last_reply = ? WHERE id = ?"));
  update->bind(1, status).bind(2, next).bind(3, reply).bind(4, id);
  IPT_TRY_VOID(update->run());
  if (status == "sent") {
    IPT_TRY(erase, Statement::prepare(h, "UPDATE outbox_message SET body = ? WHERE id = ? AND secret_body = 1"));
    erase->bind(1, erased_body).bind(2, id);
    IPT_TRY_VOID(erase->run());
  }
  IPT_TRY(attempt, Statement::prepare(h,
      "UPDATE outbox_attempt SET finished_at = ?, outcome = ?, reply = ? WHERE message = ? AND n = ?"));
  attempt->bind(1, core::utc_millis(t)).bind(2, attempt_outcome).bind(3, outcome.reply).bind(4, id).bind(5, attempts);
  IPT_TRY_VOID(attempt->run());
  if (record && (status == "sent" || status == "failed")) {
    IPT_TRY(entry, read_entry(id));
    if (auto r = record(*tx, *entry); !r) return r;
  }
  return tx->commit();
}

Result<PassReport> Outbox::send_due(Transport& transport, const OutcomeRecorder& record) {
  IPT_TRY(lock, WorkerLock::take(impl_->path));
  PassReport report;
  IPT_TRY(recovered, impl_->recover_interrupted());
  report.recovered = *recovered;

  // The messages due when the pass starts, oldest first; one queued meanwhile waits for the
  // next pass, and a message retried in this pass is not taken twice.
  std::vector<long long> due;
  {
    IPT_TRY(q, (Statement::prepare(impl_->db,
        "SELECT id FROM outbox_message WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY id")));
    q->bind(1, unix_seconds(impl_->now()));
    for (;;) {
      IPT_TRY(more, q->step());
      if (!*more) break;
      due.push_back(q->integer(0));
    }
  }
  for (const long long id : due) {
    IPT_TRY(claimed, impl_->claim(id));
    if (!*claimed) continue;
    auto message = impl_->load_message(id);
    DeliveryOutcome outcome;
    if (message) {
      outcome = transport.deliver(*message);
    } else {
      outcome.status = DeliveryStatus::permanent_failure;
      outcome.reply = message.error().message;
    }
    IPT_TRY_VOID((impl_->finish(id, outcome, report, record)));
    if (outcome.server_unavailable) {
      report.server_unavailable = true;
      report.server_problem = outcome.reply;
      break;
    }
  }
  return report;
}

Result<std::vector<OutboxEntry>> Outbox::Impl::read_entries(std::string_view dossier, std::optional<long long> id) const {
  IPT_TRY(q, Statement::prepare(db,
      "SELECT id, message_id, dossier, subject, recipients_to, recipients_cc, status, attempts, created_at,"
      " next_attempt_at, last_reply FROM outbox_message WHERE (?1 = '' OR dossier = ?1) AND (?2 = 0 OR id = ?2)"
      " ORDER BY id DESC"));
  q->bind(1, std::string(dossier));  // an empty view may have no data: it would bind NULL
  q->bind(2, id.value_or(0));
  std::vector<OutboxEntry> out;
  for (;;) {
    IPT_TRY(more, q->step());
    if (!*more) break;
    OutboxEntry e;
    e.id = q->integer(0);
    e.message_id = q->text(1);
    e.dossier = q->text(2);
    e.subject = q->text(3);
    auto recipients = decode_addresses(q->text(4));
    for (auto& a : decode_addresses(q->text(5))) recipients.push_back(a);
    for (const auto& a : recipients) e.recipients += (e.recipients.empty() ? "" : ", ") + a.email;
    e.status = parse_status(q->text(6));
    e.attempts = static_cast<int>(q->integer(7));
    e.created_at = q->text(8);
    if (e.status == OutboxStatus::queued) e.next_attempt_at = core::utc_millis(from_unix(q->integer(9)));
    e.last_reply = q->text(10);
    IPT_TRY(history, load_attempts(e.id));
    e.history = std::move(*history);
    e.written_locally = e.status == OutboxStatus::sent && !e.history.empty() && e.history.back().outcome == "written";
    out.push_back(std::move(e));
  }
  return out;
}

Result<OutboxEntry> Outbox::Impl::read_entry(long long id) const {
  IPT_TRY(entries, read_entries("", id));
  if (entries->empty()) return core::fail(core::Category::not_found, "file d’envoi : message n° " + std::to_string(id) + " introuvable");
  return entries->front();
}

Result<std::vector<OutboxEntry>> Outbox::list(std::string_view dossier) const { return impl_->read_entries(dossier, std::nullopt); }

std::string_view state_fr(const OutboxEntry& entry) {
  return entry.written_locally ? "écrit dans la boîte locale" : label_fr(entry.status);
}

Result<std::optional<OutboxEntry>> Outbox::find(long long id) const {
  if (id <= 0) return std::optional<OutboxEntry>{};  // ids start at 1; 0 would mean "any" below
  IPT_TRY(found, impl_->read_entries({}, id));
  if (found->empty()) return std::optional<OutboxEntry>{};
  return std::optional<OutboxEntry>{std::move(found->front())};
}

}  // namespace ipt::mail
