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

// pyHanko 0.25.1's validation with difference analysis (tests/support/pyhanko_judge.py over
// ../shared/judges/pyhanko-0.25.1): one JSON line per signature; status 0 when every
// signature is judged valid. Status 2 with a message naming the folder when it is missing.
// `root_pem` may name several files separated by ':' (the roots of the signers and the TSA).
ProcessResult run_pyhanko_judge(const std::string& pdf, const std::string& root_pem);

// Signs `field` of `in` into `out` with pyHanko 0.25.1 (tests/support/pyhanko_sign_field.py),
// as another signing tool would, in one revision whose cross-reference section is written in
// `style`: "table", "acrobat" (a stream with /W [1 3 1] and PNG prediction) or "pyhanko" (a
// stream with /W [1 8 2]).
ProcessResult run_pyhanko_sign(const std::string& in, const std::string& out, const std::string& field,
                               const std::string& p12, const std::string& password, const std::string& tsa_url,
                               const std::string& style);

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
  // SIGKILL, as a crash or an out-of-memory kill would (no handler runs), and waits for it.
  void kill_now();

 private:
  int pid_ = -1;
  std::string ready_line_;
};

// The `ipt` binary built with the tests.
ProcessResult run_ipt(const std::vector<std::string>& args, const std::vector<std::string>& extra_env = {});

}  // namespace ipt::test
