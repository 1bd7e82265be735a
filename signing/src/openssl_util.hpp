#pragma once
// OpenSSL handles held in unique_ptr, and OpenSSL errors turned into French messages
// (private to signing).
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "ipt/core/openssl_handles.hpp"
#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::signing::detail {

// The handle types (X509Ptr, CmsPtr, ..., Handle<T, free>) are core's, shared with localpki.
using namespace core::openssl;  // NOLINT(google-build-using-namespace): private header

// The OpenSSL error queue as text (emptied), for the end of a French message.
std::string openssl_errors();

// DER encodings.
Bytes der_of(X509* cert);
core::Result<X509Ptr> parse_certificate(const Bytes& der);
// Puts a certificate decoded elsewhere (a PKCS#12's) into the cache parse_certificate reads.
void remember_certificate(X509* cert);
// A CMS or PKCS#7 SignedData (a signature, a timestamp token): the certificates it carries
// come from the process's cache of parsed certificates (signed_data_certificates.hpp).
core::Result<CmsPtr> parse_cms(const Bytes& der);
core::Result<PKCS7Ptr> parse_pkcs7(const Bytes& der);
// The BasicOCSPResponse of a successful OCSPResponse, its certificates from the same cache.
core::Result<OcspBasicPtr> parse_ocsp_basic(const Bytes& ocsp_response);

Bytes sha256(const unsigned char* data, size_t size);
inline Bytes sha256(const Bytes& data) { return sha256(data.data(), data.size()); }

// The SHA-256 of each of `untrusted`'s certificates, then of each anchor's (":…|:…"): the
// part of a held verdict's key (a chain's, an OCSP response's) that says what it was checked
// against.
std::string certificates_key(STACK_OF(X509)* untrusted, const std::vector<X509Ptr>& anchors);

// Signs `data` with SHA-256 and `key` (PKCS#1 v1.5 for RSA, DER ECDSA-Sig-Value for EC);
// `who` names the key in the French error.
core::Result<Bytes> sign_sha256(EVP_PKEY* key, const Bytes& data, const std::string& who);

// Subject common name and organisation, for people ("Marie Lambert", "Pôle de Liège").
std::string subject_field(X509* cert, int nid);

std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* t);

}  // namespace ipt::signing::detail
