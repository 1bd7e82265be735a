#pragma once
// Secrets handed to people: links' tokens and one-time codes, and how they are kept (only a
// digest is stored, compared in constant time).
#include <string>
#include <string_view>

namespace ipt::core {

// `bytes` random bytes from the operating system's generator, base64url without padding
// (32 bytes: 43 characters, 256 bits).
std::string random_token(size_t bytes = 32);
// `digits` random decimal digits, uniformly drawn ("042917").
std::string random_digits(int digits);
// HMAC-SHA-256 of `data` under `key`, lower-case hexadecimal.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Equal length and bytes, in a time that does not depend on where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace ipt::core
