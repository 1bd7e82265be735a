#pragma once
// The renderer's PoDoFo half: reading and subsetting the fonts (FreeType, PoDoFo's subsetter)
// and writing a laid-out document as a PDF/A file (pdf_document.cpp). It lives in a module
// of its own, libipt_pdf_writer.so (templates/module/), opened the first time a renderer is
// made: PoDoFo, FreeType and the dozen libraries behind them (fontconfig, libtiff, libjpeg,
// libpng, libwebp...) then load only in the commands that render, not in `ipt sign`,
// `ipt verify` or `ipt --version`, whose start they doubled (issue 13). Both sides are
// built from this tree by the same compiler, so C++ types cross the boundary; the version
// below refuses a module left from another build of these types.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "font_program.hpp"
#include "ipt/core/result.hpp"
#include "layout.hpp"
#include "pdf_document.hpp"

namespace ipt::templates {

// Changes whenever PdfWriter or a type it passes (FontProgram, LaidOutDocument,
// SharedResources, PdfMetadata) changes.
inline constexpr int pdf_writer_interface = 1;

struct PdfWriter {
  int interface = pdf_writer_interface;
  core::Result<FontProgram> (*load_font_program)(const std::filesystem::path& path) = nullptr;
  core::Result<std::vector<std::uint8_t>> (*write_pdf)(const LaidOutDocument& document, const SharedResources& shared,
                                                       const PdfMetadata& metadata) = nullptr;
};

// The module's writer, opened on the first call; fails (French, naming the file) when the
// module cannot be found or opened, or comes from another build.
core::Result<const PdfWriter*> pdf_writer();

}  // namespace ipt::templates

// The module's one entry point.
extern "C" const ipt::templates::PdfWriter* ipt_pdf_writer();
