#pragma once
// The signer portal's world, shared by the HTTP test (serve_test.cpp) and the browser test
// (browser_test.cpp): the test PKI's timestamp server (one per test suite), and for each
// test a real SMTP server (aiosmtpd, STARTTLS), the pole's issuing CA made by `ipt ca
// create`, a store holding the procedure-C example imported and rendered, an ipt.conf that
// names them all, and `ipt serve` listening on 127.0.0.1 at a port chosen beforehand (the
// links `ipt request` writes must point at it). Everything stops and is removed when the
// test ends.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "ipt/localpki/trust_services.hpp"
#include "smtp_server.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace ipt::test {

class PortalWorld : public ::testing::Test {
 public:
  static inline const std::string reference = "PT-LIEGE-2026-0002";

 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  // Fails the test (fatally) when a set-up command or the portal does not start.
  void SetUp() override;

  // Starts `ipt serve` again (after a kill): same configuration, database and port.
  void restart_server();

  // `ipt request start` for the dossier: the first invitation goes to the SMTP server.
  ProcessResult start_round() const;

  // Lines added to ipt.conf's [portail] (e.g. "proxy = 127.0.0.1").
  virtual std::string portal_options() const { return ""; }
  // Lines added to ipt.conf's [signature] (e.g. a seal key).
  virtual std::string signature_options() const { return ""; }
  // Serve HTTPS with a test certificate for 127.0.0.1 (made with openssl).
  virtual bool https() const { return false; }

  // An HTTP client of the portal, with a read timeout long enough for a signature.
  httplib::Client client() const;
  std::string portal_url() const { return std::string(https() ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_); }
  // The TLS certificate the portal serves, when https().
  TestCertificate tls_{};

  // The SMTP server's message n (1-based), parsed by Python's email package, waiting up to
  // 15 s for it to arrive; an empty object and a test failure when it never does.
  nlohmann::json message(size_t n) const;
  // The first message whose To: holds `address`, waiting up to 15 s as message() does.
  nlohmann::json message_to(const std::string& address) const;
  // The first text part of a parsed message.
  static std::string body(const nlohmann::json& m);

  // The pole's issuing CA's certificate, fetched from the portal (/ac/certificat) and written
  // as PEM beside racine.pem; its path, or empty with a test failure.
  std::filesystem::path fetch_ca_pem() const;
  // The dossier's Annexe 4 in the data store.
  std::filesystem::path annexe4() const;
  // `ipt verify` of the Annexe 4, offline, trusting the test PKI's root and the pole's CA.
  ProcessResult verify_annexe4(const std::filesystem::path& ca_pem, bool json) const;

  static inline localpki::TrustServices* services_ = nullptr;
  TempDir dir_;
  std::unique_ptr<SmtpTestServer> smtp_;
  std::unique_ptr<ServerProcess> server_;
  std::string db_, config_;
  int port_ = 0;
};

}  // namespace ipt::test
