#pragma once
// The mail configuration, read from one `key = value` file (see docs/mail.md and
// `ipt config check`). Absent keys take the defaults below; with no `smtp_url`, messages are
// written as .eml files into `outbox_dir` (the file transport) instead of being sent.
//
// The SMTP password is never in this file's values nor on the command line: the file names
// where to read it (`password_file`, which must be readable by its owner only, or
// `password_env`, an environment variable).
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "ipt/core/result.hpp"

namespace ipt::mail {

using core::Result;

inline constexpr const char* default_admin_address = "poles.territoriaux@cfwb.be";

enum class TlsMode {
  required,  // smtp:// with STARTTLS required (CURLUSESSL_ALL), or smtps://
  none       // plain text; accepted only for a loopback server (127.0.0.1, ::1, localhost)
};

struct MailConfig {
  std::string smtp_url;  // "smtp://host:587" or "smtps://host:465"; empty: file transport
  TlsMode tls = TlsMode::required;
  std::string ca_file;   // PEM bundle to trust instead of the system's; empty: system CAs
  std::string username;  // empty: no login
  std::string password_file;
  std::string password_env;
  std::string sender;            // From: address (required to queue a message)
  std::string sender_name;       // From: display name, e.g. "Pôle territorial de Liège"
  std::string admin_address = default_admin_address;  // To:
  std::string pole_copy;         // Cc: (optional)
  std::filesystem::path outbox_dir;  // file transport folder; empty: next to the database
  std::chrono::seconds timeout{30};
  std::chrono::seconds retry_initial{60};   // delay after the first temporary failure...
  std::chrono::seconds retry_max{3600};     // ... doubling up to this
  int max_attempts = 12;                    // then the message is failed
};

// $IPT_CONFIG, else $XDG_CONFIG_HOME/ipt-dossiers/ipt.conf, else ~/.config/ipt-dossiers/ipt.conf.
std::filesystem::path default_config_path();

// Parses the file; every problem is reported as "ipt.conf:4: clé inconnue « smpt_url »".
Result<MailConfig> parse_mail_config(std::string_view text, const std::string& file_name);
// Reads the file; an absent file gives the defaults (file transport) only when `optional`.
Result<MailConfig> load_mail_config(const std::filesystem::path& path, bool optional);

// Reads the SMTP password from password_file or password_env. Nothing when no login is
// configured. Fails (without the password in the message) when the source is missing,
// empty or, for a file, readable by others than its owner.
Result<std::optional<std::string>> load_password(const MailConfig& config);

}  // namespace ipt::mail
