#include "deflate.hpp"

#include <zlib.h>

namespace ipt::templates {

std::string deflate(std::string_view bytes, int level) {
  uLongf size = compressBound(static_cast<uLong>(bytes.size()));
  std::string out(size, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(bytes.data()),
            static_cast<uLong>(bytes.size()), level);
  out.resize(size);
  return out;
}

}  // namespace ipt::templates
