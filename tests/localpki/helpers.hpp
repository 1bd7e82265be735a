#pragma once
// Shared by the localpki tests: files for the OpenSSL command line, and an HTTP client
// (curl) we did not write.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ipt/localpki/pki.hpp"
#include "support/process.hpp"

namespace ipt::localpki::test {

inline void write_text(const std::filesystem::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline unsigned file_mode(const std::filesystem::path& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777u;
}

// root.pem, intermediate.pem and chain.pem (intermediate + root) in `dir`.
inline void write_ca_files(const Pki& pki, const std::filesystem::path& dir) {
  write_text(dir / "root.pem", pki.root().certificate_pem());
  write_text(dir / "intermediate.pem", pki.intermediate().certificate_pem());
  write_text(dir / "chain.pem", pki.intermediate().certificate_pem() + pki.root().certificate_pem());
}

inline ipt::test::ProcessResult openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {IPT_OPENSSL_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  return ipt::test::run_process(argv);
}

// curl with a short timeout; prints the HTTP status on stdout ("%{http_code}").
inline ipt::test::ProcessResult curl(std::vector<std::string> args) {
  std::vector<std::string> argv = {IPT_CURL, "--silent", "--max-time", "5", "--write-out", "%{http_code}"};
  argv.insert(argv.end(), args.begin(), args.end());
  return ipt::test::run_process(argv);
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace ipt::localpki::test
