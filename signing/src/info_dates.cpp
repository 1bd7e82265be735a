#include "info_dates.hpp"

#include <optional>
#include <string>

namespace ipt::signing::detail {

using namespace PoDoFo;

void restore_info_mod_date(PdfMemDocument& doc, const Bytes& pdf, const std::vector<Revision>& revisions, size_t last) {
  const PdfObject* trailer = doc.GetTrailer();
  const PdfObject* info_ref = trailer ? trailer->GetDictionary().GetKey(PdfName("Info")) : nullptr;
  if (!info_ref || !info_ref->IsReference()) return;
  const int number = static_cast<int>(info_ref->GetReference().ObjectNumber());
  std::optional<std::string> original_date;
  for (size_t i = std::min(last + 1, revisions.size()); i-- > 0;) {
    const auto at = revisions[i].objects.find(number);
    if (at == revisions[i].objects.end()) continue;
    if (const auto text = object_text(pdf, at->second, number)) original_date = string_value(*text, "ModDate");
    break;
  }
  PdfObject* info = doc.GetObjects().GetObject(info_ref->GetReference());
  if (!info || !info->IsDictionary()) return;
  if (original_date && original_date->size() > 2 && original_date->front() == '(') {
    info->GetDictionary().AddKey("ModDate", PdfString(original_date->substr(1, original_date->size() - 2)));
  } else {
    info->GetDictionary().RemoveKey("ModDate");
  }
}

}  // namespace ipt::signing::detail
