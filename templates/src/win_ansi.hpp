#pragma once
// WinAnsiEncoding (PDF 32000 Annex D): the 8-bit encoding of the simple TrueType fonts the
// forms use; the table and the UTF-8 decoding are core's (ipt/core/text.hpp), this adds what
// drawing needs (carriage returns dropped, tabs as spaces, the character that fails). It covers French (é, œ, « », ’, …, no-break space); anything else cannot be
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

// Decodes UTF-8 and encodes to WinAnsi. Line feeds are kept (byte 10), carriage returns
// dropped, tabs become spaces; any other control character is unsupported.
Encoded encode_utf8(std::string_view utf8);

// The ToUnicode CMap of a simple font with WinAnsiEncoding (codes 32 to 255), shared by both
// fonts of every document.
std::string to_unicode_cmap();

// "U+202F" and, when printable, the character in « »: for error messages.
std::string describe(char32_t code_point);

}  // namespace ipt::templates::win_ansi
