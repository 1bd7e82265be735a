#pragma once
// The CMS half of verification (private to signing), apart from the PDF half (verifier.cpp):
// for one signature's /Contents, whether the signed bytes are intact, the signature value
// and its timestamp valid, the chain trusted at the signing time and nothing revoked; for a
// document timestamp, the token over the signed bytes.
#include <chrono>
#include <vector>

#include "ipt/signing/verifier.hpp"
#include "openssl_util.hpp"
#include "revocation_check.hpp"

namespace ipt::signing::detail {

struct CmsContext {
  const std::vector<X509Ptr>& anchors;
  const ValidationPool& pool;  // the document's /DSS
  const VerifyOptions& options;
};

struct CmsFindings {
  bool revocation_all_from_dss = false;  // every certificate's status came from the /DSS
  bool baseline_attributes = false;      // ETSI.CAdES.detached, signing-certificate-v2, no signing-time
};

// `signed_digest` is SHA-256 over the byte range (for another digest algorithm, the CMS's
// own is recomputed from `pdf` and `byte_range`). Fills `verdict`'s signer, certificate,
// intact, signature_valid, timestamp, chain and revocation fields and adds its problems.
CmsFindings validate_signature_cms(const Bytes& cms_der, const Bytes& pdf, const std::vector<size_t>& byte_range,
                                   const CmsContext& context, SignatureVerdict& verdict);

// For a signature already validated (`v` from validate_signature_cms) in a document that has
// since received validation data: its revocation checked again against the new /DSS, its
// earlier revocation findings replaced; whether every status came from the /DSS. Nothing
// else is checked again (the signature value, the timestamp and the chain are unchanged).
bool revalidate_revocation(const Bytes& cms_der, const CmsContext& context, SignatureVerdict& v);

// A document timestamp (ETSI.RFC3161): the token's imprint must be the byte range's digest.
void validate_document_timestamp(const Bytes& token_der, const Bytes& pdf, const std::vector<size_t>& byte_range,
                                 const CmsContext& context, SignatureVerdict& verdict);

// The digest of the two byte ranges with `md`.
Bytes digest_of_ranges(const Bytes& pdf, const std::vector<size_t>& byte_range, const EVP_MD* md);

}  // namespace ipt::signing::detail
