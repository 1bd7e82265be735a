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

// The `ipt` binary built with the tests.
ProcessResult run_ipt(const std::vector<std::string>& args, const std::vector<std::string>& extra_env = {});

}  // namespace ipt::test
