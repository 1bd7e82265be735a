#pragma once
// What the mail tests share: a stand-in for a signed PDF (any bytes: every byte value, bare
// CR and LF, lines that start with a dot, the SMTP end-of-data sequence) and configurations
// pointing at a test server.
#include <chrono>
#include <filesystem>
#include <string>

#include "ipt/core/store.hpp"
#include "ipt/mail/annexe4.hpp"
#include "ipt/mail/config.hpp"
#include "smtp_server.hpp"

namespace ipt::test {

inline const std::string french_subject_reference = "PT-LIEGE-2026-0002";

// Deterministic bytes of `size`, starting like a PDF.
std::string pdf_like_bytes(size_t size);

// A configuration for `server` (TLS and login as the server requires; the password through
// the environment variable IPT_TEST_SMTP_PASSWORD, which this sets).
mail::MailConfig config_for(const SmtpTestServer& server, const SmtpServerOptions& options);

// The Annexe 4 message of french_subject_reference with `pdf`, identity assigned.
mail::MailMessage annexe4_message(const mail::MailConfig& config, const std::string& pdf,
                                  std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// A clock the test moves by hand.
struct ManualClock {
  std::chrono::system_clock::time_point now = std::chrono::system_clock::time_point(std::chrono::seconds(1795000000));
  core::Clock function() {
    return [this] { return now; };
  }
};

}  // namespace ipt::test
