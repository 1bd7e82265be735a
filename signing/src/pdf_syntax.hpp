#pragma once
// The few lexical rules of PDF (ISO 32000-1 §7.2) that the byte-level readers of the file's
// structure share (private to signing). Every reader bounds-checks against the view it is
// given.
#include <cctype>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string_view>

namespace ipt::signing::detail {

inline bool is_space(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0; }
inline bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

inline void skip_space(std::string_view s, size_t& pos) {
  while (pos < s.size() && is_space(static_cast<unsigned char>(s[pos]))) ++pos;
}

// Reads an unsigned integer at `pos`, skipping white space first; advances `pos`. At most 15
// digits: nothing in a file this project reads is larger.
inline std::optional<size_t> read_number(std::string_view s, size_t& pos) {
  skip_space(s, pos);
  size_t value = 0, digits = 0;
  while (pos < s.size() && is_digit(static_cast<unsigned char>(s[pos]))) {
    if (++digits > 15) return std::nullopt;
    value = value * 10 + static_cast<size_t>(s[pos] - '0');
    ++pos;
  }
  if (digits == 0) return std::nullopt;
  return value;
}

// A token boundary: the PDF name or keyword at `pos` ends there.
inline bool token_at(std::string_view s, size_t pos, std::string_view token) {
  if (s.compare(pos, token.size(), token) != 0) return false;
  const size_t after = pos + token.size();
  return after >= s.size() || !std::isalnum(static_cast<unsigned char>(s[after]));
}

// Skips what is not PDF structure at `i`, leaving `i` on its last byte: a comment (to the
// end of the line), a literal string (balanced parentheses, backslash escapes) or a
// hexadecimal string (the caller has ruled out "<<"). Returns false when `s[i]` opens none.
inline bool skip_comment_or_string(std::string_view s, size_t& i) {
  const char c = s[i];
  if (c == '%') {
    while (i + 1 < s.size() && s[i + 1] != '\n' && s[i + 1] != '\r') ++i;
    return true;
  }
  if (c == '(') {
    int open = 1;
    for (++i; i < s.size() && open > 0; ++i) {
      if (s[i] == '\\') ++i;
      else if (s[i] == '(') ++open;
      else if (s[i] == ')') --open;
    }
    --i;
    return true;
  }
  if (c == '<' && (i + 1 >= s.size() || s[i + 1] != '<')) {
    // A hex string (a signature's /Contents: kilobytes) runs to the next '>': memchr.
    const void* close = std::memchr(s.data() + i, '>', s.size() - i);
    i = close ? static_cast<size_t>(static_cast<const char*>(close) - s.data()) : s.size();
    return true;
  }
  return false;
}

}  // namespace ipt::signing::detail
