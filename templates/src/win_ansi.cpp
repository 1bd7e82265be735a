#include "win_ansi.hpp"

#include <cstdio>

namespace ipt::templates::win_ansi {

namespace {

std::array<char32_t, 256> make_table() {
  std::array<char32_t, 256> t{};
  for (char32_t c = 0x20; c < 0x7F; ++c) t[c] = c;
  for (char32_t c = 0xA0; c <= 0xFF; ++c) t[c] = c;
  // 0x80-0x9F differ from Latin-1 (PDF 32000, Annex D.2).
  constexpr std::array<char32_t, 32> high = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  for (std::size_t i = 0; i < high.size(); ++i) t[0x80 + i] = high[i];
  t[0xAD] = 0x00AD;  // soft hyphen: kept, a viewer may not draw it
  return t;
}

}  // namespace

const std::array<char32_t, 256>& code_points() {
  static const std::array<char32_t, 256> table = make_table();
  return table;
}

std::optional<std::uint8_t> encode(char32_t code_point) {
  if (code_point == U'\t' || code_point == U'\n') return static_cast<std::uint8_t>(code_point);
  if ((code_point >= 0x20 && code_point < 0x7F) || (code_point >= 0xA0 && code_point <= 0xFF))
    return static_cast<std::uint8_t>(code_point);
  const auto& table = code_points();
  for (std::size_t i = 0x80; i < 0xA0; ++i)
    if (table[i] != 0 && table[i] == code_point) return static_cast<std::uint8_t>(i);
  return std::nullopt;
}

Encoded encode_utf8(std::string_view utf8) {
  Encoded out;
  out.bytes.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    char32_t cp = 0;
    std::size_t extra = 0;
    if (lead < 0x80) {
      cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      cp = lead & 0x1Fu;
      extra = 1;
    } else if ((lead & 0xF0) == 0xE0) {
      cp = lead & 0x0Fu;
      extra = 2;
    } else if ((lead & 0xF8) == 0xF0) {
      cp = lead & 0x07u;
      extra = 3;
    } else {
      out = Encoded{};
      out.bad_utf8 = true;
      return out;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      if (i + k >= utf8.size()) {
        out = Encoded{};
        out.bad_utf8 = true;
        return out;
      }
      const auto cont = static_cast<unsigned char>(utf8[i + k]);
      if ((cont & 0xC0) != 0x80) {
        out = Encoded{};
        out.bad_utf8 = true;
        return out;
      }
      cp = (cp << 6) | (cont & 0x3Fu);
    }
    i += extra + 1;
    if (cp == U'\r') continue;  // CR LF and CR alone both end a line: keep the LF only
    const auto byte = encode(cp);
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

}  // namespace ipt::templates::win_ansi
