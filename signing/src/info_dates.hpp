#pragma once
// PoDoFo 0.9.8 rewrites Info's /ModDate to "now" when it loads a document (private to
// signing). What the file says is put back from its bytes, so that a revision written after
// loading changes only what it must (Info still agrees with the XMP metadata, PDF/A), and so
// that comparing two loaded revisions compares what they say, not when they were loaded.
#include <podofo/podofo.h>

#include <vector>

#include "ipt/signing/bytes.hpp"
#include "pdf_structure.hpp"

namespace ipt::signing::detail {

// `doc` holds `pdf` up to the end of revisions[last]; its Info /ModDate becomes the one the
// latest of revisions[0..last] that wrote Info gives (none: removed).
void restore_info_mod_date(PoDoFo::PdfMemDocument& doc, const Bytes& pdf, const std::vector<Revision>& revisions, size_t last);

}  // namespace ipt::signing::detail
