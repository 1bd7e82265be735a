#include "ipt/signing/verifier.hpp"
#include "ipt/core/files.hpp"

#include <podofo/podofo.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>

#include "cms_builder.hpp"
#include "diff_analysis.hpp"
#include "http_client.hpp"
#include "openssl_util.hpp"
#include "pdf_revision.hpp"
#include "pdf_structure.hpp"
#include "revocation.hpp"

namespace ipt::signing {

using namespace detail;
using namespace PoDoFo;

namespace {

using TimePoint = std::chrono::system_clock::time_point;

// What a signature dictionary says, read from the parsed document.
struct SignatureEntry {
  std::string field;
  std::string type;        // "Sig" or "DocTimeStamp"
  std::string subfilter;
  std::vector<size_t> byte_range;
  std::optional<TimePoint> claimed_time;
  bool certification = false;
  std::vector<std::string> locked_fields;
};

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

std::vector<SignatureEntry> find_signatures(PdfMemDocument& doc) {
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
    const PdfObject* v = resolve(d.GetKey(PdfName("V")));
    if (!v || !v->IsDictionary()) continue;
    SignatureEntry e;
    if (const PdfObject* t = d.GetKey(PdfName("T")); t && t->IsString()) e.field = t->GetString().GetStringUtf8();
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

// The DSS's contents, parsed once.
struct Dss {
  std::vector<X509Ptr> certificates;
  std::vector<OcspBasicPtr> ocsp;
  std::vector<X509CrlPtr> crls;
  size_t revision = 0;  // 1-based revision that last added to it; 0 when none
};

Dss read_dss(PdfMemDocument& doc) {
  Dss dss;
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

X509StorePtr make_store(const std::vector<X509Ptr>& anchors, std::optional<TimePoint> at) {
  X509StorePtr store(X509_STORE_new());
  for (const auto& a : anchors) X509_STORE_add_cert(store.get(), a.get());
  if (at) {
    X509_VERIFY_PARAM* param = X509_STORE_get0_param(store.get());
    X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(*at));
  }
  return store;
}

std::string verify_chain(X509* cert, STACK_OF(X509)* untrusted, const std::vector<X509Ptr>& anchors,
                         std::optional<TimePoint> at) {
  if (anchors.empty()) return "aucune autorité de confiance donnée (--trust)";
  auto store = make_store(anchors, at);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), cert, untrusted);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_ANY);
  if (X509_verify_cert(ctx.get()) == 1) return "";
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
}

struct RevocationResult {
  std::string status = "non vérifié";
  std::string source;
  bool ok = false;
  std::string problem;
};

// Revocation of `cert` issued by `issuer` at `at`: DSS OCSP responses and CRLs first, then
// the certificate's responder online when allowed.
RevocationResult check_revocation(X509* cert, X509* issuer, const Dss& dss, const std::vector<X509Ptr>& anchors,
                                  STACK_OF(X509)* untrusted, TimePoint at, const VerifyOptions& options) {
  RevocationResult r;
  OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), cert, issuer));
  auto store = make_store(anchors, std::nullopt);
  auto judge = [&](OCSP_BASICRESP* basic, const char* source) -> bool {
    int status = -1, reason = 0;
    ASN1_GENERALIZEDTIME *revoked_at = nullptr, *this_update = nullptr, *next_update = nullptr;
    if (OCSP_resp_find_status(basic, id.get(), &status, &reason, &revoked_at, &this_update, &next_update) != 1) return false;
    if (OCSP_basic_verify(basic, untrusted, store.get(), 0) != 1) {
      ERR_clear_error();
      r.problem = "réponse OCSP non fiable (signature du répondeur)";
      return false;
    }
    r.source = source;
    if (status == V_OCSP_CERTSTATUS_GOOD) {
      r.status = "bon";
      r.ok = true;
    } else if (status == V_OCSP_CERTSTATUS_REVOKED) {
      r.status = "révoqué";
      // Revoked after the (timestamped) signing time, the signature stays valid.
      r.ok = revoked_at && to_time_point(revoked_at) > at;
      if (!r.ok) r.problem = "certificat révoqué";
    } else {
      r.status = "inconnu";
      r.problem = "statut de révocation inconnu du répondeur";
    }
    return true;
  };
  for (const auto& basic : dss.ocsp) {
    if (basic && judge(basic.get(), "DSS")) return r;
  }
  for (const auto& crl : dss.crls) {
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(cert)) == 0) continue;
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_issuer_name(cert)) != 0) continue;
    if (X509_CRL_verify(crl.get(), X509_get0_pubkey(issuer)) != 1) continue;
    X509_REVOKED* entry = nullptr;
    r.source = "DSS";
    if (X509_CRL_get0_by_cert(crl.get(), &entry, cert) == 1) {
      const bool after = to_time_point(X509_REVOKED_get0_revocationDate(entry)) > at;
      r.status = "révoqué";
      r.ok = after;
      if (!after) r.problem = "certificat révoqué (CRL)";
    } else {
      r.status = "bon";
      r.ok = true;
    }
    return r;
  }
  if (!options.online_revocation) return r;
  const auto url = ocsp_url(cert);
  if (!url) return r;
  auto request = ocsp_request_for(cert, issuer);
  if (!request) return r;
  auto reply = http_post(*url, "application/ocsp-request", *request, options.timeout);
  if (!reply) {
    r.problem = "révocation : " + reply.error().message;
    return r;
  }
  const unsigned char* p = reply->data();
  OcspRespPtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(reply->size())));
  if (!response || OCSP_response_status(response.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    r.problem = "révocation : réponse OCSP refusée ou illisible";
    return r;
  }
  OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
  if (basic) judge(basic.get(), "en ligne");
  return r;
}

// Verifies an RFC 3161 token over `digest`; returns its time, or a problem.
struct TokenResult {
  bool valid = false;
  std::optional<TimePoint> time;
  std::string authority;
  std::string problem;
  X509Ptr tsa;
};

TokenResult verify_token(const Bytes& token_der, const Bytes& digest, const std::vector<X509Ptr>& anchors) {
  TokenResult t;
  const unsigned char* p = token_der.data();
  PKCS7Ptr token(d2i_PKCS7(nullptr, &p, static_cast<long>(token_der.size())));
  if (!token) {
    t.problem = "jeton d'horodatage illisible";
    ERR_clear_error();
    return t;
  }
  Handle<TS_TST_INFO, TS_TST_INFO_free> info(PKCS7_to_TS_TST_INFO(token.get()));
  if (!info) {
    t.problem = "jeton d'horodatage illisible";
    ERR_clear_error();
    return t;
  }
  t.time = to_time_point(TS_TST_INFO_get_time(info.get()));
  STACK_OF(X509)* signers = PKCS7_get0_signers(token.get(), nullptr, 0);
  if (signers && sk_X509_num(signers) > 0) {
    X509* tsa = sk_X509_value(signers, 0);
    t.authority = subject_field(tsa, NID_commonName);
    X509_up_ref(tsa);
    t.tsa.reset(tsa);
  }
  sk_X509_free(signers);
  TsVerifyCtxPtr ctx(TS_VERIFY_CTX_new());
  auto store = make_store(anchors, std::nullopt);
  unsigned char* imprint = static_cast<unsigned char*>(OPENSSL_malloc(digest.size()));
  std::copy(digest.begin(), digest.end(), imprint);
  TS_VERIFY_CTX_set_imprint(ctx.get(), imprint, static_cast<long>(digest.size()));
  TS_VERIFY_CTX_set_store(ctx.get(), store.release());
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_SIGNATURE | TS_VFY_SIGNER);
  if (anchors.empty()) {
    t.problem = "horodatage : aucune autorité de confiance donnée (--trust)";
    return t;
  }
  if (TS_RESP_verify_token(ctx.get(), token.get()) != 1) {
    t.problem = "horodatage invalide (" + openssl_errors() + ")";
    return t;
  }
  t.valid = true;
  return t;
}

Bytes digest_of_ranges(const Bytes& pdf, const std::vector<size_t>& br, const EVP_MD* md) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), md, nullptr);
  EVP_DigestUpdate(ctx.get(), pdf.data() + br[0], br[1]);
  EVP_DigestUpdate(ctx.get(), pdf.data() + br[2], br[3]);
  Bytes out(static_cast<size_t>(EVP_MD_get_size(md)));
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx.get(), out.data(), &n);
  return out;
}

std::string iso(TimePoint t) { return core::format_utc(t, "%Y-%m-%dT%H:%M:%SZ"); }

}  // namespace

namespace {

core::Result<VerificationReport> verify_unchecked(const Bytes& pdf, const VerifyOptions& options);

}  // namespace

core::Result<VerificationReport> verify_pdf(const Bytes& pdf, const VerifyOptions& options) {
  silence_podofo();
  // Hostile input: whatever PoDoFo or the standard library throws on it is an unreadable file.
  try {
    return verify_unchecked(pdf, options);
  } catch (const PdfError& e) {
    return core::fail("PDF illisible (" + std::string(PdfError::ErrorName(e.GetError())) + ")");
  } catch (const std::exception& e) {
    return core::fail(std::string("PDF illisible (") + e.what() + ")");
  }
}

namespace {

core::Result<VerificationReport> verify_unchecked(const Bytes& pdf, const VerifyOptions& options) {
  if (pdf.size() > options.max_bytes) return core::fail("fichier trop volumineux pour être vérifié");
  auto revisions = scan_revisions(pdf);
  if (!revisions) return std::unexpected(revisions.error());
  if (revisions->size() > 200) return core::fail("trop de révisions (" + std::to_string(revisions->size()) + ")");
  VerificationReport report;
  report.size = pdf.size();
  report.revisions = revisions->size();
  report.sha256 = to_hex(sha256(pdf));

  PdfMemDocument doc;
  std::vector<SignatureEntry> entries;
  Dss dss;
  try {
    doc.LoadFromBuffer(reinterpret_cast<const char*>(pdf.data()), static_cast<long>(pdf.size()), false);
    entries = find_signatures(doc);
    dss = read_dss(doc);
  } catch (const PdfError& e) {
    return core::fail("PDF illisible (" + std::string(PdfError::ErrorName(e.GetError())) + ")");
  }
  std::vector<X509Ptr> anchors;
  for (const auto& der : options.trust_anchors) {
    auto c = parse_certificate(der);
    if (!c) return std::unexpected(c.error());
    anchors.push_back(std::move(*c));
  }
  // The revisions that wrote the /DSS decide LT, and document timestamps after them LTA.
  std::vector<size_t> dss_revisions;  // 1-based
  if (const PdfObject* d = doc.GetCatalog()->GetDictionary().GetKey(PdfName("DSS")); d && d->IsReference()) {
    const int number = static_cast<int>(d->GetReference().ObjectNumber());
    for (size_t i = 0; i < revisions->size(); ++i) {
      if ((*revisions)[i].objects.contains(number)) dss_revisions.push_back(i + 1);
    }
  }
  auto first_dss_after = [&](size_t revision) -> size_t {
    for (size_t r : dss_revisions) {
      if (r > revision) return r;
    }
    return 0;
  };

  for (const auto& e : entries) {
    SignatureVerdict v;
    v.field = e.field;
    v.document_timestamp = e.type == "DocTimeStamp";
    v.subfilter = e.subfilter;
    v.byte_range = e.byte_range;
    v.claimed_time = e.claimed_time;
    v.certification = e.certification;
    v.locked_fields = e.locked_fields;
    auto problem = [&](std::string p) { v.problems.push_back(std::move(p)); };
    const auto& br = e.byte_range;
    // The byte range: two ranges around /Contents, inside the file, the gap a hex string.
    if (br.size() != 4 || br[0] != 0 || br[1] >= br[2] || br[2] > pdf.size() || br[3] > pdf.size() - br[2] ||
        pdf[br[1]] != '<' || pdf[br[2] - 1] != '>') {
      problem("plage d'octets (/ByteRange) invalide");
      report.signatures.push_back(std::move(v));
      continue;
    }
    const size_t end = br[2] + br[3];
    v.covers_whole_file = end == pdf.size();
    for (size_t i = 0; i < revisions->size(); ++i) {
      if ((*revisions)[i].end == end) {
        v.covers_revision = true;
        v.revision = i + 1;
      }
    }
    if (!v.covers_revision) problem("la plage signée ne couvre pas une révision entière du document");
    auto contents = from_hex(std::string_view(reinterpret_cast<const char*>(pdf.data() + br[1] + 1), br[2] - br[1] - 2));
    if (!contents) {
      problem("contenu de signature (/Contents) illisible");
      report.signatures.push_back(std::move(v));
      continue;
    }

    if (v.document_timestamp) {
      const auto digest = digest_of_ranges(pdf, br, EVP_sha256());
      auto token = verify_token(*contents, digest, anchors);
      v.signer = token.authority;
      v.timestamp_present = true;
      v.timestamp_time = token.time;
      v.intact = token.valid || token.problem.find("imprint") == std::string::npos;
      v.timestamp_valid = token.valid;
      v.signature_valid = token.valid;
      v.chain_trusted = token.valid;
      if (!token.valid) problem(token.problem);
      v.level = "";
    } else {
      auto cms = parse_cms(*contents);
      if (!cms) {
        problem("signature CMS illisible");
        report.signatures.push_back(std::move(v));
        continue;
      }
      STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms->get());
      if (!signers || sk_CMS_SignerInfo_num(signers) != 1) {
        problem("la signature CMS doit avoir un seul signataire");
        report.signatures.push_back(std::move(v));
        continue;
      }
      CMS_SignerInfo* si = sk_CMS_SignerInfo_value(signers, 0);
      X509StackPtr certs(CMS_get1_certs(cms->get()));
      if (!certs) certs.reset(sk_X509_new_null());
      for (const auto& c : dss.certificates) {
        X509_up_ref(c.get());
        sk_X509_push(certs.get(), c.get());
      }
      CMS_set1_signers_certs(cms->get(), certs.get(), 0);
      X509* signer = nullptr;
      X509_ALGOR* digest_algorithm = nullptr;
      CMS_SignerInfo_get0_algs(si, nullptr, &signer, &digest_algorithm, nullptr);
      if (!signer) {
        problem("certificat du signataire absent");
        report.signatures.push_back(std::move(v));
        continue;
      }
      v.signer = subject_field(signer, NID_commonName);
      v.organisation = subject_field(signer, NID_organizationName);
      // Intact: the message-digest attribute equals the digest of the signed bytes.
      const EVP_MD* md = EVP_get_digestbyobj(digest_algorithm ? digest_algorithm->algorithm : nullptr);
      if (!md) md = EVP_sha256();
      const Bytes digest = digest_of_ranges(pdf, br, md);
      const int index = CMS_signed_get_attr_by_NID(si, NID_pkcs9_messageDigest, -1);
      ASN1_TYPE* value = index >= 0 ? X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, index), 0) : nullptr;
      v.intact = value && value->type == V_ASN1_OCTET_STRING &&
                 Bytes(ASN1_STRING_get0_data(value->value.octet_string),
                       ASN1_STRING_get0_data(value->value.octet_string) + ASN1_STRING_length(value->value.octet_string)) == digest;
      if (!v.intact) problem("le document a été modifié dans la plage signée (empreinte différente)");
      v.signature_valid = CMS_SignerInfo_verify(si) == 1;
      ERR_clear_error();
      if (!v.signature_valid) problem("valeur de signature invalide");

      // Signature timestamp over the signature value.
      const int ts_index = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
      if (ts_index >= 0) {
        v.timestamp_present = true;
        ASN1_TYPE* t = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, ts_index), 0);
        if (t && t->type == V_ASN1_SEQUENCE) {
          const Bytes token(ASN1_STRING_get0_data(t->value.sequence),
                            ASN1_STRING_get0_data(t->value.sequence) + ASN1_STRING_length(t->value.sequence));
          auto result = verify_token(token, sha256(signature_value_of(si)), anchors);
          v.timestamp_valid = result.valid;
          v.timestamp_time = result.time;
          if (!result.valid) problem(result.problem);
        } else {
          problem("horodatage de signature illisible");
        }
      }
      const TimePoint at = v.timestamp_valid && v.timestamp_time ? *v.timestamp_time
                                                                 : v.claimed_time.value_or(std::chrono::system_clock::now());
      v.chain_problem = verify_chain(signer, certs.get(), anchors, at);
      v.chain_trusted = v.chain_problem.empty();
      if (!v.chain_trusted) problem("chaîne de certificats non fiable : " + v.chain_problem);

      // Revocation of the signer and its intermediates.
      bool revocation_ok = true;
      std::vector<X509*> to_check{signer};
      for (int i = 0; i < sk_X509_num(certs.get()); ++i) {
        X509* c = sk_X509_value(certs.get(), i);
        if (c != signer && X509_check_issued(c, c) != X509_V_OK && X509_check_issued(c, signer) == X509_V_OK) to_check.push_back(c);
      }
      bool all_from_dss = true;
      for (X509* c : to_check) {
        X509* issuer = nullptr;
        for (int i = 0; i < sk_X509_num(certs.get()) && !issuer; ++i) {
          if (X509_check_issued(sk_X509_value(certs.get(), i), c) == X509_V_OK) issuer = sk_X509_value(certs.get(), i);
        }
        for (const auto& a : anchors) {
          if (!issuer && X509_check_issued(a.get(), c) == X509_V_OK) issuer = a.get();
        }
        if (!issuer) {
          revocation_ok = false;
          all_from_dss = false;
          continue;
        }
        const auto r = check_revocation(c, issuer, dss, anchors, certs.get(), at, options);
        if (c == signer) {
          v.revocation = r.status;
          v.revocation_source = r.source;
        }
        if (r.source != "DSS") all_from_dss = false;
        if (!r.ok) {
          revocation_ok = false;
          if (!r.problem.empty()) problem(r.problem + " (" + subject_field(c, NID_commonName) + ")");
        }
      }
      if (v.revocation.empty()) v.revocation = "non vérifié";
      if (!revocation_ok && v.problems.empty()) problem("statut de révocation non vérifié");

      // PAdES level.
      const bool cades = e.subfilter == "ETSI.CAdES.detached";
      const bool has_signing_cert_v2 = CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1) >= 0;
      const bool has_signing_time = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) >= 0;
      if (cades && has_signing_cert_v2 && !has_signing_time) {
        v.level = "B-B";
        if (v.timestamp_valid) v.level = "B-T";
        if (v.level == "B-T" && all_from_dss && revocation_ok && first_dss_after(v.revision) != 0) v.level = "B-LT";
      } else if (!cades) {
        problem("signature non PAdES (SubFilter " + e.subfilter + ")");
      }
    }
    // Later revisions: only what the signature allows.
    if (v.covers_revision && v.revision < revisions->size()) {
      auto changes = analyse_changes(pdf, *revisions, v.revision, v.locked_fields);
      if (!changes) {
        problem("révisions suivantes illisibles : " + changes.error().message);
      } else {
        v.later_changes = *changes;
        for (const auto& c : v.later_changes) {
          if (!c.allowed) problem("modification interdite après la signature : " + c.detail);
        }
      }
    }
    report.signatures.push_back(std::move(v));
  }
  // B-LTA: a valid document timestamp added after the DSS that made the signature B-LT.
  for (auto& v : report.signatures) {
    if (v.level != "B-LT") continue;
    const size_t dss_at = first_dss_after(v.revision);
    for (const auto& t : report.signatures) {
      if (t.document_timestamp && t.timestamp_valid && t.revision > dss_at) v.level = "B-LTA";
    }
  }
  // A document timestamp protects earlier revisions' signatures; doc timestamps get no level.
  for (auto& v : report.signatures) v.ok = v.problems.empty();
  report.ok = !report.signatures.empty() &&
              std::all_of(report.signatures.begin(), report.signatures.end(), [](const auto& s) { return s.ok; });
  return report;
}

}  // namespace

std::string report_json(const VerificationReport& report) {
  nlohmann::json signatures = nlohmann::json::array();
  for (const auto& v : report.signatures) {
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& c : v.later_changes) changes.push_back({{"type", c.kind}, {"detail", c.detail}, {"permis", c.allowed}});
    signatures.push_back({
        {"champ", v.field},
        {"type", v.document_timestamp ? "horodatage-document" : "signature"},
        {"subfilter", v.subfilter},
        {"signataire", v.signer},
        {"organisation", v.organisation},
        {"date_declaree", v.claimed_time ? nlohmann::json(iso(*v.claimed_time)) : nlohmann::json(nullptr)},
        {"date_horodatage", v.timestamp_time ? nlohmann::json(iso(*v.timestamp_time)) : nlohmann::json(nullptr)},
        {"plage_octets", v.byte_range},
        {"revision", v.revision},
        {"couvre_une_revision", v.covers_revision},
        {"couvre_tout_le_fichier", v.covers_whole_file},
        {"integre", v.intact},
        {"signature_valide", v.signature_valid},
        {"chaine_de_confiance", v.chain_trusted},
        {"probleme_chaine", v.chain_problem},
        {"revocation", v.revocation},
        {"source_revocation", v.revocation_source},
        {"horodatage_present", v.timestamp_present},
        {"horodatage_valide", v.timestamp_valid},
        {"niveau_pades", v.level},
        {"certification", v.certification},
        {"champs_verrouilles", v.locked_fields},
        {"modifications_ulterieures", changes},
        {"problemes", v.problems},
        {"valide", v.ok},
    });
  }
  return nlohmann::json{{"taille", report.size},
                        {"sha256", report.sha256},
                        {"revisions", report.revisions},
                        {"signatures", signatures},
                        {"valide", report.ok}}
      .dump(2);
}

}  // namespace ipt::signing
