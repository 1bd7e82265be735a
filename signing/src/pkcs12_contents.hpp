#pragma once
// The key and certificates of a PKCS#12 whose safes are encrypted with PBES2 (PBKDF2 with
// HMAC-SHA-256, AES-CBC): what OpenSSL 3, NSS and Java write by default, and the test PKI's
// files. PKCS12_parse reads them too, but its PBKDF2 goes through EVP_KDF and EVP_MAC, with
// a new HMAC context for each of the file's iterations: 10,000 iterations took 1.9-4.2 ms a
// safe here, where the same derivation from two prepared SHA-256 states takes 0.8 ms, and the
// file's three derivations side by side (sha256_chains.hpp) about as long as one. Opening a
// key was most of a whole `ipt sign` process (issue 13), so the common case is read here and
// everything else is left to PKCS12_parse.
#include <optional>
#include <string>
#include <vector>

#include "openssl_util.hpp"

namespace ipt::signing::detail {

// PBKDF2 (RFC 8018, 5.2) with HMAC-SHA-256; the same bytes as PKCS5_PBKDF2_HMAC.
Bytes pbkdf2_hmac_sha256(const std::string& password, const unsigned char* salt, size_t salt_size,
                         unsigned long iterations, size_t key_size);

// The key of a PKCS#12 MAC with SHA-256 (RFC 7292, appendix B.2, ID 3): the password as a
// BMPString with its terminating zero, as PKCS12_key_gen_utf8 makes it; nothing when the
// password is not UTF-8.
std::optional<Bytes> pkcs12_mac_key(const std::string& password, const unsigned char* salt, size_t salt_size,
                                    unsigned long iterations);

// Whether the MAC of `file` (the bytes `p12` was decoded from) holds with `password`, when it
// is an HMAC-SHA-256 over a DER-encoded authSafe; nothing otherwise (PKCS12_verify_mac then
// decides). read_pkcs12 checks it with the other derivations; this one alone is for tests. OpenSSL's PKCS12_verify_mac derives the key through EVP_KDF (1.2-1.4 ms for
// 10,000 iterations here; 0.47 ms from SHA-256 compressions, BM_Pkcs12MacKey).
std::optional<bool> pkcs12_mac_holds(const Bytes& file, const PKCS12* p12, const std::string& password);

struct Pkcs12Contents {
  EvpPkeyPtr key;
  X509Ptr certificate;      // the key's: same localKeyID, or else the one matching the key
  std::vector<X509Ptr> chain;  // the other certificates, in the file's order
};

struct Pkcs12Reading {
  // Whether the file's MAC holds with the password, when it is an HMAC-SHA-256 over a
  // DER-encoded authSafe; nothing otherwise (PKCS12_verify_mac then decides).
  std::optional<bool> mac_holds;
  // The contents, read only when the MAC held here. Nothing when the file uses anything this
  // reader does not know (another cipher or PRF, a legacy PBE, nested safes, several keys):
  // PKCS12_parse then reads it. A part that does not decrypt or decode is an error (the MAC
  // held, so the file was written that way).
  std::optional<core::Result<Pkcs12Contents>> contents;
};

// Checks the MAC of `file` (the bytes `p12` was decoded from) and reads its contents, with
// every key derivation the file needs (the MAC's, the certificates' safe's, the private
// key's) run side by side (sha256_chains.hpp).
Pkcs12Reading read_pkcs12(const Bytes& file, PKCS12* p12, const std::string& password);

}  // namespace ipt::signing::detail
