// SHA256_CTX and its low-level functions (see PreparedHmac).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "pkcs12_contents.hpp"

#include <openssl/pkcs12.h>
#include <arpa/inet.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "ipt/core/text.hpp"
#include "sha256_chains.hpp"

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
// every MAC of a derivation starts from. The iterations that follow run from these states
// as chains of compressions (sha256_chains.hpp). OpenSSL 3.0 deprecates the low-level
// SHA-256 functions for EVP, but an EVP digest context copied for each MAC allocates, and
// took 2.4 ms for 10,000 iterations here against 0.93 ms from the states; PBKDF2 through
// EVP_KDF takes 3.5-4.2 ms (bench/signing_bench.cpp, BM_Pbkdf2Sha256).
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
    OPENSSL_cleanse(block.data(), block.size());
    OPENSSL_cleanse(pad.data(), pad.size());
  }
  ~PreparedHmac() {
    OPENSSL_cleanse(&inner_, sizeof inner_);
    OPENSSL_cleanse(&outer_, sizeof outer_);
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

  Sha256Words inner_words() const { return words_of(inner_); }
  Sha256Words outer_words() const { return words_of(outer_); }

 private:
  static Sha256Words words_of(const SHA256_CTX& c) {
    Sha256Words w{};
    for (size_t j = 0; j < 8; ++j) w[j] = c.h[j];
    return w;
  }
  SHA256_CTX inner_{}, outer_{};
};

// A digest's 32 bytes as SHA-256 words, and back.
Sha256Words words_of(const unsigned char* digest) {
  Sha256Words w{};
  for (size_t j = 0; j < 8; ++j) {
    std::uint32_t big_endian = 0;
    std::memcpy(&big_endian, digest + 4 * j, 4);
    w[j] = ntohl(big_endian);
  }
  return w;
}

// The octets of an ASN1_TYPE that must be an OCTET STRING (a salt, an IV, a localKeyID).
std::optional<Bytes> octets(const ASN1_TYPE* t) {
  if (!t || t->type != V_ASN1_OCTET_STRING || !t->value.octet_string) return std::nullopt;
  const ASN1_OCTET_STRING* s = t->value.octet_string;
  return Bytes(s->data, s->data + s->length);
}

// ---- Key derivations, gathered and then run together ---------------------------------

// The derivations a file needs (its MAC's key, one key for each encrypted part), each a
// chain of compressions, run side by side by run_chains: opening a file takes about the
// time of its longest derivation rather than of all of them one after the other.
class Derivations {
 public:
  Derivations() = default;
  Derivations(const Derivations&) = delete;
  Derivations& operator=(const Derivations&) = delete;
  ~Derivations() {
    OPENSSL_cleanse(chains_.data(), chains_.size() * sizeof(CompressionChain));
    for (auto& k : keys_) OPENSSL_cleanse(k.data(), k.size());
  }

  // PBKDF2 (RFC 8018, 5.2) with HMAC-SHA-256: one chain for each 32 bytes of key.
  size_t pbkdf2(const std::string& password, const unsigned char* salt, size_t salt_size, std::uint64_t iterations,
                size_t key_size) {
    const PreparedHmac hmac(password);
    Wanted w{chains_.size(), 0, key_size, true};
    for (std::uint32_t block = 1; w.chains * sha256_size < key_size; ++block, ++w.chains) {
      const std::array<unsigned char, 4> index{static_cast<unsigned char>(block >> 24), static_cast<unsigned char>(block >> 16),
                                               static_cast<unsigned char>(block >> 8), static_cast<unsigned char>(block)};
      std::array<unsigned char, sha256_size> u{};
      hmac.mac(salt, salt_size, index.data(), index.size(), u.data());
      CompressionChain c;
      c.from = {hmac.inner_words(), hmac.outer_words()};
      c.period = 2;
      c.message_bits = (sha256_block + sha256_size) * 8;
      c.compressions = 2 * (iterations - 1);
      c.value = c.sum = words_of(u.data());
      c.accumulate = true;
      chains_.push_back(c);
      OPENSSL_cleanse(u.data(), u.size());
    }
    wanted_.push_back(w);
    return wanted_.size() - 1;
  }

  // The key of a PKCS#12 MAC with SHA-256 (RFC 7292, appendix B.2, ID 3); nothing when the
  // password is not UTF-8.
  std::optional<size_t> mac_key(const std::string& password, const unsigned char* salt, size_t salt_size,
                                std::uint64_t iterations) {
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
    // The other iterations hash the 32-byte result alone.
    SHA256_CTX initial{};
    SHA256_Init(&initial);
    CompressionChain c;
    for (size_t j = 0; j < 8; ++j) c.from[0][j] = initial.h[j];
    c.period = 1;
    c.message_bits = sha256_size * 8;
    c.compressions = iterations - 1;
    c.value = words_of(a.data());
    OPENSSL_cleanse(a.data(), a.size());
    wanted_.push_back({chains_.size(), 1, sha256_size, false});
    chains_.push_back(c);
    return wanted_.size() - 1;
  }

  void run() {
    run_chains(chains_);
    keys_.clear();
    for (const auto& w : wanted_) {
      Bytes key(w.chains * sha256_size);
      for (size_t i = 0; i < w.chains; ++i) {
        const auto& c = chains_[w.first_chain + i];
        put_words(key.data() + i * sha256_size, w.xor_sum ? c.sum.data() : c.value.data());
      }
      key.resize(w.key_size);
      keys_.push_back(std::move(key));
    }
  }

  // A derived key, after run().
  const Bytes& key(size_t index) const { return keys_.at(index); }

 private:
  struct Wanted {
    size_t first_chain, chains, key_size;
    bool xor_sum;  // PBKDF2's T; else the last digest
  };
  std::vector<CompressionChain> chains_;
  std::vector<Wanted> wanted_;
  std::vector<Bytes> keys_;
};

// ---- PBES2 (RFC 8018, 6.2) with PBKDF2-HMAC-SHA-256 and AES-CBC -----------------------

struct Pbes2 {
  Bytes salt, iv;
  std::uint64_t iterations = 0;
  int cipher_nid = 0;
  size_t key_size = 0;
};

// The scheme's parameters; nothing for another scheme, PRF or cipher.
std::optional<Pbes2> pbes2_of(const X509_ALGOR* algorithm) {
  if (!algorithm || OBJ_obj2nid(algorithm->algorithm) != NID_pbes2) return std::nullopt;
  Pbe2ParamPtr pbe2(static_cast<PBE2PARAM*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), algorithm->parameter)));
  if (!pbe2 || OBJ_obj2nid(pbe2->keyfunc->algorithm) != NID_id_pbkdf2) return std::nullopt;
  Pbkdf2ParamPtr kdf(
      static_cast<PBKDF2PARAM*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter)));
  if (!kdf || !kdf->prf || OBJ_obj2nid(kdf->prf->algorithm) != NID_hmacWithSHA256) return std::nullopt;
  Pbes2 out;
  out.cipher_nid = OBJ_obj2nid(pbe2->encryption->algorithm);
  // AES's key sizes (the IV is a block, 16 bytes), known before any cipher is fetched.
  switch (out.cipher_nid) {
    case NID_aes_128_cbc: out.key_size = 16; break;
    case NID_aes_192_cbc: out.key_size = 24; break;
    case NID_aes_256_cbc: out.key_size = 32; break;
    default: return std::nullopt;
  }
  auto salt = octets(kdf->salt);
  auto iv = octets(pbe2->encryption->parameter);
  if (!salt || !iv || iv->size() != 16 || ASN1_INTEGER_get_uint64(&out.iterations, kdf->iter) != 1 ||
      out.iterations == 0 || out.iterations > 100'000'000) {
    ERR_clear_error();
    return std::nullopt;
  }
  if (std::uint64_t declared = 0; kdf->keylength && (ASN1_INTEGER_get_uint64(&declared, kdf->keylength) != 1 || declared != out.key_size)) {
    ERR_clear_error();
    return std::nullopt;
  }
  out.salt = *std::move(salt);
  out.iv = *std::move(iv);
  return out;
}

core::Result<Bytes> pbes2_decrypt(const Pbes2& scheme, const Bytes& key, const ASN1_OCTET_STRING* data) {
  const EVP_CIPHER* cipher = scheme.cipher_nid == NID_aes_128_cbc   ? EVP_aes_128_cbc()
                             : scheme.cipher_nid == NID_aes_192_cbc ? EVP_aes_192_cbc()
                                                                    : EVP_aes_256_cbc();
  Bytes plain(static_cast<size_t>(data->length) + 16);
  int n = 0, last = 0;
  const EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  const bool ok = key.size() == scheme.key_size && ctx &&
                  EVP_DecryptInit_ex2(ctx.get(), cipher, key.data(), scheme.iv.data(), nullptr) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), plain.data(), &n, data->data, data->length) == 1 &&
                  EVP_DecryptFinal_ex(ctx.get(), plain.data() + n, &last) == 1;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    ERR_clear_error();
    return core::fail(core::Category::invalid_input, "PKCS#12 : contenu chiffré illisible");
  }
  plain.resize(static_cast<size_t>(n + last));
  return plain;
}

// ---- The MAC ---------------------------------------------------------------------------

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

// An HMAC-SHA-256 MAC over a DER-encoded authSafe, as this reader checks it.
struct Mac {
  const ASN1_OCTET_STRING* value = nullptr;
  const ASN1_OCTET_STRING* salt = nullptr;
  std::uint64_t iterations = 1;  // the default when the file leaves it out
  std::pair<size_t, size_t> content;
};

std::optional<Mac> mac_of(const Bytes& file, const PKCS12* p12) {
  Mac m;
  const X509_ALGOR* algorithm = nullptr;
  const ASN1_INTEGER* iterations = nullptr;
  PKCS12_get0_mac(&m.value, &algorithm, &m.salt, &iterations, p12);
  if (!m.value || !algorithm || !m.salt || m.value->length != static_cast<int>(sha256_size)) return std::nullopt;
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, algorithm);
  if (OBJ_obj2nid(oid) != NID_sha256) return std::nullopt;
  if (iterations && (ASN1_INTEGER_get_uint64(&m.iterations, iterations) != 1 || m.iterations == 0 || m.iterations > 100'000'000)) {
    ERR_clear_error();
    return std::nullopt;
  }
  const auto content = auth_safe_octets(file);
  if (!content) return std::nullopt;
  m.content = *content;
  return m;
}

bool mac_matches(const Bytes& file, const Mac& m, const Bytes& key) {
  std::array<unsigned char, sha256_size> computed{};
  {
    const PreparedHmac hmac(std::string(key.begin(), key.end()));
    hmac.mac(file.data() + m.content.first, m.content.second, nullptr, 0, computed.data());
  }
  return CRYPTO_memcmp(computed.data(), m.value->data, computed.size()) == 0;
}

// ---- The safes and their bags ----------------------------------------------------------

struct Found {
  EvpPkeyPtr key;
  std::optional<Bytes> key_id;
  std::vector<std::pair<X509Ptr, std::optional<Bytes>>> certificates;  // with their localKeyID
};

// A shrouded key's PBES2 parameters and encrypted octets; nothing for another scheme.
std::optional<std::pair<Pbes2, const ASN1_OCTET_STRING*>> shrouded_key_of(const PKCS12_SAFEBAG* bag) {
  const X509_ALGOR* algorithm = nullptr;
  const ASN1_OCTET_STRING* data = nullptr;
  X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &algorithm, &data);
  auto scheme = pbes2_of(algorithm);
  if (!scheme || !data) return std::nullopt;
  return std::pair{*std::move(scheme), data};
}

// Adds one bag to `found`; nothing when the bag is of a kind left to PKCS12_parse. A
// shrouded key is decrypted with `derived` when given (derived with the others), else its
// key is derived here.
std::optional<core::Result<void>> take(const PKCS12_SAFEBAG* bag, const std::string& password, const Bytes* derived,
                                       Found& found) {
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
        const auto shrouded = shrouded_key_of(bag);
        if (!shrouded) return std::nullopt;
        Derivations alone;
        if (!derived) {
          const auto& scheme = shrouded->first;
          const size_t i = alone.pbkdf2(password, scheme.salt.data(), scheme.salt.size(), scheme.iterations, scheme.key_size);
          alone.run();
          derived = &alone.key(i);
        }
        auto plain = pbes2_decrypt(shrouded->first, *derived, shrouded->second);
        if (!plain) return std::unexpected(plain.error());
        const unsigned char* p = plain->data();
        decrypted.reset(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(plain->size())));
        OPENSSL_cleanse(plain->data(), plain->size());
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

// One of the authSafe's parts: bags in clear, or bags encrypted with a key to derive.
struct Part {
  SafeBagStackPtr bags;
  std::optional<Pbes2> scheme;
  const ASN1_OCTET_STRING* encrypted = nullptr;
  size_t derivation = 0;
  std::vector<std::pair<const PKCS12_SAFEBAG*, size_t>> shrouded;  // clear bags' keys: their derivations
};

// The parts of `safes`, with every derivation they need added to `derivations`; nothing
// when one is of a kind left to PKCS12_parse.
std::optional<core::Result<std::vector<Part>>> parts_of(STACK_OF(PKCS7)* safes, const std::string& password,
                                                        Derivations& derivations) {
  std::vector<Part> parts;
  for (int i = 0; i < sk_PKCS7_num(safes); ++i) {
    PKCS7* safe = sk_PKCS7_value(safes, i);
    Part part;
    switch (OBJ_obj2nid(safe->type)) {
      case NID_pkcs7_data: {
        part.bags.reset(PKCS12_unpack_p7data(safe));
        if (!part.bags) return core::fail(core::Category::invalid_input, "PKCS#12 : contenu illisible");
        for (int j = 0; j < sk_PKCS12_SAFEBAG_num(part.bags.get()); ++j) {
          const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(part.bags.get(), j);
          if (PKCS12_SAFEBAG_get_nid(bag) != NID_pkcs8ShroudedKeyBag) continue;
          const auto shrouded = shrouded_key_of(bag);
          if (!shrouded) return std::nullopt;
          const auto& scheme = shrouded->first;
          part.shrouded.emplace_back(bag, derivations.pbkdf2(password, scheme.salt.data(), scheme.salt.size(),
                                                             scheme.iterations, scheme.key_size));
        }
        break;
      }
      case NID_pkcs7_encrypted: {
        if (!safe->d.encrypted || !safe->d.encrypted->enc_data || !safe->d.encrypted->enc_data->enc_data) return std::nullopt;
        part.scheme = pbes2_of(safe->d.encrypted->enc_data->algorithm);
        if (!part.scheme) return std::nullopt;
        part.encrypted = safe->d.encrypted->enc_data->enc_data;
        part.derivation = derivations.pbkdf2(password, part.scheme->salt.data(), part.scheme->salt.size(),
                                             part.scheme->iterations, part.scheme->key_size);
        break;
      }
      default:
        return std::nullopt;
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

// The key and certificates of `parts`, whose keys `derivations` holds.
std::optional<core::Result<Pkcs12Contents>> contents_of(std::vector<Part>& parts, const std::string& password,
                                                        const Derivations& derivations) {
  Found found;
  for (auto& part : parts) {
    if (part.scheme) {
      auto plain = pbes2_decrypt(*part.scheme, derivations.key(part.derivation), part.encrypted);
      if (!plain) return std::unexpected(plain.error());
      const unsigned char* p = plain->data();
      // SafeContents, as PKCS12_unpack_p7encdata decodes it (ASN1_VALUE is OpenSSL's opaque type).
      part.bags.reset(reinterpret_cast<STACK_OF(PKCS12_SAFEBAG)*>(  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
          ASN1_item_d2i(nullptr, &p, static_cast<long>(plain->size()), ASN1_ITEM_rptr(PKCS12_SAFEBAGS))));
      OPENSSL_cleanse(plain->data(), plain->size());
      if (!part.bags) return core::fail(core::Category::invalid_input, "PKCS#12 : contenu déchiffré illisible");
    }
    for (int j = 0; j < sk_PKCS12_SAFEBAG_num(part.bags.get()); ++j) {
      const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(part.bags.get(), j);
      const auto derived = std::find_if(part.shrouded.begin(), part.shrouded.end(), [&](const auto& s) { return s.first == bag; });
      auto taken = take(bag, password, derived == part.shrouded.end() ? nullptr : &derivations.key(derived->second), found);
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

}  // namespace

Bytes pbkdf2_hmac_sha256(const std::string& password, const unsigned char* salt, size_t salt_size,
                         unsigned long iterations, size_t key_size) {
  if (iterations == 0) return {};
  Derivations d;
  const size_t i = d.pbkdf2(password, salt, salt_size, iterations, key_size);
  d.run();
  return d.key(i);
}

std::optional<Bytes> pkcs12_mac_key(const std::string& password, const unsigned char* salt, size_t salt_size,
                                    unsigned long iterations) {
  Derivations d;
  const auto i = d.mac_key(password, salt, salt_size, iterations);
  if (!i) return std::nullopt;
  d.run();
  return d.key(*i);
}

std::optional<bool> pkcs12_mac_holds(const Bytes& file, const PKCS12* p12, const std::string& password) {
  const auto mac = mac_of(file, p12);
  if (!mac) return std::nullopt;
  const auto key = pkcs12_mac_key(password, mac->salt->data, static_cast<size_t>(mac->salt->length),
                                  static_cast<unsigned long>(mac->iterations));
  if (!key) return std::nullopt;
  return mac_matches(file, *mac, *key);
}

Pkcs12Reading read_pkcs12(const Bytes& file, PKCS12* p12, const std::string& password) {
  Pkcs12Reading out;
  Derivations derivations;
  const auto mac = mac_of(file, p12);
  const auto mac_key = mac ? derivations.mac_key(password, mac->salt->data, static_cast<size_t>(mac->salt->length), mac->iterations)
                           : std::nullopt;
  const PKCS7StackPtr safes(PKCS12_unpack_authsafes(p12));
  if (!safes) ERR_clear_error();
  auto parts = safes ? parts_of(safes.get(), password, derivations) : std::nullopt;
  derivations.run();
  if (mac_key) out.mac_holds = mac_matches(file, *mac, derivations.key(*mac_key));
  // What is read here is read only once the MAC held here: then the password is right and
  // the file as written.
  if (!out.mac_holds || !*out.mac_holds || !parts) return out;
  if (!*parts) {
    out.contents = std::unexpected(parts->error());
    return out;
  }
  out.contents = contents_of(**parts, password, derivations);
  return out;
}

}  // namespace ipt::signing::detail
