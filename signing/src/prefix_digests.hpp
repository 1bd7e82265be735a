#pragma once
// The SHA-256 of a file and of its first bytes up to chosen offsets (each revision's end),
// from one pass over it (private to signing): a verification needs the whole file's digest
// before anything else (the verdict reached on the same bytes a moment ago is found by it),
// then, once the revisions are found, each revision's prefix digest (the verdicts reached on
// its earlier states), and each new signature the digest of its byte range: once over the
// file instead of three times.
#include <optional>
#include <span>
#include <vector>

#include "openssl_util.hpp"

namespace ipt::signing::detail {

class PrefixDigests {
 public:
  // Hashes `bytes` (which must outlive this) whole, keeping the hash's state every few KiB.
  explicit PrefixDigests(std::span<const unsigned char> bytes);

  const Bytes& whole() const { return whole_; }
  // The SHA-256 of the first `length` bytes (at most the whole): from the nearest state
  // kept, with at most one stride of bytes hashed again.
  Bytes of_first(size_t length) const;
  // A signature's byte range [0, a) + [b, b + n): the first range from the nearest state, the
  // second (the rest of the signature's revision, a few KiB) hashed on. Nothing when the
  // range does not start at 0 or leaves the file.
  std::optional<Bytes> of_byte_range(const std::vector<size_t>& byte_range) const;

 private:
  std::span<const unsigned char> bytes_;
  size_t stride_;
  std::vector<EvpMdCtxPtr> states_;  // states_[i]: after the first i * stride_ bytes
  Bytes whole_;
};

}  // namespace ipt::signing::detail
