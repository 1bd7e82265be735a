// The page renderer behind the portal's previews, a module of its own (libipt_page_preview.so)
// that portal/src/page_preview.cpp loads the first time a preview is asked for: poppler and
// its two dozen libraries (NSS, lcms, OpenJPEG...) then load only in `ipt serve`, not in every
// `ipt` command. Its interface is C (page_preview_module.h), so that nothing of poppler's C++
// ABI crosses the boundary.
#include "page_preview_module.h"

#include <poppler-document.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace {

std::unique_ptr<poppler::document> open(const unsigned char* pdf, size_t size) {
  if (size > static_cast<size_t>(INT32_MAX)) return nullptr;
  // poppler reads the bytes in place: the caller's buffer outlives the document.
  auto* raw = const_cast<char*>(reinterpret_cast<const char*>(pdf));
  return std::unique_ptr<poppler::document>(poppler::document::load_from_raw_data(raw, static_cast<int>(size)));
}

// poppler's image saves to a file only: a private temporary, removed at once.
bool png_bytes(const poppler::image& image, std::string& out) {
  char name[] = "/tmp/ipt-apercu-XXXXXX";
  const int fd = ::mkstemp(name);
  if (fd < 0) return false;
  ::close(fd);
  const bool saved = image.save(name, "png");
  std::ifstream in(name, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::remove(name);
  out = bytes.str();
  return saved && !out.empty();
}

}  // namespace

extern "C" int ipt_preview_page_count(const unsigned char* pdf, size_t size) {
  auto document = open(pdf, size);
  return document ? document->pages() : -1;
}

extern "C" int ipt_preview_render_png(const unsigned char* pdf, size_t size, int index, int width, unsigned char** png,
                                      size_t* png_size) {
  *png = nullptr;
  *png_size = 0;
  auto document = open(pdf, size);
  if (!document) return IPT_PREVIEW_UNREADABLE;
  if (index < 0 || index >= document->pages()) return IPT_PREVIEW_NO_SUCH_PAGE;
  std::unique_ptr<poppler::page> page(document->create_page(index));
  if (!page) return IPT_PREVIEW_UNREADABLE;
  const double points = page->page_rect().width();
  const double dpi = points > 0 ? width * 72.0 / points : 96.0;
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  const poppler::image image = renderer.render_page(page.get(), dpi, dpi);
  std::string bytes;
  if (!image.is_valid() || !png_bytes(image, bytes)) return IPT_PREVIEW_FAILED;
  *png = static_cast<unsigned char*>(std::malloc(bytes.size()));
  if (!*png) return IPT_PREVIEW_FAILED;
  std::memcpy(*png, bytes.data(), bytes.size());
  *png_size = bytes.size();
  return IPT_PREVIEW_OK;
}

extern "C" void ipt_preview_free(unsigned char* png) { std::free(png); }
