#pragma once
// OpenSSL handles held in unique_ptr, and translation of OpenSSL's error queue into text
// for our French error messages. Private to localpki.
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pkcs12.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include <chrono>
#include <expected>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

#include "ipt/localpki/pki.hpp"

namespace ipt::localpki::detail {

template <auto free_fn>
struct Free {
  template <class T>
  void operator()(T* p) const {
    free_fn(p);
  }
};

using UniqueBio = std::unique_ptr<BIO, Free<BIO_free_all>>;
using UniqueX509 = std::unique_ptr<X509, Free<X509_free>>;
using UniqueKey = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using UniqueExtension = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION_free>>;
using UniqueInteger = std::unique_ptr<ASN1_INTEGER, Free<ASN1_INTEGER_free>>;
using UniqueTime = std::unique_ptr<ASN1_TIME, Free<ASN1_TIME_free>>;
using UniqueBignum = std::unique_ptr<BIGNUM, Free<BN_free>>;
using UniqueCrl = std::unique_ptr<X509_CRL, Free<X509_CRL_free>>;
using UniqueRevoked = std::unique_ptr<X509_REVOKED, Free<X509_REVOKED_free>>;
using UniquePkcs12 = std::unique_ptr<PKCS12, Free<PKCS12_free>>;
using UniqueOcspRequest = std::unique_ptr<OCSP_REQUEST, Free<OCSP_REQUEST_free>>;
using UniqueOcspResponse = std::unique_ptr<OCSP_RESPONSE, Free<OCSP_RESPONSE_free>>;
using UniqueOcspBasic = std::unique_ptr<OCSP_BASICRESP, Free<OCSP_BASICRESP_free>>;
using UniqueOcspCertId = std::unique_ptr<OCSP_CERTID, Free<OCSP_CERTID_free>>;
using UniqueTsContext = std::unique_ptr<TS_RESP_CTX, Free<TS_RESP_CTX_free>>;
using UniqueTsResponse = std::unique_ptr<TS_RESP, Free<TS_RESP_free>>;
using UniqueAsn1Object = std::unique_ptr<ASN1_OBJECT, Free<ASN1_OBJECT_free>>;

struct FreeX509Stack {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using UniqueX509Stack = std::unique_ptr<STACK_OF(X509), FreeX509Stack>;

// Drains OpenSSL's error queue into one line ("" when empty). Never contains key material.
std::string openssl_errors();
// `what` + the OpenSSL errors, as a failure.
std::unexpected<core::Error> openssl_failure(std::string what);

std::time_t to_time_t(Clock::time_point t);
// A stack holding new references to `certs`.
UniqueX509Stack make_stack(const std::vector<X509*>& certs);
// "3F0A..." (upper-case hex) of an ASN1_INTEGER.
std::string serial_hex(const ASN1_INTEGER* serial);
Bytes to_bytes(std::string_view s);
std::string to_string(const Bytes& b);
// The bytes a memory BIO holds.
std::string bio_text(BIO* bio);

}  // namespace ipt::localpki::detail
