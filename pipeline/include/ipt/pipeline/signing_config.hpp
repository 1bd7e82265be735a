#pragma once
// The [signature] section of ipt.conf: whom to trust, the timestamp server, the default
// PAdES level and the organisations' seals, so that a coordinator does not repeat them on
// every command (README.md, « ipt.conf : la section [signature] »).
//
//   [signature]
//   trust = /etc/ipt-dossiers/racine-pole.pem
//   trust = /etc/ipt-dossiers/racine-eid.pem ; revocation=indeterminee-acceptee
//   tsa_url = http://tsa.example.be/
//   level = B-T
//   seal.pole = 3f1c…e9 1234          (SHA-256 of the seal certificate, optional FASE number)
//   seal_key.pole = p12 /etc/ipt-dossiers/cachet-pole.p12 ; password-file=/etc/ipt-dossiers/cachet-pole.mdp
//   seal_key.cpms = pkcs11 /usr/lib/softhsm/libsofthsm2.so ; token=CPMS ; key=cachet ; pin-env=IPT_PIN_CPMS
//   issuing_ca = p12 /etc/ipt-dossiers/ac-pole.p12 ; password-file=/etc/ipt-dossiers/ac-pole.mdp
//
// seal.<role> says which seal certificates the verifier accepts for an organisation;
// seal_key.<role> is the organisation's own key, with which ipt signs for it (the pole's
// seals the archives); issuing_ca the key of the pole's issuing CA (`ipt ca create`), which
// makes the portal's one-signature certificates. The secret is never in the file itself: a
// file or a variable names it.
//
// What the store accepts when revocation cannot be established is set per trust anchor:
// refused by default.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/pipeline/signer_identity.hpp"
#include "ipt/signing/key_source.hpp"
#include "ipt/signing/pades.hpp"
#include "ipt/signing/verifier.hpp"

namespace ipt::pipeline {

struct TrustAnchor {
  std::filesystem::path file;
  signing::Bytes certificate;  // DER
  std::string sha256;          // of the DER, lower-case hexadecimal
  bool accept_indeterminate_revocation = false;
};

// The key of an organisation's seal (seal_key.<role>).
struct SealKey {
  core::Role role = core::Role::pole;
  signing::KeyDescription key;
};

struct SigningConfig {
  std::vector<TrustAnchor> trust;
  std::string tsa_url;
  std::optional<signing::Level> level;  // none: each command's own default
  std::vector<ConfiguredSeal> seals;
  std::vector<SealKey> seal_keys;
  std::optional<signing::KeyDescription> issuing_ca;

  std::vector<signing::Bytes> trust_anchors() const;
  const SealKey* seal_key(core::Role role) const;
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
