#include "incremental_xref.hpp"

#include <cstdio>
#include <string>
#include <string_view>

#include "pdf_structure.hpp"
#include "pdf_syntax.hpp"

namespace ipt::signing::detail {

namespace {

// The generation in the object header "N G obj" at `offset`.
std::optional<size_t> generation_at(std::string_view s, size_t offset) {
  size_t pos = offset;
  if (!read_number(s, pos)) return std::nullopt;
  return read_number(s, pos);
}

}  // namespace

core::Result<void> restore_incremental_xref(Bytes& pdf, size_t appended) {
  IPT_TRY(revisions, scan_revisions(pdf));
  if (revisions->size() < 2) return {};
  const Revision& last = revisions->back();
  const Revision& previous = (*revisions)[revisions->size() - 2];
  if (last.startxref < appended || previous.end > appended) return core::fail("révision ajoutée introuvable");
  if (last.trailer.find("/Prev") != std::string::npos) return {};

  const std::string_view s(reinterpret_cast<const char*>(pdf.data()), pdf.size());
  // The objects this update wrote, in runs of consecutive numbers; object 0 heads the free list.
  std::string section = "xref\n0 1\n0000000000 65535 f\r\n";
  std::string run;
  int run_first = -1, run_next = -1;
  auto flush = [&] {
    if (run_first >= 0) section += std::to_string(run_first) + " " + std::to_string(run_next - run_first) + "\n" + run;
    run.clear();
  };
  for (const auto& [number, offset] : last.objects) {
    if (offset < appended || number == 0) continue;
    const auto generation = generation_at(s, offset);
    if (!generation || *generation > 65535) return core::fail("révision ajoutée : en-tête de l’objet " + std::to_string(number) + " illisible");
    if (number != run_next) {
      flush();
      run_first = number;
    }
    char entry[24];
    std::snprintf(entry, sizeof entry, "%010zu %05zu n\r\n", offset, *generation);
    run += entry;
    run_next = number + 1;
  }
  flush();
  const size_t close = last.trailer.rfind(">>");
  if (close == std::string::npos) return core::fail("révision ajoutée : trailer illisible");
  std::string trailer = last.trailer.substr(0, close) + "/Prev " + std::to_string(previous.startxref) + "\n>>\n";
  section += "trailer" + trailer + "startxref\n" + std::to_string(last.startxref) + "\n%%EOF\n";
  pdf.resize(last.startxref);
  pdf.insert(pdf.end(), section.begin(), section.end());
  return {};
}

}  // namespace ipt::signing::detail
