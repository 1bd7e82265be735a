#pragma once
// A test PKI made from a recipe: root CA → intermediate CA → one signing certificate per
// role (pole, ordinary school, CPMS, parent), a timestamping authority and delegated OCSP
// responders; optionally defective signing certificates (expired, not yet valid, without
// digitalSignature) for the tests that must see them refused.
//
// Time is a parameter: every validity period is computed from `PkiRecipe::now`, never from
// the wall clock, so a test can freeze time and the demo can pin it.
//
// Ownership: a `Pki` is an immutable value, cheap to copy (the OpenSSL objects are shared,
// never modified after `make`/`load`). Borrowed `X509*`/`EVP_PKEY*` stay valid as long as
// one copy of the `Pki` (or of the `Credential`) lives. Thread safety: const member
// functions may be called from any thread (servers answer from their own threads).
//
// Not for production: private keys are saved unencrypted (mode 0600) by `save`.
#include <openssl/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ipt/core/dossier.hpp"
#include "ipt/core/result.hpp"

namespace ipt::localpki {

using Clock = std::chrono::system_clock;
using Bytes = std::vector<std::uint8_t>;

// Who signs an integration dossier, in the order of the circular.
// The signatory roles are the domain's (core::Role); one certificate per role.
using Role = core::Role;
inline constexpr Role all_roles[] = {Role::pole, Role::ecole_ordinaire, Role::cpms, Role::responsable};
// "pole", "ecole-ordinaire", "cpms", "responsable": also the id of that role's certificate.
std::string_view role_id(Role role);
std::optional<Role> parse_role(std::string_view id);

enum class KeyType { ecdsa_p256, rsa_2048 };

enum class CredentialKind { root_ca, intermediate_ca, signer, timestamp_authority, ocsp_responder };

// Deliberately broken signing certificates, for "certificate refused" tests.
enum class Defect {
  expired,               // notAfter = now - 1 day
  not_yet_valid,         // notBefore = now + 30 days
  no_digital_signature,  // key usage nonRepudiation only
};
// "expired", "not-yet-valid", "no-digital-signature".
std::string_view defect_id(Defect defect);

// The person named in a signing certificate: subject CN = common_name, O = organisation,
// and, when given, givenName + surname and an e-mail address (subjectAltName).
struct Person {
  std::string common_name;
  std::string organisation;
  KeyType key_type = KeyType::ecdsa_p256;
  std::string given_name;
  std::string surname;
  std::string email;
};

// A signing certificate for one named person (a dossier's planned signatory), id chosen by
// the caller ("PT-LIEGE-2026-0002-pole").
struct NamedSigner {
  std::string id;
  Role role = Role::pole;
  Person person;
};

struct DefectiveSigner {
  Role role;
  Defect defect;
};

struct PkiRecipe {
  // Every validity period is relative to this instant.
  Clock::time_point now = Clock::now();
  // Base URL of the loopback OcspResponder ("http://127.0.0.1:PORT"), which also serves the
  // CRLs and the CA certificates. Empty: the certificates carry no revocation URL.
  std::string revocation_base_url;
  bool with_ocsp_url = true;  // AIA id-ad-ocsp (+ caIssuers) when a base URL is given
  bool with_crl_url = true;   // CRL distribution point when a base URL is given

  std::string ca_organisation = "IPT Dossiers (PKI de test)";
  KeyType ca_key_type = KeyType::ecdsa_p256;
  KeyType service_key_type = KeyType::ecdsa_p256;  // TSA and OCSP responders

  // Signing certificates: notBefore = now - backdate (tolerates small clock skews),
  // notAfter = now + leaf_lifetime. The CAs start three years back, so that expired leaves
  // still fall inside their issuer's period, and end at now + ca_lifetime.
  std::chrono::seconds backdate = std::chrono::hours(1);
  std::chrono::days leaf_lifetime{825};
  std::chrono::days ca_lifetime{3650};

  // One signer per role; all four roles are required.
  std::map<Role, Person> signers = default_signers();
  // Extra certificates with id "<role>-<defect>" (e.g. "pole-expired"), same person.
  std::vector<DefectiveSigner> defective;
  // Further signing certificates, one per named person.
  std::vector<NamedSigner> people;

  static std::map<Role, Person> default_signers();
};

// One certificate and its private key.
class Credential {
 public:
  Credential(std::string id, CredentialKind kind, std::optional<Role> role, std::string issuer_id,
             std::shared_ptr<X509> certificate, std::shared_ptr<EVP_PKEY> private_key);

  // Stable name: "root", "intermediate", "pole", "pole-expired", "tsa", "ocsp-root"...
  const std::string& id() const { return id_; }
  CredentialKind kind() const { return kind_; }
  std::optional<Role> role() const { return role_; }
  const std::string& issuer_id() const { return issuer_id_; }  // empty for the root

  X509* certificate() const { return certificate_.get(); }  // borrowed, never null
  EVP_PKEY* private_key() const { return private_key_.get(); }  // borrowed, never null
  std::string certificate_pem() const;
  Bytes certificate_der() const;
  std::string private_key_pem() const;  // PKCS#8, unencrypted: do not log it
  std::string serial_hex() const;       // upper-case hex, as `openssl x509 -serial` prints
  std::string subject() const;          // one line, RFC 2253

 private:
  std::string id_;
  CredentialKind kind_;
  std::optional<Role> role_;
  std::string issuer_id_;
  std::shared_ptr<X509> certificate_;
  std::shared_ptr<EVP_PKEY> private_key_;
};

enum class KeyInBundle { no, yes };

class Pki {
 public:
  // Generates every key and certificate (ECDSA keys take milliseconds, RSA-2048 about
  // 0.1 s each). Fails, in French, on an incomplete recipe or an OpenSSL failure.
  static core::Result<Pki> make(const PkiRecipe& recipe);

  // A folder written by `save`: manifest.txt + <id>.crt.pem + <id>.key.pem. Fails when a
  // file is missing or damaged, or a key does not match its certificate.
  static core::Result<Pki> load(const std::filesystem::path& folder);
  // Writes the folder (created 0700; every file 0600), each file through a temporary + rename.
  core::Result<void> save(const std::filesystem::path& folder) const;
  // "On first run": loads `folder` when it holds a saved Pki, else makes one from `recipe`
  // and saves it there. A loaded Pki keeps the URLs (and so the port) it was made with.
  static core::Result<Pki> load_or_make(const std::filesystem::path& folder, const PkiRecipe& recipe);

  const Credential& root() const;
  const Credential& intermediate() const;
  const Credential& signer(Role role) const;
  const Credential& timestamp_authority() const;
  // The delegated responder certificate issued by `ca` (root or intermediate).
  const Credential& ocsp_responder_for(const Credential& ca) const;
  const Credential* find(std::string_view id) const;
  const Credential* find_defective(Role role, Defect defect) const;
  // The credential whose certificate issued `credential` (null for the root).
  const Credential* find_issuer(const Credential& credential) const;
  const std::vector<Credential>& credentials() const { return state_->credentials; }

  // Issuers of `credential`, nearest first, root last (the root itself has none).
  std::vector<X509*> chain_of(const Credential& credential) const;
  // Empty when the certificates carry no revocation URL.
  const std::string& revocation_base_url() const { return state_->revocation_base_url; }

  // PKCS#12 with the key, the certificate and its chain; AES-256-CBC + PBKDF2, SHA-256 MAC.
  // Mode 0600, written through a temporary file + rename.
  core::Result<void> write_pkcs12(const std::filesystem::path& path, std::string_view id,
                                  std::string_view password) const;
  core::Result<void> write_pkcs12(const std::filesystem::path& path, Role role, std::string_view password) const;
  // PEM: [private key,] certificate, then its chain up to the root. Mode 0600 (like every
  // file localpki writes: the project keeps its files readable by their owner only).
  core::Result<void> write_pem_bundle(const std::filesystem::path& path, std::string_view id,
                                      KeyInBundle key = KeyInBundle::no) const;

 private:
  struct State {
    std::vector<Credential> credentials;
    std::string revocation_base_url;
  };
  explicit Pki(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  const Credential& get(std::string_view id) const;

  std::shared_ptr<const State> state_;
};

// The port of "http://127.0.0.1:PORT" (also "http://localhost:PORT"); nullopt otherwise.
std::optional<std::uint16_t> parse_loopback_port(std::string_view base_url);

// The URLs the certificates carry for a given base URL; the responder serves these paths.
std::string ocsp_url(std::string_view base_url);                              // <base>/ocsp
std::string crl_url(std::string_view base_url, std::string_view ca_id);        // <base>/crl/<ca>.crl
std::string ca_issuers_url(std::string_view base_url, std::string_view ca_id);  // <base>/ca/<ca>.crt

}  // namespace ipt::localpki
