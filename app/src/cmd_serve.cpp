// ipt serve: hands over to the portal program, ipt-serve, beside ipt. The portal is a program
// of its own so that cpp-httplib, libssl and brotli (its HTTP and TLS) load only where it
// runs, not at the start of every ipt command (issue 13). The hand-over is an exec: the
// process, its PID, its signals and its output stay the same.
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>

#include "common.hpp"
#include "serve_spec.hpp"

namespace ipt::app {

namespace {

int run(const Arguments& args, Io& io) {
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    io.err << "ipt serve : emplacement du programme introuvable (/proc/self/exe)\n";
    return exit_failure;
  }
  const auto program = std::filesystem::path(std::string(self, static_cast<size_t>(n))).parent_path() / "ipt-serve";
  std::vector<std::string> words{"ipt-serve"};
  for (const auto& option : serve_spec().options) {
    for (const auto& value : args.values(option.name)) {
      words.push_back(option.name);
      words.push_back(value);
    }
  }
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  io.out.flush();
  io.err.flush();
  ::execv(program.c_str(), argv.data());
  io.err << "ipt serve : " << program.string() << " : lancement impossible (" << std::strerror(errno)
         << ") ; le portail est le programme ipt-serve, à installer à côté d’ipt\n";
  return exit_failure;
}

}  // namespace

Command serve_command() { return {serve_spec(), run}; }

}  // namespace ipt::app
