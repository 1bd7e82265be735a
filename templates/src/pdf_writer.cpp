#include "pdf_writer.hpp"

#include <dlfcn.h>

#include "ipt/core/module.hpp"

namespace ipt::templates {

core::Result<const PdfWriter*> pdf_writer() {
  struct Loaded {
    const PdfWriter* writer = nullptr;
    std::string failure;
  };
  static const Loaded loaded = [] {
    Loaded l;
    const core::OpenedModule opened = core::open_module("libipt_pdf_writer.so", IPT_PDF_WRITER_BUILD_DIR);
    if (!opened.handle) {
      l.failure = opened.failure;
      return l;
    }
    const auto entry = reinterpret_cast<decltype(&ipt_pdf_writer)>(::dlsym(opened.handle, "ipt_pdf_writer"));
    const PdfWriter* writer = entry ? entry() : nullptr;
    if (!writer || !writer->load_font_program || !writer->write_pdf) {
      l.failure = "libipt_pdf_writer.so incomplet";
    } else if (writer->interface != pdf_writer_interface) {
      l.failure = "libipt_pdf_writer.so vient d’une autre version du programme (interface " +
                  std::to_string(writer->interface) + ", " + std::to_string(pdf_writer_interface) + " attendue)";
    } else {
      l.writer = writer;
    }
    return l;
  }();
  if (!loaded.writer) return core::fail(core::Category::internal, "rendu PDF indisponible : " + loaded.failure);
  return loaded.writer;
}

}  // namespace ipt::templates
