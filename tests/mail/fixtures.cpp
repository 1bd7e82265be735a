#include "fixtures.hpp"

#include <cstdlib>
#include <stdexcept>

namespace ipt::test {

std::string pdf_like_bytes(size_t size) {
  std::string bytes = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
  bytes += ".\r\n.\r\n..\n.\r\r\n";  // what SMTP's end-of-data and dot-stuffing are made of
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  unsigned state = 12345;
  while (bytes.size() < size) {
    state = state * 1103515245u + 12345u;
    bytes += static_cast<char>(state >> 16 & 0xff);
  }
  bytes.resize(size);
  return bytes;
}

mail::MailConfig config_for(const SmtpTestServer& server, const SmtpServerOptions& options) {
  mail::MailConfig c;
  c.smtp_url = server.url();
  c.tls = options.starttls || options.implicit_tls ? mail::TlsMode::required : mail::TlsMode::none;
  if (options.starttls || options.implicit_tls) c.ca_file = server.ca_file().string();
  if (!options.user.empty()) {
    c.username = options.user;
    c.password_env = "IPT_TEST_SMTP_PASSWORD";
    ::setenv("IPT_TEST_SMTP_PASSWORD", options.password.c_str(), 1);
  }
  c.sender = "coordination@pole-liege.example.be";
  c.sender_name = "Pôle territorial de Liège";
  c.pole_copy = "copie@pole-liege.example.be";
  c.timeout = std::chrono::seconds(10);
  return c;
}

mail::MailMessage annexe4_message(const mail::MailConfig& config, const std::string& pdf,
                                  std::chrono::system_clock::time_point now) {
  auto m = mail::make_annexe4_message(config, french_subject_reference, pdf);
  if (!m) throw std::runtime_error(m.error().message);
  mail::assign_identity(*m, now);
  return *m;
}

}  // namespace ipt::test
