#pragma once
// Verification of every signature and document timestamp of a PDF, as a verdict value
// (never an exception): what holds, what does not, and why, in French.
//
// For each signature: whether the signed bytes are intact, the signature value valid, the
// certificate chain trusted and valid at the signing time (the timestamp's time when there is
// one, else the claimed /M), the revocation status (from the document's /DSS, else online),
// the timestamp, the PAdES level reached, the byte range's coverage, and what the later
// revisions changed: nothing, form filling, further signatures, validation data or
// timestamps — or anything else, which fails (modifications that a certification or a field
// lock forbids, new pages, changed content).
//
// Hostile input: files over `max_bytes` are refused, every offset is bounds-checked, and
// parsing errors become an error result (the caller's "unreadable input").
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::signing {

struct VerifyOptions {
  std::vector<Bytes> trust_anchors;   // DER root certificates
  bool online_revocation = true;      // ask OCSP responders when the /DSS has nothing
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  size_t max_bytes = 64u << 20;
};

struct LaterChange {
  std::string kind;     // "remplissage", "signature", "donnees-validation", "horodatage", "interdit"
  std::string detail;   // French
  bool allowed = true;
};

struct SignatureVerdict {
  std::string field;
  bool document_timestamp = false;
  std::string subfilter;
  std::string signer;          // CN of the signing certificate (or of the TSA)
  std::string organisation;
  std::optional<std::chrono::system_clock::time_point> claimed_time;    // /M
  std::optional<std::chrono::system_clock::time_point> timestamp_time;  // signature or document timestamp
  std::vector<size_t> byte_range;
  size_t revision = 0;         // 1-based: the revision this signature closes
  bool covers_revision = false;  // the byte range ends exactly where a revision ends
  bool covers_whole_file = false;
  bool intact = false;
  bool signature_valid = false;
  bool chain_trusted = false;
  std::string chain_problem;
  std::string revocation;      // "bon", "révoqué", "inconnu", "non vérifié"
  std::string revocation_source;  // "DSS", "en ligne", ""
  bool timestamp_present = false;
  bool timestamp_valid = false;
  std::string level;           // "B-B", "B-T", "B-LT", "B-LTA", or "" when not PAdES
  bool certification = false;  // DocMDP
  std::vector<std::string> locked_fields;
  std::vector<LaterChange> later_changes;
  std::vector<std::string> problems;  // French, one per failed check
  bool ok = false;
};

struct VerificationReport {
  size_t size = 0;
  size_t revisions = 0;
  std::string sha256;
  std::vector<SignatureVerdict> signatures;
  bool ok = false;  // every signature holds (and there is at least one)
};

// Fails only when the input cannot be read as a PDF whose structure can be checked.
core::Result<VerificationReport> verify_pdf(const Bytes& pdf, const VerifyOptions& options);

// The report as JSON (the validation report filed with the archive).
std::string report_json(const VerificationReport& report);

}  // namespace ipt::signing
