// Each prefix's digest from the states kept during one pass is the SHA-256 of those bytes,
// at the strides' edges, between them, and for files large enough to widen the stride.
#include <gtest/gtest.h>

#include <random>

#include "openssl_util.hpp"
#include "prefix_digests.hpp"

namespace ipt::test {
namespace {

using signing::Bytes;
using signing::detail::PrefixDigests;
using signing::detail::sha256;

Bytes noise(size_t size, unsigned seed) {
  std::mt19937 random(seed);
  Bytes out(size);
  for (auto& b : out) b = static_cast<unsigned char>(random());
  return out;
}

TEST(PrefixDigests, EachPrefixIsTheDigestOfItsBytes) {
  for (const size_t size : {size_t{0}, size_t{1}, size_t{100}, size_t{8191}, size_t{8192}, size_t{8193}, size_t{100000},
                            size_t{3u << 20}}) {
    const Bytes file = noise(size, static_cast<unsigned>(size));
    const PrefixDigests hashed(file);
    EXPECT_EQ(hashed.whole(), sha256(file)) << size;
    std::vector<size_t> lengths{0, 1, 8191, 8192, 8193, 16384, 20000, size / 2, size / 3 + 7};
    if (size > 0) lengths.push_back(size - 1);
    lengths.push_back(size);
    for (const size_t length : lengths) {
      if (length > size) continue;
      EXPECT_EQ(hashed.of_first(length), sha256(file.data(), length)) << size << " : " << length;
    }
  }
}

TEST(PrefixDigests, AByteRangesDigestIsTheDigestOfItsTwoRanges) {
  const Bytes file = noise(200000, 7);
  const PrefixDigests hashed(file);
  for (const std::vector<size_t>& br : {std::vector<size_t>{0, 100, 150, 50}, {0, 8192, 16384, 1000}, {0, 123457, 140000, 60000},
                                       {0, 0, 0, 200000}, {0, 199999, 200000, 0}}) {
    Bytes signed_bytes(file.begin(), file.begin() + static_cast<long>(br[1]));
    signed_bytes.insert(signed_bytes.end(), file.begin() + static_cast<long>(br[2]), file.begin() + static_cast<long>(br[2] + br[3]));
    const auto digest = hashed.of_byte_range(br);
    ASSERT_TRUE(digest.has_value()) << br[1];
    EXPECT_EQ(*digest, sha256(signed_bytes)) << br[1] << " " << br[2] << " " << br[3];
  }
  // Not from 0, or past the end: nothing, and the caller hashes the ranges itself.
  EXPECT_FALSE(hashed.of_byte_range({10, 100, 150, 50}).has_value());
  EXPECT_FALSE(hashed.of_byte_range({0, 100, 150, 199900}).has_value());
  EXPECT_FALSE(hashed.of_byte_range({0, 300000, 300001, 1}).has_value());
  EXPECT_FALSE(hashed.of_byte_range({0, 100, 50, 10}).has_value());
  EXPECT_FALSE(hashed.of_byte_range({0, 100, 150}).has_value());
}

}  // namespace
}  // namespace ipt::test
