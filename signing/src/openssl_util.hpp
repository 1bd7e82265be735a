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

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::signing::detail {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
template <class T, void (*F)(T*)>
using Handle = std::unique_ptr<T, Deleter<T, F>>;

using X509Ptr = Handle<X509, X509_free>;
using EvpPkeyPtr = Handle<EVP_PKEY, EVP_PKEY_free>;
using EvpMdCtxPtr = Handle<EVP_MD_CTX, EVP_MD_CTX_free>;
using CmsPtr = Handle<CMS_ContentInfo, CMS_ContentInfo_free>;
using BioPtr = Handle<BIO, BIO_free_all>;
using X509StorePtr = Handle<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = Handle<X509_STORE_CTX, X509_STORE_CTX_free>;
using TsReqPtr = Handle<TS_REQ, TS_REQ_free>;
using TsRespPtr = Handle<TS_RESP, TS_RESP_free>;
using TsMsgImprintPtr = Handle<TS_MSG_IMPRINT, TS_MSG_IMPRINT_free>;
using TsVerifyCtxPtr = Handle<TS_VERIFY_CTX, TS_VERIFY_CTX_free>;
using OcspRespPtr = Handle<OCSP_RESPONSE, OCSP_RESPONSE_free>;
using OcspBasicPtr = Handle<OCSP_BASICRESP, OCSP_BASICRESP_free>;
using OcspReqPtr = Handle<OCSP_REQUEST, OCSP_REQUEST_free>;
using OcspCertIdPtr = Handle<OCSP_CERTID, OCSP_CERTID_free>;
using X509CrlPtr = Handle<X509_CRL, X509_CRL_free>;
using Asn1IntegerPtr = Handle<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1ObjectPtr = Handle<ASN1_OBJECT, ASN1_OBJECT_free>;
using PKCS7Ptr = Handle<PKCS7, PKCS7_free>;

struct X509StackDeleter {
  void operator()(STACK_OF(X509)* s) const { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;

// The OpenSSL error queue as text (emptied), for the end of a French message.
std::string openssl_errors();

// DER encodings.
Bytes der_of(X509* cert);
core::Result<X509Ptr> parse_certificate(const Bytes& der);
core::Result<CmsPtr> parse_cms(const Bytes& der);

Bytes sha256(const unsigned char* data, size_t size);
inline Bytes sha256(const Bytes& data) { return sha256(data.data(), data.size()); }

// Signs `data` with SHA-256 and `key` (PKCS#1 v1.5 for RSA, DER ECDSA-Sig-Value for EC);
// `who` names the key in the French error.
core::Result<Bytes> sign_sha256(EVP_PKEY* key, const Bytes& data, const std::string& who);

// Subject common name and organisation, for people ("Marie Lambert", "Pôle de Liège").
std::string subject_field(X509* cert, int nid);

std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* t);

}  // namespace ipt::signing::detail
