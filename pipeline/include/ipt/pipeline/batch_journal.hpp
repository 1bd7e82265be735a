#pragma once
// The journal of a batch run, in the application's database, so that an interrupted run
// (killed, machine stopped, Ctrl-C) resumes where it stopped. A run is named by its step
// and its selection: starting the same step on the same selection while such a run is
// unfinished resumes it, skipping the items it finished; the item that was being worked on
// is taken again, and the steps themselves never do twice what is already done (a rendered
// document is not rendered again, a signed field not signed again).
//
// Only the item (a reference or a file name) and its status are kept: a failure's reason
// stays in the report and the audit trail.
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "ipt/core/result.hpp"
#include "ipt/pipeline/batch.hpp"

namespace ipt::pipeline {

class BatchJournal {
 public:
  static core::Result<BatchJournal> open(const std::filesystem::path& database, const std::string& step,
                                         const std::string& selection);
  ~BatchJournal();
  BatchJournal(BatchJournal&&) noexcept;
  BatchJournal& operator=(BatchJournal&&) noexcept;

  long long run() const;
  bool resumed() const;
  const std::string& started_at() const;      // UTC ISO 8601, of the first start of this run
  const std::set<std::string>& finished() const;  // done or skipped in this run (failed ones are retried)

  core::Result<void> record(const ItemOutcome& outcome);
  // The run went through every item: the next start begins a new run.
  core::Result<void> close();

 private:
  struct Impl;
  explicit BatchJournal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ipt::pipeline
