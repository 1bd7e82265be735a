#pragma once
// FlateDecode (zlib) with a bound on what it produces (private to signing): the reader of
// cross-reference streams and the reader of a document's streams share it.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ipt::signing::detail {

// What to do with data that decompresses to more than `limit` bytes: refuse it (nothing), or
// keep the first `limit` bytes and read no further (a cross-reference stream's entries).
enum class BeyondLimit { refuse, ignore };

// The decompressed bytes, at most `limit`; nothing when the data is corrupt or cut short.
std::optional<std::string> inflate_flate(std::string_view in, size_t limit, BeyondLimit beyond);

}  // namespace ipt::signing::detail
