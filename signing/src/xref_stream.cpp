#include "xref_stream.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "flate.hpp"
#include "pdf_syntax.hpp"

namespace ipt::signing::detail {

namespace {

constexpr size_t max_entries = 10'000'000;
// Entry fields of up to 8 bytes (a 64-bit offset): Acrobat writes 3 or 4, pyHanko 8.
constexpr size_t max_field_width = 8;

std::unexpected<core::Error> refused(const std::string& why) {
  return core::fail(core::Category::refused, "flux de références croisées : " + why + " (format non pris en charge)");
}
std::unexpected<core::Error> unreadable(const std::string& why) {
  return core::fail(core::Category::invalid_input, "flux de références croisées illisible : " + why);
}

// Walks a dictionary or array opened at `pos`, calling `at_top(i)` at each byte of its own
// level (not inside strings, comments or nested containers); returns the offset just after
// its closing delimiter, or nothing when it is not closed.
template <typename AtTop>
std::optional<size_t> walk(std::string_view s, size_t pos, AtTop at_top) {
  size_t depth = 0;
  for (size_t i = pos; i < s.size(); ++i) {
    const char c = s[i];
    if (skip_comment_or_string(s, i)) {
      continue;
    } else if (c == '<' && i + 1 < s.size() && s[i + 1] == '<') {
      ++depth;
      ++i;
    } else if (c == '[') {
      ++depth;
    } else if ((c == '>' && i + 1 < s.size() && s[i + 1] == '>') || c == ']') {
      if (c == '>') ++i;
      if (depth == 0 || --depth == 0) return i + 1;
    } else if (depth == 1) {
      at_top(i);
    }
  }
  return std::nullopt;
}

// A dictionary's text, and where the value of one of its own keys starts.
struct Dictionary {
  std::string_view text;  // from "<<" to ">>" inclusive

  std::optional<size_t> value_of(std::string_view key) const {
    std::optional<size_t> found;
    walk(text, 0, [&](size_t i) {
      if (!found && text[i] == '/' && token_at(text, i + 1, key)) found = i + 1 + key.size();
    });
    return found;
  }

  // A direct integer; nothing when absent or an indirect reference ("12 0 R").
  std::optional<size_t> integer(std::string_view key) const {
    auto pos = value_of(key);
    if (!pos) return std::nullopt;
    const auto n = read_number(text, *pos);
    size_t probe = *pos;
    if (n && read_number(text, probe)) {
      skip_space(text, probe);
      if (probe < text.size() && text[probe] == 'R') return std::nullopt;
    }
    return n;
  }

  // An array of integers; nothing when absent or not one.
  std::optional<std::vector<size_t>> integers(std::string_view key) const {
    auto pos = value_of(key);
    if (!pos) return std::nullopt;
    skip_space(text, *pos);
    if (*pos >= text.size() || text[*pos] != '[') return std::nullopt;
    ++*pos;
    std::vector<size_t> out;
    for (;;) {
      skip_space(text, *pos);
      if (*pos < text.size() && text[*pos] == ']') return out;
      const auto n = read_number(text, *pos);
      if (!n || out.size() > 2 * max_entries) return std::nullopt;
      out.push_back(*n);
    }
  }

  // The names of a name or an array of names ("/FlateDecode", "[/FlateDecode]").
  std::vector<std::string> names(std::string_view key) const {
    std::vector<std::string> out;
    auto pos = value_of(key);
    if (!pos) return out;
    skip_space(text, *pos);
    const bool array = *pos < text.size() && text[*pos] == '[';
    if (array) ++*pos;
    for (;;) {
      skip_space(text, *pos);
      if (*pos >= text.size() || text[*pos] != '/') return out;
      size_t end = *pos + 1;
      while (end < text.size() && !is_space(static_cast<unsigned char>(text[end])) &&
             std::string_view("/[]<>()").find(text[end]) == std::string_view::npos) {
        ++end;
      }
      out.emplace_back(text.substr(*pos + 1, end - *pos - 1));
      *pos = end;
      if (!array) return out;
    }
  }

  // A nested dictionary, direct or the first of an array ("/DecodeParms [<< … >>]").
  std::optional<Dictionary> dictionary(std::string_view key) const {
    auto pos = value_of(key);
    if (!pos) return std::nullopt;
    skip_space(text, *pos);
    if (*pos < text.size() && text[*pos] == '[') {
      ++*pos;
      skip_space(text, *pos);
    }
    if (text.compare(*pos, 2, "<<") != 0) return std::nullopt;
    const auto end = walk(text, *pos, [](size_t) {});
    if (!end) return std::nullopt;
    return Dictionary{text.substr(*pos, *end - *pos)};
  }
};

// Undoes PNG prediction (RFC 2083 §6) on rows of `columns` bytes, one byte per pixel.
core::Result<std::string> unpredict_png(const std::string& data, size_t columns) {
  const size_t row = columns + 1;
  if (columns == 0 || data.size() % row != 0) return (unreadable("lignes de prédiction PNG incomplètes"));
  std::string out;
  out.reserve(data.size() / row * columns);
  std::vector<unsigned char> previous(columns, 0), current(columns);
  for (size_t at = 0; at < data.size(); at += row) {
    const auto filter = static_cast<unsigned char>(data[at]);
    for (size_t i = 0; i < columns; ++i) {
      const int x = static_cast<unsigned char>(data[at + 1 + i]);
      const int a = i > 0 ? current[i - 1] : 0, b = previous[i], c = i > 0 ? previous[i - 1] : 0;
      int predicted = 0;
      switch (filter) {
        case 0: predicted = 0; break;
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) / 2; break;
        case 4: {
          const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          predicted = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c);
          break;
        }
        default: return (unreadable("filtre de prédiction PNG " + std::to_string(filter) + " inconnu"));
      }
      current[i] = static_cast<unsigned char>((x + predicted) & 0xff);
    }
    out.append(current.begin(), current.end());
    previous = current;
  }
  return out;
}

size_t field(std::string_view entry, size_t from, size_t width) {
  size_t value = 0;
  for (size_t i = 0; i < width; ++i) value = (value << 8) | static_cast<unsigned char>(entry[from + i]);
  return value;
}

}  // namespace

core::Result<Revision> read_xref_stream(std::string_view s, size_t offset) {
  size_t pos = offset;
  const auto number = read_number(s, pos);
  const auto generation = read_number(s, pos);
  skip_space(s, pos);
  if (!number || !generation || !token_at(s, pos, "obj")) {
    return (unreadable("startxref (" + std::to_string(offset) + ") ne désigne ni une table ni un flux"));
  }
  pos += 3;
  skip_space(s, pos);
  if (s.compare(pos, 2, "<<") != 0) return (unreadable("dictionnaire attendu"));
  const auto dict_end = walk(s, pos, [](size_t) {});
  if (!dict_end) return (unreadable("dictionnaire non fermé"));
  const Dictionary dict{s.substr(pos, *dict_end - pos)};
  if (dict.names("Type") != std::vector<std::string>{"XRef"}) return (unreadable("l’objet désigné n’est pas de type /XRef"));

  // The stream's data: "stream", an end of line, /Length bytes.
  pos = *dict_end;
  skip_space(s, pos);
  if (!token_at(s, pos, "stream")) return (unreadable("mot-clé stream absent"));
  pos += 6;
  if (pos < s.size() && s[pos] == '\r') ++pos;
  if (pos < s.size() && s[pos] == '\n') ++pos;
  const auto length = dict.integer("Length");
  if (!length || *length > s.size() - std::min(pos, s.size())) return (unreadable("longueur (/Length) absente ou hors du fichier"));
  const std::string_view data = s.substr(pos, *length);

  // The entries' layout.
  const auto widths = dict.integers("W");
  const auto size = dict.integer("Size");
  if (!widths || widths->size() != 3 || !size) return (unreadable("/W ou /Size absent"));
  size_t entry_width = 0;
  for (size_t w : *widths) {
    if (w > max_field_width) {
      return (refused("entrées de " + std::to_string(w) + " octets (/W), au-delà des " + std::to_string(max_field_width) +
                      " que lit ce vérificateur"));
    }
    entry_width += w;
  }
  if (entry_width == 0) return (unreadable("/W vide"));
  std::vector<size_t> index = dict.integers("Index").value_or(std::vector<size_t>{0, *size});
  if (index.size() % 2 != 0) return (unreadable("/Index impair"));
  size_t entries = 0;
  for (size_t i = 1; i < index.size(); i += 2) {
    if (index[i] > max_entries || index[i - 1] > max_entries || (entries += index[i]) > max_entries) {
      return (unreadable("trop d’entrées"));
    }
  }

  // Decoding: FlateDecode, then PNG prediction.
  const auto filters = dict.names("Filter");
  const auto params = dict.dictionary("DecodeParms");
  const size_t predictor = params ? params->integer("Predictor").value_or(1) : 1;
  const size_t columns = params ? params->integer("Columns").value_or(1) : 1;
  if (params && (params->integer("Colors").value_or(1) != 1 || params->integer("BitsPerComponent").value_or(8) != 8)) {
    return (refused("prédiction sur plusieurs couleurs ou composantes"));
  }
  if (predictor != 1 && predictor < 10) return (refused("prédicteur TIFF"));
  const size_t row = predictor >= 10 ? columns + 1 : entry_width;
  if (predictor >= 10 && columns != entry_width) return (unreadable("/Columns diffère de la largeur des entrées"));
  std::string decoded;
  if (filters.empty()) {
    decoded.assign(data);
  } else if (filters == std::vector<std::string>{"FlateDecode"}) {
    // More data than the entries need is read no further.
    auto inflated = inflate_flate(data, entries * row, BeyondLimit::ignore);
    if (!inflated) return (unreadable("données compressées corrompues ou tronquées"));
    decoded = std::move(*inflated);
  } else {
    return (refused("filtre " + filters.front()));
  }
  if (decoded.size() < entries * row) return (unreadable("moins de données que d’entrées annoncées"));
  decoded.resize(entries * row);
  if (predictor >= 10) {
    IPT_TRY(plain, unpredict_png(decoded, columns));
    decoded = std::move(*plain);
  }

  Revision rev;
  rev.startxref = offset;
  rev.trailer = std::string(dict.text);
  const std::string_view table = decoded;
  size_t at = 0;
  for (size_t i = 1; i < index.size(); i += 2) {
    for (size_t k = 0; k < index[i]; ++k, at += entry_width) {
      const int object = static_cast<int>(index[i - 1] + k);
      const size_t type = (*widths)[0] == 0 ? 1 : field(table, at, (*widths)[0]);
      const size_t second = field(table, at + (*widths)[0], (*widths)[1]);
      if (type == 0) {
        if (object != 0) rev.freed.push_back(object);
      } else if (type == 1) {
        if (second >= s.size()) return core::fail(core::Category::invalid_input, "référence croisée hors du fichier");
        if (object != static_cast<int>(*number)) rev.objects[object] = second;
      } else if (type == 2) {
        return (refused("objet " + std::to_string(object) + " rangé dans un flux d’objets (ObjStm)"));
      }
      // Other types are references to the null object (§7.5.8.3): nothing to read.
    }
  }
  return rev;
}

}  // namespace ipt::signing::detail
