#pragma once
// The real SMTP server of the mail tests: tests/mail/smtp_test_server.py (aiosmtpd) started
// as a child process on 127.0.0.1, on a port the kernel picks, with an optional TLS
// certificate made by OpenSSL for 127.0.0.1. Stopped (SIGTERM) when the object dies.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace ipt::test {

struct SmtpServerOptions {
  bool starttls = false;        // offer and require STARTTLS
  bool implicit_tls = false;    // smtps://
  std::string user{};           // require AUTH when set
  std::string password{};
  std::vector<std::string> reject{};  // 550 for these recipients
  std::vector<std::string> defer{};   // 451 for these recipients
  double data_delay = 0;        // seconds, after saving, before answering DATA
  int delay_count = -1;         // only the first N messages are delayed
  int port = 0;                 // 0: any free port
};

// A certificate and key for 127.0.0.1 (subjectAltName IP), made with the openssl command.
struct TestCertificate {
  std::filesystem::path cert, key;
};
TestCertificate make_test_certificate(const std::filesystem::path& folder);

// A loopback port nobody listens on (bound then released).
int free_port();

class SmtpTestServer {
 public:
  // `folder` holds the spool; a certificate is made there when TLS is asked for.
  SmtpTestServer(const std::filesystem::path& folder, SmtpServerOptions options);
  ~SmtpTestServer();
  SmtpTestServer(const SmtpTestServer&) = delete;
  SmtpTestServer& operator=(const SmtpTestServer&) = delete;

  int port() const { return port_; }
  std::string url() const;  // smtp://127.0.0.1:PORT or smtps://...
  const std::filesystem::path& ca_file() const { return certificate_.cert; }
  const std::filesystem::path& spool() const { return spool_; }

  // The received messages' files, in arrival order.
  std::vector<std::filesystem::path> received() const;
  // Envelope of message n (1-based): {"from": ..., "rcpt": [...]}.
  nlohmann::json envelope(int n) const;
  // Connections accepted so far.
  int connections() const;
  void stop();

 private:
  std::filesystem::path spool_;
  TestCertificate certificate_;
  SmtpServerOptions options_;
  std::unique_ptr<ServerProcess> process_;
  int port_ = 0;
};

// The message parsed by tests/mail/parse_eml.py (Python's email package).
nlohmann::json parse_eml(const std::filesystem::path& eml, const std::filesystem::path& save_attachments = {});

}  // namespace ipt::test
