#pragma once
// The [signature] section of ipt.conf: whom to trust, the timestamp server, the default
// PAdES level and the organisations' seals, so that a coordinator does not repeat them on
// every command (see docs/signing.md).
//
//   [signature]
//   trust = /etc/ipt-dossiers/racine-pole.pem
//   trust = /etc/ipt-dossiers/racine-eid.pem ; revocation=indeterminee-acceptee
//   tsa_url = http://tsa.example.be/
//   level = B-T
//   seal.pole = 3f1c…e9 1234          (SHA-256 of the seal certificate, optional FASE number)
//
// What the store accepts when revocation cannot be established is set per trust anchor:
// refused by default.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/pipeline/signer_identity.hpp"
#include "ipt/signing/pades.hpp"
#include "ipt/signing/verifier.hpp"

namespace ipt::pipeline {

struct TrustAnchor {
  std::filesystem::path file;
  signing::Bytes certificate;  // DER
  std::string sha256;          // of the DER, lower-case hexadecimal
  bool accept_indeterminate_revocation = false;
};

struct SigningConfig {
  std::vector<TrustAnchor> trust;
  std::string tsa_url;
  std::optional<signing::Level> level;  // none: each command's own default
  std::vector<ConfiguredSeal> seals;

  std::vector<signing::Bytes> trust_anchors() const;
};

// Reads the [signature] section; every problem is named with its line. Relative paths are
// read from `base_folder` (the configuration file's folder).
core::Result<SigningConfig> parse_signing_config(std::string_view text, const std::string& file_name,
                                                 const std::filesystem::path& base_folder);
// An absent file gives the defaults (no anchor, B-T, no seal) only when `optional`.
core::Result<SigningConfig> load_signing_config(const std::filesystem::path& path, bool optional);

// Whether a document may replace the stored one: every signature valid, or indeterminate
// only because revocation could not be established (revocation.unavailable or .unknown)
// for a chain ending at an anchor configured to accept it.
bool acceptable(const signing::VerificationReport& report, const SigningConfig& config);

}  // namespace ipt::pipeline
