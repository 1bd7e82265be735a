// pkcs12_contents (private to signing): PBKDF2-HMAC-SHA-256 against OpenSSL's, and PKCS#12
// files read by it and by PKCS12_parse alike, for the files it reads itself and for those it
// leaves to OpenSSL (legacy PBE, other PRF, certificates in clear).
#include <gtest/gtest.h>

#include <openssl/pkcs12.h>
#include <openssl/rand.h>

#include "fixture.hpp"
#include "support/temp_dir.hpp"
#include "ipt/core/files.hpp"
#include "ipt/signing/key_source.hpp"
#include "openssl_util.hpp"
#include "pkcs12_contents.hpp"
#include "support/must.hpp"

namespace ipt::signing::detail {
namespace {

using test::must;
using test::world;

const std::string password = "mot de passe";

Bytes openssl_pbkdf2(const std::string& pass, const Bytes& salt, int iterations, size_t size) {
  Bytes out(size);
  EXPECT_EQ(PKCS5_PBKDF2_HMAC(pass.data(), static_cast<int>(pass.size()), salt.data(), static_cast<int>(salt.size()),
                              iterations, EVP_sha256(), static_cast<int>(size), out.data()),
            1);
  return out;
}

TEST(Pbkdf2, GivesOpenSslsBytesForShortAndLongPasswordsAndEveryLength) {
  Bytes salt(16);
  ASSERT_EQ(RAND_bytes(salt.data(), static_cast<int>(salt.size())), 1);
  const std::string long_password(100, 'x');  // longer than a SHA-256 block: hashed first
  for (const std::string& pass : {std::string("secret"), std::string(), long_password, std::string("é mot\0nul", 9)}) {
    for (const int iterations : {1, 2, 1000}) {
      for (const size_t size : {size_t{16}, size_t{32}, size_t{33}, size_t{64}, size_t{100}}) {
        EXPECT_EQ(pbkdf2_hmac_sha256(pass, salt.data(), salt.size(), static_cast<unsigned long>(iterations), size),
                  openssl_pbkdf2(pass, salt, iterations, size))
            << "password of " << pass.size() << " bytes, " << iterations << " iterations, " << size << " bytes";
      }
    }
  }
}

TEST(Pbkdf2, MatchesRfc7914sTestVector) {
  // RFC 7914, 11: PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1, dkLen=64), first 16 bytes.
  const std::string salt = "salt";
  const Bytes key = pbkdf2_hmac_sha256("passwd", reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), 1, 64);
  const Bytes expected{0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f, 0xec, 0x16, 0x91, 0xc2, 0x25, 0x44, 0xb6, 0x05};
  ASSERT_EQ(key.size(), 64u);
  EXPECT_EQ(Bytes(key.begin(), key.begin() + 16), expected);
}

struct Parsed {
  EvpPkeyPtr key;
  X509Ptr cert;
  std::vector<Bytes> chain;
};

Pkcs12Ptr decode(const Bytes& der) {
  const unsigned char* p = der.data();
  return Pkcs12Ptr(d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
}

Parsed parsed_by_openssl(PKCS12* p12) {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  EXPECT_EQ(PKCS12_parse(p12, password.c_str(), &key, &cert, &ca), 1) << openssl_errors();
  Parsed out{EvpPkeyPtr(key), X509Ptr(cert), {}};
  for (int i = 0; ca && i < sk_X509_num(ca); ++i) out.chain.push_back(der_of(sk_X509_value(ca, i)));
  sk_X509_pop_free(ca, X509_free);
  return out;
}

// The test PKI's file for `who`, written again with other algorithms (NID_undef: the
// certificates in clear; -1 iterations: OpenSSL's default).
Bytes rewritten(const std::string& who, int key_nid, int cert_nid, const EVP_MD* mac_md) {
  const Bytes original = must(read_file(world().p12(who)), who);
  auto p12 = decode(original);
  Parsed parts = parsed_by_openssl(p12.get());
  X509StackPtr ca(sk_X509_new_null());
  for (const Bytes& der : parts.chain) sk_X509_push(ca.get(), must(parse_certificate(der), "ca").release());
  Pkcs12Ptr out(PKCS12_create(password.c_str(), who.c_str(), parts.key.get(), parts.cert.get(), ca.get(), key_nid,
                              cert_nid, 2048, -1, 0));
  EXPECT_TRUE(out) << openssl_errors();
  if (mac_md) {
    EXPECT_EQ(PKCS12_set_mac(out.get(), password.c_str(), -1, nullptr, 0, 2048, mac_md), 1);
  }
  unsigned char* der = nullptr;
  const int n = i2d_PKCS12(out.get(), &der);
  Bytes bytes(der, der + n);
  OPENSSL_free(der);
  return bytes;
}

void expect_same_as_openssl(const Bytes& file) {
  auto p12 = decode(file);
  ASSERT_TRUE(p12);
  const Parsed expected = parsed_by_openssl(p12.get());
  auto read = read_pkcs12(file, p12.get(), password);
  EXPECT_EQ(read.mac_holds, std::optional(true));
  ASSERT_TRUE(read.contents.has_value()) << "the file should be read here, not left to PKCS12_parse";
  const auto contents = must(std::move(*read.contents), "read_pkcs12");
  ASSERT_TRUE(contents.key && contents.certificate);
  EXPECT_EQ(EVP_PKEY_eq(contents.key.get(), expected.key.get()), 1);
  EXPECT_EQ(der_of(contents.certificate.get()), der_of(expected.cert.get()));
  std::vector<Bytes> chain;
  for (const auto& c : contents.chain) chain.push_back(der_of(c.get()));
  EXPECT_EQ(chain, expected.chain);
  EXPECT_FALSE(chain.empty());
}

TEST(Pkcs12MacKey, GivesOpenSslsKeyForAccentsEmojisLongPasswordsAndEverySalt) {
  const std::string long_password(100, 'z');
  for (const std::string pass : {"mot de passe", "é à ç « »", "🔑clé", long_password.c_str()}) {
    for (const size_t salt_size : {size_t{8}, size_t{20}, size_t{64}, size_t{65}}) {
      Bytes salt(salt_size);
      ASSERT_EQ(RAND_bytes(salt.data(), static_cast<int>(salt.size())), 1);
      for (const int iterations : {1, 2, 2048}) {
        Bytes expected(32);
        ASSERT_EQ(PKCS12_key_gen_utf8(pass.c_str(), static_cast<int>(pass.size()), salt.data(), static_cast<int>(salt.size()),
                                      PKCS12_MAC_ID, iterations, 32, expected.data(), EVP_sha256()),
                  1);
        EXPECT_EQ(pkcs12_mac_key(pass, salt.data(), salt.size(), static_cast<unsigned long>(iterations)), expected)
            << pass << ", " << salt_size << " bytes of salt, " << iterations << " iterations";
      }
    }
  }
  const unsigned char salt[8] = {1};
  EXPECT_FALSE(pkcs12_mac_key("\xC3", salt, sizeof salt, 1));  // not UTF-8: left to OpenSSL
}

TEST(Pkcs12MacKey, TheMacHoldsExactlyWhenOpenSslSaysSo) {
  for (const std::string who : {"pole", "ecole-ordinaire"}) {
    const Bytes file = must(read_file(world().p12(who)), who);
    auto p12 = decode(file);
    ASSERT_TRUE(p12);
    EXPECT_EQ(pkcs12_mac_holds(file, p12.get(), password), std::optional(true)) << who;
    EXPECT_EQ(pkcs12_mac_holds(file, p12.get(), "mot de passf"), std::optional(false)) << who;
    EXPECT_EQ(PKCS12_verify_mac(p12.get(), "mot de passf", -1), 0);
    // Read with the other derivations: a wrong password reads nothing.
    const auto wrong = read_pkcs12(file, p12.get(), "mot de passf");
    EXPECT_EQ(wrong.mac_holds, std::optional(false)) << who;
    EXPECT_FALSE(wrong.contents.has_value()) << who;
    // One byte of the authSafe changed (after the MAC check of d2i, which checks nothing):
    // the MAC no longer holds, for OpenSSL either.
    Bytes damaged = file;
    damaged[damaged.size() / 2] ^= 0x01;
    if (auto broken = decode(damaged)) {
      EXPECT_EQ(pkcs12_mac_holds(damaged, broken.get(), password), std::optional(false)) << who;
      EXPECT_EQ(PKCS12_verify_mac(broken.get(), password.c_str(), -1), 0);
    }
    ERR_clear_error();
  }
  // A SHA-1 MAC (older files): left to PKCS12_verify_mac.
  const Bytes legacy = rewritten("pole", NID_pbe_WithSHA1And3_Key_TripleDES_CBC, -1, EVP_sha1());
  auto p12 = decode(legacy);
  ASSERT_TRUE(p12);
  EXPECT_FALSE(pkcs12_mac_holds(legacy, p12.get(), password).has_value());
}

TEST(Pkcs12Contents, ReadsTheTestPkisFilesAsPkcs12ParseDoes) {
  for (const std::string who : {"pole", "ecole-ordinaire"}) {  // RSA and ECDSA keys
    SCOPED_TRACE(who);
    expect_same_as_openssl(must(read_file(world().p12(who)), who));
  }
}

TEST(Pkcs12Contents, ReadsAes128AndCertificatesInClear) {
  expect_same_as_openssl(rewritten("pole", NID_aes_128_cbc, NID_aes_192_cbc, EVP_sha256()));
  expect_same_as_openssl(rewritten("pole", NID_aes_256_cbc, -1, EVP_sha256()));  // certificates not encrypted
}

TEST(Pkcs12Contents, LeavesLegacyEncryptionToOpenSsl) {
  // Triple DES with SHA-1 (PKCS#12's own PBE) for the key: not PBES2, left to PKCS12_parse.
  const Bytes file = rewritten("pole", NID_pbe_WithSHA1And3_Key_TripleDES_CBC, -1, EVP_sha1());
  auto p12 = decode(file);
  ASSERT_TRUE(p12);
  EXPECT_FALSE(read_pkcs12(file, p12.get(), password).contents.has_value());
  EXPECT_TRUE(parsed_by_openssl(p12.get()).key);
}

// Through load_pkcs12, which checks the MAC before reading: a file damaged anywhere in its
// safes is refused as a wrong password or an unreadable file, never read as another key; a
// legacy file still opens, through PKCS12_parse.
TEST(Pkcs12Contents, LoadPkcs12RefusesDamagedFilesAndStillOpensLegacyOnes) {
  const Bytes file = must(read_file(world().p12("ecole-ordinaire")), "ecole-ordinaire.p12");
  const test::TempDir dir;
  int refused = 0;
  for (size_t at = file.size() / 4; at < file.size() * 3 / 4; at += file.size() / 16) {
    Bytes copy = file;
    copy[at] ^= 0x40;
    const auto path = dir / std::string("abime.p12");
    must(core::write_file_atomically(path, as_text(copy)), "abime.p12");
    const auto key = load_pkcs12(path, password);
    EXPECT_FALSE(key) << "byte " << at << " changed, yet the file opened";
    if (!key) {
      ++refused;
      EXPECT_NE(key.error().message.find("abime.p12"), std::string::npos) << key.error().message;
    }
  }
  EXPECT_GE(refused, 8);

  const auto path = dir / std::string("ancien.p12");
  must(core::write_file_atomically(path, as_text(rewritten("pole", NID_pbe_WithSHA1And3_Key_TripleDES_CBC, -1, EVP_sha1()))),
       "ancien.p12");
  const auto key = must(load_pkcs12(path, password), "ancien.p12");
  EXPECT_FALSE(key->certificate().empty());
  EXPECT_FALSE(key->chain().empty());
}

}  // namespace
}  // namespace ipt::signing::detail
