#pragma once
// The CAdES detached SignedData of a PAdES baseline signature (private to signing).
//
// OpenSSL's CMS_SignerInfo_sign always adds a signing-time attribute, which PAdES forbids;
// so the signed attributes are assembled here, encoded as the DER SET OF that is actually
// signed, signed by the KeySource (or a remote signer), and the value stored back.
#include <optional>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"
#include "openssl_util.hpp"

namespace ipt::signing::detail {

struct CmsSkeleton {
  CmsPtr cms;
  CMS_SignerInfo* signer = nullptr;  // owned by cms
  Bytes signed_attributes;           // DER of the SET OF attributes: the data to be signed
};

// content-type (id-data), message-digest (the document digest) and signing-certificate-v2;
// the signer certificate and `chain` are embedded. Deterministic for the same inputs, so
// that a two-step signing can rebuild it after a restart.
core::Result<CmsSkeleton> build_cms(const Bytes& document_digest, const Bytes& certificate,
                                    const std::vector<Bytes>& chain);
// The same from certificates already parsed (each d2i_X509 costs about 0.1 ms with OpenSSL
// 3.0, which decodes the public key through its provider decoders: parse once per signature).
core::Result<CmsSkeleton> build_cms(const Bytes& document_digest, X509* certificate, const std::vector<X509Ptr>& chain);

// Every DER certificate of `chain`, parsed; fails on the first unreadable one.
core::Result<std::vector<X509Ptr>> parse_certificates(const std::vector<Bytes>& chain);

// Stores the signature value (checked against the certificate's public key), adds the
// signature timestamp token as an unsigned attribute when given, and returns the DER.
core::Result<Bytes> finish_cms(CmsSkeleton& skeleton, const Bytes& signature_value,
                               const std::optional<Bytes>& timestamp_token);

// The SignerInfo's signature value (what a signature timestamp covers).
Bytes signature_value_of(CMS_SignerInfo* signer);

}  // namespace ipt::signing::detail
