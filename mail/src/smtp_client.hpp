#pragma once
// The SMTP client both transports share: one libcurl easy handle, kept for the client's
// lifetime so that consecutive messages go over one connection, and the classification of
// failures from what the server answered to which command.
#include <chrono>
#include <string>

#include "curl_handles.hpp"
#include "ipt/mail/config.hpp"
#include "ipt/mail/transport.hpp"

namespace ipt::mail::detail {

struct SmtpEndpoint {
  std::string url;
  TlsMode tls = TlsMode::required;
  std::string ca_file;
  std::string username;
  std::string password;  // never logged, never in a reply
  std::chrono::seconds timeout{30};
  // When set: connect to this Unix socket instead of the host in `url` (the in-process
  // capture of the file transport, in a folder only its owner can enter).
  std::string unix_socket;
};

// A server reply as libcurl saw it, and the SMTP command it answered (the verb only: the
// arguments of AUTH carry credentials).
struct Conversation {
  std::string last_command;
  std::string reply;           // the last complete reply, lines joined by " / "
  std::string error_command;   // the command that got the first 4xx/5xx reply...
  std::string error_reply;     // ... and that reply (libcurl QUITs after it)
  std::string partial;         // lines of a multi-line reply being read

  void clear_replies() {
    last_command.clear();
    reply.clear();
    error_command.clear();
    error_reply.clear();
    partial.clear();
  }
};

class SmtpClient {
 public:
  static Result<SmtpClient> create(SmtpEndpoint endpoint);
  SmtpClient(SmtpClient&&) noexcept;
  SmtpClient& operator=(SmtpClient&&) noexcept;
  ~SmtpClient();

  DeliveryOutcome send(const MailMessage& message);
  // CURLOPT_CONNECT_ONLY on a separate handle: greeting, EHLO, STARTTLS, AUTH, then QUIT.
  Result<std::string> check();
  const std::string& url() const { return endpoint_.url; }

 private:
  SmtpClient() = default;
  Result<EasyHandle> new_handle(Conversation& conversation) const;
  SmtpEndpoint endpoint_;
  // Heap-allocated: libcurl's callbacks keep its address while the client is moved.
  std::unique_ptr<Conversation> conversation_;
  EasyHandle easy_;
};

// True for 127.0.0.1/8, ::1 and localhost in an smtp(s):// URL.
bool is_loopback_url(const std::string& url);

}  // namespace ipt::mail::detail
