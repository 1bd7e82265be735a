#pragma once
// Transports carry a MailMessage somewhere: SmtpTransport to an SMTP server through libcurl,
// FileTransport into a folder as .eml files. Both produce the same MIME bytes (the file
// transport runs the same libcurl SMTP client against an in-process capture), except for
// the MIME boundaries, which libcurl draws at random.
//
// deliver() never throws for an expected failure: it classifies it, so that the outbox knows
// whether to retry (temporary: connection refused, timeout, 4xx) or to stop (permanent: 5xx
// to MAIL, RCPT or DATA), and whether the server itself is unavailable (then the rest of the
// batch waits too).
#include <filesystem>
#include <memory>
#include <string>

#include "ipt/core/result.hpp"
#include "ipt/mail/config.hpp"
#include "ipt/mail/message.hpp"

namespace ipt::mail {

enum class DeliveryStatus { sent, temporary_failure, permanent_failure };

struct DeliveryOutcome {
  DeliveryStatus status = DeliveryStatus::temporary_failure;
  // The server's reply ("RCPT : 550 5.1.1 <x>: unknown user") or what went wrong (French);
  // never a password.
  std::string reply;
  // The server could not be reached or refused the session (connection, TLS, login): the
  // other messages would fail the same way, so the batch stops.
  bool server_unavailable = false;
  // Delivered into a local folder (FileTransport), not accepted by a server: the message is
  // done, but it was « écrit dans la boîte locale », not « envoyé ».
  bool written_locally = false;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual DeliveryOutcome deliver(const MailMessage& message) = 0;
  // "smtp://host:port" or "dossier /path": where messages go, for reports.
  virtual std::string describe() const = 0;
};

// One libcurl easy handle for the transport's lifetime, so consecutive messages reuse one
// SMTP connection (libcurl keeps it open between transfers). Not thread-safe.
class SmtpTransport final : public Transport {
 public:
  // Fails when the configuration cannot work: no URL, plain text to a non-loopback server,
  // unreadable password.
  static Result<std::unique_ptr<SmtpTransport>> create(const MailConfig& config);
  ~SmtpTransport() override;
  DeliveryOutcome deliver(const MailMessage& message) override;
  std::string describe() const override;

  // Connects, says EHLO, upgrades with STARTTLS and logs in as configured, then QUITs
  // without sending anything (libcurl's CURLOPT_CONNECT_ONLY). Returns a French summary.
  Result<std::string> check_connection();

 private:
  struct Impl;
  explicit SmtpTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes each message as <folder>/<Message-ID>.eml, owner-only (0600), through a temporary
// name and a rename; a resent message overwrites its own file. The folder is created 0700.
class FileTransport final : public Transport {
 public:
  explicit FileTransport(std::filesystem::path folder);
  DeliveryOutcome deliver(const MailMessage& message) override;
  std::string describe() const override;
  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_;
};

// The exact bytes libcurl sends as the SMTP DATA of `message` (before dot-stuffing).
Result<std::string> render_message(const MailMessage& message);

// SMTP when `smtp_url` is set, else files in `outbox_dir` (or `default_folder` when that is
// empty too).
Result<std::unique_ptr<Transport>> make_transport(const MailConfig& config,
                                                  const std::filesystem::path& default_folder);

}  // namespace ipt::mail
