#pragma once
// A PDF's objects as of one revision, read from its bytes when first asked for (private to
// signing): what the signer and the verifier read of a document (catalog, form, fields,
// signature dictionaries, /DSS, streams) without parsing the rest. Every state of one
// document can share one cache of parsed objects (by offset): an object that several
// revisions name is parsed once.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pdf_object.hpp"
#include "pdf_structure.hpp"

namespace ipt::signing::detail {

// Objects parsed from one file, by offset; shared by the states of that file.
class ParsedObjects {
 public:
  struct Entry {
    std::optional<PdfValue> value;  // nothing: not a readable object there
    int generation = 0;
    size_t value_end = 0;           // just after the value ("stream" may follow)
  };
  const Entry& at(std::string_view pdf, size_t offset, int number);

 private:
  std::unordered_map<size_t, Entry> entries_;
};

class PdfObjects {
 public:
  // The state after revisions[last] (0-based) of `pdf`, which must outlive it (`revisions` is
  // read here only); `shared`, when given, is the parsed objects it shares with other states.
  PdfObjects(std::string_view pdf, const std::vector<Revision>& revisions, size_t last,
             std::shared_ptr<ParsedObjects> shared = nullptr);

  // The object as this state names it; nothing when it is absent, free or unreadable.
  const PdfValue* object(int number);
  // `v` with references followed (a few levels); nothing for a dangling one.
  const PdfValue* resolve(const PdfValue* v);
  // A dictionary's entry, resolved.
  const PdfValue* key(const PdfValue* dictionary, std::string_view name) {
    return dictionary ? resolve(dictionary->find(name)) : nullptr;
  }
  int generation(int number);
  std::optional<size_t> offset_of(int number) const;
  // One more than the highest object number this state uses (or its trailer's /Size).
  int size() const { return size_; }

  const PdfValue& trailer() const { return trailer_; }
  int root_number() const;
  const PdfValue* catalog() { return object(root_number()); }
  // The catalog's /AcroForm, resolved.
  const PdfValue* acroform() { return key(catalog(), "AcroForm"); }

  // A stream object's data as written (still encoded), bounded by its /Length; nothing when
  // the object is not a stream or its data does not lie where /Length says.
  std::optional<std::string_view> stream_data(int number);
  // The same decoded (no filter, or FlateDecode without predictor), at most `limit` bytes.
  std::optional<std::string> decoded_stream(int number, size_t limit = 64u << 20);

 private:
  std::string_view pdf_;
  std::unordered_map<int, size_t> offsets_;
  std::shared_ptr<ParsedObjects> parsed_;
  PdfValue trailer_;
  int size_ = 1;
};

}  // namespace ipt::signing::detail
