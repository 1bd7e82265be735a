#pragma once
// Revocation services for a Pki, over HTTP on 127.0.0.1: the URLs the certificates carry
// (see PkiRecipe::revocation_base_url).
//
//   POST <any path but /crl/, /ca/>  application/ocsp-request → application/ocsp-response
//   GET  /ocsp/<base64 DER, URL-encoded>                       (RFC 6960 appendix A.1)
//   GET  /crl/<ca>.crl                                         DER CRL, application/pkix-crl
//   GET  /ca/<ca>.crt                                          DER certificate (AIA caIssuers)
// where <ca> is "root" or "intermediate".
//
// OCSP: each CA's status is signed by a delegated responder certificate that CA issued
// ("ocsp-root", "ocsp-intermediate"; EKU OCSPSigning, id-pkix-ocsp-nocheck), which is what
// validators require. A certificate the Pki issued is "good" until revoke(); a serial the
// CA never issued is "unknown"; a request about another CA gets "unauthorized". The nonce
// is echoed; thisUpdate = clock(), nextUpdate = thisUpdate + validity. Limitation: OpenSSL
// stamps producedAt with the system clock (no public way to set it), not options.clock.
//
// CRL: v2, signed by the CA itself, lastUpdate = clock(), nextUpdate = + crl_validity,
// CRL number increasing with each CRL served, one entry (with reason) per revoked serial.
//
// Life cycle: start() may come before serve(): bind first, give url() to the PkiRecipe,
// make the Pki, then serve(pki). Until serve(), OCSP answers "tryLater" and CRLs 503.
// All member functions are thread-safe; the destructor stops the server.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ipt/core/result.hpp"
#include "ipt/localpki/pki.hpp"
#include "ipt/localpki/service_behaviour.hpp"

namespace ipt::localpki {

// RFC 5280 CRLReason codes (8, removeFromCRL, is for delta CRLs: not offered).
enum class RevocationReason {
  unspecified = 0,
  key_compromise = 1,
  ca_compromise = 2,
  affiliation_changed = 3,
  superseded = 4,
  cessation_of_operation = 5,
  certificate_hold = 6,
  privilege_withdrawn = 9,
};

struct OcspResponderOptions {
  std::uint16_t port = 0;  // 0: a free port, see url()
  std::function<Clock::time_point()> clock;  // null: the system clock
  std::chrono::seconds validity = std::chrono::hours(24);       // OCSP nextUpdate - thisUpdate
  std::chrono::seconds crl_validity = std::chrono::hours(24 * 7);
};

class OcspResponder {
 public:
  explicit OcspResponder(OcspResponderOptions options = {});
  // Convenience: serve(pki) at once (start() still needed).
  OcspResponder(Pki pki, OcspResponderOptions options);
  ~OcspResponder();
  OcspResponder(const OcspResponder&) = delete;
  OcspResponder& operator=(const OcspResponder&) = delete;

  // Binds 127.0.0.1:port; fails (French message) when it is taken or already started. To
  // reuse a saved Pki, start on the port of its revocation_base_url().
  core::Result<void> start();
  void stop();  // idempotent

  // "http://127.0.0.1:PORT" once started (give it to PkiRecipe::revocation_base_url).
  std::string url() const;
  std::uint16_t port() const;

  // The PKI whose certificates it answers for (a shared copy). Revocations are kept.
  void serve(Pki pki);

  // Marks a certificate of the served Pki revoked from `when`. Fails when nothing is
  // served or the credential/certificate is not one the served Pki issued.
  core::Result<void> revoke(std::string_view credential_id, Clock::time_point when,
                            RevocationReason reason = RevocationReason::key_compromise);
  core::Result<void> revoke(const X509* certificate, Clock::time_point when,
                            RevocationReason reason = RevocationReason::key_compromise);
  // By issuer ("root" or "intermediate") and serial number (hex, any case, optional "0x"),
  // for certificates made outside the Pki with its CA keys. A serial the Pki did not issue
  // is still answered "unknown" by OCSP, but is listed in the CRL.
  core::Result<void> revoke_serial(std::string_view ca_id, std::string_view serial_hex, Clock::time_point when,
                                   RevocationReason reason = RevocationReason::key_compromise);

  void set_behaviour(ServiceBehaviour behaviour);
  std::uint64_t ocsp_requests() const;  // OCSP requests answered so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ipt::localpki
