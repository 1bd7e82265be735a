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
ProcessResult run_pyhanko_judge(const std::string& pdf, const std::string& root_pem);

// The `ipt` binary built with the tests.
ProcessResult run_ipt(const std::vector<std::string>& args, const std::vector<std::string>& extra_env = {});

}  // namespace ipt::test
