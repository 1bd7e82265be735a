#include "ipt/core/files.hpp"
#include <cstdio>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>

namespace ipt::core {

std::optional<std::string> read_whole_file(const std::filesystem::path& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  const auto size = in.tellg();
  if (size < 0 || static_cast<size_t>(size) > max_bytes) return std::nullopt;
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) return std::nullopt;
  return bytes;
}

Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view bytes,
                                   std::filesystem::perms mode) {
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string temp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());  // created 0600
  if (fd < 0) return fail(path.string() + " : écriture impossible (" + std::strerror(errno) + ")");
  auto give_up = [&](int error_number, bool close_fd) {
    if (close_fd) ::close(fd);
    ::unlink(temp.c_str());
    return fail(path.string() + " : écriture impossible (" + std::strerror(error_number) + ")");
  };
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) return give_up(errno, true);
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return give_up(n < 0 ? errno : EIO, true);
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return give_up(errno, true);
  if (::close(fd) != 0) return give_up(errno, false);
  if (::rename(temp.c_str(), path.c_str()) != 0) return give_up(errno, false);
  return {};
}

namespace {

Result<void> sync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return fail(path.string() + " : synchronisation impossible (" + std::strerror(errno) + ")");
  const int rc = ::fsync(fd);
  const int error_number = errno;
  ::close(fd);
  if (rc != 0) return fail(path.string() + " : synchronisation impossible (" + std::strerror(error_number) + ")");
  return {};
}

}  // namespace

Result<void> sync_folder(const std::filesystem::path& folder) { return sync_path(folder, O_RDONLY | O_DIRECTORY); }

Result<void> write_new_folder(const std::filesystem::path& folder, const std::vector<FolderFile>& files) {
  std::vector<std::filesystem::path> folders{folder};
  auto make_folder = [&](const std::filesystem::path& path) -> Result<void> {
    if (::mkdir(path.c_str(), 0700) != 0) return fail(path.string() + " : création impossible (" + std::strerror(errno) + ")");
    folders.push_back(path);
    return {};
  };
  if (::mkdir(folder.c_str(), 0700) != 0) return fail(folder.string() + " : création impossible (" + std::strerror(errno) + ")");
  struct Open {
    int fd;
    std::filesystem::path path;
  };
  std::vector<Open> opened;
  auto close_all = [&] {
    for (const auto& o : opened) ::close(o.fd);
  };
  for (const auto& f : files) {
    const auto path = folder / f.relative;
    // Subfolders in order, each created once.
    std::filesystem::path at = folder;
    for (const auto& part : f.relative.parent_path()) {
      at /= part;
      if (std::find(folders.begin(), folders.end(), at) == folders.end()) {
        if (auto made = make_folder(at); !made) {
          close_all();
          return made;
        }
      }
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      const std::string reason = std::strerror(errno);
      close_all();
      return fail(path.string() + " : écriture impossible (" + reason + ")");
    }
    opened.push_back({fd, path});
    size_t written = 0;
    while (written < f.bytes.size()) {
      const ssize_t n = ::write(fd, f.bytes.data() + written, f.bytes.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const std::string reason = std::strerror(n < 0 ? errno : EIO);
        close_all();
        return fail(path.string() + " : écriture impossible (" + reason + ")");
      }
      written += static_cast<size_t>(n);
    }
    // Start the writeback now; the wait comes once, below. A failure here is not one: fsync
    // below reports what matters.
    ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  }
  for (const auto& o : opened) {
    if (::fsync(o.fd) != 0) {
      const std::string reason = std::strerror(errno);
      close_all();
      return fail(o.path.string() + " : écriture impossible (" + reason + ")");
    }
  }
  std::string failed;
  for (const auto& o : opened) {
    if (::close(o.fd) != 0 && failed.empty()) failed = o.path.string() + " : écriture impossible (" + std::strerror(errno) + ")";
  }
  if (!failed.empty()) return fail(failed);
  for (auto it = folders.rbegin(); it != folders.rend(); ++it) IPT_TRY_VOID(sync_folder(*it));
  return {};
}

std::string format_utc(std::chrono::system_clock::time_point t, const char* format) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[96];
  const size_t n = std::strftime(buffer, sizeof buffer, format, &utc);
  return std::string(buffer, n);
}

std::string utc_millis(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
  return buffer;
}

}  // namespace ipt::core
