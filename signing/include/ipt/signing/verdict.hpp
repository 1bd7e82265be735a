#pragma once
// The vocabulary of a validation verdict, as ETSI EN 319 102-1 has it: an indication
// (valid, indeterminate, invalid) and, for anything short of valid, problems with stable
// codes. Code compares the enums; French appears only where a verdict is printed.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ipt::signing {

// EN 319 102-1 §5.1.3: TOTAL-PASSED, INDETERMINATE, TOTAL-FAILED. Ordered from best to worst.
enum class Indication { valid, indeterminate, invalid };

std::string_view code(Indication indication);    // "valid", "indeterminate", "invalid"
std::string_view french(Indication indication);  // "VALIDE", "INDÉTERMINÉE", "NON VALIDE"
Indication worst(Indication a, Indication b);

// Why a signature is not valid. Each code has one indication: a failed check proves the
// signature wrong (invalid); a check that could not be made leaves it indeterminate.
enum class ProblemCode {
  // invalid
  byte_range_invalid,       // byte_range.invalid: not two ranges around /Contents inside the file
  byte_range_gap,           // byte_range.gap: the signed range does not end where a revision ends
  contents_unreadable,      // contents.unreadable
  cms_unreadable,           // cms.unreadable
  cms_signer_count,         // cms.signer_count: not exactly one SignerInfo
  signer_certificate_missing,  // certificate.missing
  digest_mismatch,          // digest.mismatch: the signed bytes changed (HASH_FAILURE)
  signature_value_invalid,  // signature.invalid (SIG_CRYPTO_FAILURE)
  timestamp_invalid,        // timestamp.invalid: token unreadable, imprint or signature wrong
  certificate_revoked,      // revocation.revoked: revoked before the signing time (REVOKED)
  not_pades,                // format.not_pades (FORMAT_FAILURE)
  change_forbidden,         // change.forbidden: a later revision changed what the signature forbids
  field_locked_changed,     // field.locked_changed: a field this signature locked was changed
  file_trailing_data,       // file.trailing_data: bytes after the last complete revision
  file_truncated_signature, // file.truncated_signature: a signature cut off by the end of the file
  // indeterminate
  chain_untrusted,          // chain.untrusted: no chain to a trust anchor (NO_CERTIFICATE_CHAIN_FOUND)
  chain_invalid,            // chain.invalid: the chain does not hold at the signing time (expired…)
  no_trust_anchor,          // trust.none: no trust anchor configured
  timestamp_untrusted,      // timestamp.untrusted: the timestamp's authority is not trusted
  revocation_unknown,       // revocation.unknown: the responder does not know the certificate
  revocation_unavailable,   // revocation.unavailable: no OCSP response nor CRL could be had
  revocation_untrusted,     // revocation.untrusted: an OCSP response or CRL whose signer is not trusted
  changes_unreadable,       // changes.unreadable: later revisions could not be compared
};

std::string_view code(ProblemCode problem);    // the stable code, e.g. "revocation.unknown"
std::string_view french(ProblemCode problem);  // what it means, in French
Indication indication_of(ProblemCode problem);

struct Problem {
  ProblemCode code;
  std::string detail;  // French, may be empty: what exactly (a certificate's name, an object)

  // "statut de révocation inconnu du répondeur (Marie Lambert)"
  std::string to_french() const;
};

// The worst indication among `problems` (valid when there is none).
Indication indication_of(const std::vector<Problem>& problems);

enum class RevocationStatus { not_checked, good, revoked, unknown };
std::string_view code(RevocationStatus status);    // "not_checked", "good", "revoked", "unknown"
std::string_view french(RevocationStatus status);  // "non vérifié", "bon", "révoqué", "inconnu"

enum class RevocationSource { none, dss_ocsp, dss_crl, online_ocsp, online_crl };
std::string_view code(RevocationSource source);    // "none", "dss.ocsp", "dss.crl", "online.ocsp", "online.crl"
std::string_view french(RevocationSource source);  // "", "DSS (OCSP)", "DSS (CRL)", "en ligne (OCSP)", "en ligne (CRL)"
inline bool from_dss(RevocationSource s) { return s == RevocationSource::dss_ocsp || s == RevocationSource::dss_crl; }

// What a revision after a signature did.
enum class ChangeKind { form_filling, signature, validation_data, timestamp, forbidden };
std::string_view code(ChangeKind kind);  // "form_filling", "signature", "validation_data", "timestamp", "forbidden"

}  // namespace ipt::signing
