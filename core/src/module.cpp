#include "ipt/core/module.hpp"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace ipt::core {

namespace {

std::vector<std::filesystem::path> candidates(const std::string& file_name, const std::string& build_dir) {
  std::vector<std::filesystem::path> out;
  if (const char* dir = std::getenv("IPT_MODULE_DIR"); dir && *dir) out.emplace_back(std::filesystem::path(dir) / file_name);
  char self[PATH_MAX];
  if (const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1); n > 0) {
    out.emplace_back(std::filesystem::path(std::string(self, static_cast<size_t>(n))).parent_path() / file_name);
  }
  if (!build_dir.empty()) out.emplace_back(std::filesystem::path(build_dir) / file_name);
  return out;
}

}  // namespace

OpenedModule open_module(const std::string& file_name, const std::string& build_dir) {
  OpenedModule m;
  for (const auto& candidate : candidates(file_name, build_dir)) {
    std::error_code ec;
    if (!std::filesystem::exists(candidate, ec)) continue;
    if ((m.handle = ::dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL))) {
      m.failure.clear();
      return m;
    }
    const char* error = ::dlerror();
    m.failure = candidate.string() + " : " + (error ? error : "chargement impossible");
  }
  if (m.failure.empty()) m.failure = file_name + " introuvable (à côté du programme, ou dans IPT_MODULE_DIR)";
  return m;
}

}  // namespace ipt::core
