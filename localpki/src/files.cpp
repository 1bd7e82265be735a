#include "files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ipt::localpki::detail {

core::Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode) {
  std::string temp = path.string() + ".tmp-XXXXXX";
  const int fd = ::mkstemp(temp.data());  // created 0600
  if (fd < 0) return core::fail(path.string() + " : création impossible (" + std::strerror(errno) + ")");
  auto give_up = [&](const char* what) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    ::unlink(temp.c_str());
    return core::fail(path.string() + " : " + what + " (" + reason + ")");
  };
  if (::fchmod(fd, mode) != 0) return give_up("permissions impossibles à fixer");
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return give_up("écriture impossible");
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return give_up("écriture impossible");
  if (::close(fd) != 0) {
    ::unlink(temp.c_str());
    return core::fail(path.string() + " : écriture impossible");
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temp.c_str());
    return core::fail(path.string() + " : remplacement impossible (" + reason + ")");
  }
  return {};
}

core::Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail(path.string() + " : lecture impossible");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace ipt::localpki::detail
