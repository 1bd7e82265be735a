#include "progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ipt::app {

std::string french_decimal(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  for (char* c = buffer; *c; ++c) {
    if (*c == '.') *c = ',';
  }
  return buffer;
}

std::string french_duration(double seconds) {
  char buffer[64];
  if (seconds < 60) return french_decimal(seconds) + " s";
  const long total = std::lround(seconds);
  if (total < 3600) {
    std::snprintf(buffer, sizeof buffer, "%ld min %02ld s", total / 60, total % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ld h %02ld min", total / 3600, (total % 3600) / 60);
  }
  return buffer;
}

Progress::Progress(std::ostream& out, std::string label, bool interactive, bool quiet)
    : out_(out), label_(std::move(label)), interactive_(interactive), quiet_(quiet) {}

bool Progress::stderr_is_terminal() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDERR_FILENO) == 1 && !(term && std::strcmp(term, "dumb") == 0);
}

void Progress::item(const pipeline::ItemOutcome& outcome, size_t finished, size_t total) {
  const auto now = std::chrono::steady_clock::now();
  const bool failed = outcome.status == pipeline::ItemStatus::failed;
  if (!interactive_) {
    if (failed || !quiet_) {
      out_ << "[" << finished << "/" << total << "] " << outcome.item << " : " << pipeline::french_label(outcome.status)
           << (outcome.detail.empty() ? "" : " — " + outcome.detail) << "\n";
      out_.flush();
    }
    return;
  }
  if (failed) {
    out_ << "\r\033[K" << outcome.item << " : échec — " << outcome.detail << "\n";
    drawn_ = false;
  }
  // Redrawn at most ten times a second, and always for the last item.
  if (drawn_ && finished < total && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(finished) / elapsed : 0;
  const double left = rate > 0 ? static_cast<double>(total - finished) / rate : 0;
  constexpr int width = 30;
  const int filled = total ? static_cast<int>(width * finished / total) : width;
  out_ << "\r\033[K" << label_ << " [" << std::string(static_cast<size_t>(filled), '#')
       << std::string(static_cast<size_t>(width - filled), '.') << "] " << finished << "/" << total << "  " << french_decimal(rate)
       << " dossiers/s  reste " << french_duration(left);
  out_.flush();
  drawn_ = true;
}

void Progress::finish() {
  if (interactive_ && drawn_) out_ << "\n";
  drawn_ = false;
  out_.flush();
}

}  // namespace ipt::app
