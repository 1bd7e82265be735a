#include "ipt/pipeline/batch.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iostream>
#include <optional>
#include <thread>

// The worker processes talk to the caller over two pipes each: the caller writes the index
// of the next item ("17\n"), the worker answers with the outcome as one line of JSON. A
// worker exits when its input closes; the caller notices a worker's death when its output
// closes with an item still in flight.

namespace ipt::pipeline {

std::string_view code(ItemStatus status) {
  switch (status) {
    case ItemStatus::done: return "fait";
    case ItemStatus::skipped: return "deja-fait";
    case ItemStatus::failed: return "echec";
  }
  return "echec";
}

std::string_view french_label(ItemStatus status) {
  switch (status) {
    case ItemStatus::done: return "fait";
    case ItemStatus::skipped: return "déjà fait";
    case ItemStatus::failed: return "échec";
  }
  return "échec";
}

namespace {

using Clock = std::chrono::steady_clock;

volatile sig_atomic_t interruptions = 0;

void on_interrupt(int) { interruptions = interruptions + 1; }

// SIGINT and SIGTERM counted for the time of a batch, then the previous handlers again.
class InterruptGuard {
 public:
  InterruptGuard() {
    interruptions = 0;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: poll() returns EINTR
    sigaction(SIGINT, &action, &previous_int_);
    sigaction(SIGTERM, &action, &previous_term_);
  }
  ~InterruptGuard() {
    sigaction(SIGINT, &previous_int_, nullptr);
    sigaction(SIGTERM, &previous_term_, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

ItemOutcome failed(const std::string& item, std::string reason) {
  ItemOutcome o;
  o.item = item;
  o.status = ItemStatus::failed;
  o.detail = std::move(reason);
  return o;
}

// One item, whatever the worker does: a defect inside becomes that item's failure.
ItemOutcome run_one(const ItemWorker& worker, const std::string& item) {
  const auto start = Clock::now();
  ItemOutcome outcome;
  try {
    outcome = worker(item);
  } catch (const std::exception& e) {
    outcome = failed(item, std::string("erreur interne : ") + e.what());
  } catch (...) {
    outcome = failed(item, "erreur interne");
  }
  outcome.item = item;
  outcome.seconds = seconds_since(start);
  return outcome;
}

std::string to_line(const ItemOutcome& o) {
  nlohmann::json j{{"item", o.item},     {"status", static_cast<int>(o.status)}, {"detail", o.detail},
                   {"counts", o.counts}, {"stages", o.stages}, {"produced", o.produced}, {"seconds", o.seconds}};
  return j.dump() + "\n";
}

std::optional<ItemOutcome> from_line(const std::string& line) {
  const auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  ItemOutcome o;
  o.item = j.value("item", "");
  const int status = j.value("status", 2);
  o.status = status == 0 ? ItemStatus::done : status == 1 ? ItemStatus::skipped : ItemStatus::failed;
  o.detail = j.value("detail", "");
  if (j.contains("counts")) o.counts = j["counts"].get<std::map<std::string, long long>>();
  if (j.contains("stages")) o.stages = j["stages"].get<std::map<std::string, double>>();
  o.produced = j.value("produced", "");
  o.seconds = j.value("seconds", 0.0);
  return o;
}

bool write_all(int fd, const std::string& data) {
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<size_t>(n);
  }
  return true;
}

// The body of a worker process: set up once, then one item per line read.
[[noreturn]] void worker_main(int in, int out, const std::vector<std::string>& items, const WorkerSetup& setup) {
  ::signal(SIGPIPE, SIG_IGN);
  // A Ctrl-C reaches the whole process group: the caller decides (finish what is in flight).
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGTERM, SIG_DFL);
  std::optional<ItemWorker> worker;
  std::string setup_problem;
  try {
    auto made = setup();
    if (made) worker = *std::move(made);
    else setup_problem = made.error().message;
  } catch (const std::exception& e) {
    setup_problem = std::string("erreur interne : ") + e.what();
  }
  std::string buffer;
  char chunk[256];
  for (;;) {
    const ssize_t n = ::read(in, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
    for (size_t eol; (eol = buffer.find('\n')) != std::string::npos;) {
      const size_t index = std::strtoul(buffer.substr(0, eol).c_str(), nullptr, 10);
      buffer.erase(0, eol + 1);
      if (index >= items.size()) continue;
      const ItemOutcome outcome = worker ? run_one(*worker, items[index])
                                         : failed(items[index], "préparation impossible : " + setup_problem);
      if (!write_all(out, to_line(outcome))) ::_exit(1);
    }
  }
  ::_exit(0);  // not exit(): the caller's objects (servers, open files) are not ours to tear down
}

struct Worker {
  pid_t pid = -1;
  int to = -1;    // the caller writes item indexes here
  int from = -1;  // and reads outcomes here
  std::optional<size_t> in_flight;
  std::string buffer;
};

core::Result<Worker> spawn(const std::vector<std::string>& items, const WorkerSetup& setup, const std::vector<Worker>& others) {
  int down[2], up[2];
  if (::pipe2(down, O_CLOEXEC) != 0) return core::fail(std::string("lot : tube impossible (") + std::strerror(errno) + ")");
  if (::pipe2(up, O_CLOEXEC) != 0) {
    ::close(down[0]);
    ::close(down[1]);
    return core::fail(std::string("lot : tube impossible (") + std::strerror(errno) + ")");
  }
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);  // what the caller buffered is printed once, not once per process
  const pid_t pid = ::fork();
  if (pid < 0) return core::fail(std::string("lot : processus de travail impossible (") + std::strerror(errno) + ")");
  if (pid == 0) {
    ::close(down[1]);
    ::close(up[0]);
    for (const auto& w : others) {
      if (w.to >= 0) ::close(w.to);
      if (w.from >= 0) ::close(w.from);
    }
    worker_main(down[0], up[1], items, setup);
  }
  ::close(down[0]);
  ::close(up[1]);
  Worker w;
  w.pid = pid;
  w.to = down[1];
  w.from = up[0];
  return w;
}

std::string death_of(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) return "le processus de travail s’est arrêté (signal " + std::to_string(WTERMSIG(status)) + ")";
  return "le processus de travail s’est arrêté (statut " + std::to_string(WEXITSTATUS(status)) + ")";
}

void add(BatchReport& report, const ItemOutcome& outcome) {
  switch (outcome.status) {
    case ItemStatus::done: ++report.done; break;
    case ItemStatus::skipped: ++report.skipped; break;
    case ItemStatus::failed: ++report.failed; break;
  }
  for (const auto& [k, v] : outcome.counts) report.counts[k] += v;
  for (const auto& [k, v] : outcome.stages) report.stages[k] += v;
  report.items.push_back(outcome);
}

core::Result<BatchReport> run_in_process(const std::vector<std::string>& items, const WorkerSetup& setup,
                                         const BatchOptions& options) {
  const auto start = Clock::now();
  BatchReport report;
  auto worker = setup();
  if (!worker) return std::unexpected(worker.error());
  InterruptGuard guard;
  for (size_t i = 0; i < items.size(); ++i) {
    if (interruptions) {
      report.interrupted = true;
      report.not_started = items.size() - i;
      break;
    }
    add(report, run_one(*worker, items[i]));
    if (options.on_item) options.on_item(report.items.back(), report.items.size(), items.size());
  }
  report.seconds = seconds_since(start);
  return report;
}

core::Result<BatchReport> run_in_workers(const std::vector<std::string>& items, const WorkerSetup& setup,
                                         const BatchOptions& options) {
  const auto start = Clock::now();
  BatchReport report;
  std::deque<size_t> pending;
  for (size_t i = 0; i < items.size(); ++i) pending.push_back(i);
  const size_t jobs = std::min(items.size(), static_cast<size_t>(options.jobs));
  std::vector<Worker> workers;
  auto finish = [&](const ItemOutcome& outcome) {
    add(report, outcome);
    if (options.on_item) options.on_item(report.items.back(), report.items.size(), items.size());
  };
  InterruptGuard guard;
  bool stopping = false;
  auto hand_out = [&](Worker& w) {
    if (pending.empty() || stopping) {
      if (w.to >= 0) ::close(w.to);  // the worker exits once it has answered
      w.to = -1;
      return;
    }
    const size_t next = pending.front();
    pending.pop_front();
    w.in_flight = next;
    if (!write_all(w.to, std::to_string(next) + "\n")) {
      pending.push_front(next);  // answered below, when its output closes
      w.in_flight.reset();
      ::close(w.to);
      w.to = -1;
    }
  };
  ::signal(SIGPIPE, SIG_IGN);
  for (size_t k = 0; k < jobs; ++k) {
    auto w = spawn(items, setup, workers);
    if (!w) {
      if (workers.empty()) return std::unexpected(w.error());
      break;
    }
    workers.push_back(*std::move(w));
  }
  for (auto& w : workers) hand_out(w);
  // A worker that died is replaced while items remain, at most once per item.
  size_t respawns = items.size();
  while (true) {
    std::vector<pollfd> fds;
    std::vector<size_t> which;
    for (size_t k = 0; k < workers.size(); ++k) {
      if (workers[k].from < 0) continue;
      fds.push_back({workers[k].from, POLLIN, 0});
      which.push_back(k);
    }
    if (fds.empty()) break;
    if (interruptions && !stopping) {
      // First interruption: nothing new starts; what is in flight finishes.
      stopping = true;
      for (auto& w : workers) {
        if (!w.in_flight && w.to >= 0) {
          ::close(w.to);
          w.to = -1;
        }
      }
    }
    if (interruptions > 1) {
      // Second: the workers stop now; their items are taken again when the run resumes.
      for (auto& w : workers) {
        if (w.from >= 0) ::kill(w.pid, SIGKILL);
      }
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return core::fail(std::string("lot : poll (") + std::strerror(errno) + ")");
    }
    for (size_t f = 0; f < fds.size(); ++f) {
      if (fds[f].revents == 0) continue;
      Worker& w = workers[which[f]];
      char chunk[4096];
      const ssize_t n = ::read(w.from, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        w.buffer.append(chunk, static_cast<size_t>(n));
        for (size_t eol; (eol = w.buffer.find('\n')) != std::string::npos;) {
          auto outcome = from_line(w.buffer.substr(0, eol));
          w.buffer.erase(0, eol + 1);
          if (!w.in_flight) continue;
          const std::string& item = items[*w.in_flight];
          finish(outcome ? *outcome : failed(item, "réponse illisible du processus de travail"));
          w.in_flight.reset();
          hand_out(w);
        }
        continue;
      }
      // Its output closed: it exited (nothing left) or died (with an item in flight).
      ::close(w.from);
      w.from = -1;
      if (w.to >= 0) ::close(w.to);
      w.to = -1;
      const std::string why = death_of(w.pid);
      if (w.in_flight) {
        if (interruptions > 1) {
          pending.push_front(*w.in_flight);  // stopped by us: not a failure, left for the resume
        } else {
          finish(failed(items[*w.in_flight], why));
        }
        w.in_flight.reset();
      }
      if (!pending.empty() && respawns > 0 && !stopping) {
        --respawns;
        if (auto replacement = spawn(items, setup, workers)) {
          w = *std::move(replacement);
          hand_out(w);
        }
      }
    }
  }
  if (stopping) {
    report.interrupted = true;
    report.not_started = pending.size();
  } else {
    // Items no worker could take (every worker gone).
    for (size_t index : pending) finish(failed(items[index], "aucun processus de travail disponible"));
  }
  report.seconds = seconds_since(start);
  return report;
}

}  // namespace

int default_jobs() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) + 1; }

core::Result<BatchReport> run_batch(const std::vector<std::string>& items, const WorkerSetup& setup,
                                    const BatchOptions& options) {
  if (options.jobs <= 1 || items.size() <= 1) return run_in_process(items, setup, options);
  return run_in_workers(items, setup, options);
}

bool absorb(ItemOutcome& into, const ItemOutcome& step) {
  for (const auto& [k, v] : step.counts) into.counts[k] += v;
  for (const auto& [k, v] : step.stages) into.stages[k] += v;
  if (!step.produced.empty()) into.produced = step.produced;
  if (step.status == ItemStatus::failed) {
    into.status = ItemStatus::failed;
    into.detail = step.detail;
    return false;
  }
  if (!step.detail.empty()) into.detail += (into.detail.empty() ? "" : " ; ") + step.detail;
  return true;
}

std::vector<std::string> failures(const BatchReport& report) {
  std::vector<std::string> out;
  for (const auto& item : report.items) {
    if (item.status == ItemStatus::failed) out.push_back(item.item + " : " + item.detail);
  }
  return out;
}

}  // namespace ipt::pipeline
