#include "win_ansi.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "ipt/core/text.hpp"

namespace ipt::templates::win_ansi {

const std::array<char32_t, 256>& code_points() { return core::win_ansi_code_points(); }

std::optional<std::uint8_t> encode(char32_t code_point) { return core::win_ansi_byte(code_point); }

Encoded encode_utf8(std::string_view utf8) {
  Encoded out;
  const auto decoded = core::decode_utf8(utf8);
  if (!decoded) {
    out.bad_utf8 = true;
    return out;
  }
  out.bytes.reserve(decoded->size());
  for (char32_t cp : *decoded) {
    if (cp == U'\r') continue;  // CR LF and CR alone both end a line: keep the LF only
    if (cp == U'\t') cp = U' ';  // the fonts have no glyph for a tab: it is a space on paper
    const auto byte = core::win_ansi_byte(cp);
    if (!byte) {
      Encoded failed;
      failed.unsupported = cp;
      return failed;
    }
    out.bytes.push_back(static_cast<char>(*byte));
  }
  return out;
}

std::string describe(char32_t code_point) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(code_point));
  std::string text(buf);
  if (code_point >= 0x20 && code_point != 0x7F) {
    std::string utf8;
    if (code_point < 0x80) {
      utf8.push_back(static_cast<char>(code_point));
    } else if (code_point < 0x800) {
      utf8.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
      utf8.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else if (code_point < 0x10000) {
      utf8.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
      utf8.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
      utf8.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else {
      utf8.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
      utf8.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
      utf8.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
      utf8.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    }
    text = "« " + utf8 + " » (" + text + ")";
  }
  return text;
}

std::string to_unicode_cmap() {
  std::string cmap =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n";
  const auto& cps = code_points();
  std::vector<std::string> entries;
  for (std::size_t code = 32; code < 256; ++code) {
    if (cps[code] == 0) continue;
    char buf[32];
    std::snprintf(buf, sizeof buf, "<%02X> <%04X>\n", static_cast<unsigned>(code), static_cast<unsigned>(cps[code]));
    entries.emplace_back(buf);
  }
  for (std::size_t i = 0; i < entries.size(); i += 100) {
    const std::size_t n = std::min<std::size_t>(100, entries.size() - i);
    cmap += std::to_string(n) + " beginbfchar\n";
    for (std::size_t k = 0; k < n; ++k) cmap += entries[i + k];
    cmap += "endbfchar\n";
  }
  cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  return cmap;
}

}  // namespace ipt::templates::win_ansi
