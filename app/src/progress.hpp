#pragma once
// Progress of a long run (ipt batch, ipt demo): on a terminal, one line redrawn in place
// with a bar, the count, the rate and the time left; otherwise (a file, a pipe, CI) one plain
// line per item as it finishes. Failures are always printed on a line of their own.
#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

#include "ipt/pipeline/batch.hpp"

namespace ipt::app {

class Progress {
 public:
  // `interactive`: redraw one line (a terminal); `quiet`: print failures only.
  Progress(std::ostream& out, std::string label, bool interactive, bool quiet = false);
  void item(const pipeline::ItemOutcome& outcome, size_t finished, size_t total);
  // Clears the bar so that what follows starts on a clean line.
  void finish();

  // Whether standard error is a terminal (and TERM is not "dumb").
  static bool stderr_is_terminal();

 private:
  std::ostream& out_;
  std::string label_;
  bool interactive_;
  bool quiet_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

// "1 min 05 s", "3,2 s"
std::string french_duration(double seconds);
// `value` with `decimals` digits after a decimal comma: "45,2"
std::string french_decimal(double value, int decimals = 1);

}  // namespace ipt::app
