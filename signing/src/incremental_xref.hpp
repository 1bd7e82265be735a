#pragma once
// Keeps every update incremental (private to signing). PoDoFo 0.9.8 answers an update of a
// file whose last revision ends with a cross-reference stream (Acrobat writes them) with a
// complete classic table and no /Prev (PdfMemDocument::WriteUpdate, "to make sure that the
// objects can be read properly"). Validators that follow /Prev, pyHanko among them, then no
// longer see the earlier revisions, and judge the earlier signatures to cover part of one.
// Object streams are refused before anything is written, so a classic section listing only
// the objects the update wrote, with /Prev naming the stream, reads the same.
#include <cstddef>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::signing::detail {

// Rewrites the cross-reference section of the revision appended after `appended` bytes when
// it has no /Prev, in place of PoDoFo's (the objects keep their offsets; the section starts
// where PoDoFo's did). Leaves `pdf` unchanged when the revision already has a /Prev, or when
// `pdf` holds a single revision.
core::Result<void> restore_incremental_xref(Bytes& pdf, size_t appended);

}  // namespace ipt::signing::detail
