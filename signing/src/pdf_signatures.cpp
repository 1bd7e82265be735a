#include "pdf_signatures.hpp"

#include <algorithm>
#include <ctime>

namespace ipt::signing::detail {

void silence_podofo() {
  // PoDoFo prints parser details (trailers) on stdout by default.
  static const bool once = [] {
    PoDoFo::PdfError::EnableLogging(false);
    PoDoFo::PdfError::EnableDebug(false);
    return true;
  }();
  (void)once;
}


using namespace PoDoFo;

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

std::vector<SignatureEntry> find_signatures(PdfMemDocument& doc, const KnownSignature& known) {
  std::vector<SignatureEntry> out;
  PdfVecObjects& objects = doc.GetObjects();
  auto resolve = [&](const PdfObject* o) -> const PdfObject* {
    return o && o->IsReference() ? objects.GetObject(o->GetReference()) : o;
  };
  const PdfObject* catalog = doc.GetCatalog();
  const PdfObject* form = resolve(catalog->GetDictionary().GetKey(PdfName("AcroForm")));
  if (!form || !form->IsDictionary()) return out;
  const PdfObject* fields = resolve(form->GetDictionary().GetKey(PdfName("Fields")));
  if (!fields || !fields->IsArray()) return out;
  std::vector<std::pair<const PdfObject*, int>> stack;
  for (const auto& f : fields->GetArray()) stack.emplace_back(resolve(&f), 0);
  while (!stack.empty() && out.size() < 1000) {
    auto [field, depth] = stack.back();
    stack.pop_back();
    if (!field || !field->IsDictionary() || depth > 16) continue;
    const auto& d = field->GetDictionary();
    if (const PdfObject* kids = resolve(d.GetKey(PdfName("Kids"))); kids && kids->IsArray()) {
      for (const auto& k : kids->GetArray()) stack.emplace_back(resolve(&k), depth + 1);
    }
    const PdfObject* ft = d.GetKey(PdfName("FT"));
    if (!ft || !ft->IsName() || ft->GetName().GetName() != "Sig") continue;
    std::string field_name;
    if (const PdfObject* t = d.GetKey(PdfName("T")); t && t->IsString()) field_name = t->GetString().GetStringUtf8();
    const PdfObject* value = d.GetKey(PdfName("V"));
    const int value_object = value && value->IsReference() ? static_cast<int>(value->GetReference().ObjectNumber()) : 0;
    if (known && value_object != 0) {
      if (const SignatureEntry* same = known(value_object, field_name)) {
        out.push_back(*same);
        continue;
      }
    }
    const PdfObject* v = resolve(value);
    if (!v || !v->IsDictionary()) continue;
    SignatureEntry e;
    e.field = field_name;
    e.value_object = value_object;
    const auto& s = v->GetDictionary();
    if (const PdfObject* type = s.GetKey(PdfName("Type")); type && type->IsName()) e.type = type->GetName().GetName();
    if (const PdfObject* sf = s.GetKey(PdfName("SubFilter")); sf && sf->IsName()) e.subfilter = sf->GetName().GetName();
    if (const PdfObject* br = resolve(s.GetKey(PdfName("ByteRange"))); br && br->IsArray()) {
      for (const auto& n : br->GetArray()) {
        if (n.IsNumber() && n.GetNumber() >= 0) e.byte_range.push_back(static_cast<size_t>(n.GetNumber()));
      }
    }
    if (const PdfObject* m = s.GetKey(PdfName("M")); m && m->IsString()) e.claimed_time = parse_pdf_date(m->GetString().GetString());
    if (const PdfObject* refs = resolve(s.GetKey(PdfName("Reference"))); refs && refs->IsArray()) {
      for (const auto& r : refs->GetArray()) {
        const PdfObject* ref = resolve(&r);
        if (!ref || !ref->IsDictionary()) continue;
        const PdfObject* method = ref->GetDictionary().GetKey(PdfName("TransformMethod"));
        const PdfObject* params = resolve(ref->GetDictionary().GetKey(PdfName("TransformParams")));
        if (!method || !method->IsName() || !params || !params->IsDictionary()) continue;
        if (method->GetName().GetName() == "DocMDP") e.certification = true;
        if (method->GetName().GetName() == "FieldMDP") {
          if (const PdfObject* list = resolve(params->GetDictionary().GetKey(PdfName("Fields"))); list && list->IsArray()) {
            for (const auto& name : list->GetArray()) {
              if (name.IsString()) e.locked_fields.push_back(name.GetString().GetStringUtf8());
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

ValidationPool read_dss(PdfMemDocument& doc) {
  ValidationPool dss;
  PdfVecObjects& objects = doc.GetObjects();
  const PdfObject* catalog = doc.GetCatalog();
  const PdfObject* d = catalog->GetDictionary().GetKey(PdfName("DSS"));
  if (d && d->IsReference()) d = objects.GetObject(d->GetReference());
  if (!d || !d->IsDictionary()) return dss;
  auto each_stream = [&](const char* key, auto&& take) {
    const PdfObject* array = d->GetDictionary().GetKey(PdfName(key));
    if (array && array->IsReference()) array = objects.GetObject(array->GetReference());
    if (!array || !array->IsArray()) return;
    for (const auto& item : array->GetArray()) {
      if (!item.IsReference()) continue;
      const PdfObject* o = objects.GetObject(item.GetReference());
      if (!o || !o->HasStream()) continue;
      char* data = nullptr;
      pdf_long length = 0;
      try {
        o->GetStream()->GetFilteredCopy(&data, &length);
      } catch (const PdfError&) {
        continue;
      }
      Bytes bytes(reinterpret_cast<unsigned char*>(data), reinterpret_cast<unsigned char*>(data) + length);
      podofo_free(data);
      take(bytes);
    }
  };
  each_stream("Certs", [&](const Bytes& b) {
    if (auto c = parse_certificate(b)) dss.certificates.push_back(std::move(*c));
  });
  each_stream("OCSPs", [&](const Bytes& b) {
    const unsigned char* p = b.data();
    OcspRespPtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(b.size())));
    if (response) dss.ocsp.emplace_back(OCSP_response_get1_basic(response.get()));
  });
  each_stream("CRLs", [&](const Bytes& b) {
    const unsigned char* p = b.data();
    if (X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(b.size()))) dss.crls.emplace_back(crl);
  });
  ERR_clear_error();
  return dss;
}


}  // namespace ipt::signing::detail
