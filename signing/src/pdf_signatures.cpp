#include "pdf_signatures.hpp"

#include <algorithm>
#include <ctime>

namespace ipt::signing::detail {

std::optional<TimePoint> parse_pdf_date(const std::string& s) {
  // D:YYYYMMDDHHmmSS[Z|+HH'mm'|-HH'mm']
  std::string d = s.rfind("D:", 0) == 0 ? s.substr(2) : s;
  if (d.size() < 14) return std::nullopt;
  std::tm tm{};
  try {
    tm.tm_year = std::stoi(d.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(d.substr(4, 2)) - 1;
    tm.tm_mday = std::stoi(d.substr(6, 2));
    tm.tm_hour = std::stoi(d.substr(8, 2));
    tm.tm_min = std::stoi(d.substr(10, 2));
    tm.tm_sec = std::stoi(d.substr(12, 2));
  } catch (...) {
    return std::nullopt;
  }
  long offset = 0;
  if (d.size() >= 17 && (d[14] == '+' || d[14] == '-')) {
    try {
      offset = (std::stol(d.substr(15, 2)) * 60 + (d.size() >= 20 ? std::stol(d.substr(18, 2)) : 0)) * 60;
    } catch (...) {
      offset = 0;
    }
    if (d[14] == '+') offset = -offset;
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm) + offset);
}

std::vector<SignatureEntry> find_signatures(PdfObjects& doc, const KnownSignature& known) {
  std::vector<SignatureEntry> out;
  const PdfValue* fields = doc.key(doc.acroform(), "Fields");
  if (!fields || !fields->array()) return out;
  std::vector<std::pair<const PdfValue*, int>> stack;
  for (const auto& f : *fields->array()) stack.emplace_back(doc.resolve(&f), 0);
  while (!stack.empty() && out.size() < 1000) {
    auto [field, depth] = stack.back();
    stack.pop_back();
    if (!field || !field->dictionary() || depth > 16) continue;
    if (const PdfValue* kids = doc.key(field, "Kids"); kids && kids->array()) {
      for (const auto& k : *kids->array()) stack.emplace_back(doc.resolve(&k), depth + 1);
    }
    if (name_or_empty(field->find("FT")) != "Sig") continue;
    const std::string field_name = text_or_empty(field->find("T"));
    const PdfValue* value = field->find("V");
    const int value_object = value && value->reference() ? value->reference()->number : 0;
    if (known && value_object != 0) {
      if (const SignatureEntry* same = known(value_object, field_name)) {
        out.push_back(*same);
        continue;
      }
    }
    const PdfValue* v = doc.resolve(value);
    if (!v || !v->dictionary()) continue;
    SignatureEntry e;
    e.field = field_name;
    e.value_object = value_object;
    e.type = name_or_empty(v->find("Type"));
    e.subfilter = name_or_empty(v->find("SubFilter"));
    if (const PdfValue* br = doc.key(v, "ByteRange"); br && br->array()) {
      for (const auto& n : *br->array()) {
        if (n.number() && n.number()->value >= 0 && n.number()->text.find('.') == std::string::npos) {
          e.byte_range.push_back(static_cast<size_t>(n.number()->value));
        }
      }
    }
    if (const PdfValue* m = v->find("M"); m && m->string()) e.claimed_time = parse_pdf_date(m->string()->bytes);
    if (const PdfValue* refs = doc.key(v, "Reference"); refs && refs->array()) {
      for (const auto& r : *refs->array()) {
        const PdfValue* ref = doc.resolve(&r);
        const std::string method = name_or_empty(ref ? ref->find("TransformMethod") : nullptr);
        const PdfValue* params = doc.key(ref, "TransformParams");
        if (method.empty() || !params || !params->dictionary()) continue;
        if (method == "DocMDP") e.certification = true;
        if (method == "FieldMDP") {
          if (const PdfValue* list = doc.key(params, "Fields"); list && list->array()) {
            for (const auto& name : *list->array()) {
              if (name.string()) e.locked_fields.push_back(text_of(*name.string()));
            }
          }
        }
      }
    }
    if (e.type.empty()) e.type = e.subfilter == "ETSI.RFC3161" ? "DocTimeStamp" : "Sig";
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const size_t ea = a.byte_range.size() == 4 ? a.byte_range[2] + a.byte_range[3] : 0;
    const size_t eb = b.byte_range.size() == 4 ? b.byte_range[2] + b.byte_range[3] : 0;
    return ea < eb;
  });
  return out;
}

ValidationPool read_dss(PdfObjects& doc) {
  ValidationPool dss;
  const PdfValue* d = doc.key(doc.catalog(), "DSS");
  if (!d || !d->dictionary()) return dss;
  auto each_stream = [&](const char* name, auto&& take) {
    const PdfValue* array = doc.key(d, name);
    if (!array || !array->array()) return;
    for (const auto& item : *array->array()) {
      if (!item.reference()) continue;
      const auto data = doc.decoded_stream(item.reference()->number, 16u << 20);
      if (!data) continue;
      take(Bytes(data->begin(), data->end()));
    }
  };
  each_stream("Certs", [&](const Bytes& b) {
    if (auto c = parse_certificate(b)) dss.certificates.push_back(std::move(*c));
  });
  each_stream("OCSPs", [&](const Bytes& b) {
    if (auto basic = parse_ocsp_basic(b)) dss.ocsp.push_back(std::move(*basic));
  });
  each_stream("CRLs", [&](const Bytes& b) {
    const unsigned char* p = b.data();
    if (X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(b.size()))) dss.crls.emplace_back(crl);
  });
  ERR_clear_error();
  return dss;
}


}  // namespace ipt::signing::detail
