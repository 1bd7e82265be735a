// sha256_chains (private to signing): chains run side by side give what each gives alone,
// and what OpenSSL's SHA-256 and HMAC-SHA-256 give for the same iterations.
#define OPENSSL_SUPPRESS_DEPRECATED  // SHA256_CTX's state words, for the chains' starting states
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <fstream>
#include <string>
#include <vector>

#include "sha256_chains.hpp"

namespace ipt::signing::detail {
namespace {

using Digest = std::array<unsigned char, 32>;

Sha256Words words(const Digest& d) {
  Sha256Words w{};
  for (size_t j = 0; j < 8; ++j) {
    w[j] = static_cast<std::uint32_t>(d[4 * j]) << 24 | static_cast<std::uint32_t>(d[4 * j + 1]) << 16 |
           static_cast<std::uint32_t>(d[4 * j + 2]) << 8 | d[4 * j + 3];
  }
  return w;
}

Digest random_digest() {
  Digest d{};
  EXPECT_EQ(RAND_bytes(d.data(), static_cast<int>(d.size())), 1);
  return d;
}

// The SHA-256 state after `block` (an HMAC pad), or the initial state without one.
Sha256Words state_after(const std::array<unsigned char, 64>* block) {
  SHA256_CTX c;
  SHA256_Init(&c);
  if (block) SHA256_Update(&c, block->data(), block->size());
  Sha256Words w{};
  for (size_t j = 0; j < 8; ++j) w[j] = c.h[j];
  return w;
}

struct Expected {
  CompressionChain chain;
  Sha256Words last{};  // the chain's last digest, by OpenSSL
  Sha256Words sum{};   // the XOR of the HMAC results, by OpenSSL (accumulating chains)
};

// Each step SHA-256 of the previous 32-byte digest.
Expected hash_chain(std::uint64_t steps) {
  Expected e;
  Digest value = random_digest();
  e.chain.from[0] = state_after(nullptr);
  e.chain.period = 1;
  e.chain.message_bits = 256;
  e.chain.compressions = steps;
  e.chain.value = words(value);
  for (std::uint64_t i = 0; i < steps; ++i) SHA256(value.data(), value.size(), value.data());
  e.last = words(value);
  return e;
}

// Each two steps HMAC-SHA-256(key, the previous 32-byte MAC), the MACs XORed as PBKDF2 does.
Expected hmac_chain(std::uint64_t macs) {
  Expected e;
  const Digest key = random_digest();
  std::array<unsigned char, 64> inner{}, outer{};
  for (size_t i = 0; i < 64; ++i) {
    const unsigned char k = i < key.size() ? key[i] : 0;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  e.chain.from = {state_after(&inner), state_after(&outer)};
  e.chain.period = 2;
  e.chain.message_bits = 768;
  e.chain.compressions = 2 * macs;
  Digest value = random_digest();
  e.chain.value = words(value);
  e.chain.accumulate = true;
  e.chain.sum = e.sum = words(value);
  for (std::uint64_t i = 0; i < macs; ++i) {
    unsigned int n = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), value.data(), value.size(), value.data(), &n);
    const auto w = words(value);
    for (size_t j = 0; j < 8; ++j) e.sum[j] ^= w[j];
  }
  e.last = words(value);
  return e;
}

// Through both engines: the SHA instructions (where the CPU has them) and OpenSSL's compression.
void expect_as_openssl(std::vector<Expected> expected) {
  for (const auto engine : {Sha256Engine::fastest, Sha256Engine::portable}) {
    std::vector<CompressionChain> chains;
    for (const auto& e : expected) chains.push_back(e.chain);
    run_chains(chains, engine);
    for (size_t i = 0; i < chains.size(); ++i) {
      EXPECT_EQ(chains[i].value, expected[i].last) << "chain " << i << " of " << chains.size();
      if (chains[i].accumulate) {
        EXPECT_EQ(chains[i].sum, expected[i].sum) << "chain " << i;
      }
    }
  }
}

TEST(Sha256Chains, OneChainGivesOpenSslsDigests) {
  expect_as_openssl({hash_chain(1)});
  expect_as_openssl({hash_chain(1000)});
  expect_as_openssl({hmac_chain(1)});
  expect_as_openssl({hmac_chain(777)});
}

// Side by side (two lanes of the SHA instructions where the CPU has them), chains of other
// lengths, periods and paddings, one of them empty, some longer than a slice (1,024 pairs).
TEST(Sha256Chains, ChainsSideBySideGiveWhatEachGivesAlone) {
  expect_as_openssl({hmac_chain(3000), hmac_chain(3000), hash_chain(3000)});
  expect_as_openssl({hash_chain(5), hmac_chain(2500), hash_chain(0), hmac_chain(1), hash_chain(1500)});
  expect_as_openssl({hash_chain(2049), hash_chain(2048)});
}

TEST(Sha256Chains, UsesTheShaInstructionsExactlyWhenTheKernelListsThem) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  bool listed = false;
  while (std::getline(cpuinfo, line)) {
    if (line.starts_with("flags") && (line.find(" sha_ni ") != std::string::npos || line.ends_with(" sha_ni"))) listed = true;
  }
#if defined(__x86_64__)
  EXPECT_EQ(sha_instructions_used(), listed);
#else
  EXPECT_FALSE(sha_instructions_used());
#endif
}

}  // namespace
}  // namespace ipt::signing::detail
