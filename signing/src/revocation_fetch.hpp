#pragma once
// OCSP answers and CRLs fetched over HTTP, or taken from the answers a RevocationReuse scope
// keeps (ipt/signing/revocation_reuse.hpp) (private to signing).
#include <chrono>
#include <string>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"
#include "openssl_util.hpp"

namespace ipt::signing::detail {

// The OCSPResponse of `url` about `cert` issued by `issuer`, as the responder sent it.
core::Result<Bytes> fetch_ocsp(const std::string& url, X509* cert, X509* issuer, std::chrono::milliseconds timeout);
// The CRL at `url` (DER).
core::Result<Bytes> fetch_crl(const std::string& url, std::chrono::milliseconds timeout);

}  // namespace ipt::signing::detail
