#include "ipt/core/companion_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "ipt/core/files.hpp"

namespace ipt::core {

namespace {

Result<void> failed(const std::filesystem::path& path, const char* what, int error_number) {
  return fail(path.string() + " : " + what + " impossible (" + std::strerror(error_number) + ")");
}

}  // namespace

Result<void> write_companion(const std::filesystem::path& companion, std::string_view bytes) {
  const int fd = ::open(companion.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return write_file_atomically(companion, bytes);  // the first version
  if (fd < 0) return failed(companion, "écriture", errno);
  const auto give_up = [&](int error_number) {
    ::close(fd);
    return failed(companion, "écriture", error_number);
  };
  struct stat st{};
  if (::fstat(fd, &st) != 0) return give_up(errno);
  // A regular file of its own: written through a second name, another file would change.
  if (!S_ISREG(st.st_mode) || st.st_nlink != 1) return give_up(EINVAL);
  if (::fchmod(fd, 0600) != 0) return give_up(errno);
  // Written from the start, then cut to its length (the companion is normally empty: a
  // version left in it by an interruption is written over).
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::pwrite(fd, bytes.data() + written, bytes.size() - written, static_cast<off_t>(written));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return give_up(n < 0 ? errno : EIO);
    written += static_cast<size_t>(n);
  }
  if (::ftruncate(fd, static_cast<off_t>(bytes.size())) != 0) return give_up(errno);
  if (::fsync(fd) != 0) return give_up(errno);
  if (::close(fd) != 0) return failed(companion, "écriture", errno);
  return {};
}

Result<void> empty_companion(const std::filesystem::path& companion) {
  const int fd = ::open(companion.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? Result<void>{} : failed(companion, "remise à zéro", errno);
  const int rc = ::ftruncate(fd, 0);
  const int error_number = errno;
  ::close(fd);
  if (rc != 0) return failed(companion, "remise à zéro", error_number);
  return {};
}

Result<void> exchange_with_companion(const std::filesystem::path& companion, const std::filesystem::path& file) {
  if (::renameat2(AT_FDCWD, companion.c_str(), AT_FDCWD, file.c_str(), RENAME_EXCHANGE) != 0) {
    // No exchange on this file system, or no file yet: the companion takes the file's name.
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP && errno != ENOENT) return failed(file, "remplacement", errno);
    if (::rename(companion.c_str(), file.c_str()) != 0) return failed(file, "remplacement", errno);
    return {};
  }
  return empty_companion(companion);
}

}  // namespace ipt::core
