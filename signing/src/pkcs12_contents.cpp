// SHA256_Transform and SHA256_CTX (see PreparedHmac).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "pkcs12_contents.hpp"

#include <openssl/pkcs12.h>
#include <arpa/inet.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "ipt/core/text.hpp"

namespace ipt::signing::detail {

namespace {

constexpr size_t sha256_size = 32, sha256_block = 64;

using EvpCipherPtr = Handle<EVP_CIPHER, EVP_CIPHER_free>;
using EvpCipherCtxPtr = Handle<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using Pbe2ParamPtr = Handle<PBE2PARAM, PBE2PARAM_free>;
using Pbkdf2ParamPtr = Handle<PBKDF2PARAM, PBKDF2PARAM_free>;


// SHA-256's eight state words as the 32 bytes of its digest (big-endian): one byte swap and
// store a word.
void put_words(unsigned char* out, const SHA_LONG* h) {
  for (size_t j = 0; j < 8; ++j) {
    const std::uint32_t big_endian = htonl(h[j]);
    std::memcpy(out + 4 * j, &big_endian, 4);
  }
}

// HMAC-SHA-256 keyed once: the SHA-256 states after the inner and the outer pad, which
// every MAC of the derivation starts from. The MAC of a 32-byte value (every iteration but
// the first) is then two compressions of a block padded here, with SHA256_Transform: OpenSSL
// 3.0 deprecates the low-level SHA-256 functions for EVP, but an EVP digest context copied
// for each MAC allocates, and took 2.4 ms for 10,000 iterations here against 0.93 ms this
// way; PBKDF2 through EVP_KDF takes 3.5-4.2 ms (bench/signing_bench.cpp, BM_Pbkdf2Sha256).
class PreparedHmac {
 public:
  explicit PreparedHmac(const std::string& key) {
    std::array<unsigned char, sha256_block> block{};
    if (key.size() > sha256_block) {
      SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block.data());
    } else {
      std::memcpy(block.data(), key.data(), key.size());
    }
    std::array<unsigned char, sha256_block> pad{};
    for (size_t i = 0; i < sha256_block; ++i) pad[i] = block[i] ^ 0x36;
    SHA256_Init(&inner_);
    SHA256_Update(&inner_, pad.data(), pad.size());
    for (size_t i = 0; i < sha256_block; ++i) pad[i] = block[i] ^ 0x5c;
    SHA256_Init(&outer_);
    SHA256_Update(&outer_, pad.data(), pad.size());
    SHA256_Init(&work_);
    OPENSSL_cleanse(block.data(), block.size());
    OPENSSL_cleanse(pad.data(), pad.size());
    // A 32-byte message after the 64-byte pad: 0x80, zeros, then 768 bits as a length.
    padded_.fill(0);
    padded_[sha256_size] = 0x80;
    padded_[sha256_block - 2] = 0x03;
  }
  ~PreparedHmac() {
    OPENSSL_cleanse(&inner_, sizeof inner_);
    OPENSSL_cleanse(&outer_, sizeof outer_);
    OPENSSL_cleanse(&work_, sizeof work_);
    OPENSSL_cleanse(padded_.data(), padded_.size());
  }
  PreparedHmac(const PreparedHmac&) = delete;
  PreparedHmac& operator=(const PreparedHmac&) = delete;

  // out = HMAC(key, first || second), any lengths.
  void mac(const unsigned char* first, size_t first_size, const unsigned char* second, size_t second_size,
           unsigned char* out) const {
    SHA256_CTX c = inner_;
    SHA256_Update(&c, first, first_size);
    SHA256_Update(&c, second, second_size);
    SHA256_Final(out, &c);
    c = outer_;
    SHA256_Update(&c, out, sha256_size);
    SHA256_Final(out, &c);
    OPENSSL_cleanse(&c, sizeof c);
  }

  // The 32-byte value HMAC(key, value) works on, kept in the block it is hashed from.
  void set_value(const unsigned char* value) { std::memcpy(padded_.data(), value, sha256_size); }
  // value = HMAC(key, value); returns it as SHA-256 state words (for the XOR of PBKDF2).
  const SHA_LONG* iterate() {
    compress(inner_);
    compress(outer_);
    return work_.h;
  }

 private:
  // The block (the value, then its padding) through the compression from `from`'s state;
  // the result replaces the value. SHA256_Transform reads and writes only the state words.
  void compress(const SHA256_CTX& from) {
    std::memcpy(work_.h, from.h, sizeof work_.h);
    SHA256_Transform(&work_, padded_.data());
    put_words(padded_.data(), work_.h);
  }

  SHA256_CTX inner_{}, outer_{}, work_{};
  std::array<unsigned char, sha256_block> padded_{};
};

// The octets of an ASN1_TYPE that must be an OCTET STRING (a salt, an IV, a localKeyID).
std::optional<Bytes> octets(const ASN1_TYPE* t) {
  if (!t || t->type != V_ASN1_OCTET_STRING || !t->value.octet_string) return std::nullopt;
  const ASN1_OCTET_STRING* s = t->value.octet_string;
  return Bytes(s->data, s->data + s->length);
}

// PBES2 (RFC 8018, 6.2) with PBKDF2-HMAC-SHA-256 and AES-CBC; nothing for another scheme.
// The password is used as its bytes, as PKCS#12 does for PBES2.
std::optional<core::Result<Bytes>> pbes2_decrypt(const X509_ALGOR* algorithm, const ASN1_OCTET_STRING* data,
                                                 const std::string& password) {
  if (!algorithm || !data || OBJ_obj2nid(algorithm->algorithm) != NID_pbes2) return std::nullopt;
  Pbe2ParamPtr pbe2(static_cast<PBE2PARAM*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), algorithm->parameter)));
  if (!pbe2 || OBJ_obj2nid(pbe2->keyfunc->algorithm) != NID_id_pbkdf2) return std::nullopt;
  Pbkdf2ParamPtr kdf(
      static_cast<PBKDF2PARAM*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter)));
  if (!kdf || !kdf->prf || OBJ_obj2nid(kdf->prf->algorithm) != NID_hmacWithSHA256) return std::nullopt;
  const int cipher_nid = OBJ_obj2nid(pbe2->encryption->algorithm);
  if (cipher_nid != NID_aes_128_cbc && cipher_nid != NID_aes_192_cbc && cipher_nid != NID_aes_256_cbc) return std::nullopt;
  const auto salt = octets(kdf->salt);
  const auto iv = octets(pbe2->encryption->parameter);
  uint64_t iterations = 0;
  if (!salt || !iv || ASN1_INTEGER_get_uint64(&iterations, kdf->iter) != 1 || iterations == 0 ||
      iterations > 100'000'000) {
    ERR_clear_error();
    return std::nullopt;
  }
  const EvpCipherPtr cipher(EVP_CIPHER_fetch(nullptr, OBJ_nid2sn(cipher_nid), nullptr));
  if (!cipher || iv->size() != static_cast<size_t>(EVP_CIPHER_get_iv_length(cipher.get()))) return std::nullopt;
  const auto key_size = static_cast<size_t>(EVP_CIPHER_get_key_length(cipher.get()));
  if (uint64_t declared = 0; kdf->keylength && (ASN1_INTEGER_get_uint64(&declared, kdf->keylength) != 1 || declared != key_size)) {
    ERR_clear_error();
    return std::nullopt;
  }
  Bytes key = pbkdf2_hmac_sha256(password, salt->data(), salt->size(), static_cast<unsigned long>(iterations), key_size);
  if (key.size() != key_size) return core::fail(core::Category::internal, "PKCS#12 : dérivation de la clé impossible");
  Bytes plain(static_cast<size_t>(data->length) + static_cast<size_t>(EVP_CIPHER_get_block_size(cipher.get())));
  int n = 0, last = 0;
  const EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  const bool ok = ctx && EVP_DecryptInit_ex2(ctx.get(), cipher.get(), key.data(), iv->data(), nullptr) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), plain.data(), &n, data->data, data->length) == 1 &&
                  EVP_DecryptFinal_ex(ctx.get(), plain.data() + n, &last) == 1;
  OPENSSL_cleanse(key.data(), key.size());
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    ERR_clear_error();
    return core::fail(core::Category::invalid_input, "PKCS#12 : contenu chiffré illisible");
  }
  plain.resize(static_cast<size_t>(n + last));
  return plain;
}

// The bags of one of the file's safes (plain or encrypted).
std::optional<core::Result<SafeBagStackPtr>> bags_of(PKCS7* safe, const std::string& password) {
  switch (OBJ_obj2nid(safe->type)) {
    case NID_pkcs7_data: {
      SafeBagStackPtr bags(PKCS12_unpack_p7data(safe));
      if (!bags) return core::fail(core::Category::invalid_input, "PKCS#12 : contenu illisible");
      return bags;
    }
    case NID_pkcs7_encrypted: {
      if (!safe->d.encrypted || !safe->d.encrypted->enc_data) return std::nullopt;
      auto plain = pbes2_decrypt(safe->d.encrypted->enc_data->algorithm, safe->d.encrypted->enc_data->enc_data, password);
      if (!plain) return std::nullopt;
      if (!*plain) return std::unexpected(plain->error());
      const unsigned char* p = (*plain)->data();
      // SafeContents, as PKCS12_unpack_p7encdata decodes it (ASN1_VALUE is OpenSSL's opaque type).
      SafeBagStackPtr bags(reinterpret_cast<STACK_OF(PKCS12_SAFEBAG)*>(  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
          ASN1_item_d2i(nullptr, &p, static_cast<long>((*plain)->size()), ASN1_ITEM_rptr(PKCS12_SAFEBAGS))));
      OPENSSL_cleanse((*plain)->data(), (*plain)->size());
      if (!bags) return core::fail(core::Category::invalid_input, "PKCS#12 : contenu déchiffré illisible");
      return bags;
    }
    default:
      return std::nullopt;
  }
}

struct Found {
  EvpPkeyPtr key;
  std::optional<Bytes> key_id;
  std::vector<std::pair<X509Ptr, std::optional<Bytes>>> certificates;  // with their localKeyID
};

// Adds one bag to `found`; nothing when the bag is of a kind left to PKCS12_parse.
std::optional<core::Result<void>> take(const PKCS12_SAFEBAG* bag, const std::string& password, Found& found) {
  auto key_id = octets(PKCS12_SAFEBAG_get0_attr(bag, NID_localKeyID));
  switch (PKCS12_SAFEBAG_get_nid(bag)) {
    case NID_keyBag:
    case NID_pkcs8ShroudedKeyBag: {
      if (found.key) return std::nullopt;  // several keys: PKCS12_parse's choice applies
      const PKCS8_PRIV_KEY_INFO* info = nullptr;
      Handle<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free> decrypted;
      if (PKCS12_SAFEBAG_get_nid(bag) == NID_keyBag) {
        info = PKCS12_SAFEBAG_get0_p8inf(bag);
      } else {
        const X509_ALGOR* algorithm = nullptr;
        const ASN1_OCTET_STRING* data = nullptr;
        X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &algorithm, &data);
        auto plain = pbes2_decrypt(algorithm, data, password);
        if (!plain) return std::nullopt;
        if (!*plain) return std::unexpected(plain->error());
        const unsigned char* p = (*plain)->data();
        decrypted.reset(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>((*plain)->size())));
        OPENSSL_cleanse((*plain)->data(), (*plain)->size());
        info = decrypted.get();
      }
      if (info) found.key.reset(EVP_PKCS82PKEY(info));
      if (!found.key) {
        ERR_clear_error();
        return core::fail(core::Category::invalid_input, "PKCS#12 : clé privée illisible");
      }
      found.key_id = std::move(key_id);
      return core::Result<void>{};
    }
    case NID_certBag: {
      if (PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate) return core::Result<void>{};  // an SDSI certificate: not ours
      X509Ptr cert(PKCS12_SAFEBAG_get1_cert(bag));
      if (!cert) return core::fail(core::Category::invalid_input, "PKCS#12 : certificat illisible");
      // Kept in the process's cache of certificates (openssl_util.hpp), where signing with the
      // key looks them up again: each is decoded once, not twice.
      remember_certificate(cert.get());
      found.certificates.emplace_back(std::move(cert), std::move(key_id));
      return core::Result<void>{};
    }
    case NID_crlBag:
    case NID_secretBag:
      return core::Result<void>{};  // PKCS12_parse ignores them too
    default:
      return std::nullopt;  // nested safe contents
  }
}

}  // namespace

Bytes pbkdf2_hmac_sha256(const std::string& password, const unsigned char* salt, size_t salt_size,
                         unsigned long iterations, size_t key_size) {
  if (iterations == 0) return {};
  PreparedHmac hmac(password);
  Bytes out;
  out.reserve(key_size);
  std::array<unsigned char, sha256_size> u{}, t{};
  for (uint32_t block = 1; out.size() < key_size; ++block) {
    const std::array<unsigned char, 4> index{static_cast<unsigned char>(block >> 24), static_cast<unsigned char>(block >> 16),
                                             static_cast<unsigned char>(block >> 8), static_cast<unsigned char>(block)};
    hmac.mac(salt, salt_size, index.data(), index.size(), u.data());
    hmac.set_value(u.data());
    std::array<SHA_LONG, 8> sum{};  // T as state words: XORed word by word
    for (size_t j = 0; j < 8; ++j) {
      std::uint32_t big_endian = 0;
      std::memcpy(&big_endian, u.data() + 4 * j, 4);
      sum[j] = ntohl(big_endian);
    }
    for (unsigned long i = 1; i < iterations; ++i) {
      const SHA_LONG* h = hmac.iterate();
      for (size_t j = 0; j < 8; ++j) sum[j] ^= h[j];
    }
    put_words(t.data(), sum.data());
    OPENSSL_cleanse(sum.data(), sizeof sum);
    out.insert(out.end(), t.begin(), t.begin() + static_cast<long>(std::min(t.size(), key_size - out.size())));
  }
  OPENSSL_cleanse(u.data(), u.size());
  OPENSSL_cleanse(t.data(), t.size());
  return out;
}

namespace {

// A DER length at `at` (definite form, up to four bytes); nothing otherwise.
std::optional<size_t> der_length(const Bytes& der, size_t& at) {
  if (at >= der.size()) return std::nullopt;
  const unsigned char first = der[at++];
  if (first < 0x80) return first;
  const size_t bytes = first & 0x7f;
  if (bytes == 0 || bytes > 4 || at + bytes > der.size()) return std::nullopt;  // 0x80: BER's indefinite form
  size_t length = 0;
  for (size_t i = 0; i < bytes; ++i) length = length << 8 | der[at++];
  return length;
}

// Enters the element of `tag` at `at`: `at` moves to its content; nothing on another tag.
std::optional<size_t> enter(const Bytes& der, size_t& at, unsigned char tag) {
  if (at >= der.size() || der[at] != tag) return std::nullopt;
  ++at;
  const auto length = der_length(der, at);
  if (!length || at + *length > der.size()) return std::nullopt;
  return length;
}

// PFX ::= SEQUENCE { version INTEGER, authSafe ContentInfo (data, [0] OCTET STRING), macData }:
// the authSafe's octets, which the MAC covers.
std::optional<std::pair<size_t, size_t>> auth_safe_octets(const Bytes& der) {
  static constexpr unsigned char pkcs7_data[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01};
  size_t at = 0;
  if (!enter(der, at, 0x30)) return std::nullopt;
  const auto version = enter(der, at, 0x02);
  if (!version) return std::nullopt;
  at += *version;
  if (!enter(der, at, 0x30)) return std::nullopt;
  if (at + sizeof pkcs7_data > der.size() || !std::equal(std::begin(pkcs7_data), std::end(pkcs7_data), der.begin() + static_cast<long>(at))) {
    return std::nullopt;
  }
  at += sizeof pkcs7_data;
  if (!enter(der, at, 0xa0)) return std::nullopt;
  const auto octets = enter(der, at, 0x04);
  if (!octets) return std::nullopt;
  return std::pair{at, *octets};
}

}  // namespace

std::optional<Bytes> pkcs12_mac_key(const std::string& password, const unsigned char* salt, size_t salt_size,
                                    unsigned long iterations) {
  const auto code_points = core::decode_utf8(password);
  if (!code_points || iterations == 0) return std::nullopt;
  Bytes bmp;  // UTF-16BE, surrogate pairs beyond the BMP, then two zero bytes
  for (const char32_t c : *code_points) {
    const auto put = [&](std::uint32_t unit) {
      bmp.push_back(static_cast<unsigned char>(unit >> 8));
      bmp.push_back(static_cast<unsigned char>(unit));
    };
    if (c >= 0x10000) {
      put(0xd800 + ((c - 0x10000) >> 10));
      put(0xdc00 + ((c - 0x10000) & 0x3ff));
    } else {
      put(c);
    }
  }
  bmp.insert(bmp.end(), {0, 0});
  // D (64 bytes of the ID), then the salt and the password each repeated to a multiple of 64.
  Bytes input(sha256_block, 3);
  const auto repeat = [&](const unsigned char* data, size_t size) {
    const size_t total = size == 0 ? 0 : (size + sha256_block - 1) / sha256_block * sha256_block;
    for (size_t i = 0; i < total; ++i) input.push_back(data[i % size]);
  };
  repeat(salt, salt_size);
  repeat(bmp.data(), bmp.size());
  OPENSSL_cleanse(bmp.data(), bmp.size());
  std::array<unsigned char, sha256_size> a{};
  SHA256(input.data(), input.size(), a.data());
  OPENSSL_cleanse(input.data(), input.size());
  // The other iterations hash the 32-byte result: one compression of a block padded here.
  SHA256_CTX initial{}, work{};
  SHA256_Init(&initial);
  std::array<unsigned char, sha256_block> block{};
  block[sha256_size] = 0x80;
  block[sha256_block - 2] = 0x01;  // 256 bits
  std::memcpy(block.data(), a.data(), a.size());
  for (unsigned long i = 1; i < iterations; ++i) {
    std::memcpy(work.h, initial.h, sizeof work.h);
    SHA256_Transform(&work, block.data());
    put_words(block.data(), work.h);
  }
  std::memcpy(a.data(), block.data(), a.size());
  OPENSSL_cleanse(block.data(), block.size());
  OPENSSL_cleanse(&work, sizeof work);
  Bytes key(a.begin(), a.end());
  OPENSSL_cleanse(a.data(), a.size());
  return key;
}

std::optional<bool> pkcs12_mac_holds(const Bytes& file, const PKCS12* p12, const std::string& password) {
  const ASN1_OCTET_STRING* mac = nullptr;
  const X509_ALGOR* algorithm = nullptr;
  const ASN1_OCTET_STRING* salt = nullptr;
  const ASN1_INTEGER* iterations = nullptr;
  PKCS12_get0_mac(&mac, &algorithm, &salt, &iterations, p12);
  if (!mac || !algorithm || !salt || mac->length != static_cast<int>(sha256_size)) return std::nullopt;
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, algorithm);
  if (OBJ_obj2nid(oid) != NID_sha256) return std::nullopt;
  uint64_t count = 1;  // the default when the file leaves it out
  if (iterations && (ASN1_INTEGER_get_uint64(&count, iterations) != 1 || count == 0 || count > 100'000'000)) {
    ERR_clear_error();
    return std::nullopt;
  }
  const auto content = auth_safe_octets(file);
  if (!content) return std::nullopt;
  auto key = pkcs12_mac_key(password, salt->data, static_cast<size_t>(salt->length), static_cast<unsigned long>(count));
  if (!key) return std::nullopt;
  std::array<unsigned char, sha256_size> computed{};
  {
    const PreparedHmac hmac(std::string(key->begin(), key->end()));
    hmac.mac(file.data() + content->first, content->second, nullptr, 0, computed.data());
  }
  OPENSSL_cleanse(key->data(), key->size());
  return CRYPTO_memcmp(computed.data(), mac->data, computed.size()) == 0;
}

std::optional<core::Result<Pkcs12Contents>> read_pbes2_pkcs12(PKCS12* p12, const std::string& password) {
  const PKCS7StackPtr safes(PKCS12_unpack_authsafes(p12));
  if (!safes) {
    ERR_clear_error();
    return std::nullopt;
  }
  Found found;
  for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) {
    auto bags = bags_of(sk_PKCS7_value(safes.get(), i), password);
    if (!bags) return std::nullopt;
    if (!*bags) return std::unexpected(bags->error());
    for (int j = 0; j < sk_PKCS12_SAFEBAG_num(bags->value().get()); ++j) {
      auto taken = take(sk_PKCS12_SAFEBAG_value(bags->value().get(), j), password, found);
      if (!taken) return std::nullopt;
      if (!*taken) return std::unexpected(taken->error());
    }
  }
  Pkcs12Contents contents;
  contents.key = std::move(found.key);
  // The key's certificate, as PKCS12_parse chooses it: the same localKeyID, or else the
  // one whose public key is the key's.
  auto mine = std::find_if(found.certificates.begin(), found.certificates.end(),
                           [&](const auto& c) { return found.key_id && c.second == found.key_id; });
  if (mine == found.certificates.end() && contents.key) {
    mine = std::find_if(found.certificates.begin(), found.certificates.end(),
                        [&](const auto& c) { return X509_check_private_key(c.first.get(), contents.key.get()) == 1; });
    ERR_clear_error();
  }
  for (auto it = found.certificates.begin(); it != found.certificates.end(); ++it) {
    if (it == mine) {
      contents.certificate = std::move(it->first);
    } else {
      contents.chain.push_back(std::move(it->first));
    }
  }
  return contents;
}

}  // namespace ipt::signing::detail
