#pragma once
// Revocation data fetched from the URLs in certificates: OCSP (RFC 6960) first, CRL when a
// certificate names no responder (private to signing).
#include <chrono>
#include <optional>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"
#include "ipt/signing/pades.hpp"
#include "openssl_util.hpp"

namespace ipt::signing::detail {

// For each certificate of `chain` (leaf first, each followed by its issuer, as found among
// `chain` and `anchors`), fetches an OCSP response or a CRL; collects every certificate met
// (chain, anchors, responders) into the result. Fails, naming the certificate, when neither
// can be had.
core::Result<ValidationData> fetch_validation_data(const std::vector<Bytes>& chain, const std::vector<Bytes>& anchors,
                                                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The certificates carried by a CMS or timestamp token (DER).
std::vector<Bytes> certificates_in(CMS_ContentInfo* cms);

// An OCSP request for `cert` issued by `issuer`, as sent by fetch_validation_data.
core::Result<Bytes> ocsp_request_for(X509* cert, X509* issuer);

// The responder URL (AIA) and CRL distribution point URL of a certificate, if any.
std::optional<std::string> ocsp_url(X509* cert);
std::optional<std::string> crl_url(X509* cert);

}  // namespace ipt::signing::detail
