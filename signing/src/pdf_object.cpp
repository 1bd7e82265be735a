#include "pdf_object.hpp"

#include <array>
#include <cmath>
#include <cstdio>

#include "ipt/core/text.hpp"
#include "pdf_syntax.hpp"

namespace ipt::signing::detail {

namespace {

bool is_delimiter(unsigned char c) {
  return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}
bool is_regular(unsigned char c) { return !is_space(c) && !is_delimiter(c); }

int hex_digit(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// White space and comments.
void skip_filler(std::string_view s, size_t& pos) {
  for (;;) {
    skip_space(s, pos);
    if (pos >= s.size() || s[pos] != '%') return;
    while (pos < s.size() && s[pos] != '\n' && s[pos] != '\r') ++pos;
  }
}

std::optional<std::string> parse_literal(std::string_view s, size_t& pos) {
  std::string out;
  int open = 1;
  for (++pos; pos < s.size(); ++pos) {
    const char c = s[pos];
    if (c == '\\') {
      if (++pos >= s.size()) return std::nullopt;
      const char e = s[pos];
      switch (e) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case '\r':  // a backslash before an end of line continues the string
          if (pos + 1 < s.size() && s[pos + 1] == '\n') ++pos;
          break;
        case '\n': break;
        default:
          if (e >= '0' && e <= '7') {
            int value = e - '0';
            for (int i = 0; i < 2 && pos + 1 < s.size() && s[pos + 1] >= '0' && s[pos + 1] <= '7'; ++i) value = value * 8 + (s[++pos] - '0');
            out += static_cast<char>(value & 0xFF);
          } else {
            out += e;  // \( \) \\ and an unknown escape: the character itself
          }
      }
    } else if (c == '(') {
      ++open;
      out += c;
    } else if (c == ')') {
      if (--open == 0) {
        ++pos;
        return out;
      }
      out += c;
    } else if (c == '\r') {  // an end of line in a string reads as a line feed
      if (pos + 1 < s.size() && s[pos + 1] == '\n') ++pos;
      out += '\n';
    } else {
      out += c;
    }
  }
  return std::nullopt;
}

std::optional<std::string> parse_hex(std::string_view s, size_t& pos) {
  std::string out;
  int high = -1;
  for (++pos; pos < s.size(); ++pos) {
    const auto c = static_cast<unsigned char>(s[pos]);
    if (c == '>') {
      ++pos;
      if (high >= 0) out += static_cast<char>(high << 4);
      return out;
    }
    if (is_space(c)) continue;
    const int d = hex_digit(c);
    if (d < 0) return std::nullopt;
    if (high < 0) {
      high = d;
    } else {
      out += static_cast<char>((high << 4) | d);
      high = -1;
    }
  }
  return std::nullopt;
}

std::optional<PdfName> parse_name(std::string_view s, size_t& pos) {
  PdfName out;
  for (++pos; pos < s.size() && is_regular(static_cast<unsigned char>(s[pos])); ++pos) {
    if (s[pos] == '#' && pos + 2 < s.size()) {
      const int h = hex_digit(static_cast<unsigned char>(s[pos + 1])), l = hex_digit(static_cast<unsigned char>(s[pos + 2]));
      if (h >= 0 && l >= 0) {
        out.name += static_cast<char>((h << 4) | l);
        pos += 2;
        continue;
      }
    }
    out.name += s[pos];
  }
  return out;
}

std::optional<PdfNumber> parse_number(std::string_view s, size_t& pos) {
  const size_t start = pos;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) ++pos;
  bool digits = false, dot = false;
  while (pos < s.size() && (is_digit(static_cast<unsigned char>(s[pos])) || (s[pos] == '.' && !dot))) {
    dot = dot || s[pos] == '.';
    digits = digits || s[pos] != '.';
    ++pos;
  }
  if (!digits || pos - start > 32) return std::nullopt;
  PdfNumber out;
  out.text = std::string(s.substr(start, pos - start));
  // Up to 15 digits (every number of a form: flags, widths, coordinates such as 86.890000)
  // as an integer divided by a power of ten, which is the correctly rounded value, as strtod
  // would give; strtod for longer ones.
  long long digits_value = 0;
  int digit_count = 0, decimals = 0;
  bool after_dot = false;
  for (const char c : out.text) {
    if (c == '.') {
      after_dot = true;
    } else if (c >= '0' && c <= '9') {
      digits_value = digits_value * 10 + (c - '0');
      ++digit_count;
      decimals += after_dot;
    }
  }
  if (digit_count <= 15) {
    static constexpr double powers[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    out.value = static_cast<double>(digits_value) / powers[decimals];
    if (out.text[0] == '-') out.value = -out.value;
  } else {
    out.value = std::strtod(out.text.c_str(), nullptr);
  }
  return out;
}

bool is_integer_text(const std::string& t) {
  return !t.empty() && t.find('.') == std::string::npos && t[0] != '+' && t[0] != '-';
}

}  // namespace

const PdfValue* PdfValue::find(std::string_view key) const {
  const auto* d = dictionary();
  if (!d) return nullptr;
  for (const auto& [k, v] : *d) {
    if (k == key) return &v;
  }
  return nullptr;
}

void PdfValue::set(std::string_view key, PdfValue v) {
  auto* d = dictionary();
  if (!d) return;
  for (auto& [k, existing] : *d) {
    if (k == key) {
      existing = std::move(v);
      return;
    }
  }
  d->emplace_back(std::string(key), std::move(v));
}

std::string name_or_empty(const PdfValue* v) { return v && v->name() ? v->name()->name : ""; }
std::string text_or_empty(const PdfValue* v) { return v && v->string() ? text_of(*v->string()) : ""; }

PdfValue make_integer(long long v) { return PdfNumber{std::to_string(v), static_cast<double>(v)}; }

PdfValue make_real(double v) {
  char text[64];
  const int n = std::snprintf(text, sizeof text, "%.4f", std::isfinite(v) ? v : 0.0);
  std::string t(text, n > 0 ? static_cast<size_t>(n) : 0);
  while (t.find('.') != std::string::npos && (t.back() == '0' || t.back() == '.')) {
    const bool was_dot = t.back() == '.';
    t.pop_back();
    if (was_dot) break;
  }
  if (t == "-0" || t.empty()) t = "0";
  return PdfNumber{t, std::strtod(t.c_str(), nullptr)};
}

PdfValue make_name(std::string name) { return PdfName{std::move(name)}; }

std::optional<PdfValue> parse_value(std::string_view s, size_t& pos, size_t max_depth) {
  skip_filler(s, pos);
  if (pos >= s.size()) return std::nullopt;
  const char c = s[pos];
  if (c == '/') return parse_name(s, pos).transform([](PdfName n) { return PdfValue(std::move(n)); });
  if (c == '(') return parse_literal(s, pos).transform([](std::string b) { return PdfValue(PdfString{std::move(b), false}); });
  if (c == '<' && pos + 1 < s.size() && s[pos + 1] == '<') {
    if (max_depth == 0) return std::nullopt;
    PdfDictionary d;
    d.reserve(12);  // a form field's or widget's entries, without growing
    pos += 2;
    for (;;) {
      skip_filler(s, pos);
      if (pos + 1 < s.size() && s[pos] == '>' && s[pos + 1] == '>') {
        pos += 2;
        return PdfValue(std::move(d));
      }
      if (pos >= s.size() || s[pos] != '/') return std::nullopt;
      auto key = parse_name(s, pos);
      auto value = parse_value(s, pos, max_depth - 1);
      if (!key || !value) return std::nullopt;
      d.emplace_back(std::move(key->name), std::move(*value));
    }
  }
  if (c == '<') return parse_hex(s, pos).transform([](std::string b) { return PdfValue(PdfString{std::move(b), true}); });
  if (c == '[') {
    if (max_depth == 0) return std::nullopt;
    PdfArray a;
    ++pos;
    for (;;) {
      skip_filler(s, pos);
      if (pos < s.size() && s[pos] == ']') {
        ++pos;
        return PdfValue(std::move(a));
      }
      auto value = parse_value(s, pos, max_depth - 1);
      if (!value) return std::nullopt;
      a.push_back(std::move(*value));
    }
  }
  if (c == '+' || c == '-' || c == '.' || is_digit(static_cast<unsigned char>(c))) {
    auto number = parse_number(s, pos);
    if (!number) return std::nullopt;
    // "12 0 R": a reference, read ahead without consuming anything else.
    if (is_integer_text(number->text)) {
      size_t ahead = pos;
      skip_space(s, ahead);
      const auto generation = read_number(s, ahead);
      skip_space(s, ahead);
      if (generation && ahead < s.size() && s[ahead] == 'R' &&
          (ahead + 1 >= s.size() || !is_regular(static_cast<unsigned char>(s[ahead + 1]))) && number->value <= 1e9 &&
          *generation <= 65535) {
        pos = ahead + 1;
        return PdfValue(PdfReference{static_cast<int>(number->value), static_cast<int>(*generation)});
      }
    }
    return PdfValue(std::move(*number));
  }
  if (token_at(s, pos, "true")) return pos += 4, PdfValue(true);
  if (token_at(s, pos, "false")) return pos += 5, PdfValue(false);
  if (token_at(s, pos, "null")) return pos += 4, PdfValue();
  return std::nullopt;
}

std::optional<PdfValue> parse_indirect_object(std::string_view pdf, size_t offset, int number, int& generation,
                                              size_t max_depth) {
  size_t pos = offset;
  const auto n = read_number(pdf, pos);
  const auto g = read_number(pdf, pos);
  skip_space(pdf, pos);
  if (!n || !g || static_cast<int>(*n) != number || *g > 65535 || !token_at(pdf, pos, "obj")) return std::nullopt;
  pos += 3;
  generation = static_cast<int>(*g);
  return parse_value(pdf, pos, max_depth);
}

namespace {

void write_name(const std::string& name, std::string& out) {
  out += '/';
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x21 || c > 0x7E || c == '#' || is_delimiter(c)) {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "#%02X", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
}

// A hex string stays one; anything else is written literal, other bytes than printable ASCII
// as escapes. (PoDoFo 0.9.8, which other tools reading these files use, takes a hex string
// that starts with a byte order mark for PDFDocEncoding: a field name written so would read
// as another.)
void write_string(const PdfString& s, std::string& out) {
  if (s.hex) {
    static constexpr char digits[] = "0123456789ABCDEF";
    out += '<';
    for (const char ch : s.bytes) {
      const auto c = static_cast<unsigned char>(ch);
      out += digits[c >> 4];
      out += digits[c & 15];
    }
    out += '>';
    return;
  }
  out += '(';
  for (const char ch : s.bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '(' || c == ')' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c > 0x7E) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\%03o", c);
      out += escaped;
    } else {
      out += ch;
    }
  }
  out += ')';
}

// PDFDocEncoding (ISO 32000-1, Annex D.2) where it differs from ISO Latin-1.
char32_t pdf_doc_code_point(unsigned char c) {
  static constexpr std::array<char32_t, 8> low = {0x02D8, 0x02C7, 0x02C6, 0x02D9, 0x02DD, 0x02DB, 0x02DA, 0x02DC};
  static constexpr std::array<char32_t, 33> high = {
      0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203A, 0x2212,
      0x2030, 0x201E, 0x201C, 0x201D, 0x2018, 0x2019, 0x201A, 0x2122, 0xFB01, 0xFB02, 0x0141,
      0x0152, 0x0160, 0x0178, 0x017D, 0x0131, 0x0142, 0x0153, 0x0161, 0x017E, 0xFFFD, 0x20AC};
  if (c >= 0x18 && c <= 0x1F) return low[c - 0x18];
  if (c >= 0x80 && c <= 0xA0) return high[c - 0x80];
  return c;
}

}  // namespace

void write_value(const PdfValue& v, std::string& out) {
  struct Writer {
    std::string& out;
    void operator()(std::monostate) const { out += "null"; }
    void operator()(bool b) const { out += b ? "true" : "false"; }
    void operator()(const PdfNumber& n) const { out += n.text; }
    void operator()(const PdfName& n) const { write_name(n.name, out); }
    void operator()(const PdfString& s) const { write_string(s, out); }
    void operator()(const PdfReference& r) const {
      out += std::to_string(r.number);
      out += ' ';
      out += std::to_string(r.generation);
      out += " R";
    }
    void operator()(const PdfArray& a) const {
      out += '[';
      for (size_t i = 0; i < a.size(); ++i) {
        if (i) out += ' ';
        write_value(a[i], out);
      }
      out += ']';
    }
    void operator()(const PdfDictionary& d) const {
      out += "<<";
      for (const auto& [key, value] : d) {
        write_name(key, out);
        out += ' ';
        write_value(value, out);
      }
      out += ">>";
    }
  };
  std::visit(Writer{out}, v.value);
}

namespace {

char32_t utf16_unit(const std::string& b, size_t i) {
  return static_cast<char32_t>((static_cast<unsigned char>(b[i]) << 8) | static_cast<unsigned char>(b[i + 1]));
}

}  // namespace

std::string text_of(const PdfString& s) {
  const std::string& b = s.bytes;
  std::string out;
  if (b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0xFE && static_cast<unsigned char>(b[1]) == 0xFF) {
    for (size_t i = 2; i + 1 < b.size(); i += 2) {
      char32_t unit = utf16_unit(b, i);
      if (unit >= 0xD800 && unit < 0xDC00 && i + 3 < b.size()) {
        const char32_t low = utf16_unit(b, i + 2);
        if (low >= 0xDC00 && low < 0xE000) {
          unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
          i += 2;
        }
      }
      core::append_utf8(out, unit);
    }
    return out;
  }
  if (b.size() >= 3 && b.compare(0, 3, "\xEF\xBB\xBF") == 0) return b.substr(3);
  for (const char c : b) core::append_utf8(out, pdf_doc_code_point(static_cast<unsigned char>(c)));
  return out;
}

PdfString text_string(std::string_view utf8) {
  bool ascii = true;
  for (const char c : utf8) ascii = ascii && c >= 0x20 && c <= 0x7E;
  if (ascii) return PdfString{std::string(utf8), false};
  PdfString out{"\xFE\xFF", false};
  const auto code_points = core::decode_utf8(utf8).value_or(std::u32string(U"\uFFFD"));
  for (char32_t cp : code_points) {
    auto unit = [&](char32_t u) {
      out.bytes += static_cast<char>((u >> 8) & 0xFF);
      out.bytes += static_cast<char>(u & 0xFF);
    };
    if (cp >= 0x10000) {
      unit(0xD800 + ((cp - 0x10000) >> 10));
      unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

}  // namespace ipt::signing::detail
