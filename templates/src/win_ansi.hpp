#pragma once
// WinAnsiEncoding (PDF 32000 Annex D): the 8-bit encoding of the simple TrueType fonts the
// forms use. It covers French (é, œ, « », ’, …, no-break space); anything else cannot be
// drawn and must be reported, never dropped.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ipt::templates::win_ansi {

// The Unicode code point of each byte; 0 where WinAnsi defines no character.
const std::array<char32_t, 256>& code_points();

// The byte for a code point, nothing when WinAnsi lacks it.
std::optional<std::uint8_t> encode(char32_t code_point);

struct Encoded {
  std::string bytes;                    // WinAnsi bytes, when every character is encodable
  std::optional<char32_t> unsupported;  // the first character that is not (bytes then empty)
  bool bad_utf8 = false;
};

// Decodes UTF-8 and encodes to WinAnsi. Tabs and line feeds are kept as bytes 9 and 10.
Encoded encode_utf8(std::string_view utf8);

// "U+202F" and, when printable, the character in « »: for error messages.
std::string describe(char32_t code_point);

}  // namespace ipt::templates::win_ansi
