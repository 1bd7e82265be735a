#pragma once
// The durable outbox: messages waiting to be sent, kept in the application's SQLite
// database (tables outbox_message and outbox_attempt, created when absent).
//
// Queuing belongs to the state change that causes it: enqueue() writes into the caller's
// open transaction, so the message is stored if and only if that change commits.
//
//   store.record_with(actor, "document.sign", reference, details, [&](core::Transaction& tx) {
//     return mail::enqueue(tx, std::move(message), "PT-LIEGE-2026-0002", now);
//   });                                     // both commit, or neither is stored
//
// A worker (Outbox::send_due) then moves each message through
//   queued → sending → sent | queued (temporary failure, next attempt later) | failed
// and records every attempt (start, end, outcome, server reply). "sending" is committed
// before the first byte goes out; a worker killed mid-send leaves the message in "sending",
// and the next pass puts it back to "queued" and sends it again. Delivery is therefore AT
// LEAST ONCE: the Administration may receive a message twice, always with the same
// Message-ID and Date, assigned at enqueue time.
//
// Only one worker runs at a time per database: send_due takes an exclusive lock on
// "<database>.outbox-lock" (flock, released by the kernel if the process dies).
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ipt/core/database.hpp"
#include "ipt/core/result.hpp"
#include "ipt/core/store.hpp"
#include "ipt/mail/message.hpp"
#include "ipt/mail/transport.hpp"

namespace ipt::mail {

using core::Clock;

enum class OutboxStatus { queued, sending, sent, failed, unknown };
std::string_view to_string(OutboxStatus status);  // "queued", ... (stable, for JSON)
std::string_view label_fr(OutboxStatus status);   // "en attente", "en cours d'envoi", ...

struct QueuedMessage {
  long long id = 0;
  std::string message_id;
};

// Creates the outbox tables, or brings them to this version's schema (component "outbox" of
// the database's schema versions). Idempotent.
Result<void> create_outbox_schema(core::Transaction& tx);

// Queues `message` inside the caller's transaction. Validates the message, gives it its
// Message-ID and Date (assign_identity) and stores it whole, attachments included, so the
// sending needs nothing else. `dossier` is the dossier reference (never a pupil's name).
Result<QueuedMessage> enqueue(core::Transaction& tx, MailMessage message,
                              const std::string& dossier, std::chrono::system_clock::time_point now);

struct OutboxAttempt {
  int number = 0;
  std::string started_at;   // UTC ISO 8601
  std::string finished_at;  // empty while sending (or when interrupted)
  std::string outcome;      // "sending", "sent", "written" (file transport), "temporary", "permanent", "interrupted"
  std::string reply;
};

struct OutboxEntry {
  long long id = 0;
  std::string message_id;
  std::string dossier;
  std::string subject;
  std::string recipients;  // "a@x, b@y" (To then Cc)
  OutboxStatus status = OutboxStatus::unknown;
  int attempts = 0;
  std::string created_at;
  std::string next_attempt_at;  // when queued
  std::string last_reply;
  bool written_locally = false;  // sent by the file transport (an .eml), not by a server
  std::vector<OutboxAttempt> history;
};

// « envoyé », or « écrit dans la boîte locale » for an .eml, « en attente », …
std::string_view state_fr(const OutboxEntry& entry);

// Runs inside the transaction that marks a message sent or failed, on the outbox's own
// connection (e.g. to append the outcome to the audit trail): both commit, or neither.
using OutcomeRecorder = std::function<Result<void>(core::Transaction& tx, const OutboxEntry& entry)>;

struct RetryPolicy {
  std::chrono::seconds initial{60};  // after the first temporary failure; doubles each time
  std::chrono::seconds max{3600};
  // The last temporary failure from the server about this message (4xx) makes it failed;
  // an unavailable server (connection, TLS, login) never does: the message keeps waiting.
  int max_attempts = 12;
};

struct PassReport {
  int sent = 0;
  int retried = 0;     // temporary failure: queued again with a later next attempt
  int failed = 0;      // permanent failure or attempts exhausted
  int recovered = 0;   // left in "sending" by an interrupted pass, queued again
  bool server_unavailable = false;  // the pass stopped early; the rest waits
  std::string server_problem;       // why, when server_unavailable
  std::vector<long long> failed_ids;
};

class Outbox {
 public:
  // Opens (creating when absent: folder 0700, file 0600) the database and the outbox tables.
  static Result<Outbox> open(const std::filesystem::path& database, RetryPolicy policy = {},
                             Clock clock = {});
  ~Outbox();
  Outbox(Outbox&&) noexcept;
  Outbox& operator=(Outbox&&) noexcept;

  // Queues in a transaction of its own (for callers with no state change to tie it to).
  Result<QueuedMessage> enqueue(MailMessage message, const std::string& dossier);

  // Every message (or those of one dossier), newest first, each with its attempts.
  Result<std::vector<OutboxEntry>> list(std::string_view dossier = {}) const;
  Result<std::optional<OutboxEntry>> find(long long id) const;

  // One worker pass: takes the worker lock (fails if another worker holds it), puts messages
  // an interrupted pass left in "sending" back to "queued", then sends every message due
  // now, oldest first, through `transport`, one at a time. A permanent failure stops only
  // that message; an unavailable server stops the pass.
  Result<PassReport> send_due(Transport& transport, const OutcomeRecorder& record = {});

 private:
  struct Impl;
  explicit Outbox(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ipt::mail
