#include "page_preview.hpp"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <vector>

#include "page_preview_module.h"

namespace ipt::portal {

namespace {

// The module's entry points, looked up once (page_preview_module.h).
struct PreviewModule {
  decltype(&ipt_preview_page_count) page_count = nullptr;
  decltype(&ipt_preview_render_png) render_png = nullptr;
  decltype(&ipt_preview_free) free_png = nullptr;
  std::string failure;  // why it did not load
};

// Where the module may be: $IPT_MODULE_DIR, beside the running program, then the build
// tree's copy (tests and benchmarks run from other folders).
std::vector<std::filesystem::path> module_candidates() {
  constexpr const char* file = "libipt_page_preview.so";
  std::vector<std::filesystem::path> out;
  if (const char* dir = std::getenv("IPT_MODULE_DIR"); dir && *dir) out.emplace_back(std::filesystem::path(dir) / file);
  char self[PATH_MAX];
  if (const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1); n > 0) {
    out.emplace_back(std::filesystem::path(std::string(self, static_cast<size_t>(n))).parent_path() / file);
  }
  out.emplace_back(std::filesystem::path(IPT_PAGE_PREVIEW_BUILD_DIR) / file);
  return out;
}

const PreviewModule& preview_module() {
  static const PreviewModule module = [] {
    PreviewModule m;
    void* handle = nullptr;
    for (const auto& candidate : module_candidates()) {
      if (!std::filesystem::exists(candidate)) continue;
      if ((handle = ::dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL))) break;
      const char* error = ::dlerror();
      m.failure = candidate.string() + " : " + (error ? error : "chargement impossible");
    }
    if (!handle) {
      if (m.failure.empty()) m.failure = "libipt_page_preview.so introuvable (à côté du programme, ou IPT_MODULE_DIR)";
      return m;
    }
    m.page_count = reinterpret_cast<decltype(m.page_count)>(::dlsym(handle, "ipt_preview_page_count"));
    m.render_png = reinterpret_cast<decltype(m.render_png)>(::dlsym(handle, "ipt_preview_render_png"));
    m.free_png = reinterpret_cast<decltype(m.free_png)>(::dlsym(handle, "ipt_preview_free"));
    if (!m.page_count || !m.render_png || !m.free_png) m.failure = "libipt_page_preview.so incomplet";
    return m;
  }();
  return module;
}

core::Result<const PreviewModule*> loaded() {
  const PreviewModule& m = preview_module();
  if (!m.failure.empty()) return core::fail(core::Category::internal, "aperçu indisponible : " + m.failure);
  return &m;
}

}  // namespace

core::Result<int> page_count(const signing::Bytes& pdf) {
  IPT_TRY(module, loaded());
  const int pages = (*module)->page_count(pdf.data(), pdf.size());
  if (pages < 0) return core::fail(core::Category::invalid_input, "document illisible pour l’aperçu");
  return pages;
}

core::Result<std::string> render_page_png(const signing::Bytes& pdf, int index, int width) {
  IPT_TRY(module, loaded());
  unsigned char* png = nullptr;
  size_t size = 0;
  const int status = (*module)->render_png(pdf.data(), pdf.size(), index, width, &png, &size);
  std::string out(reinterpret_cast<const char*>(png), png ? size : 0);
  (*module)->free_png(png);
  switch (status) {
    case IPT_PREVIEW_OK: return out;
    case IPT_PREVIEW_UNREADABLE: return core::fail(core::Category::invalid_input, "document illisible pour l’aperçu");
    case IPT_PREVIEW_NO_SUCH_PAGE: return core::fail(core::Category::not_found, "page " + std::to_string(index + 1) + " absente");
    default: return core::fail(core::Category::internal, "aperçu : rendu impossible");
  }
}

}  // namespace ipt::portal
