#include "archive_seal.hpp"

#include <algorithm>

#include "ipt/signing/certificates.hpp"
#include "ipt/signing/form_fields.hpp"
#include "ipt/signing/pades.hpp"
#include "ipt/signing/verifier.hpp"

namespace ipt::pipeline::detail {

namespace {

constexpr const char* certificate_name = "certificat-achevement.pdf";

std::string without_spaces(std::string text) {
  text.erase(std::remove_if(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\n' || c == '\r'; }), text.end());
  return text;
}

}  // namespace

core::Result<signing::Bytes> seal_certificate(const signing::Bytes& certificate, const ArchiveSeal& seal,
                                              const std::vector<signing::Bytes>& trust) {
  if (!seal.key || !seal.timestamps) {
    return core::fail(core::Category::invalid_input,
                      "l’archive est scellée par le cachet du pôle : configurez seal_key.pole et tsa_url dans la "
                      "section [signature] d’ipt.conf (ou donnez --p12/--token et --tsa)");
  }
  signing::SignatureOptions options;
  options.field = seal_field;
  options.level = signing::Level::b_lta;  // verifiable offline for as long as ipt extend renews it
  options.lock_all = true;
  options.reason = "Cachet de l’archive pour l’Inspection (circulaire 8783)";
  auto sealed = signing::sign_pdf(certificate, options, *seal.key, seal.timestamps, trust);
  if (!sealed) return std::unexpected(sealed.error().with_context(std::string(certificate_name) + " : cachet du pôle"));
  return sealed;
}

SealVerdict check_seal(const signing::Bytes& certificate, std::string_view manifest_sha256,
                       const std::vector<signing::Bytes>& trust, bool online_revocation,
                       std::span<const ConfiguredSeal> seals) {
  SealVerdict verdict;
  const std::string where = std::string(certificate_name) + " : cachet : ";
  signing::VerifyOptions options;
  options.trust_anchors = trust;
  options.online_revocation = online_revocation;
  auto report = signing::verify_pdf(certificate, options);
  if (!report) {
    verdict.problems.push_back(where + "certificat illisible (" + report.error().message + ")");
    return verdict;
  }
  const auto* signature = report->find(seal_field);
  if (!signature) {
    verdict.problems.push_back(where + "absent : le certificat d’achèvement n’est pas scellé");
    return verdict;
  }
  auto identity = signing::describe_certificate(signature->certificate);
  if (identity) {
    verdict.sealed_by = identity->common_name + (identity->organisation.empty() ? "" : ", " + identity->organisation) +
                        " (SHA-256 " + identity->sha256 + ")";
  }
  if (!report->valid()) {
    for (const auto& p : report->problems) verdict.problems.push_back(where + p.to_french());
    for (const auto& s : report->signatures) {
      for (const auto& p : s.problems) verdict.problems.push_back(where + p.to_french());
    }
    if (verdict.problems.empty()) verdict.problems.push_back(where + "ne se vérifie pas");
  } else if (signature->level != signing::Level::b_lta) {
    verdict.problems.push_back(where + "niveau " + std::string(signature->level ? signing::code(*signature->level) : "inconnu") +
                               " au lieu de B-LTA");
  }
  if (!seals.empty()) {
    const bool configured = identity && std::any_of(seals.begin(), seals.end(), [&](const ConfiguredSeal& s) {
                              return s.role == core::Role::pole && s.sha256 == identity->sha256;
                            });
    if (!configured) {
      verdict.problems.push_back(where + "apposé par " + (verdict.sealed_by.empty() ? "un certificat illisible" : verdict.sealed_by) +
                                 ", qui n’est pas un cachet du pôle configuré (seal.pole dans [signature] d’ipt.conf)");
    }
  }
  std::optional<std::string> sealed_manifest;
  if (auto values = signing::read_field_values(certificate)) {
    if (const auto it = values->find(manifest_field); it != values->end()) sealed_manifest = without_spaces(it->second);
  }
  if (!sealed_manifest) {
    verdict.problems.push_back(where + "le champ « " + std::string(manifest_field) + " » manque");
  } else if (*sealed_manifest != manifest_sha256) {
    verdict.problems.push_back(where + "il scelle le manifeste d’empreinte " + *sealed_manifest +
                               ", or manifest.json a l’empreinte " + std::string(manifest_sha256) +
                               " : le manifeste a été modifié ou remplacé");
  }
  verdict.ok = verdict.problems.empty();
  return verdict;
}

}  // namespace ipt::pipeline::detail
