// libipt_pdf_writer.so: the renderer's PoDoFo half (templates/src/pdf_writer.hpp says why it
// is a module). Its one entry point hands out the two functions.
#include "pdf_writer.hpp"

extern "C" __attribute__((visibility("default"))) const ipt::templates::PdfWriter* ipt_pdf_writer() {
  static const ipt::templates::PdfWriter writer{ipt::templates::pdf_writer_interface, &ipt::templates::load_font_program,
                                                &ipt::templates::write_pdf};
  return &writer;
}
