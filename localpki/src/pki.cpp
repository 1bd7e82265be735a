// Making the PKI: keys, names, extensions, signatures. Saving and loading live in
// pki_files.cpp.
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "ipt/core/plan.hpp"
#include "openssl_util.hpp"

namespace ipt::localpki {

using namespace detail;

std::string_view role_id(Role role) { return core::code(role); }

std::optional<Role> parse_role(std::string_view id) {
  for (Role r : all_roles) {
    if (role_id(r) == id) return r;
  }
  return std::nullopt;
}

std::string_view defect_id(Defect defect) {
  switch (defect) {
    case Defect::expired: return "expired";
    case Defect::not_yet_valid: return "not-yet-valid";
    case Defect::no_digital_signature: return "no-digital-signature";
  }
  return "?";
}

std::map<Role, Person> PkiRecipe::default_signers() {
  // Fictitious people and organisations: these names end up in the demo's signatures.
  return {
      {Role::pole, {"Claire Lambert", "Pôle territorial de Namur", KeyType::ecdsa_p256, "", "", ""}},
      {Role::ecole_ordinaire, {"Marc Dubois", "École fondamentale communale de Jambes", KeyType::ecdsa_p256, "", "", ""}},
      {Role::cpms, {"Sophie Renard", "Centre PMS de la Fédération Wallonie-Bruxelles de Namur", KeyType::ecdsa_p256, "", "", ""}},
      {Role::responsable, {"Julie Martin", "Responsable légal", KeyType::ecdsa_p256, "", "", ""}},
  };
}

std::string ocsp_url(std::string_view base_url) { return std::string(base_url) + "/ocsp"; }
std::string crl_url(std::string_view base_url, std::string_view ca_id) {
  return std::string(base_url) + "/crl/" + std::string(ca_id) + ".crl";
}
std::string ca_issuers_url(std::string_view base_url, std::string_view ca_id) {
  return std::string(base_url) + "/ca/" + std::string(ca_id) + ".crt";
}

// ---- Credential ----------------------------------------------------------------------

Credential::Credential(std::string id, CredentialKind kind, std::optional<Role> role, std::string issuer_id,
                       std::shared_ptr<X509> certificate, std::shared_ptr<EVP_PKEY> private_key)
    : id_(std::move(id)),
      kind_(kind),
      role_(role),
      issuer_id_(std::move(issuer_id)),
      certificate_(std::move(certificate)),
      private_key_(std::move(private_key)) {}

std::string Credential::certificate_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate_.get()) != 1) return {};
  return bio_text(bio.get());
}

Bytes Credential::certificate_der() const {
  unsigned char* der = nullptr;
  const int size = i2d_X509(certificate_.get(), &der);
  if (size <= 0) return {};
  Bytes bytes(der, der + size);
  OPENSSL_free(der);
  return bytes;
}

std::string Credential::private_key_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), private_key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return {};
  }
  return bio_text(bio.get());
}

std::string Credential::serial_hex() const { return detail::serial_hex(X509_get0_serialNumber(certificate_.get())); }

std::string Credential::subject() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(certificate_.get()), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  return bio_text(bio.get());
}

// ---- making ---------------------------------------------------------------------------

namespace {

core::Result<EvpPkeyPtr> generate_key(KeyType type) {
  EVP_PKEY* key = type == KeyType::rsa_2048 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))
                                            : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (!key) return openssl_failure("génération de clé impossible");
  return EvpPkeyPtr(key);
}

// Unique positive 127-bit serial numbers (RFC 5280 allows up to 20 octets).
class SerialSource {
 public:
  core::Result<Asn1IntegerPtr> next() {
    for (;;) {
      unsigned char bytes[16];
      if (RAND_bytes(bytes, sizeof bytes) != 1) return openssl_failure("tirage du numéro de série impossible");
      bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x01);  // positive, never short
      const std::string key(reinterpret_cast<const char*>(bytes), sizeof bytes);
      if (!used_.insert(key).second) continue;
      BignumPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
      Asn1IntegerPtr serial(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
      if (!serial) return openssl_failure("numéro de série impossible");
      return serial;
    }
  }

 private:
  std::set<std::string> used_;
};

struct CertificateSpec {
  std::string id;
  CredentialKind kind = CredentialKind::signer;
  std::optional<Role> role;
  std::string common_name;
  std::string organisation;
  std::string given_name, surname, email;
  KeyType key_type = KeyType::ecdsa_p256;
  Clock::time_point not_before;
  Clock::time_point not_after;
  // OpenSSL config syntax ("critical,digitalSignature,nonRepudiation"), empty: absent.
  std::string key_usage;
  std::string extended_key_usage;
  bool ocsp_no_check = false;
  int path_length = -1;  // CAs only; -1: unlimited
};

core::Result<void> add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return openssl_failure(std::string("extension ") + OBJ_nid2sn(nid) + " impossible");
  }
  return {};
}

core::Result<void> add_name_entry(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return {};
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1) {
    return openssl_failure(std::string("nom du certificat : ") + field + " refusé");
  }
  return {};
}

class Builder {
 public:
  explicit Builder(const PkiRecipe& recipe) : recipe_(recipe) {}

  // `issuer` null: self-signed.
  core::Result<Credential> issue(const CertificateSpec& spec, const Credential* issuer) {
    IPT_TRY(key, generate_key(spec.key_type));
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) return openssl_failure("certificat impossible");
    IPT_TRY(serial, serials_.next());
    if (X509_set_serialNumber(cert.get(), serial->get()) != 1 ||
        !ASN1_TIME_set(X509_getm_notBefore(cert.get()), to_time_t(spec.not_before)) ||
        !ASN1_TIME_set(X509_getm_notAfter(cert.get()), to_time_t(spec.not_after)) ||
        X509_set_pubkey(cert.get(), key->get()) != 1) {
      return openssl_failure(spec.id + " : certificat impossible");
    }
    X509_NAME* subject = X509_get_subject_name(cert.get());
    for (auto [field, value] : {std::pair{"C", std::string("BE")}, {"O", spec.organisation}, {"GN", spec.given_name},
                                {"SN", spec.surname}, {"CN", spec.common_name}}) {
      IPT_TRY_VOID(add_name_entry(subject, field, value));
    }
    X509* issuer_cert = issuer ? issuer->certificate() : cert.get();
    EVP_PKEY* issuer_key = issuer ? issuer->private_key() : key->get();
    if (X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert)) != 1) {
      return openssl_failure(spec.id + " : émetteur impossible");
    }

    const bool is_ca = spec.kind == CredentialKind::root_ca || spec.kind == CredentialKind::intermediate_ca;
    std::vector<std::pair<int, std::string>> extensions;
    if (is_ca) {
      extensions.emplace_back(NID_basic_constraints, spec.path_length >= 0
                                                         ? "critical,CA:TRUE,pathlen:" + std::to_string(spec.path_length)
                                                         : std::string("critical,CA:TRUE"));
    } else {
      extensions.emplace_back(NID_basic_constraints, "critical,CA:FALSE");
    }
    if (!spec.key_usage.empty()) extensions.emplace_back(NID_key_usage, spec.key_usage);
    if (!spec.extended_key_usage.empty()) extensions.emplace_back(NID_ext_key_usage, spec.extended_key_usage);
    if (!spec.email.empty()) extensions.emplace_back(NID_subject_alt_name, "email:" + spec.email);
    extensions.emplace_back(NID_subject_key_identifier, "hash");
    if (issuer) extensions.emplace_back(NID_authority_key_identifier, "keyid:always");
    if (spec.ocsp_no_check) extensions.emplace_back(NID_id_pkix_OCSP_noCheck, "ignored");
    // Revocation pointers name the issuer's CRL and OCSP service; responders themselves are
    // not checked (id-pkix-ocsp-nocheck), so they carry none.
    const std::string& base = recipe_.revocation_base_url;
    if (issuer && !base.empty() && !spec.ocsp_no_check) {
      if (recipe_.with_ocsp_url) {
        extensions.emplace_back(NID_info_access, "OCSP;URI:" + ocsp_url(base) +
                                                     ",caIssuers;URI:" + ca_issuers_url(base, issuer->id()));
      }
      if (recipe_.with_crl_url) extensions.emplace_back(NID_crl_distribution_points, "URI:" + crl_url(base, issuer->id()));
    }
    for (const auto& [nid, value] : extensions) {
      if (auto ok = add_extension(cert.get(), issuer_cert, nid, value); !ok) return std::unexpected(ok.error().with_context(spec.id));
    }
    if (X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0) return openssl_failure(spec.id + " : signature impossible");

    return Credential(spec.id, spec.kind, spec.role, issuer ? issuer->id() : std::string(),
                      std::shared_ptr<X509>(cert.release(), X509_free),
                      std::shared_ptr<EVP_PKEY>(key->release(), EVP_PKEY_free));
  }

 private:
  const PkiRecipe& recipe_;
  SerialSource serials_;
};

constexpr const char* signer_key_usage = "critical,digitalSignature,nonRepudiation";

}  // namespace

core::Result<Pki> Pki::make(const PkiRecipe& recipe) {
  for (Role role : all_roles) {
    const auto it = recipe.signers.find(role);
    if (it == recipe.signers.end()) {
      return core::fail(core::Category::invalid_input, "recette de PKI : signataire « " + std::string(role_id(role)) + " » manquant");
    }
    if (it->second.common_name.empty()) {
      return core::fail(core::Category::invalid_input, "recette de PKI : signataire « " + std::string(role_id(role)) + " » sans nom");
    }
  }
  if (!recipe.revocation_base_url.empty() && !recipe.revocation_base_url.starts_with("http://")) {
    return core::fail(core::Category::invalid_input, "recette de PKI : URL de révocation invalide « " + recipe.revocation_base_url +
                      " » (http://hôte:port attendu)");
  }
  if (recipe.revocation_base_url.ends_with('/')) {
    return core::fail(core::Category::invalid_input, "recette de PKI : l’URL de révocation ne doit pas finir par « / »");
  }

  using namespace std::chrono;
  const auto now = recipe.now;
  const auto ca_start = now - days(3 * 365);
  const auto ca_end = now + recipe.ca_lifetime;
  const auto leaf_start = now - recipe.backdate;
  const auto leaf_end = now + recipe.leaf_lifetime;

  Builder builder(recipe);
  auto state = std::make_shared<State>();
  state->revocation_base_url = recipe.revocation_base_url;
  auto add = [&](const CertificateSpec& spec, const std::string& issuer_id) -> core::Result<void> {
    const Credential* issuer = nullptr;
    for (const auto& c : state->credentials) {
      if (c.id() == issuer_id) issuer = &c;
    }
    auto credential = builder.issue(spec, issuer);
    if (!credential) return std::unexpected(credential.error().with_context("PKI de test : " + spec.id));
    state->credentials.push_back(std::move(*credential));
    return {};
  };
  auto ca_spec = [&](std::string id, CredentialKind kind, std::string cn, int path_length) {
    CertificateSpec s;
    s.id = std::move(id);
    s.kind = kind;
    s.common_name = std::move(cn);
    s.organisation = recipe.ca_organisation;
    s.key_type = recipe.ca_key_type;
    s.not_before = ca_start;
    s.not_after = ca_end;
    s.key_usage = "critical,keyCertSign,cRLSign";
    s.path_length = path_length;
    return s;
  };
  auto service_spec = [&](std::string id, CredentialKind kind, std::string cn, std::string eku, bool no_check) {
    CertificateSpec s;
    s.id = std::move(id);
    s.kind = kind;
    s.common_name = std::move(cn);
    s.organisation = recipe.ca_organisation;
    s.key_type = recipe.service_key_type;
    s.not_before = leaf_start;
    s.not_after = leaf_end;
    s.key_usage = "critical,digitalSignature";
    s.extended_key_usage = std::move(eku);
    s.ocsp_no_check = no_check;
    return s;
  };
  auto signer_spec = [&](Role role, const Person& person) {
    CertificateSpec s;
    s.id = std::string(role_id(role));
    s.role = role;
    s.common_name = person.common_name;
    s.organisation = person.organisation;
    s.given_name = person.given_name;
    s.surname = person.surname;
    s.email = person.email;
    s.key_type = person.key_type;
    s.not_before = leaf_start;
    s.not_after = leaf_end;
    s.key_usage = signer_key_usage;
    return s;
  };

  std::vector<std::pair<CertificateSpec, std::string>> plan;
  plan.emplace_back(ca_spec("root", CredentialKind::root_ca, "IPT Dossiers Racine de test", -1), "");
  plan.emplace_back(ca_spec("intermediate", CredentialKind::intermediate_ca, "IPT Dossiers AC intermédiaire de test", 0),
                    "root");
  // One delegated OCSP responder per CA: validators accept a delegated response only from a
  // certificate issued by the CA that issued the certificate being checked.
  plan.emplace_back(service_spec("ocsp-root", CredentialKind::ocsp_responder, "IPT Dossiers OCSP (racine)",
                                 "OCSPSigning", true),
                    "root");
  plan.emplace_back(service_spec("ocsp-intermediate", CredentialKind::ocsp_responder,
                                 "IPT Dossiers OCSP (intermédiaire)", "OCSPSigning", true),
                    "intermediate");
  // A critical timeStamping EKU: without "critical", OpenSSL's TS verification rejects it.
  plan.emplace_back(service_spec("tsa", CredentialKind::timestamp_authority, "IPT Dossiers Horodatage de test",
                                 "critical,timeStamping", false),
                    "intermediate");
  for (Role role : all_roles) plan.emplace_back(signer_spec(role, recipe.signers.at(role)), "intermediate");
  for (const auto& d : recipe.defective) {
    CertificateSpec s = signer_spec(d.role, recipe.signers.at(d.role));
    s.id += "-" + std::string(defect_id(d.defect));
    switch (d.defect) {
      case Defect::expired:
        s.not_before = now - days(2 * 365);
        s.not_after = now - days(1);
        break;
      case Defect::not_yet_valid:
        s.not_before = now + days(30);
        break;
      case Defect::no_digital_signature: s.key_usage = "critical,nonRepudiation"; break;
    }
    if (std::any_of(plan.begin(), plan.end(), [&](const auto& p) { return p.first.id == s.id; })) continue;
    plan.emplace_back(std::move(s), "intermediate");
  }
  for (const auto& named : recipe.people) {
    CertificateSpec s = signer_spec(named.role, named.person);
    s.id = named.id;
    if (std::any_of(plan.begin(), plan.end(), [&](const auto& p) { return p.first.id == s.id; })) {
      return core::fail("PKI de test : identifiant « " + s.id + " » en double");
    }
    plan.emplace_back(std::move(s), "intermediate");
  }
  for (const auto& [spec, issuer_id] : plan) {
    IPT_TRY_VOID(add(spec, issuer_id));
  }
  return Pki(std::move(state));
}

// ---- accessors -------------------------------------------------------------------------

const Credential* Pki::find(std::string_view id) const {
  for (const auto& c : state_->credentials) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

const Credential& Pki::get(std::string_view id) const {
  // Every Pki holds these ids (make creates them, load checks them): a miss is a defect.
  if (const Credential* c = find(id)) return *c;
  throw std::logic_error("localpki: no credential " + std::string(id));
}

const Credential& Pki::root() const { return get("root"); }
const Credential& Pki::intermediate() const { return get("intermediate"); }
const Credential& Pki::signer(Role role) const { return get(role_id(role)); }
const Credential& Pki::timestamp_authority() const { return get("tsa"); }
const Credential& Pki::ocsp_responder_for(const Credential& ca) const { return get("ocsp-" + ca.id()); }

const Credential* Pki::find_defective(Role role, Defect defect) const {
  return find(std::string(role_id(role)) + "-" + std::string(defect_id(defect)));
}

const Credential* Pki::find_issuer(const Credential& credential) const {
  return credential.issuer_id().empty() ? nullptr : find(credential.issuer_id());
}

std::vector<X509*> Pki::chain_of(const Credential& credential) const {
  std::vector<X509*> chain;
  for (const Credential* c = find_issuer(credential); c && chain.size() < 8; c = find_issuer(*c)) {
    chain.push_back(c->certificate());
  }
  return chain;
}

}  // namespace ipt::localpki
