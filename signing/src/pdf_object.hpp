#pragma once
// PDF objects (ISO 32000-1 §7.3) read from and written to bytes (private to signing): enough
// for the signer to find a form's fields and write an incremental revision, and for the
// verifier to read signatures and compare revisions, without a PDF library. Values keep what the file said (a number's text, a string's bytes,
// keys in file order), so an object written back differs only where it was changed.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ipt::signing::detail {

struct PdfValue;

struct PdfName {
  std::string name;  // decoded (#xx resolved), without the slash
};

struct PdfNumber {
  std::string text;  // as written, so that it is written back unchanged
  double value = 0;
};

struct PdfString {
  std::string bytes;  // decoded (escapes resolved)
  bool hex = false;   // written as <...>
};

struct PdfReference {
  int number = 0;
  int generation = 0;
  bool operator==(const PdfReference&) const = default;
};

using PdfArray = std::vector<PdfValue>;
using PdfDictionary = std::vector<std::pair<std::string, PdfValue>>;  // keys in file order

struct PdfValue {
  std::variant<std::monostate, bool, PdfNumber, PdfName, PdfString, PdfReference, PdfArray, PdfDictionary> value;

  // Implicit, as PDF writes them: a dictionary entry is set to a name, a number, an array.
  PdfValue() = default;
  PdfValue(bool v) : value(v) {}                   // NOLINT(google-explicit-constructor)
  PdfValue(PdfNumber v) : value(std::move(v)) {}     // NOLINT(google-explicit-constructor)
  PdfValue(PdfName v) : value(std::move(v)) {}       // NOLINT(google-explicit-constructor)
  PdfValue(PdfString v) : value(std::move(v)) {}     // NOLINT(google-explicit-constructor)
  PdfValue(PdfReference v) : value(v) {}             // NOLINT(google-explicit-constructor)
  PdfValue(PdfArray v) : value(std::move(v)) {}      // NOLINT(google-explicit-constructor)
  PdfValue(PdfDictionary v) : value(std::move(v)) {} // NOLINT(google-explicit-constructor)

  const PdfDictionary* dictionary() const { return std::get_if<PdfDictionary>(&value); }
  PdfDictionary* dictionary() { return std::get_if<PdfDictionary>(&value); }
  const PdfArray* array() const { return std::get_if<PdfArray>(&value); }
  PdfArray* array() { return std::get_if<PdfArray>(&value); }
  const PdfName* name() const { return std::get_if<PdfName>(&value); }
  const PdfString* string() const { return std::get_if<PdfString>(&value); }
  const PdfNumber* number() const { return std::get_if<PdfNumber>(&value); }
  const PdfReference* reference() const { return std::get_if<PdfReference>(&value); }

  // A dictionary's entry; nothing when this is not a dictionary or lacks the key.
  const PdfValue* find(std::string_view key) const;
  // Sets (or adds, at the end) a dictionary's entry; no effect on other values.
  void set(std::string_view key, PdfValue v);
};

// A reference to a reference to ... is followed this many times at most.
inline constexpr int max_references_followed = 8;

// A name's text, a text string as UTF-8 (text_of below); "" for a missing value or another kind.
std::string name_or_empty(const PdfValue* v);
std::string text_or_empty(const PdfValue* v);

PdfValue make_integer(long long v);
PdfValue make_real(double v);  // at most four decimals, in the C locale
PdfValue make_name(std::string name);

// Reads one value at `pos` (white space and comments skipped first), advancing `pos` past it.
// Nothing on malformed input or nesting deeper than `max_depth`.
std::optional<PdfValue> parse_value(std::string_view text, size_t& pos, size_t max_depth);

// The value of indirect object `number` written at `offset` ("number generation obj value");
// its generation in `generation`. Nothing when the bytes there are not that object.
std::optional<PdfValue> parse_indirect_object(std::string_view pdf, size_t offset, int number, int& generation,
                                              size_t max_depth);

// Appends the value's PDF text to `out`.
void write_value(const PdfValue& v, std::string& out);

// A text string (§7.9.2.2) as UTF-8: UTF-16BE with its byte order mark, UTF-8 with its mark,
// or PDFDocEncoding.
std::string text_of(const PdfString& s);
// UTF-8 as a text string: the bytes when it is printable ASCII, UTF-16BE otherwise; literal.
PdfString text_string(std::string_view utf8);

}  // namespace ipt::signing::detail
