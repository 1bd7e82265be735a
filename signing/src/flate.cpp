#include "flate.hpp"

#include <zlib.h>

#include <algorithm>

namespace ipt::signing::detail {

std::optional<std::string> inflate_flate(std::string_view in, size_t limit, BeyondLimit beyond) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return std::nullopt;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  // One byte more than allowed tells "longer than the limit" from "exactly the limit".
  const size_t cap = beyond == BeyondLimit::refuse ? limit + 1 : limit;
  std::string out;
  int status = Z_OK;
  while (status == Z_OK && out.size() < cap) {
    const size_t before = out.size();
    out.resize(std::min(cap, std::max<size_t>(4096, before * 2)));
    z.next_out = reinterpret_cast<Bytef*>(out.data() + before);
    z.avail_out = static_cast<uInt>(out.size() - before);
    status = inflate(&z, Z_NO_FLUSH);
    out.resize(out.size() - z.avail_out);
    if (status == Z_BUF_ERROR && z.avail_in == 0) break;  // the data ends before its end marker
  }
  inflateEnd(&z);
  if (out.size() > limit) return std::nullopt;
  if (status == Z_STREAM_END || (beyond == BeyondLimit::ignore && out.size() == limit)) return out;
  return std::nullopt;
}

}  // namespace ipt::signing::detail
