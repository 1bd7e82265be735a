#pragma once
// The revision structure of a PDF read straight from its bytes (private to signing): where
// each incremental update ends, and which objects its cross-reference table names. It trusts
// nothing: every number is bounds-checked, and what it does not read (object streams,
// hybrid files, encryption) is reported rather than guessed.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::signing::detail {

struct Revision {
  size_t startxref = 0;            // offset of its cross-reference table or stream
  size_t end = 0;                  // just after its "%%EOF" and end-of-line
  std::map<int, size_t> objects;   // object number -> offset, for objects in use in this update
  std::vector<int> freed;          // object numbers marked free in this update
  std::string trailer;             // the trailer dictionary's text (a stream's: its dictionary)
};

// Dictionaries and arrays nested deeper than this are refused (and never read).
inline constexpr size_t max_nesting = 256;

// The offset of the first "<<" or "[" that opens a level deeper than `max_depth` (outside
// strings, comments and stream data), or nothing.
std::optional<size_t> find_excessive_nesting(const Bytes& pdf, size_t max_depth);

// Whether scan_revisions first looks for nesting deeper than max_nesting, to refuse the whole
// file with the byte where it happens (the verifier: a clear reason rather than objects that
// silently do not read); the signer skips the scan of every byte, since its reader stops at
// that depth anyway.
enum class NestingCheck { refuse, none };

// Every revision in file order, each ending with a classic cross-reference table or a
// cross-reference stream (xref_stream.hpp). Fails, with a French reason, on a file that is
// not a PDF, that holds object streams, a hybrid revision (/XRefStm), or encryption.
core::Result<std::vector<Revision>> scan_revisions(const Bytes& pdf, NestingCheck nesting = NestingCheck::refuse);

// The text of object `number` at `offset` up to its "endobj" (without the stream data
// beyond 64 KiB), for small dictionaries such as Info; nothing when the bytes do not hold
// "number 0 obj" there.
std::optional<std::string> object_text(const Bytes& pdf, size_t offset, int number);

// The value of a PDF string key in dictionary text, e.g. "(D:20261129120000Z)" for /ModDate;
// a literal or hex string, returned as written (with delimiters).
std::optional<std::string> string_value(const std::string& dictionary_text, const std::string& key);

}  // namespace ipt::signing::detail
