#pragma once
// Verification of every signature and document timestamp of a PDF, as a verdict value
// (never an exception): valid, indeterminate or invalid (EN 319 102-1), with the problems
// that make it so as codes (verdict.hpp).
//
// For each signature: whether the signed bytes are intact, the signature value valid, the
// certificate chain trusted and valid at the signing time (the timestamp's time when there is
// one, else the claimed /M), the revocation status (from the document's /DSS, else online),
// the timestamp, the PAdES level reached, the byte range's coverage, and what the later
// revisions changed: nothing, form filling, further signatures, validation data or
// timestamps — or anything else, which fails (modifications that a certification or a field
// lock forbids, new pages, changed content).
//
// A check that fails makes the signature invalid (changed bytes, a wrong signature value, a
// certificate revoked before the signing time, a forbidden change); a check that cannot be
// made leaves it indeterminate (no trust anchor, no revocation information, an untrusted
// chain). Bytes after the last complete revision, or a signature cut by the end of the file,
// make the report invalid.
//
// Hostile input: files over `max_bytes` are refused, every offset is bounds-checked, and
// parsing errors become an error result (the caller's "unreadable input").
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"
#include "ipt/signing/pades.hpp"
#include "ipt/signing/verdict.hpp"

namespace ipt::signing {

struct VerifyOptions {
  std::vector<Bytes> trust_anchors;   // DER root certificates
  bool online_revocation = true;      // ask OCSP responders and CRL distribution points when the /DSS has nothing
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  size_t max_bytes = 64u << 20;
  // Start from this process's verdict on the same bytes, or on the document's earlier
  // revisions (verification_counters below); false: verify every signature.
  bool reuse_verdicts = true;
  // Keep this verdict for the verifications that follow.
  bool remember_verdict = true;
};

struct LaterChange {
  ChangeKind kind = ChangeKind::forbidden;
  std::string detail;   // French: what changed, e.g. "champ « avis_cpms » rempli"
  std::optional<ProblemCode> problem;  // for a forbidden change: change_forbidden or field_locked_changed
  bool allowed() const { return kind != ChangeKind::forbidden; }
};

struct SignatureVerdict {
  std::string field;
  bool document_timestamp = false;
  std::string subfilter;
  std::string signer;          // CN of the signing certificate (or of the TSA)
  std::string organisation;
  // The signing certificate (DER) and what identifies it, for the audit trail and the
  // identity check; empty for a document timestamp whose token names no signer.
  Bytes certificate;
  std::optional<std::chrono::system_clock::time_point> claimed_time;    // /M
  std::optional<std::chrono::system_clock::time_point> timestamp_time;  // signature or document timestamp
  std::vector<size_t> byte_range;
  size_t revision = 0;         // 1-based: the revision this signature closes
  bool covers_revision = false;  // the byte range ends exactly where a revision ends
  bool covers_whole_file = false;
  bool intact = false;
  bool signature_valid = false;
  bool chain_trusted = false;
  std::string chain_problem;   // OpenSSL's reason, when the chain does not hold
  std::string trust_anchor_sha256;  // hex SHA-256 of the anchor the chain ends at, when trusted
  RevocationStatus revocation = RevocationStatus::not_checked;
  RevocationSource revocation_source = RevocationSource::none;
  bool timestamp_present = false;
  bool timestamp_valid = false;
  std::optional<Level> level;  // none when not PAdES (and for document timestamps)
  bool certification = false;  // DocMDP
  std::vector<std::string> locked_fields;
  std::vector<LaterChange> later_changes;
  std::vector<Problem> problems;
  Indication indication = Indication::invalid;

  bool valid() const { return indication == Indication::valid; }
  bool has(ProblemCode code) const;
};

struct VerificationReport {
  size_t size = 0;
  size_t revisions = 0;
  std::string sha256;
  std::vector<SignatureVerdict> signatures;
  std::vector<Problem> problems;  // of the file as a whole (trailing data, a cut signature)
  // The worst of every signature's and the file's; invalid when there is no signature.
  Indication indication = Indication::invalid;

  bool valid() const { return indication == Indication::valid; }
  const SignatureVerdict* find(std::string_view field) const;
};

// Fails only when the input cannot be read as a PDF whose structure can be checked.
core::Result<VerificationReport> verify_pdf(const Bytes& pdf, const VerifyOptions& options);

// What this process's verifications did, for benchmarks and tests. A document that grows by a
// revision is checked from the verdict reached on its earlier bytes (within the last ten
// minutes, with the same options): only the new signatures' CMS and what the new revisions
// changed are checked ("incremental"); the same bytes again are the same verdict ("cached").
// After a revision that adds validation data (/DSS), the earlier signatures' revocation is
// checked again against it (their levels and revocation sources change), nothing else.
struct VerificationCounters {
  size_t signatures_checked = 0;  // CMS validations (signatures and document timestamps)
  size_t documents_whole = 0;
  size_t documents_incremental = 0;
  size_t documents_cached = 0;
  size_t revocations_rechecked = 0;  // earlier signatures checked again against new validation data
  // OCSP responses whose signature and responder were checked: the same response held in the
  // last ten minutes, against the same certificates, is not checked again.
  size_t ocsp_responses_checked = 0;
};
VerificationCounters verification_counters();

// The report as JSON (the validation report filed with the archive).
std::string report_json(const VerificationReport& report);

}  // namespace ipt::signing
