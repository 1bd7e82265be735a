#pragma once
// zlib-compresses bytes, for streams written with /FlateDecode as they are (both halves of the
// renderer: the fonts and pages in the PDF writer module, the shared streams in renderer.cpp).
#include <string>
#include <string_view>

namespace ipt::templates {

// Level 9 for data compressed once per process, the default (6) for each document's pages.
std::string deflate(std::string_view bytes, int level = 6);

}  // namespace ipt::templates
