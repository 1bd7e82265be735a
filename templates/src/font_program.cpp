#include "font_program.hpp"
#include "ipt/core/files.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H
#include <podofo/podofo.h>

#include <cmath>
#include <fstream>
#include <optional>
#include <memory>
#include <map>
#include <set>
#include <vector>

#include "deflate.hpp"
#include "win_ansi.hpp"

namespace ipt::templates {

namespace {

struct FtLibrary {
  FT_Library library = nullptr;
  FtLibrary() { FT_Init_FreeType(&library); }
  ~FtLibrary() { FT_Done_FreeType(library); }
  FtLibrary(const FtLibrary&) = delete;
  FtLibrary& operator=(const FtLibrary&) = delete;
};

struct FaceDeleter {
  void operator()(FT_Face face) const { FT_Done_Face(face); }
};

// Six capital letters from a hash of the subset, so that two fonts never share a tag.
std::string subset_tag(std::string_view bytes) {
  std::uint64_t h = 1469598103934665603ull;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  std::string tag;
  for (int i = 0; i < 6; ++i) {
    tag.push_back(static_cast<char>('A' + h % 26));
    h /= 26;
  }
  return tag;
}




void put16(std::string& out, std::size_t at, std::uint32_t v) {
  out[at] = static_cast<char>((v >> 8) & 0xFF);
  out[at + 1] = static_cast<char>(v & 0xFF);
}
void put32(std::string& out, std::size_t at, std::uint32_t v) {
  put16(out, at, v >> 16);
  put16(out, at + 2, v & 0xFFFF);
}
void append16(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
  out.push_back(static_cast<char>(v & 0xFF));
}
std::uint32_t get16(std::string_view in, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(in[at])) << 8) | static_cast<unsigned char>(in[at + 1]);
}
std::uint32_t get32(std::string_view in, std::size_t at) { return (get16(in, at) << 16) | get16(in, at + 2); }

std::uint32_t table_checksum(std::string_view bytes) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < bytes.size(); i += 4) {
    std::uint32_t word = 0;
    for (std::size_t k = 0; k < 4; ++k)
      word = (word << 8) | (i + k < bytes.size() ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    sum += word;
  }
  return sum;
}

// A (3,1) cmap, format 4, mapping each code point to its glyph id: one segment per run of
// consecutive code points whose glyph ids follow each other.
std::string unicode_cmap(const std::map<std::uint32_t, std::uint32_t>& code_to_glyph) {
  struct Segment {
    std::uint32_t start, end, delta;
  };
  std::vector<Segment> segments;
  for (const auto& [code, glyph] : code_to_glyph) {
    const std::uint32_t delta = (glyph - code) & 0xFFFF;
    if (!segments.empty() && segments.back().end + 1 == code && segments.back().delta == delta) {
      segments.back().end = code;
    } else {
      segments.push_back({code, code, delta});
    }
  }
  segments.push_back({0xFFFF, 0xFFFF, 1});
  const auto seg_count = static_cast<std::uint32_t>(segments.size());
  std::uint32_t search_range = 2, entry_selector = 0;
  while (search_range * 2 <= seg_count * 2) {
    search_range *= 2;
    ++entry_selector;
  }
  std::string sub;
  append16(sub, 4);
  append16(sub, 0);  // length, set below
  append16(sub, 0);
  append16(sub, seg_count * 2);
  append16(sub, search_range);
  append16(sub, entry_selector);
  append16(sub, seg_count * 2 - search_range);
  for (const auto& s : segments) append16(sub, s.end);
  append16(sub, 0);
  for (const auto& s : segments) append16(sub, s.start);
  for (const auto& s : segments) append16(sub, s.delta);
  for (std::size_t i = 0; i < segments.size(); ++i) append16(sub, 0);
  put16(sub, 2, static_cast<std::uint32_t>(sub.size()));
  std::string cmap;
  append16(cmap, 0);
  append16(cmap, 1);
  append16(cmap, 3);
  append16(cmap, 1);
  append16(cmap, 0);
  append16(cmap, 12);
  return cmap + sub;
}

// PoDoFo 0.9.8's subsetter keeps glyph ids but writes a cmap that maps some accented
// letters to the wrong glyphs (seen with Liberation Sans: é drawn as an accent alone).
// The font is rebuilt with a cmap made here from FreeType's own mapping.
std::string with_cmap(std::string_view font, const std::string& cmap) {
  const std::uint32_t count = get16(font, 4);
  std::map<std::string, std::string> tables;  // sorted by tag, as the directory must be
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t entry = 12 + 16 * static_cast<std::size_t>(i);
    const std::string tag(font.substr(entry, 4));
    const std::uint32_t offset = get32(font, entry + 8);
    const std::uint32_t length = get32(font, entry + 12);
    tables[tag] = std::string(font.substr(offset, length));
  }
  tables["cmap"] = cmap;
  if (auto head = tables.find("head"); head != tables.end()) put32(head->second, 8, 0);
  const auto n = static_cast<std::uint32_t>(tables.size());
  std::uint32_t search_range = 16, entry_selector = 0;
  while (search_range * 2 <= n * 16) {
    search_range *= 2;
    ++entry_selector;
  }
  std::string out(12 + 16 * tables.size(), '\0');
  put32(out, 0, 0x00010000);
  put16(out, 4, n);
  put16(out, 6, search_range);
  put16(out, 8, entry_selector);
  put16(out, 10, n * 16 - search_range);
  std::size_t entry = 12;
  std::size_t head_offset = 0;
  for (const auto& [tag, bytes] : tables) {
    out.replace(entry, 4, tag);
    put32(out, entry + 4, table_checksum(bytes));
    put32(out, entry + 8, static_cast<std::uint32_t>(out.size()));
    put32(out, entry + 12, static_cast<std::uint32_t>(bytes.size()));
    if (tag == "head") head_offset = out.size();
    out += bytes;
    while (out.size() % 4 != 0) out.push_back('\0');
    entry += 16;
  }
  if (head_offset != 0) put32(out, head_offset + 8, 0xB1B0AFBAu - table_checksum(out));
  return out;
}

}  // namespace

core::Result<FontProgram> load_font_program(const std::filesystem::path& path) {
  const auto content = core::read_whole_file(path);
  if (!content) return core::fail("police « " + path.string() + " » illisible");
  const std::string& file = *content;

  FtLibrary ft;
  FT_Face raw_face = nullptr;
  if (FT_New_Memory_Face(ft.library, reinterpret_cast<const FT_Byte*>(file.data()),
                         static_cast<FT_Long>(file.size()), 0, &raw_face) != 0)
    return core::fail("police « " + path.string() + " » : fichier TrueType invalide");
  const std::unique_ptr<FT_FaceRec_, FaceDeleter> face(raw_face);
  if (FT_Select_Charmap(raw_face, FT_ENCODING_UNICODE) != 0)
    return core::fail("police « " + path.string() + " » : pas de table Unicode");

  FontProgram font;
  const double units = raw_face->units_per_EM;
  const auto scale = [units](double v) { return std::round(v * 1000.0 / units); };
  const auto& code_points = win_ansi::code_points();
  std::set<PoDoFo::pdf_utf16be> used;
  std::map<std::uint32_t, std::uint32_t> code_to_glyph;
  for (std::size_t code = 32; code < 256; ++code) {
    const char32_t cp = code_points[code];
    if (cp == 0) {  // no character: .notdef's width, which is what a viewer would draw
      if (FT_Load_Glyph(raw_face, 0, FT_LOAD_NO_SCALE) == 0)
        font.widths[code] = scale(static_cast<double>(raw_face->glyph->metrics.horiAdvance));
      continue;
    }
    const FT_UInt glyph = FT_Get_Char_Index(raw_face, cp);
    if (glyph == 0) {
      if (cp == 0xAD) continue;  // soft hyphen: some fonts have none, never drawn
      return core::fail("police « " + path.string() + " » : pas de glyphe pour " + win_ansi::describe(cp));
    }
    if (FT_Load_Glyph(raw_face, glyph, FT_LOAD_NO_SCALE) != 0)
      return core::fail("police « " + path.string() + " » : glyphe illisible pour " + win_ansi::describe(cp));
    font.widths[code] = scale(static_cast<double>(raw_face->glyph->metrics.horiAdvance));
    used.insert(static_cast<PoDoFo::pdf_utf16be>(cp));
    code_to_glyph[static_cast<std::uint32_t>(cp)] = glyph;
  }
  font.ascent = scale(raw_face->ascender);
  font.descent = scale(raw_face->descender);
  font.bbox = {scale(static_cast<double>(raw_face->bbox.xMin)), scale(static_cast<double>(raw_face->bbox.yMin)),
               scale(static_cast<double>(raw_face->bbox.xMax)), scale(static_cast<double>(raw_face->bbox.yMax))};
  font.cap_height = font.ascent;
  if (const auto* os2 = static_cast<const TT_OS2*>(FT_Get_Sfnt_Table(raw_face, FT_SFNT_OS2));
      os2 != nullptr && os2->version >= 2)
    font.cap_height = scale(os2->sCapHeight);
  font.bold = (raw_face->style_flags & FT_STYLE_FLAG_BOLD) != 0;
  font.stem_v = font.bold ? 140 : 80;
  std::string postscript_name = FT_Get_Postscript_Name(raw_face) ? FT_Get_Postscript_Name(raw_face) : "Font";

  // Subset to the WinAnsi repertoire with PoDoFo's subsetter; it keeps glyph ids and writes
  // a (3,1) cmap, which is what a simple TrueType font with WinAnsiEncoding needs.
  std::string subset;
  try {
    PoDoFo::PdfFontMetricsFreetype metrics(&ft.library, file.data(), static_cast<unsigned>(file.size()), false);
    PoDoFo::PdfInputDevice device(file.data(), file.size());
    PoDoFo::PdfFontTTFSubset subsetter(&device, &metrics, PoDoFo::PdfFontTTFSubset::eFontFileType_TTF);
    PoDoFo::PdfRefCountedBuffer buffer;
    std::vector<unsigned char> cid_set;
    subsetter.BuildFont(buffer, used, cid_set);
    subset = with_cmap(std::string_view(buffer.GetBuffer(), buffer.GetSize()), unicode_cmap(code_to_glyph));
  } catch (const PoDoFo::PdfError& e) {
    return core::fail("police « " + path.string() + " » : sous-ensemble impossible (" +
                      PoDoFo::PdfError::ErrorName(e.GetError()) + ")");
  }
  font.base_font = subset_tag(subset) + "+" + postscript_name;
  font.font_file_length = subset.size();
  font.font_file = deflate(subset, 9);
  return font;
}

}  // namespace ipt::templates
