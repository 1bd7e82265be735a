#pragma once
// OpenSSL objects held in unique_ptr with their free function, one set of names for every
// library that speaks OpenSSL (signing, localpki). Header only: a library that includes it
// links OpenSSL itself; core's own API never exposes these types.
//
//   X509Ptr cert(d2i_X509(nullptr, &p, n));    // freed by X509_free
//   Handle<X509_ALGOR, X509_ALGOR_free> alg(X509_ALGOR_new());   // a type without an alias
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace ipt::core::openssl {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
template <class T, void (*F)(T*)>
using Handle = std::unique_ptr<T, Deleter<T, F>>;

using Asn1IntegerPtr = Handle<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1ObjectPtr = Handle<ASN1_OBJECT, ASN1_OBJECT_free>;
using Asn1TimePtr = Handle<ASN1_TIME, ASN1_TIME_free>;
using BignumPtr = Handle<BIGNUM, BN_free>;
using BioPtr = Handle<BIO, BIO_free_all>;
using CmsPtr = Handle<CMS_ContentInfo, CMS_ContentInfo_free>;
using EvpMdCtxPtr = Handle<EVP_MD_CTX, EVP_MD_CTX_free>;
using EvpPkeyPtr = Handle<EVP_PKEY, EVP_PKEY_free>;
using OcspBasicPtr = Handle<OCSP_BASICRESP, OCSP_BASICRESP_free>;
using OcspCertIdPtr = Handle<OCSP_CERTID, OCSP_CERTID_free>;
using OcspReqPtr = Handle<OCSP_REQUEST, OCSP_REQUEST_free>;
using OcspRespPtr = Handle<OCSP_RESPONSE, OCSP_RESPONSE_free>;
using PKCS7Ptr = Handle<PKCS7, PKCS7_free>;
using Pkcs12Ptr = Handle<PKCS12, PKCS12_free>;
using TsMsgImprintPtr = Handle<TS_MSG_IMPRINT, TS_MSG_IMPRINT_free>;
using TsReqPtr = Handle<TS_REQ, TS_REQ_free>;
using TsRespCtxPtr = Handle<TS_RESP_CTX, TS_RESP_CTX_free>;
using TsRespPtr = Handle<TS_RESP, TS_RESP_free>;
using TsVerifyCtxPtr = Handle<TS_VERIFY_CTX, TS_VERIFY_CTX_free>;
using X509CrlPtr = Handle<X509_CRL, X509_CRL_free>;
using X509ExtensionPtr = Handle<X509_EXTENSION, X509_EXTENSION_free>;
using X509Ptr = Handle<X509, X509_free>;
using X509RevokedPtr = Handle<X509_REVOKED, X509_REVOKED_free>;
using X509StoreCtxPtr = Handle<X509_STORE_CTX, X509_STORE_CTX_free>;
using X509StorePtr = Handle<X509_STORE, X509_STORE_free>;

// STACK_OFs that own their elements (sk_*_pop_free are macros: one deleter each).
struct X509StackDeleter {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
struct PKCS7StackDeleter {
  void operator()(STACK_OF(PKCS7) * s) const { sk_PKCS7_pop_free(s, PKCS7_free); }
};
struct SafeBagStackDeleter {
  void operator()(STACK_OF(PKCS12_SAFEBAG) * s) const { sk_PKCS12_SAFEBAG_pop_free(s, PKCS12_SAFEBAG_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;
using PKCS7StackPtr = std::unique_ptr<STACK_OF(PKCS7), PKCS7StackDeleter>;
using SafeBagStackPtr = std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), SafeBagStackDeleter>;

}  // namespace ipt::core::openssl
