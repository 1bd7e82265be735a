#include "ipt/core/text.hpp"

#include <array>
#include <cctype>
#include <cstdio>

namespace ipt::core {

namespace {

std::array<char32_t, 256> make_win_ansi_table() {
  std::array<char32_t, 256> t{};
  for (char32_t c = 0x20; c < 0x7F; ++c) t[c] = c;
  for (char32_t c = 0xA0; c <= 0xFF; ++c) t[c] = c;
  // 0x80-0x9F differ from Latin-1 (PDF 32000, Annex D.2); five slots are unassigned.
  constexpr std::array<char32_t, 32> high = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  for (std::size_t i = 0; i < high.size(); ++i) t[0x80 + i] = high[i];
  return t;
}

std::string describe(char32_t cp) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(cp));
  std::string text = buffer;
  switch (cp) {
    case 0x202F: text += " (espace fine insécable ; utilisez une espace insécable U+00A0)"; break;
    case 0x2009: text += " (espace fine ; utilisez une espace ou une espace insécable)"; break;
    case 0x0133: text += " (ligature ĳ ; écrivez « ij »)"; break;
    case 0x1E9E: text += " (eszett majuscule ; écrivez « SS »)"; break;
    case 0x2212: text += " (signe moins ; utilisez « - »)"; break;
    case 0x2032: text += " (prime ; utilisez l’apostrophe ’)"; break;
    case 0x0009: text += " (tabulation)"; break;
    default:
      if (cp >= 0x1F000) text += " (émoji ou symbole)";
      else if (cp < 0x20) text += " (caractère de contrôle)";
      break;
  }
  return text;
}

}  // namespace

const std::array<char32_t, 256>& win_ansi_code_points() {
  static const std::array<char32_t, 256> table = make_win_ansi_table();
  return table;
}

std::optional<unsigned char> win_ansi_byte(char32_t cp) {
  if (cp == U'\n' || (cp >= 0x20 && cp < 0x7F) || (cp >= 0xA0 && cp <= 0xFF)) return static_cast<unsigned char>(cp);
  const auto& table = win_ansi_code_points();
  for (std::size_t i = 0x80; i < 0xA0; ++i)
    if (table[i] != 0 && table[i] == cp) return static_cast<unsigned char>(i);
  return std::nullopt;
}

bool is_win_ansi(char32_t cp) { return cp != U'\n' && win_ansi_byte(cp).has_value(); }

std::optional<std::u32string> decode_utf8(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    int extra = 0;
    char32_t cp = 0;
    if (lead < 0x80) { cp = lead; }
    else if ((lead & 0xE0) == 0xC0) { cp = lead & 0x1Fu; extra = 1; }
    else if ((lead & 0xF0) == 0xE0) { cp = lead & 0x0Fu; extra = 2; }
    else if ((lead & 0xF8) == 0xF0) { cp = lead & 0x07u; extra = 3; }
    else return std::nullopt;
    if (i + static_cast<size_t>(extra) >= utf8.size()) return std::nullopt;  // truncated
    for (int k = 1; k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(utf8[i + static_cast<size_t>(k)]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    // Reject overlong forms, surrogates and values past U+10FFFF.
    static constexpr char32_t min_for_length[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[extra] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return std::nullopt;
    }
    out.push_back(cp);
    i += static_cast<size_t>(extra) + 1;
  }
  return out;
}

std::optional<std::string> find_undrawable_character(std::string_view utf8) {
  const auto decoded = decode_utf8(utf8);
  if (!decoded) return std::string("texte UTF-8 invalide");
  for (char32_t cp : *decoded) {
    if (cp == U'\n') continue;
    if (!is_win_ansi(cp)) return "caractère non représentable dans les formulaires PDF : " + describe(cp);
  }
  return std::nullopt;
}

}  // namespace ipt::core

namespace ipt::core {

std::optional<std::string> encode_win_ansi(std::string_view utf8) {
  const auto decoded = decode_utf8(utf8);
  if (!decoded) return std::nullopt;
  std::string out;
  out.reserve(decoded->size());
  for (char32_t cp : *decoded) {
    const auto byte = win_ansi_byte(cp);
    if (!byte) return std::nullopt;
    out += static_cast<char>(*byte);
  }
  return out;
}

}  // namespace ipt::core

namespace ipt::core {

namespace {

// The ASCII transliteration of a Latin-1 or Latin Extended-A letter; nothing when none.
std::string_view transliterate(char32_t c) {
  static constexpr std::string_view latin1[] = {
      // U+00C0 .. U+00FF
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y"};
  if (c >= 0xC0 && c <= 0xFF) return latin1[c - 0xC0];
  switch (c) {
    case 0x152: case 0x153: return "oe";
    case 0x160: case 0x161: return "s";
    case 0x17D: case 0x17E: return "z";
    case 0x178: return "y";
    case 0x106: case 0x107: case 0x10C: case 0x10D: return "c";
    case 0x141: case 0x142: return "l";
    case 0x143: case 0x144: case 0x147: case 0x148: return "n";
    case 0x11A: case 0x11B: case 0x118: case 0x119: return "e";
    default: return {};
  }
}

bool is_separator(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '-' || c == '\'' || c == '.' || c == 0x2019 ||
         c == 0x2018 || c == 0xA0 || c == 0x202F || c == 0x2010 || c == 0x2013;
}

}  // namespace

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::string fold_for_comparison(std::string_view utf8) {
  const auto decoded = decode_utf8(utf8);
  std::string out;
  if (!decoded) {
    for (char ch : utf8) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
  }
  bool pending_space = false;
  for (char32_t c : *decoded) {
    if (is_separator(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    if (c < 0x80) {
      out += static_cast<char>(std::tolower(static_cast<int>(c)));
    } else if (const auto t = transliterate(c); !t.empty()) {
      out += t;
    } else {
      append_utf8(out, c);
    }
  }
  return out;
}

}  // namespace ipt::core
