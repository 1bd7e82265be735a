#pragma once
// Page previews for the signer's page, rendered on the server by poppler (in a module loaded on
// first use, libipt_page_preview.so: see portal/module/page_preview_module.cpp), so
// that a phone shows the document without a PDF viewer and without JavaScript.
#include <string>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::portal {

core::Result<int> page_count(const signing::Bytes& pdf);

// Page `index` (0-based) as PNG bytes, `width` pixels wide.
core::Result<std::string> render_page_png(const signing::Bytes& pdf, int index, int width = 900);

}  // namespace ipt::portal
