#include "document_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ipt::pipeline::detail {

core::Result<DocumentLock> DocumentLock::acquire(const std::filesystem::path& document) {
  const std::string path = document.string() + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return core::fail(path + " : verrou impossible (" + std::strerror(errno) + ")");
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const std::string reason = std::strerror(errno);
    ::close(fd);
    return core::fail(path + " : verrou impossible (" + reason + ")");
  }
  return DocumentLock(fd);
}

DocumentLock::~DocumentLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

void remove_stale_temporaries(const std::filesystem::path& document) {
  std::error_code ec;
  const auto folder = document.parent_path();
  // write_file_atomically's temporary names: "." + file name + "." + six characters.
  for (const std::string& name : {document.filename().string(), document.filename().string() + ".nouveau"}) {
    const std::string prefix = "." + name + ".";
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
      const std::string file = entry.path().filename().string();
      if (file.size() == prefix.size() + 6 && file.starts_with(prefix)) std::filesystem::remove(entry.path(), ec);
    }
  }
}

}  // namespace ipt::pipeline::detail
