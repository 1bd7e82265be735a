#pragma once
// Long chains of SHA-256 compressions, each hashing the digest the previous one produced:
// the iterations of PBKDF2-HMAC-SHA-256 and of the PKCS#12 key derivation, which are most
// of the time it takes to open a PKCS#12 file (three chains of 10,000 iterations each in
// the files OpenSSL 3 writes). One chain cannot go faster than one compression after the
// other; independent chains, though, go through the CPU's SHA instructions side by side,
// two at a time, in about the time of one, where the CPU has them (x86 SHA extensions).
#include <array>
#include <cstdint>
#include <span>

namespace ipt::signing::detail {

using Sha256Words = std::array<std::uint32_t, 8>;

struct CompressionChain {
  // The states the compressions start from, in turn: an HMAC's inner and outer pads
  // (`period` 2), or SHA-256's initial state (`period` 1).
  std::array<Sha256Words, 2> from{};
  std::size_t period = 1;
  // The length in bits of the message each compression ends, as its padding states it: a
  // 32-byte value after a 64-byte pad (768) or alone (256).
  std::uint32_t message_bits = 256;
  std::uint64_t compressions = 0;
  // In: the first value; out: the last digest.
  Sha256Words value{};
  // XOR of the digests that end each period (PBKDF2's T), when `accumulate`; it should
  // start as the first value.
  bool accumulate = false;
  Sha256Words sum{};
};

enum class Sha256Engine {
  fastest,   // the SHA instructions when the CPU has them
  portable,  // OpenSSL's compression, one chain after the other (what other CPUs get)
};

// Runs every chain to its end.
void run_chains(std::span<CompressionChain> chains, Sha256Engine engine = Sha256Engine::fastest);

// Whether run_chains uses the CPU's SHA instructions (else it calls OpenSSL's compression
// for each step, one chain after the other); for the benchmarks' record.
bool sha_instructions_used();

}  // namespace ipt::signing::detail
