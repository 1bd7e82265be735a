// SHA256_Transform and SHA256_CTX, for CPUs without SHA instructions (see PreparedHmac in
// pkcs12_contents.cpp for why the low-level function rather than EVP).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "sha256_chains.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define IPT_SHA_NI 1
#endif

namespace ipt::signing::detail {

namespace {

// One step of a chain: compress its value (then the padding) from the state its step
// count selects, keep the digest as the next value, and add it to the sum at a period's end.
struct Step {
  const std::uint32_t* from;
  std::uint32_t* value;
  std::uint32_t bits;
};

Step step_of(CompressionChain& c, std::uint64_t done) {
  return {c.from[done % c.period].data(), c.value.data(), c.message_bits};
}

void after_step(CompressionChain& c, std::uint64_t done) {
  if (c.accumulate && done % c.period == c.period - 1) {
    for (size_t j = 0; j < 8; ++j) c.sum[j] ^= c.value[j];
  }
}

// The block of a 32-byte value and its padding, as SHA256_Transform reads it (big-endian).
void compress_portably(const std::uint32_t* from, std::uint32_t* value, std::uint32_t bits) {
  unsigned char block[64] = {};
  for (size_t j = 0; j < 8; ++j) {
    block[4 * j] = static_cast<unsigned char>(value[j] >> 24);
    block[4 * j + 1] = static_cast<unsigned char>(value[j] >> 16);
    block[4 * j + 2] = static_cast<unsigned char>(value[j] >> 8);
    block[4 * j + 3] = static_cast<unsigned char>(value[j]);
  }
  block[32] = 0x80;
  block[60] = static_cast<unsigned char>(bits >> 24);
  block[61] = static_cast<unsigned char>(bits >> 16);
  block[62] = static_cast<unsigned char>(bits >> 8);
  block[63] = static_cast<unsigned char>(bits);
  SHA256_CTX work{};
  std::memcpy(work.h, from, sizeof work.h);
  SHA256_Transform(&work, block);
  std::memcpy(value, work.h, sizeof work.h);
  OPENSSL_cleanse(block, sizeof block);
  OPENSSL_cleanse(&work, sizeof work);
}

#ifdef IPT_SHA_NI

bool cpu_has_sha() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1)) return false;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  return (b & bit_SHA) != 0;
}

alignas(16) constexpr std::uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// `lanes` independent compressions of a 32-byte value and its padding, their instructions
// interleaved so that one lane's rounds run while the other's wait on their latency. The
// state is held as the SHA instructions want it (ABEF and CDGH), the message as words: a
// value that is itself a digest needs no byte swapping.
template <size_t lanes>
__attribute__((target("sha,sse4.1,ssse3"))) void compress_with_sha(const Step* steps) {
  __m128i abef[lanes], cdgh[lanes], abef_in[lanes], cdgh_in[lanes], w[lanes][4];
#pragma GCC unroll 2
  for (size_t l = 0; l < lanes; ++l) {
    const __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(steps[l].from));  // NOLINT
    const __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(steps[l].from + 4));  // NOLINT
    const __m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
    const __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
    abef[l] = abef_in[l] = _mm_alignr_epi8(cdab, efgh, 8);
    cdgh[l] = cdgh_in[l] = _mm_blend_epi16(efgh, cdab, 0xf0);
    w[l][0] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(steps[l].value));  // NOLINT
    w[l][1] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(steps[l].value + 4));  // NOLINT
    w[l][2] = _mm_set_epi32(0, 0, 0, static_cast<int>(0x80000000U));
    w[l][3] = _mm_set_epi32(static_cast<int>(steps[l].bits), 0, 0, 0);
  }
#pragma GCC unroll 16
  for (size_t g = 0; g < 16; ++g) {
    const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(round_constants + 4 * g));  // NOLINT
#pragma GCC unroll 2
    for (size_t l = 0; l < lanes; ++l) {
      if (g >= 4) {
        // W[4g..4g+3] from the four groups before: sigma0 terms (msg1), W[t-7] (the
        // words straddling the last two groups), sigma1 terms (msg2).
        const __m128i straddle = _mm_alignr_epi8(w[l][(g + 3) % 4], w[l][(g + 2) % 4], 4);
        const __m128i partial = _mm_add_epi32(_mm_sha256msg1_epu32(w[l][g % 4], w[l][(g + 1) % 4]), straddle);
        w[l][g % 4] = _mm_sha256msg2_epu32(partial, w[l][(g + 3) % 4]);
      }
      __m128i message = _mm_add_epi32(w[l][g % 4], k);
      cdgh[l] = _mm_sha256rnds2_epu32(cdgh[l], abef[l], message);
      message = _mm_shuffle_epi32(message, 0x0e);
      abef[l] = _mm_sha256rnds2_epu32(abef[l], cdgh[l], message);
    }
  }
#pragma GCC unroll 2
  for (size_t l = 0; l < lanes; ++l) {
    const __m128i feba = _mm_shuffle_epi32(_mm_add_epi32(abef[l], abef_in[l]), 0x1b);
    const __m128i dchg = _mm_shuffle_epi32(_mm_add_epi32(cdgh[l], cdgh_in[l]), 0xb1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(steps[l].value), _mm_blend_epi16(feba, dchg, 0xf0));  // NOLINT
    _mm_storeu_si128(reinterpret_cast<__m128i*>(steps[l].value + 4), _mm_alignr_epi8(dchg, feba, 8));  // NOLINT
  }
}

#endif

bool use_sha_instructions() {
#ifdef IPT_SHA_NI
  static const bool has = cpu_has_sha();
  return has;
#else
  return false;
#endif
}

// Steps `from` to `to` of one chain.
void run_alone(CompressionChain& c, std::uint64_t from, std::uint64_t to, bool sha_instructions) {
  for (std::uint64_t done = from; done < to; ++done) {
    const Step s = step_of(c, done);
#ifdef IPT_SHA_NI
    if (sha_instructions) {
      compress_with_sha<1>(&s);
    } else {
      compress_portably(s.from, s.value, s.bits);
    }
#else
    (void)sha_instructions;
    compress_portably(s.from, s.value, s.bits);
#endif
    after_step(c, done);
  }
}

}  // namespace

bool sha_instructions_used() { return use_sha_instructions(); }

void run_chains(std::span<CompressionChain> chains, Sha256Engine engine) {
  const bool sha_instructions = engine == Sha256Engine::fastest && use_sha_instructions();
  std::vector<std::uint64_t> done(chains.size(), 0);
  const auto left = [&](size_t i) { return chains[i].compressions - done[i]; };
  std::vector<size_t> order(chains.size());
  for (;;) {
    // The two chains with the most left go side by side for a while: the whole then takes
    // about max(the longest chain, half of all) pairs of compressions.
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return left(a) > left(b); });
    if (order.empty() || left(order[0]) == 0) return;
    if (!sha_instructions || order.size() == 1 || left(order[1]) == 0) {
      run_alone(chains[order[0]], done[order[0]], chains[order[0]].compressions, sha_instructions);
      done[order[0]] = chains[order[0]].compressions;
      continue;
    }
#ifdef IPT_SHA_NI
    CompressionChain& a = chains[order[0]];
    CompressionChain& b = chains[order[1]];
    // In slices, so that a third chain joins before the first two are done.
    const std::uint64_t together = std::min(left(order[1]), std::uint64_t{1024});
    for (std::uint64_t n = 0; n < together; ++n) {
      const Step pair[2] = {step_of(a, done[order[0]]), step_of(b, done[order[1]])};
      compress_with_sha<2>(pair);
      after_step(a, done[order[0]]++);
      after_step(b, done[order[1]]++);
    }
#endif
  }
}

}  // namespace ipt::signing::detail
