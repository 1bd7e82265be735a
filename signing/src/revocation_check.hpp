#pragma once
// Whether a certificate was revoked at a given time (private to signing): from the
// validation data a document carries (its /DSS), else online — the certificate's OCSP
// responder (AIA), else its CRL distribution point over HTTP.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ipt/signing/verdict.hpp"
#include "openssl_util.hpp"

namespace ipt::signing::detail {

// OCSP responses, CRLs and certificates, parsed once (the document's /DSS).
struct ValidationPool {
  std::vector<X509Ptr> certificates;
  std::vector<OcspBasicPtr> ocsp;
  std::vector<X509CrlPtr> crls;
};

struct RevocationCheck {
  RevocationStatus status = RevocationStatus::not_checked;
  RevocationSource source = RevocationSource::none;
  std::optional<ProblemCode> problem;  // none when the certificate was good at `at`
  std::string detail;                  // French, for the problem
};

struct RevocationQuery {
  X509* certificate = nullptr;
  X509* issuer = nullptr;
  std::chrono::system_clock::time_point at;  // the signing time (timestamp's when trusted)
};

// Tries the pool first, then (when `online`) OCSP and the CRL distribution point. A response
// whose signature does not verify against `anchors` (and `untrusted` intermediates) is not
// used. Revoked after `at` counts as good: the signature was made before.
RevocationCheck check_revocation(const RevocationQuery& query, const ValidationPool& pool,
                                 const std::vector<X509Ptr>& anchors, STACK_OF(X509)* untrusted, bool online,
                                 std::chrono::milliseconds timeout);

// OCSP responses whose signature and responder chain this process checked (a response
// checked and held in the last minutes is not checked again).
size_t ocsp_responses_checked();

}  // namespace ipt::signing::detail
