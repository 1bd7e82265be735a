#pragma once
// A TrueType font prepared once per process for every document: WinAnsi widths, descriptor
// metrics, and the font program subset to the whole WinAnsi repertoire and compressed.
// Every document embeds the same bytes, so later fills and signatures find every French
// character already there (see shared notes on PoDoFo 0.9.8 subsetting).
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "ipt/core/result.hpp"

namespace ipt::templates {

struct FontProgram {
  std::string base_font;                  // "ABCDEF+LiberationSans", tag derived from the bytes
  std::array<double, 256> widths{};        // advance of each WinAnsi code, in 1/1000 em
  double ascent = 0, descent = 0, cap_height = 0;  // 1/1000 em
  std::array<double, 4> bbox{};
  double stem_v = 80;
  bool bold = false;
  std::string font_file;                  // the subset program, Flate-compressed
  std::size_t font_file_length = 0;       // its uncompressed length (/Length1)

  // Width of WinAnsi-encoded text at `size` points.
  double text_width(std::string_view win_ansi, double size) const {
    double w = 0;
    for (const char c : win_ansi) w += widths[static_cast<unsigned char>(c)];
    return w * size / 1000.0;
  }
};

// Reads, measures and subsets a TrueType file. Fails (French message naming the file) when
// it cannot be read or lacks a glyph for a WinAnsi character.
core::Result<FontProgram> load_font_program(const std::filesystem::path& path);

}  // namespace ipt::templates
