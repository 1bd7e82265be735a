#pragma once
// Runs a program as a child process and collects its exit status and output, for tests of
// the `ipt` command and of external checkers (qpdf, pdftotext, xmllint...).
#include <string>
#include <vector>

namespace ipt::test {

struct ProcessResult {
  int status = -1;  // exit status; 128 + signal when killed
  std::string out;
  std::string err;
};

// `argv[0]` is looked up in PATH when it has no '/'. Optional standard input.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = {},
                          const std::vector<std::string>& extra_env = {});

// A server run as a child process for the time of a test or a benchmark: started with
// `argv` (argv[0] an absolute path), it must print one line on its standard output once it
// listens (e.g. "PORT 40123"), within `startup` seconds, or the constructor throws.
// Stopped with SIGTERM (and waited for) by stop() or the destructor.
class ServerProcess {
 public:
  explicit ServerProcess(const std::vector<std::string>& argv, int startup_seconds = 15);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // The line the server printed when ready, without its newline.
  const std::string& ready_line() const { return ready_line_; }
  void stop();

 private:
  int pid_ = -1;
  std::string ready_line_;
};

// The `ipt` binary built with the tests.
ProcessResult run_ipt(const std::vector<std::string>& args, const std::vector<std::string>& extra_env = {});

}  // namespace ipt::test
