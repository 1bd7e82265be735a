#pragma once
// One step over many items (dossiers, or files to import): `ipt batch` and `ipt demo` run
// through it. Each item is one call of a worker, which fails as a value (a bad dossier never
// stops the others); with more than one job the items are shared among worker processes,
// each handed the next item as soon as it is free, and every outcome comes back to the
// caller as it lands (progress). A worker process that dies takes only its current item
// with it: that item is reported failed, the others go on. Interrupted (SIGINT, SIGTERM),
// no new item is started, the items in flight finish and the report says so; a second
// interruption stops the workers at once (their current items are taken again on resume).
//
// Why processes rather than threads: PoDoFo 0.9.8 is not thread-safe (global encodings and
// logging), and a process has its own caches of parsed certificates and verdicts, its own
// database connection and its own keys, opened once in `WorkerSetup`.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ipt/core/result.hpp"

namespace ipt::pipeline {

enum class ItemStatus { done, skipped, failed };
std::string_view code(ItemStatus status);          // "fait", "deja-fait", "echec"
std::string_view french_label(ItemStatus status);  // "fait", "déjà fait", "échec"

struct ItemOutcome {
  std::string item;  // a dossier reference, or the file of an import
  ItemStatus status = ItemStatus::failed;
  std::string detail;                       // French: what was done, or why it failed
  std::map<std::string, long long> counts;  // "documents", "signatures", "messages", … summed by the report
  std::map<std::string, double> stages;     // seconds per stage ("import", "rendu", …) summed by the report
  std::string produced;                     // where the step wrote, when that is one place (an archive's folder)
  double seconds = 0;
};

// One item's outcome made of several steps: `step`'s counts, stages and place go into
// `into`; its failure becomes `into`'s (false: stop there), its detail is added to the others.
bool absorb(ItemOutcome& into, const ItemOutcome& step);

// One item; never throws (a defect inside is reported as that item's failure).
using ItemWorker = std::function<ItemOutcome(const std::string& item)>;
// Run once per worker process (once in the caller's when jobs == 1), before its first
// item: opens what the items share (database, renderer, keys). A failure fails the items
// that worker would have run.
using WorkerSetup = std::function<core::Result<ItemWorker>()>;

// Worker processes when the user names none: one per core and one more. A worker spends a
// fifth to a third of a dossier waiting, for its files to reach the disk (fsync) and for the
// timestamp authority and the OCSP responder; the extra worker runs meanwhile
// (docs/BENCHMARKS.md: 10 to 30 % less time for a year on 2 cores, BM_WholeYear/N/3 against /2).
int default_jobs();

struct BatchOptions {
  int jobs = 1;  // worker processes; 1: in the caller's process
  // In the caller's process, after each item, in the order they finish.
  std::function<void(const ItemOutcome& outcome, size_t finished, size_t total)> on_item;
};

struct BatchReport {
  std::vector<ItemOutcome> items;  // in the order they finished
  size_t done = 0;
  size_t skipped = 0;
  size_t failed = 0;
  std::map<std::string, long long> counts;
  std::map<std::string, double> stages;  // summed over the items (CPU of all workers, not wall time)
  double seconds = 0;                    // wall time
  bool interrupted = false;              // stopped by SIGINT or SIGTERM
  size_t not_started = 0;                // items left when it stopped
};

// Runs `setup`'s worker over every item. Fails only when no worker can be started at all.
core::Result<BatchReport> run_batch(const std::vector<std::string>& items, const WorkerSetup& setup,
                                    const BatchOptions& options);

// What failed, for the report's last lines: "REF : reason", one per failed item.
std::vector<std::string> failures(const BatchReport& report);

}  // namespace ipt::pipeline
