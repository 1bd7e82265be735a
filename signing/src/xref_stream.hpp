#pragma once
// Cross-reference streams (ISO 32000-1 §7.5.8) read straight from the file's bytes (private
// to signing). Acrobat ends its revision with one when the file it updates uses them, and may
// do so otherwise; the revision scanner reads both kinds in one file.
#include <cstddef>
#include <string_view>

#include "ipt/core/result.hpp"
#include "pdf_structure.hpp"

namespace ipt::signing::detail {

// Reads the cross-reference stream object at `offset`: the objects its entries name as in use
// (the stream object itself left out: it is the revision's index, not its content), those it
// marks free, and its dictionary as the revision's trailer. Fails, with a French reason, when
// the bytes there are not one, when it is not decodable (filters other than FlateDecode,
// predictors other than PNG's on one 8-bit colour), or when an entry names an object inside an
// object stream, which the verifier does not read.
core::Result<Revision> read_xref_stream(std::string_view pdf, size_t offset);

}  // namespace ipt::signing::detail
