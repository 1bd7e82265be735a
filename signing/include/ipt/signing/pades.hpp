#pragma once
// PAdES baseline signatures (ETSI EN 319 142-1), one signatory at a time, each in its own
// incremental revision so that earlier signatures stay valid.
//
// Signing is staged so that a remote signer or a token can finish it later:
//   1. prepare_signature: fills the signatory's fields, draws the visible signature, writes
//      the revision with room for the CMS, and returns the data to be signed (the DER of the
//      CAdES signed attributes: content-type, message-digest, signing-certificate-v2; no
//      signing-time — the time is the dictionary's /M);
//   2. the key signs that data (KeySource::sign, or a remote signer);
//   3. complete_signature: builds the CMS, adds a signature timestamp for B-T and above, and
//      writes it into the reserved room.
// Levels B-LT and B-LTA add further revisions: validation data (/DSS) and a document
// timestamp. sign_pdf runs every stage in one call.
//
// Only documents whose revisions end with a classic cross-reference table or a
// cross-reference stream (as Acrobat writes them), without object streams or encryption, are
// continued (PoDoFo 0.9.8 would damage others): anything else is refused with a reason before
// any work.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"
#include "ipt/signing/key_source.hpp"
#include "ipt/signing/timestamp_client.hpp"

namespace ipt::signing {

enum class Level { b_b, b_t, b_lt, b_lta };
std::string_view code(Level level);                    // "B-B", "B-T", "B-LT", "B-LTA"
std::optional<Level> parse_level(std::string_view text);

struct FieldFill {
  std::string field;  // a choice ("avis_cpms"), a check box or a text field
  std::string value;  // for a choice: the option, e.g. "favorable"
};

struct SignatureOptions {
  std::string field;                  // the empty signature field, e.g. "sig_cpms"
  Level level = Level::b_b;
  bool certify = false;               // DocMDP P=2: form filling and signatures allowed after
  std::vector<FieldFill> fills;       // written in the same revision, then locked
  // Locked by this signature besides its fills (the signatory's own box); lock_all: every
  // field still open (the last signature of a document). A locked field is made read-only in
  // the signature's revision (check boxes are also in its FieldMDP lock): the verifier then
  // refuses any later change to it.
  std::vector<std::string> lock_fields;
  bool lock_all = false;
  // With `certify`: the fields later signatories fill (their boxes), which the certification
  // leaves open although they may already hold a value from the dossier.
  std::vector<std::string> keep_open;
  std::string reason;                 // shown by viewers, e.g. "Accord sur le projet d'intégration"
  std::string location;
  // The visible signature's lines; by default taken from the certificate (CN, O).
  std::string signer_name;
  std::string organisation;
  std::chrono::system_clock::time_point signing_time = std::chrono::system_clock::now();
  // Room for the CMS. 0 lets sign_pdf size it: what the CMS will hold (the certificates, and
  // a timestamp token as large as the largest the same TimestampSource returned), with room
  // to spare, and the signature made again with more room should it not fit; 16 KiB when no
  // token has been seen yet (and for prepare_signature, which cannot know the token).
  size_t reserved_bytes = 0;
};

// The state between stages 1 and 3. Serialisable, so that the process may stop between them.
struct PreparedSignature {
  SignatureOptions options;
  Bytes pdf;                    // the document with the new revision and an empty /Contents
  size_t contents_offset = 0;   // of the '<' that opens /Contents
  size_t contents_length = 0;   // including '<' and '>'
  Bytes document_digest;        // SHA-256 over the byte range
  Bytes signed_attributes;      // DER SET OF: what the key signs
  Bytes certificate;
  std::vector<Bytes> chain;

  Bytes serialize() const;
  static core::Result<PreparedSignature> deserialize(const Bytes& bytes);
};

// Stage 1. Fails (nothing written) on: unsupported document, missing field, field already
// signed, a fill naming an unknown field or an impossible value, an expired or unusable
// certificate.
core::Result<PreparedSignature> prepare_signature(const Bytes& pdf, const SignatureOptions& options,
                                                  const Bytes& certificate, const std::vector<Bytes>& chain);

// Stage 3 with a raw signature value over `prepared.signed_attributes`. For B-T and above a
// timestamp source is required; when it fails, nothing is produced.
core::Result<Bytes> complete_signature(const PreparedSignature& prepared, const Bytes& signature_value,
                                       TimestampSource* timestamps);
// Stage 3 with a whole detached CMS made elsewhere (it must sign this document's digest).
core::Result<Bytes> complete_signature_with_cms(const PreparedSignature& prepared, const Bytes& cms);

// Validation material for the /DSS: certificates, OCSP responses and CRLs (DER).
struct ValidationData {
  std::vector<Bytes> certificates;
  std::vector<Bytes> ocsp_responses;
  std::vector<Bytes> crls;
};

// Adds a revision with a /DSS holding `data` (merged with any /DSS already there).
core::Result<Bytes> add_validation_data(const Bytes& pdf, const ValidationData& data);
// Adds a revision with a document timestamp (SubFilter ETSI.RFC3161) over the whole file.
// `reserved_bytes` 0: room for a token like the largest `timestamps` returned (16 KiB when it
// returned none yet), and the timestamp asked again with more room should it not fit.
core::Result<Bytes> add_document_timestamp(const Bytes& pdf, TimestampSource& timestamps,
                                           size_t reserved_bytes = 0);

// Extends a signed document to B-LTA: one revision with a /DSS holding the validation data of
// every signature and timestamp it carries (fetched from the URLs in their certificates,
// with `trust_anchors`), then a document timestamp over the whole file. Run when a
// document's last signature lands, and again (ipt extend) before the last timestamp's
// certificate expires: each run adds the data of the previous timestamp and a new one.
core::Result<Bytes> extend_to_lta(const Bytes& pdf, TimestampSource& timestamps, const std::vector<Bytes>& trust_anchors,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Verifies `pdf` and fails, saying why, when signature `field` does not reach `requested`
// (B-LT and above are checked offline: their validation data must be in the document).
core::Result<void> check_level_reached(const Bytes& pdf, const std::string& field, Level requested,
                                       const std::vector<Bytes>& trust_anchors);

// Everything for one signatory at the requested level. For B-LT and B-LTA, the revocation
// data of the signer's chain and of the timestamp authority's chain is fetched from the URLs
// in the certificates (OCSP, else CRL) together with `trust_anchors` (DER root certificates),
// and the result is verified: a level that is not reached (an untrusted chain, missing
// revocation data) is an error, never a lower level written silently.
core::Result<Bytes> sign_pdf(const Bytes& pdf, const SignatureOptions& options, KeySource& key,
                             TimestampSource* timestamps, const std::vector<Bytes>& trust_anchors = {});

}  // namespace ipt::signing
