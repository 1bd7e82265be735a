// The PKI on disk (save/load, for `ipt demo`'s "make once, reuse") and the files other
// programs read: PKCS#12 and PEM bundles.
#include <openssl/pem.h>

#include <algorithm>
#include <sstream>

#include "ipt/core/files.hpp"
#include "openssl_util.hpp"

namespace ipt::localpki {

using namespace detail;
namespace fs = std::filesystem;

namespace {

constexpr const char* manifest_name = "manifest.txt";
constexpr const char* manifest_header = "# ipt-localpki 1";

std::string_view kind_id(CredentialKind kind) {
  switch (kind) {
    case CredentialKind::root_ca: return "root-ca";
    case CredentialKind::intermediate_ca: return "intermediate-ca";
    case CredentialKind::signer: return "signer";
    case CredentialKind::timestamp_authority: return "timestamp-authority";
    case CredentialKind::ocsp_responder: return "ocsp-responder";
  }
  return "?";
}

std::optional<CredentialKind> parse_kind(std::string_view id) {
  for (auto k : {CredentialKind::root_ca, CredentialKind::intermediate_ca, CredentialKind::signer,
                 CredentialKind::timestamp_authority, CredentialKind::ocsp_responder}) {
    if (kind_id(k) == id) return k;
  }
  return std::nullopt;
}

core::Result<std::string> read_file(const fs::path& path) {
  auto text = core::read_whole_file(path);
  if (!text) return core::fail(core::Category::not_found, "lecture impossible", {.file = path.string()});
  return *std::move(text);
}

// Ids become file names: keep them to a safe alphabet.
bool is_safe_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

core::Result<X509Ptr> parse_certificate_pem(const std::string& pem, const std::string& where) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) return openssl_failure(where + " : certificat PEM illisible");
  return cert;
}

core::Result<EvpPkeyPtr> parse_key_pem(const std::string& pem, const std::string& where) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  // An empty passphrase callback: a key that asks for one is refused instead of prompting.
  EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr)
                    : nullptr);
  if (!key) return openssl_failure(where + " : clé privée PEM illisible");
  return key;
}

}  // namespace

core::Result<void> Pki::save(const fs::path& folder) const {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return core::fail(folder.string() + " : création impossible (" + ec.message() + ")");
  fs::permissions(folder, fs::perms::owner_all, ec);
  if (ec) return core::fail(folder.string() + " : permissions impossibles à fixer (" + ec.message() + ")");

  std::ostringstream manifest;
  manifest << manifest_header << "\n";
  manifest << "revocation-base-url " << (revocation_base_url().empty() ? "-" : revocation_base_url()) << "\n";
  for (const auto& c : credentials()) {
    const std::string stem = (folder / c.id()).string();
    IPT_TRY_VOID(core::write_file_atomically(stem + ".crt.pem", c.certificate_pem()));
    IPT_TRY_VOID(core::write_file_atomically(stem + ".key.pem", c.private_key_pem()));
    manifest << "credential " << c.id() << " " << kind_id(c.kind()) << " "
             << (c.role() ? role_id(*c.role()) : std::string_view("-")) << " "
             << (c.issuer_id().empty() ? std::string("-") : c.issuer_id()) << "\n";
  }
  // The manifest last: a folder interrupted mid-save has none and does not load.
  return core::write_file_atomically(folder / manifest_name, manifest.str());
}

core::Result<Pki> Pki::load(const fs::path& folder) {
  const auto where = [&](const std::string& name) { return (folder / name).string(); };
  auto text = read_file(folder / manifest_name);
  if (!text) return std::unexpected(text.error().with_context("PKI de test"));
  std::istringstream lines(*text);
  std::string line;
  if (!std::getline(lines, line) || line != manifest_header) {
    return core::fail(core::Category::invalid_input, where(manifest_name) + ":1: en-tête « " + manifest_header + " » attendu");
  }
  auto state = std::make_shared<State>();
  int line_number = 1;
  while (std::getline(lines, line)) {
    ++line_number;
    if (line.empty()) continue;
    const std::string at = where(manifest_name) + ":" + std::to_string(line_number) + ": ";
    std::istringstream fields(line);
    std::string keyword;
    fields >> keyword;
    if (keyword == "revocation-base-url") {
      std::string url;
      fields >> url;
      state->revocation_base_url = url == "-" ? "" : url;
      continue;
    }
    std::string id, kind_text, role_text, issuer;
    if (keyword != "credential" || !(fields >> id >> kind_text >> role_text >> issuer)) {
      return core::fail(at + "ligne illisible");
    }
    if (std::any_of(state->credentials.begin(), state->credentials.end(), [&](const Credential& c) { return c.id() == id; })) {
      return core::fail(at + "certificat « " + id + " » en double");
    }
    const auto kind = parse_kind(kind_text);
    const auto role = parse_role(role_text);
    if (!is_safe_id(id) || !kind || (role_text != "-" && !role)) return core::fail(at + "ligne illisible");
    IPT_TRY(cert_text, read_file(folder / (id + ".crt.pem")));
    IPT_TRY(key_text, read_file(folder / (id + ".key.pem")));
    IPT_TRY(cert, parse_certificate_pem(*cert_text, where(id + ".crt.pem")));
    IPT_TRY(key, parse_key_pem(*key_text, where(id + ".key.pem")));
    if (X509_check_private_key(cert->get(), key->get()) != 1) {
      return openssl_failure(where(id + ".key.pem") + " : la clé ne correspond pas au certificat");
    }
    state->credentials.emplace_back(id, *kind, role, issuer == "-" ? std::string() : issuer,
                                    std::shared_ptr<X509>(cert->release(), X509_free),
                                    std::shared_ptr<EVP_PKEY>(key->release(), EVP_PKEY_free));
  }
  Pki pki(std::move(state));
  std::vector<std::string> required = {"root", "intermediate", "tsa", "ocsp-root", "ocsp-intermediate"};
  for (Role r : all_roles) required.emplace_back(role_id(r));
  for (const auto& id : required) {
    if (!pki.find(id)) return core::fail(core::Category::invalid_input, where(manifest_name) + " : certificat « " + id + " » manquant");
  }
  for (const auto& c : pki.credentials()) {
    if (c.issuer_id().empty()) continue;
    const Credential* issuer = pki.find(c.issuer_id());
    if (!issuer) {
      return core::fail(core::Category::invalid_input, where(manifest_name) + " : émetteur « " + c.issuer_id() + " » de « " + c.id() + " » manquant");
    }
    // The manifest names the issuer; the signature must agree.
    if (X509_check_issued(issuer->certificate(), c.certificate()) != X509_V_OK ||
        X509_verify(c.certificate(), X509_get0_pubkey(issuer->certificate())) != 1) {
      openssl_errors();
      return core::fail(core::Category::invalid_input, where(c.id() + ".crt.pem") + " : certificat non émis par « " + c.issuer_id() + " »");
    }
  }
  return pki;
}

core::Result<Pki> Pki::load_or_make(const fs::path& folder, const PkiRecipe& recipe) {
  std::error_code ec;
  if (fs::exists(folder / manifest_name, ec)) return load(folder);
  auto made = make(recipe);
  if (!made) return made;
  if (auto saved = made->save(folder); !saved) return std::unexpected(saved.error().with_context("PKI de test"));
  return made;
}

std::optional<std::uint16_t> parse_loopback_port(std::string_view base_url) {
  for (std::string_view prefix : {"http://127.0.0.1:", "http://localhost:"}) {
    if (!base_url.starts_with(prefix)) continue;
    const std::string_view digits = base_url.substr(prefix.size());
    if (digits.empty() || digits.size() > 5) return std::nullopt;
    unsigned value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
  }
  return std::nullopt;
}

core::Result<void> Pki::write_pkcs12(const fs::path& path, std::string_view id, std::string_view password) const {
  const Credential* c = find(id);
  if (!c) return core::fail(core::Category::not_found, "PKCS#12 : certificat « " + std::string(id) + " » inconnu");
  auto chain = make_stack(chain_of(*c));
  if (!chain) return openssl_failure("PKCS#12 : chaîne impossible");
  const std::string pass(password);
  const std::string friendly_name = c->id();
  // AES-256-CBC with PBKDF2 for key and certificates, SHA-256 MAC: readable by OpenSSL 3,
  // NSS and Java without the legacy provider.
  Pkcs12Ptr p12(PKCS12_create(pass.c_str(), friendly_name.c_str(), c->private_key(), c->certificate(),
                                 chain.get(), NID_aes_256_cbc, NID_aes_256_cbc, 10000, 1, 0));
  if (!p12) return openssl_failure("PKCS#12 « " + friendly_name + " » impossible");
  if (PKCS12_set_mac(p12.get(), pass.c_str(), -1, nullptr, 0, 10000, EVP_sha256()) != 1) {
    return openssl_failure("PKCS#12 « " + friendly_name + " » : MAC impossible");
  }
  unsigned char* der = nullptr;
  const int size = i2d_PKCS12(p12.get(), &der);
  if (size <= 0) return openssl_failure("PKCS#12 « " + friendly_name + " » : encodage impossible");
  const std::string bytes(reinterpret_cast<const char*>(der), static_cast<size_t>(size));
  OPENSSL_free(der);
  return core::write_file_atomically(path, bytes);
}

core::Result<void> Pki::write_pkcs12(const fs::path& path, Role role, std::string_view password) const {
  return write_pkcs12(path, role_id(role), password);
}

core::Result<void> Pki::write_pem_bundle(const fs::path& path, std::string_view id, KeyInBundle key) const {
  const Credential* c = find(id);
  if (!c) return core::fail(core::Category::not_found, "PEM : certificat « " + std::string(id) + " » inconnu");
  std::string text;
  if (key == KeyInBundle::yes) text += c->private_key_pem();
  text += c->certificate_pem();
  for (const Credential* issuer = find_issuer(*c); issuer; issuer = find_issuer(*issuer)) {
    text += issuer->certificate_pem();
  }
  return core::write_file_atomically(path, text);
}

}  // namespace ipt::localpki
