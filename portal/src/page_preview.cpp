#include "page_preview.hpp"

#include <dlfcn.h>

#include <mutex>

#include "ipt/core/module.hpp"

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

const PreviewModule& preview_module() {
  static const PreviewModule module = [] {
    PreviewModule m;
    const core::OpenedModule opened = core::open_module("libipt_page_preview.so", IPT_PAGE_PREVIEW_BUILD_DIR);
    void* handle = opened.handle;
    if (!handle) {
      m.failure = opened.failure;
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
