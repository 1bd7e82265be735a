#pragma once
// Wraps a laid-out document in a PDF/A file with PoDoFo (the only file that builds PDF
// objects): fonts, AcroForm, widgets and their appearances, XMP, OutputIntent.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "font_program.hpp"
#include "ipt/core/result.hpp"
#include "layout.hpp"

namespace ipt::templates {

// What every document shares, computed once.
struct SharedResources {
  FontProgram regular;
  FontProgram bold;
  std::string icc_profile_deflated;  // sRGB, for the OutputIntent
  std::string to_unicode_deflated;   // WinAnsi -> Unicode CMap, for both fonts
};

struct PdfMetadata {
  std::string title;  // UTF-8
  int pdfa_part = 2;
  std::chrono::sys_seconds created;
};

core::Result<std::vector<std::uint8_t>> write_pdf(const LaidOutDocument& document, const SharedResources& shared,
                                                  const PdfMetadata& metadata);

}  // namespace ipt::templates
