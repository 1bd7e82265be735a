#include "pdf_structure.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "pdf_syntax.hpp"
#include "xref_stream.hpp"

namespace ipt::signing::detail {

namespace {


// Every offset of `needle` in `s`, in order, until `visit` returns false. glibc's memmem
// (a shift table over pairs of bytes) rather than std::boyer_moore_horspool_searcher: on a
// signed Annexe 4 of 197 KB, 48 µs against 89 µs for "startxref", 61 against 112 µs for
// "/ObjStm" (whose first bytes, '/' and 's', are among a PDF's commonest, which rules out a
// search by first byte); every verification and every new revision scans the whole file.
template <typename Visit>
void each_occurrence(std::string_view s, std::string_view needle, Visit&& visit) {
  const char* at = s.data();
  const char* const end = s.data() + s.size();
  while (at < end) {
    const void* found = ::memmem(at, static_cast<size_t>(end - at), needle.data(), needle.size());
    if (!found) return;
    const char* hit = static_cast<const char*>(found);
    if (!visit(static_cast<size_t>(hit - s.data()))) return;
    at = hit + 1;
  }
}

core::Result<Revision> read_xref(std::string_view s, size_t offset) {
  Revision rev;
  rev.startxref = offset;
  if (offset >= s.size()) return core::fail(core::Category::invalid_input, "startxref hors du fichier");
  if (s.compare(offset, 4, "xref") != 0) return read_xref_stream(s, offset);
  size_t pos = offset + 4;
  for (;;) {
    size_t probe = pos;
    while (probe < s.size() && is_space(static_cast<unsigned char>(s[probe]))) ++probe;
    if (probe >= s.size()) return core::fail(core::Category::invalid_input, "table de références croisées tronquée");
    if (s.compare(probe, 7, "trailer") == 0) {
      pos = probe + 7;
      break;
    }
    const auto first = read_number(s, pos);
    const auto count = read_number(s, pos);
    if (!first || !count || *count > 10'000'000 || *first > 10'000'000) {
      return core::fail(core::Category::invalid_input, "table de références croisées illisible");
    }
    // Each entry is "oooooooooo ggggg n" plus a two-byte end of line (20 bytes), but be
    // lenient about the white space between fields.
    for (size_t i = 0; i < *count; ++i) {
      const auto entry_offset = read_number(s, pos);
      const auto generation = read_number(s, pos);
      while (pos < s.size() && is_space(static_cast<unsigned char>(s[pos]))) ++pos;
      if (!entry_offset || !generation || pos >= s.size() || (s[pos] != 'n' && s[pos] != 'f')) {
        return core::fail(core::Category::invalid_input, "entrée de table de références croisées illisible");
      }
      const int number = static_cast<int>(*first + i);
      if (s[pos] == 'n') {
        if (*entry_offset >= s.size()) return core::fail(core::Category::invalid_input, "référence croisée hors du fichier");
        rev.objects[number] = *entry_offset;
      } else if (number != 0) {
        rev.freed.push_back(number);
      }
      ++pos;
    }
  }
  const auto trailer_end = s.find("startxref", pos);
  if (trailer_end == std::string_view::npos) return core::fail(core::Category::invalid_input, "trailer sans startxref");
  rev.trailer = std::string(s.substr(pos, trailer_end - pos));
  return rev;
}

}  // namespace

std::optional<size_t> find_excessive_nesting(const Bytes& pdf, size_t max_depth) {
  const std::string_view s = as_text(pdf);
  size_t depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (skip_comment_or_string(s, i)) {
      continue;
    } else if (c == '<' && i + 1 < s.size() && s[i + 1] == '<') {
      if (++depth > max_depth) return i;
      ++i;
    } else if (c == '>' && i + 1 < s.size() && s[i + 1] == '>') {
      if (depth > 0) --depth;
      ++i;
    } else if (c == '[') {
      if (++depth > max_depth) return i;
    } else if (c == ']') {
      if (depth > 0) --depth;
    } else if (c == 's' && s.compare(i, 6, "stream") == 0 && (i == 0 || !std::isalnum(static_cast<unsigned char>(s[i - 1])))) {
      // Stream data is not PDF syntax: skip to its "endstream".
      const size_t end = s.find("endstream", i + 6);
      if (end == std::string_view::npos) return std::nullopt;
      i = end + 8;
    }
  }
  return std::nullopt;
}

core::Result<std::vector<Revision>> scan_revisions(const Bytes& pdf, NestingCheck nesting) {
  const std::string_view s = as_text(pdf);
  if (s.size() < 16 || s.compare(0, 5, "%PDF-") != 0) return core::fail(core::Category::invalid_input, "ce fichier n’est pas un PDF");
  // A reader recurses once per nesting level: a dictionary nested thousands deep would
  // overflow its stack. Nothing this project reads nests beyond a few dozen levels.
  if (const auto at = nesting == NestingCheck::refuse ? find_excessive_nesting(pdf, max_nesting) : std::nullopt) {
    return core::fail(core::Category::invalid_input, "structure PDF imbriquée sur plus de " + std::to_string(max_nesting) +
                                                         " niveaux (octet " + std::to_string(*at) + ") : fichier refusé");
  }
  // Object streams and encryption are refused outright: neither the reader nor the writer
  // of revisions handles them.
  bool object_stream = false;
  each_occurrence(s, "/ObjStm", [&](size_t at) { return !(object_stream = token_at(s, at + 1, "ObjStm")); });
  if (object_stream) return core::fail(core::Category::refused, "flux d’objets (ObjStm) : format non pris en charge");
  std::vector<size_t> keywords;
  each_occurrence(s, "startxref", [&](size_t at) {
    keywords.push_back(at);
    return keywords.size() <= 20000;
  });
  std::vector<Revision> revisions;
  for (const size_t at : keywords) {
    size_t pos = at + 9;
    const auto offset = read_number(s, pos);
    while (pos < s.size() && is_space(static_cast<unsigned char>(s[pos]))) ++pos;
    if (!offset || s.compare(pos, 5, "%%EOF") != 0) continue;  // "startxref" inside a stream or string
    pos += 5;
    if (pos < s.size() && s[pos] == '\r') ++pos;
    if (pos < s.size() && s[pos] == '\n') ++pos;
    IPT_TRY(rev, read_xref(s, *offset));
    if (rev->trailer.find("/XRefStm") != std::string::npos) {
      return core::fail(core::Category::refused, "fichier hybride (XRefStm) : format non pris en charge");
    }
    if (rev->trailer.find("/Encrypt") != std::string::npos) return core::fail(core::Category::refused, "document chiffré : non pris en charge");
    rev->end = pos;
    revisions.push_back(std::move(*rev));
    if (revisions.size() > 10000) return core::fail(core::Category::invalid_input, "trop de révisions");
  }
  if (revisions.empty()) return core::fail(core::Category::invalid_input, "fin de fichier PDF (startxref, %%EOF) introuvable : fichier tronqué ?");
  return revisions;
}

std::optional<std::string> object_text(const Bytes& pdf, size_t offset, int number) {
  const std::string_view s = as_text(pdf);
  size_t pos = offset;
  const auto n = read_number(s, pos);
  const auto g = read_number(s, pos);
  while (pos < s.size() && is_space(static_cast<unsigned char>(s[pos]))) ++pos;
  if (!n || !g || static_cast<int>(*n) != number || s.compare(pos, 3, "obj") != 0) return std::nullopt;
  const auto end = s.find("endobj", pos);
  const size_t stop = std::min(end == std::string_view::npos ? s.size() : end, pos + 65536);
  return std::string(s.substr(pos + 3, stop - pos - 3));
}

std::optional<std::string> string_value(const std::string& text, const std::string& key) {
  const std::string needle = "/" + key;
  size_t at = 0;
  while ((at = text.find(needle, at)) != std::string::npos) {
    size_t pos = at + needle.size();
    if (pos < text.size() && std::isalnum(static_cast<unsigned char>(text[pos]))) {
      at = pos;
      continue;
    }
    while (pos < text.size() && is_space(static_cast<unsigned char>(text[pos]))) ++pos;
    if (pos >= text.size()) return std::nullopt;
    if (text[pos] == '<') {
      const auto close = text.find('>', pos);
      if (close == std::string::npos) return std::nullopt;
      return text.substr(pos, close - pos + 1);
    }
    if (text[pos] != '(') return std::nullopt;
    int depth = 0;
    for (size_t i = pos; i < text.size(); ++i) {
      if (text[i] == '\\') {
        ++i;
        continue;
      }
      if (text[i] == '(') ++depth;
      if (text[i] == ')' && --depth == 0) return text.substr(pos, i - pos + 1);
    }
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace ipt::signing::detail
