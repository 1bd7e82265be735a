// PKCS#11 tokens through libp11: the token is found by label (slot numbers change), the
// private key stays on the token and signs through its EVP_PKEY.
#include <libp11.h>

#include <cstring>

#include "ipt/signing/key_source.hpp"
#include "openssl_util.hpp"

namespace ipt::signing {

namespace {

using namespace detail;

// Owns the libp11 context and slot list for as long as the key is used.
class Pkcs11KeySource final : public KeySource {
 public:
  Pkcs11KeySource(PKCS11_CTX* ctx, PKCS11_SLOT* slots, unsigned int slot_count)
      : ctx_(ctx), slots_(slots), slot_count_(slot_count) {}
  ~Pkcs11KeySource() override {
    key_.reset();
    if (slots_) PKCS11_release_all_slots(ctx_, slots_, slot_count_);
    PKCS11_CTX_unload(ctx_);
    PKCS11_CTX_free(ctx_);
  }
  Pkcs11KeySource(const Pkcs11KeySource&) = delete;
  Pkcs11KeySource& operator=(const Pkcs11KeySource&) = delete;

  const Bytes& certificate() const override { return certificate_; }
  const std::vector<Bytes>& chain() const override { return chain_; }

  core::Result<Bytes> sign(const Bytes& data) override { return sign_sha256(key_.get(), data, "jeton PKCS#11"); }

  EvpPkeyPtr key_;
  Bytes certificate_;
  std::vector<Bytes> chain_;

 private:
  PKCS11_CTX* ctx_;
  PKCS11_SLOT* slots_;
  unsigned int slot_count_;
};

}  // namespace

core::Result<std::unique_ptr<KeySource>> open_pkcs11(const Pkcs11Location& location, const std::string& pin) {
  const std::string where = "jeton PKCS#11 « " + location.token_label + " »";
  PKCS11_CTX* ctx = PKCS11_CTX_new();
  if (!ctx) return core::fail(where + " : contexte PKCS#11 indisponible");
  if (PKCS11_CTX_load(ctx, location.module.c_str()) != 0) {
    PKCS11_CTX_free(ctx);
    ERR_clear_error();
    return core::fail(core::Category::not_found, where + " : module " + location.module.string() + " introuvable ou illisible");
  }
  PKCS11_SLOT* slots = nullptr;
  unsigned int count = 0;
  if (PKCS11_enumerate_slots(ctx, &slots, &count) != 0) {
    PKCS11_CTX_unload(ctx);
    PKCS11_CTX_free(ctx);
    return core::fail(core::Category::external_service, where + " : lecteurs illisibles");
  }
  auto source = std::make_unique<Pkcs11KeySource>(ctx, slots, count);
  PKCS11_SLOT* slot = nullptr;
  for (unsigned int i = 0; i < count; ++i) {
    if (slots[i].token && slots[i].token->initialized && slots[i].token->label &&
        location.token_label == slots[i].token->label) {
      slot = &slots[i];
      break;
    }
  }
  if (!slot) return core::fail(core::Category::not_found, where + " : jeton introuvable");
  if (PKCS11_open_session(slot, 0) != 0) return core::fail(core::Category::external_service, where + " : ouverture de session impossible");
  if (PKCS11_login(slot, 0, pin.c_str()) != 0) {
    ERR_clear_error();
    return core::fail(core::Category::refused, where + " : code PIN incorrect");
  }
  PKCS11_KEY* keys = nullptr;
  unsigned int key_count = 0;
  if (PKCS11_enumerate_keys(slot->token, &keys, &key_count) != 0 || key_count == 0) {
    return core::fail(core::Category::not_found, where + " : aucune clé privée");
  }
  PKCS11_KEY* key = nullptr;
  for (unsigned int i = 0; i < key_count; ++i) {
    if (location.key_label.empty() || (keys[i].label && location.key_label == keys[i].label)) {
      key = &keys[i];
      break;
    }
  }
  if (!key) return core::fail(core::Category::not_found, where + " : clé « " + location.key_label + " » introuvable");
  PKCS11_CERT* certs = nullptr;
  unsigned int cert_count = 0;
  if (PKCS11_enumerate_certs(slot->token, &certs, &cert_count) != 0) return core::fail(where + " : certificats illisibles");
  X509* certificate = nullptr;
  for (unsigned int i = 0; i < cert_count; ++i) {
    if (certs[i].x509 && certs[i].id_len == key->id_len && std::memcmp(certs[i].id, key->id, key->id_len) == 0) {
      certificate = certs[i].x509;
    }
  }
  if (!certificate) return core::fail(core::Category::not_found, where + " : aucun certificat pour la clé");
  source->key_.reset(PKCS11_get_private_key(key));
  if (!source->key_) return core::fail(where + " : clé privée inaccessible (" + openssl_errors() + ")");
  source->certificate_ = der_of(certificate);
  // Intermediate certificates stored on the token beside the signer's.
  for (unsigned int i = 0; i < cert_count; ++i) {
    if (certs[i].x509 && certs[i].x509 != certificate &&
        X509_check_issued(certs[i].x509, certificate) == X509_V_OK &&
        X509_check_issued(certs[i].x509, certs[i].x509) != X509_V_OK) {
      source->chain_.push_back(der_of(certs[i].x509));
    }
  }
  return std::unique_ptr<KeySource>(std::move(source));
}

}  // namespace ipt::signing
