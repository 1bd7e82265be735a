#include "smtp_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/process.hpp"

namespace ipt::test {

namespace {

const std::string python = "/usr/bin/python3";  // Debian's, which sees python3-aiosmtpd
const std::string server_script = std::string(IPT_SOURCE_DIR) + "/tests/mail/smtp_test_server.py";
const std::string parser_script = std::string(IPT_SOURCE_DIR) + "/tests/mail/parse_eml.py";

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TestCertificate make_test_certificate(const std::filesystem::path& folder) {
  TestCertificate c{folder / "server-cert.pem", folder / "server-key.pem"};
  const auto r = run_process({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                              "-nodes", "-keyout", c.key.string(), "-out", c.cert.string(), "-days", "2", "-subj",
                              "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
  if (r.status != 0) throw std::runtime_error("openssl req failed: " + r.err);
  return c;
}

int free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind failed");
  socklen_t len = sizeof addr;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(s);
  return ntohs(addr.sin_port);
}

SmtpTestServer::SmtpTestServer(const std::filesystem::path& folder, SmtpServerOptions options)
    : spool_(folder / "spool"), options_(std::move(options)) {
  std::filesystem::create_directories(spool_);
  std::vector<std::string> argv{python, "-u", server_script, "--spool", spool_.string(),
                                "--port", std::to_string(options_.port)};
  if (options_.starttls || options_.implicit_tls) {
    certificate_ = make_test_certificate(folder);
    argv.insert(argv.end(), {"--tls-cert", certificate_.cert.string(), "--tls-key", certificate_.key.string()});
    argv.push_back(options_.implicit_tls ? "--implicit-tls" : "--require-starttls");
  }
  if (!options_.user.empty()) argv.insert(argv.end(), {"--user", options_.user, "--password", options_.password});
  for (const auto& r : options_.reject) argv.insert(argv.end(), {"--reject", r});
  for (const auto& d : options_.defer) argv.insert(argv.end(), {"--defer", d});
  if (options_.data_delay > 0) {
    argv.insert(argv.end(), {"--data-delay", std::to_string(options_.data_delay), "--delay-count",
                             std::to_string(options_.delay_count)});
  }
  // The server prints "PORT n" once it listens (Python starts in ~0.3 s).
  process_ = std::make_unique<ServerProcess>(argv);
  const std::string& line = process_->ready_line();
  if (line.rfind("PORT ", 0) != 0) {
    stop();
    throw std::runtime_error("the SMTP test server did not start: " + line);
  }
  port_ = std::stoi(line.substr(5));
}

SmtpTestServer::~SmtpTestServer() { stop(); }

void SmtpTestServer::stop() {
  if (process_) process_->stop();
}

std::string SmtpTestServer::url() const {
  return (options_.implicit_tls ? "smtps://127.0.0.1:" : "smtp://127.0.0.1:") + std::to_string(port_);
}

std::vector<std::filesystem::path> SmtpTestServer::received() const {
  std::vector<std::pair<int, std::filesystem::path>> found;
  for (const auto& e : std::filesystem::directory_iterator(spool_)) {
    if (e.path().extension() == ".eml") found.emplace_back(std::stoi(e.path().stem().string()), e.path());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::filesystem::path> out;
  for (auto& f : found) out.push_back(f.second);
  return out;
}

nlohmann::json SmtpTestServer::envelope(int n) const {
  return nlohmann::json::parse(read_text(spool_ / (std::to_string(n) + ".json")));
}

int SmtpTestServer::connections() const {
  const std::string log = read_text(spool_ / "connections.log");
  return static_cast<int>(std::count(log.begin(), log.end(), '\n'));
}

nlohmann::json parse_eml(const std::filesystem::path& eml, const std::filesystem::path& save_attachments) {
  std::vector<std::string> argv{python, parser_script, eml.string()};
  if (!save_attachments.empty()) argv.insert(argv.end(), {"--save-attachments", save_attachments.string()});
  const auto r = run_process(argv);
  if (r.status != 0) throw std::runtime_error("parse_eml.py failed: " + r.err);
  return nlohmann::json::parse(r.out);
}

}  // namespace ipt::test
