#pragma once
// Text checks shared by the dossier reader and the PDF templates.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace ipt::core {

// The PDF forms draw text with a WinAnsi-encoded font (see docs/dossier.md): French is fully
// covered (é, œ, «», ’, €, no-break space) but a character outside the repertoire would be
// silently dropped from the page. Returns a French description of the first character that
// cannot be drawn ("U+202F (espace fine insécable)"), or of invalid UTF-8; nothing when all
// of `utf8` is printable. Line feeds are accepted.
std::optional<std::string> find_undrawable_character(std::string_view utf8);

// WinAnsiEncoding (PDF 32000 Annex D), the one table: the Unicode code point of each byte,
// 0 where WinAnsi defines no character.
const std::array<char32_t, 256>& win_ansi_code_points();

// The WinAnsi byte of a code point (a line feed is byte 10); nothing when WinAnsi lacks it.
std::optional<unsigned char> win_ansi_byte(char32_t code_point);

// True when the code point is in Windows-1252 (WinAnsiEncoding) as a printable character.
bool is_win_ansi(char32_t code_point);

// Decodes UTF-8; nothing on malformed input.
std::optional<std::u32string> decode_utf8(std::string_view utf8);

// Appends the UTF-8 encoding of a code point.
void append_utf8(std::string& out, char32_t code_point);

}  // namespace ipt::core

namespace ipt::core {

// Windows-1252 (WinAnsiEncoding) bytes for `utf8`; nothing when a character is outside it
// or the UTF-8 is invalid. Line feeds are kept as 0x0A.
std::optional<std::string> encode_win_ansi(std::string_view utf8);

}  // namespace ipt::core

namespace ipt::core {

// Text folded for comparing people's and places' names: lower case, accents removed
// (é → e, œ → oe, ß → ss), apostrophes, hyphens, dots and runs of white space as one space,
// trimmed. "Jean-François  D'Hondt" and "jean francois d hondt" fold alike. Characters with
// no Latin transliteration are kept as they are (lower-cased when ASCII).
std::string fold_for_comparison(std::string_view utf8);

}  // namespace ipt::core
