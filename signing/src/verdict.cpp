#include "ipt/signing/verdict.hpp"

#include <algorithm>

#include "ipt/signing/verifier.hpp"

namespace ipt::signing {

namespace {

struct ProblemInfo {
  ProblemCode problem;
  std::string_view code;
  Indication indication;
  std::string_view french;
};

// One row per code: its stable name, what it makes the signature, and its French wording.
constexpr ProblemInfo problems[] = {
    {ProblemCode::byte_range_invalid, "byte_range.invalid", Indication::invalid, "plage d’octets (/ByteRange) invalide"},
    {ProblemCode::byte_range_gap, "byte_range.gap", Indication::invalid,
     "la plage signée ne couvre pas une révision entière du document"},
    {ProblemCode::contents_unreadable, "contents.unreadable", Indication::invalid, "contenu de signature (/Contents) illisible"},
    {ProblemCode::cms_unreadable, "cms.unreadable", Indication::invalid, "signature CMS illisible"},
    {ProblemCode::cms_signer_count, "cms.signer_count", Indication::invalid, "la signature CMS doit avoir un seul signataire"},
    {ProblemCode::signer_certificate_missing, "certificate.missing", Indication::invalid, "certificat du signataire absent"},
    {ProblemCode::digest_mismatch, "digest.mismatch", Indication::invalid,
     "le document a été modifié dans la plage signée (empreinte différente)"},
    {ProblemCode::signature_value_invalid, "signature.invalid", Indication::invalid, "valeur de signature invalide"},
    {ProblemCode::timestamp_invalid, "timestamp.invalid", Indication::invalid, "horodatage invalide"},
    {ProblemCode::certificate_revoked, "revocation.revoked", Indication::invalid, "certificat révoqué avant la signature"},
    {ProblemCode::not_pades, "format.not_pades", Indication::invalid, "signature non PAdES"},
    {ProblemCode::change_forbidden, "change.forbidden", Indication::invalid, "modification interdite après la signature"},
    {ProblemCode::field_locked_changed, "field.locked_changed", Indication::invalid,
     "champ verrouillé par la signature modifié ensuite"},
    {ProblemCode::file_trailing_data, "file.trailing_data", Indication::invalid,
     "des octets suivent la dernière révision complète du fichier"},
    {ProblemCode::file_truncated_signature, "file.truncated_signature", Indication::invalid,
     "une signature est coupée par la fin du fichier (fichier tronqué)"},
    {ProblemCode::chain_untrusted, "chain.untrusted", Indication::indeterminate,
     "chaîne de certificats sans autorité de confiance connue"},
    {ProblemCode::chain_invalid, "chain.invalid", Indication::indeterminate,
     "chaîne de certificats non valide à la date de signature"},
    {ProblemCode::no_trust_anchor, "trust.none", Indication::indeterminate,
     "aucune autorité de confiance configurée (--trust ou trust dans ipt.conf)"},
    {ProblemCode::timestamp_untrusted, "timestamp.untrusted", Indication::indeterminate,
     "autorité d’horodatage non reconnue"},
    {ProblemCode::revocation_unknown, "revocation.unknown", Indication::indeterminate,
     "statut de révocation inconnu du répondeur"},
    {ProblemCode::revocation_unavailable, "revocation.unavailable", Indication::indeterminate,
     "aucune information de révocation (ni OCSP ni CRL) n’a pu être obtenue"},
    {ProblemCode::revocation_untrusted, "revocation.untrusted", Indication::indeterminate,
     "information de révocation non fiable (signature du répondeur ou de la CRL)"},
    {ProblemCode::changes_unreadable, "changes.unreadable", Indication::indeterminate,
     "révisions suivantes illisibles : leurs modifications n’ont pas pu être jugées"},
};

const ProblemInfo& info(ProblemCode p) {
  return *std::find_if(std::begin(problems), std::end(problems), [&](const ProblemInfo& i) { return i.problem == p; });
}

}  // namespace

std::string_view code(Indication i) {
  switch (i) {
    case Indication::valid: return "valid";
    case Indication::indeterminate: return "indeterminate";
    case Indication::invalid: return "invalid";
  }
  return "invalid";
}

std::string_view french(Indication i) {
  switch (i) {
    case Indication::valid: return "VALIDE";
    case Indication::indeterminate: return "INDÉTERMINÉE";
    case Indication::invalid: return "NON VALIDE";
  }
  return "NON VALIDE";
}

Indication worst(Indication a, Indication b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

std::string_view code(ProblemCode p) { return info(p).code; }
std::string_view french(ProblemCode p) { return info(p).french; }
Indication indication_of(ProblemCode p) { return info(p).indication; }

std::string Problem::to_french() const {
  std::string out(french(code));
  if (!detail.empty()) out += " (" + detail + ")";
  return out;
}

Indication indication_of(const std::vector<Problem>& list) {
  Indication i = Indication::valid;
  for (const auto& p : list) i = worst(i, indication_of(p.code));
  return i;
}

std::string_view code(RevocationStatus s) {
  switch (s) {
    case RevocationStatus::not_checked: return "not_checked";
    case RevocationStatus::good: return "good";
    case RevocationStatus::revoked: return "revoked";
    case RevocationStatus::unknown: return "unknown";
  }
  return "not_checked";
}

std::string_view french(RevocationStatus s) {
  switch (s) {
    case RevocationStatus::not_checked: return "non vérifié";
    case RevocationStatus::good: return "bon";
    case RevocationStatus::revoked: return "révoqué";
    case RevocationStatus::unknown: return "inconnu";
  }
  return "non vérifié";
}

std::string_view code(RevocationSource s) {
  switch (s) {
    case RevocationSource::none: return "none";
    case RevocationSource::dss_ocsp: return "dss.ocsp";
    case RevocationSource::dss_crl: return "dss.crl";
    case RevocationSource::online_ocsp: return "online.ocsp";
    case RevocationSource::online_crl: return "online.crl";
  }
  return "none";
}

std::string_view french(RevocationSource s) {
  switch (s) {
    case RevocationSource::none: return "";
    case RevocationSource::dss_ocsp: return "DSS (OCSP)";
    case RevocationSource::dss_crl: return "DSS (CRL)";
    case RevocationSource::online_ocsp: return "en ligne (OCSP)";
    case RevocationSource::online_crl: return "en ligne (CRL)";
  }
  return "";
}

std::string_view code(ChangeKind k) {
  switch (k) {
    case ChangeKind::form_filling: return "form_filling";
    case ChangeKind::signature: return "signature";
    case ChangeKind::validation_data: return "validation_data";
    case ChangeKind::timestamp: return "timestamp";
    case ChangeKind::forbidden: return "forbidden";
  }
  return "forbidden";
}

bool SignatureVerdict::has(ProblemCode c) const {
  return std::any_of(problems.begin(), problems.end(), [&](const Problem& p) { return p.code == c; });
}

const SignatureVerdict* VerificationReport::find(std::string_view f) const {
  for (const auto& s : signatures) {
    if (s.field == f) return &s;
  }
  return nullptr;
}

}  // namespace ipt::signing
