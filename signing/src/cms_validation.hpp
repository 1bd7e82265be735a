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

class PrefixDigests;

struct CmsContext {
  const std::vector<X509Ptr>& anchors;
  const ValidationPool& pool;  // the document's /DSS
  const VerifyOptions& options;
  const PrefixDigests* hashed = nullptr;  // the document's, when it was hashed already
};

struct CmsFindings {
  bool revocation_all_from_dss = false;  // every certificate's status came from the /DSS
  bool baseline_attributes = false;      // ETSI.CAdES.detached, signing-certificate-v2, no signing-time
};

// The byte range's SHA-256 comes from `context.hashed` when given (another digest algorithm
// is computed over `pdf`). Fills `verdict`'s signer, certificate,
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

// The digest of the two byte ranges with `md` (SHA-256 from `hashed` when given).
Bytes digest_of_ranges(const Bytes& pdf, const std::vector<size_t>& byte_range, const EVP_MD* md,
                       const PrefixDigests* hashed = nullptr);

}  // namespace ipt::signing::detail
