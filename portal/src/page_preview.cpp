#include "page_preview.hpp"

#include <poppler-document.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

namespace ipt::portal {

namespace {

std::unique_ptr<poppler::document> open(const signing::Bytes& pdf) {
  // poppler reads the bytes in place: the vector outlives the document.
  auto* raw = const_cast<char*>(reinterpret_cast<const char*>(pdf.data()));
  return std::unique_ptr<poppler::document>(poppler::document::load_from_raw_data(raw, static_cast<int>(pdf.size())));
}

// poppler's image saves to a file only: a private temporary, removed at once.
core::Result<std::string> png_bytes(const poppler::image& image) {
  char name[] = "/tmp/ipt-apercu-XXXXXX";
  const int fd = ::mkstemp(name);
  if (fd < 0) return core::fail(core::Category::internal, "aperçu : fichier temporaire impossible");
  ::close(fd);
  const bool saved = image.save(name, "png");
  std::ifstream in(name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  std::remove(name);
  if (!saved) return core::fail(core::Category::internal, "aperçu : image impossible");
  return out.str();
}

}  // namespace

core::Result<int> page_count(const signing::Bytes& pdf) {
  auto document = open(pdf);
  if (!document) return core::fail(core::Category::invalid_input, "document illisible pour l’aperçu");
  return document->pages();
}

core::Result<std::string> render_page_png(const signing::Bytes& pdf, int index, int width) {
  auto document = open(pdf);
  if (!document) return core::fail(core::Category::invalid_input, "document illisible pour l’aperçu");
  if (index < 0 || index >= document->pages()) return core::fail(core::Category::not_found, "page " + std::to_string(index + 1) + " absente");
  std::unique_ptr<poppler::page> page(document->create_page(index));
  if (!page) return core::fail(core::Category::invalid_input, "page illisible");
  const double points = page->page_rect().width();
  const double dpi = points > 0 ? width * 72.0 / points : 96.0;
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  const poppler::image image = renderer.render_page(page.get(), dpi, dpi);
  if (!image.is_valid()) return core::fail(core::Category::internal, "aperçu : rendu impossible");
  return png_bytes(image);
}

}  // namespace ipt::portal
