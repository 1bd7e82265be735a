#include "ipt/signing/pades.hpp"
#include "ipt/core/files.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>

#include "cms_builder.hpp"
#include "openssl_util.hpp"
#include "pdf_revision.hpp"
#include "revocation.hpp"

namespace ipt::signing {

using namespace detail;

std::string_view code(Level level) {
  switch (level) {
    case Level::b_b: return "B-B";
    case Level::b_t: return "B-T";
    case Level::b_lt: return "B-LT";
    case Level::b_lta: return "B-LTA";
  }
  return "";
}

std::optional<Level> parse_level(std::string_view text) {
  for (Level l : {Level::b_b, Level::b_t, Level::b_lt, Level::b_lta}) {
    if (code(l) == text) return l;
  }
  return std::nullopt;
}

namespace {

std::string french_time(std::chrono::system_clock::time_point t) {
  return core::format_utc(t, "le %d/%m/%Y à %H:%M (UTC)");
}

// A certificate that cannot sign now is refused before any work.
core::Result<void> check_signing_certificate(X509* cert, std::chrono::system_clock::time_point at) {
  const std::string who = "certificat « " + subject_field(cert, NID_commonName) + " »";
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  if (X509_cmp_time(X509_get0_notBefore(cert), const_cast<std::time_t*>(&t)) > 0) {
    return core::fail(who + " : pas encore valide à la date de signature");
  }
  if (X509_cmp_time(X509_get0_notAfter(cert), const_cast<std::time_t*>(&t)) < 0) {
    return core::fail(who + " : expiré à la date de signature");
  }
  // An extended key usage that names other purposes only (timestamping, OCSP, TLS) rules
  // out document signing.
  if (X509_get_extension_flags(cert) & EXFLAG_XKUSAGE) {
    const uint32_t xku = X509_get_extended_key_usage(cert);
    const bool documents = (xku & (XKU_SMIME | XKU_ANYEKU | XKU_CODE_SIGN)) != 0;
    auto* ekus = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
    bool document_signing = false;
    for (int i = 0; ekus && i < sk_ASN1_OBJECT_num(ekus); ++i) {
      char oid[64];
      OBJ_obj2txt(oid, sizeof oid, sk_ASN1_OBJECT_value(ekus, i), 1);
      // id-kp-documentSigning (RFC 9336) and Adobe's Authentic Documents Trust.
      if (std::string_view(oid) == "1.3.6.1.5.5.7.3.36" || std::string_view(oid) == "1.2.840.113583.1.1.5") {
        document_signing = true;
      }
    }
    sk_ASN1_OBJECT_pop_free(ekus, ASN1_OBJECT_free);
    if (!documents && !document_signing) {
      return core::fail(who + " : inutilisable pour signer des documents (usage étendu réservé à un autre service)");
    }
  }
  const uint32_t usage = X509_get_key_usage(cert);
  if (usage != UINT32_MAX && !(usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
    return core::fail(who + " : inutilisable pour signer (usage de clé sans signature numérique)");
  }
  return {};
}

}  // namespace

namespace {

// Room for a CMS whose timestamp token nothing is known of yet: a token with its
// authority's certificates (2 KB from the test PKI, 5 to 7 KB from public authorities) and
// the signer's chain, with room to spare.
constexpr size_t worst_case_reservation = 16384;

// Room for the CMS of a signature by `key` whose timestamp token will look like the largest
// one `timestamps` returned: everything else in the CMS is known now (certificates, signed
// attributes, a signature value of at most 4096 bits), and two tokens of one authority
// differ by a few bytes (serial number, time, the authority's ECDSA value). Every reserved
// byte the CMS leaves unused stays in the file as two '0's, hashed, written, synced and read
// again at each later revision: 23 KB a signature with the worst case, five times over in a
// signed Annexe 4. 0 (the level's default) when nothing is known of the token yet.
size_t reservation_for(const KeySource& key, Level level, const TimestampSource* timestamps) {
  size_t known = 1536 + key.certificate().size();
  for (const auto& c : key.chain()) known += c.size();
  if (level == Level::b_b) return known;
  const auto token = timestamps ? timestamps->largest_token() : std::nullopt;
  return token ? known + *token + *token / 8 : 0;
}

// Room for a document timestamp's token, from the largest one `timestamps` returned.
size_t token_reservation(const TimestampSource& timestamps) {
  const auto token = timestamps.largest_token();
  return token ? *token + *token / 8 + 256 : worst_case_reservation;
}

bool fits(const Bytes& cms, size_t contents_length) { return cms.size() * 2 + 2 <= contents_length; }

// Stage 1, keeping the CMS skeleton (and so the parsed certificates) for sign_pdf, which
// completes it in the same process.
struct Prepared {
  PreparedSignature signature;
  CmsSkeleton skeleton;
};

core::Result<Prepared> prepare(const Bytes& pdf, const SignatureOptions& options, const Bytes& certificate,
                               const std::vector<Bytes>& chain) {
  IPT_TRY(cert, parse_certificate(certificate));
  IPT_TRY_VOID(check_signing_certificate(cert->get(), options.signing_time));
  IPT_TRY(parsed_chain, parse_certificates(chain));

  IPT_TRY(revision, PdfRevision::open(pdf));
  for (const auto& fill : options.fills) {
    IPT_TRY_VOID(revision->fill(fill));
  }
  // This signature locks what its signatory filled and the fields named; a certification
  // also locks every value the document already carries (the dossier's data, read-only from
  // the start in the documents ipt renders); the last signature locks every field left.
  std::vector<std::string> to_lock = options.lock_fields;
  for (const auto& fill : options.fills) to_lock.push_back(fill.field);
  if (options.certify) {
    for (const auto& f : revision->filled_fields()) {
      const bool open = std::any_of(options.keep_open.begin(), options.keep_open.end(),
                                    [&](const std::string& k) { return f == k || f.starts_with(k + "."); });
      if (!open) to_lock.push_back(f);
    }
  }
  if (options.lock_all) {
    const auto rest = revision->unlocked_fields();
    to_lock.insert(to_lock.end(), rest.begin(), rest.end());
  }
  const auto locks = revision->lock(to_lock);
  SignatureSpec spec;
  spec.field = options.field;
  spec.time = options.signing_time;
  spec.name = options.signer_name.empty() ? subject_field(cert->get(), NID_commonName) : options.signer_name;
  spec.reason = options.reason;
  spec.location = options.location;
  spec.certify = options.certify;
  spec.lock_fields = locks;
  spec.reserved_bytes = options.reserved_bytes ? options.reserved_bytes
                       : options.level == Level::b_b ? 8192 : worst_case_reservation;
  const std::string organisation =
      options.organisation.empty() ? subject_field(cert->get(), NID_organizationName) : options.organisation;
  spec.appearance_lines = {"Signé électroniquement par", spec.name};
  if (!organisation.empty()) spec.appearance_lines.push_back("pour " + organisation);
  spec.appearance_lines.push_back(french_time(options.signing_time));
  IPT_TRY_VOID(revision->add_signature(spec));
  IPT_TRY(written, revision->write());

  IPT_TRY(skeleton, build_cms(written->digest, cert->get(), *parsed_chain));
  Prepared out;
  out.signature.options = options;
  out.signature.pdf = std::move(written->pdf);
  out.signature.contents_offset = written->contents_offset;
  out.signature.contents_length = written->contents_length;
  out.signature.document_digest = std::move(written->digest);
  out.signature.signed_attributes = skeleton->signed_attributes;
  out.signature.certificate = certificate;
  out.signature.chain = chain;
  out.skeleton = *std::move(skeleton);
  return out;
}

// Stage 3's CMS, on a skeleton whose signed attributes are `prepared`'s.
core::Result<Bytes> complete_cms(const PreparedSignature& prepared, CmsSkeleton& skeleton, const Bytes& signature_value,
                                 TimestampSource* timestamps) {
  std::optional<Bytes> token;
  if (prepared.options.level != Level::b_b) {
    if (!timestamps) return core::fail(core::Category::invalid_input, "niveau " + std::string(code(prepared.options.level)) + " : un serveur d’horodatage est requis (--tsa)");
    IPT_TRY(t, timestamps->timestamp(sha256(signature_value)));
    token = *std::move(t);
  }
  return finish_cms(skeleton, signature_value, token);
}

// Stages 1 to 3 in one process: the revision prepared with room for `options.reserved_bytes`,
// signed by the key, its CMS completed on the same skeleton (complete_signature rebuilds it,
// to check a state that may have been stored).
struct Made {
  Prepared stages;
  Bytes cms;
};

core::Result<Made> make_signature(const Bytes& pdf, const SignatureOptions& options, KeySource& key,
                                  TimestampSource* timestamps) {
  IPT_TRY(stages, prepare(pdf, options, key.certificate(), key.chain()));
  IPT_TRY(value, key.sign(stages->signature.signed_attributes));
  IPT_TRY(cms, complete_cms(stages->signature, stages->skeleton, *value, timestamps));
  return Made{*std::move(stages), *std::move(cms)};
}

}  // namespace

core::Result<PreparedSignature> prepare_signature(const Bytes& pdf, const SignatureOptions& options,
                                                  const Bytes& certificate, const std::vector<Bytes>& chain) {
  IPT_TRY(prepared, prepare(pdf, options, certificate, chain));
  return std::move(prepared->signature);
}

core::Result<Bytes> complete_signature(const PreparedSignature& prepared, const Bytes& signature_value,
                                       TimestampSource* timestamps) {
  IPT_TRY(skeleton, build_cms(prepared.document_digest, prepared.certificate, prepared.chain));
  if (skeleton->signed_attributes != prepared.signed_attributes) {
    return core::fail(core::Category::integrity, "état de signature incohérent : les données à signer ont changé");
  }
  IPT_TRY(cms, complete_cms(prepared, *skeleton, signature_value, timestamps));
  Bytes pdf = prepared.pdf;
  IPT_TRY_VOID(write_contents(pdf, prepared.contents_offset, prepared.contents_length, *cms));
  return pdf;
}

core::Result<Bytes> complete_signature_with_cms(const PreparedSignature& prepared, const Bytes& cms_der) {
  IPT_TRY(cms, parse_cms(cms_der));
  // The CMS must sign this revision: its message-digest attribute is the document digest.
  STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms->get());
  if (!signers || sk_CMS_SignerInfo_num(signers) != 1) return core::fail(core::Category::invalid_input, "CMS : un seul signataire attendu");
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(signers, 0);
  const int index = CMS_signed_get_attr_by_NID(si, NID_pkcs9_messageDigest, -1);
  ASN1_TYPE* value = index >= 0 ? X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, index), 0) : nullptr;
  if (!value || value->type != V_ASN1_OCTET_STRING ||
      Bytes(ASN1_STRING_get0_data(value->value.octet_string),
            ASN1_STRING_get0_data(value->value.octet_string) + ASN1_STRING_length(value->value.octet_string)) !=
          prepared.document_digest) {
    return core::fail(core::Category::integrity, "CMS : il ne signe pas ce document (empreinte différente)");
  }
  Bytes pdf = prepared.pdf;
  IPT_TRY_VOID(write_contents(pdf, prepared.contents_offset, prepared.contents_length, cms_der));
  return pdf;
}

core::Result<Bytes> add_validation_data(const Bytes& pdf, const ValidationData& data) {
  IPT_TRY(revision, PdfRevision::open(pdf));
  IPT_TRY_VOID(revision->add_validation_data(data));
  IPT_TRY(written, revision->write());
  return std::move(written->pdf);
}

core::Result<Bytes> add_document_timestamp(const Bytes& pdf, TimestampSource& timestamps, size_t reserved_bytes) {
  size_t room = reserved_bytes ? reserved_bytes : token_reservation(timestamps);
  for (bool may_retry = !reserved_bytes;; may_retry = false) {
    IPT_TRY(revisions, PdfRevision::open(pdf));
    SignatureSpec spec;
    spec.document_timestamp = true;
    // A fresh name for each document timestamp.
    spec.field = "horodatage_" + std::to_string(pdf.size());
    spec.reserved_bytes = room;
    IPT_TRY_VOID(revisions->add_signature(spec));
    IPT_TRY(written, revisions->write());
    IPT_TRY(token, timestamps.timestamp(written->digest));
    // A token larger than the room made from the earlier ones: once more, with room for it.
    if (may_retry && !fits(*token, written->contents_length)) {
      room = token->size() + token->size() / 4 + 256;
      continue;
    }
    IPT_TRY_VOID(write_contents(written->pdf, written->contents_offset, written->contents_length, *token));
    return std::move(written->pdf);
  }
}

core::Result<Bytes> sign_pdf(const Bytes& pdf, const SignatureOptions& options, KeySource& key,
                             TimestampSource* timestamps, const std::vector<Bytes>& trust_anchors) {
  if (options.level != Level::b_b && !timestamps) {
    return core::fail(core::Category::invalid_input, "niveau " + std::string(code(options.level)) + " : un serveur d’horodatage est requis (--tsa)");
  }
  SignatureOptions sized = options;
  if (!sized.reserved_bytes) sized.reserved_bytes = reservation_for(key, options.level, timestamps);
  IPT_TRY(made, make_signature(pdf, sized, key, timestamps));
  if (!options.reserved_bytes && !fits(made->cms, made->stages.signature.contents_length)) {
    // The room was made from earlier tokens and this one is larger (the authority changed its
    // certificate, say): the revision again, with room for this CMS and more.
    sized.reserved_bytes = made->cms.size() + made->cms.size() / 4 + 1024;
    IPT_TRY(again, make_signature(pdf, sized, key, timestamps));
    *made = *std::move(again);
  }
  // The prepared document is handed over, not copied.
  const PreparedSignature& prepared = made->stages.signature;
  Bytes signed_pdf = std::move(made->stages.signature.pdf);
  IPT_TRY_VOID(write_contents(signed_pdf, prepared.contents_offset, prepared.contents_length, made->cms));
  if (options.level == Level::b_b || options.level == Level::b_t) return signed_pdf;

  // B-LT: validation data for the signer's chain and for the timestamp authority's.
  std::vector<Bytes> chain{key.certificate()};
  chain.insert(chain.end(), key.chain().begin(), key.chain().end());
  // The timestamp token's certificates sit in the unsigned attribute; take them from there.
  if (auto cms = parse_cms(made->cms)) {
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms->get()), 0);
    const int index = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
    if (index >= 0) {
      ASN1_TYPE* value_type = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, index), 0);
      if (value_type && value_type->type == V_ASN1_SEQUENCE) {
        const Bytes token(ASN1_STRING_get0_data(value_type->value.sequence),
                          ASN1_STRING_get0_data(value_type->value.sequence) + ASN1_STRING_length(value_type->value.sequence));
        if (auto tst = parse_cms(token)) {
          for (auto& c : certificates_in(tst->get())) {
            if (std::find(chain.begin(), chain.end(), c) == chain.end()) chain.push_back(c);
          }
        }
      }
    }
  }
  auto data = fetch_validation_data(chain, trust_anchors);
  if (!data) return std::unexpected(data.error().with_context("niveau B-LT"));
  IPT_TRY(with_dss, add_validation_data(signed_pdf, *data));
  auto result = options.level == Level::b_lt ? std::move(with_dss) : add_document_timestamp(*with_dss, *timestamps);
  if (!result) return result;
  IPT_TRY_VOID(check_level_reached(*result, options.field, options.level, trust_anchors));
  return result;
}

// ---- The prepared state, as JSON with hexadecimal binaries ----------------------------

Bytes PreparedSignature::serialize() const {
  nlohmann::json fills = nlohmann::json::array();
  for (const auto& f : options.fills) fills.push_back({{"field", f.field}, {"value", f.value}});
  nlohmann::json chain_hex = nlohmann::json::array();
  for (const auto& c : chain) chain_hex.push_back(to_hex(c));
  const nlohmann::json j = {
      {"format", "ipt-prepared-signature-1"},
      {"field", options.field},
      {"level", code(options.level)},
      {"certify", options.certify},
      {"fills", fills},
      {"lock_fields", options.lock_fields},
      {"lock_all", options.lock_all},
      {"keep_open", options.keep_open},
      {"reason", options.reason},
      {"location", options.location},
      {"signer_name", options.signer_name},
      {"organisation", options.organisation},
      {"signing_time", std::chrono::duration_cast<std::chrono::seconds>(options.signing_time.time_since_epoch()).count()},
      {"reserved_bytes", options.reserved_bytes},
      {"contents_offset", contents_offset},
      {"contents_length", contents_length},
      {"document_digest", to_hex(document_digest)},
      {"signed_attributes", to_hex(signed_attributes)},
      {"certificate", to_hex(certificate)},
      {"chain", chain_hex},
      {"pdf", to_hex(pdf)},
  };
  return to_bytes(j.dump());
}

core::Result<PreparedSignature> PreparedSignature::deserialize(const Bytes& bytes) {
  try {
    const auto j = nlohmann::json::parse(as_text(bytes));
    if (j.at("format") != "ipt-prepared-signature-1") return core::fail(core::Category::invalid_input, "état de signature : format inconnu");
    PreparedSignature p;
    p.options.field = j.at("field");
    const auto level = parse_level(j.at("level").get<std::string>());
    if (!level) return core::fail(core::Category::invalid_input, "état de signature : niveau inconnu");
    p.options.level = *level;
    p.options.certify = j.at("certify");
    for (const auto& f : j.at("fills")) p.options.fills.push_back({f.at("field"), f.at("value")});
    // Absent from states written before locks were recorded: no extra lock.
    if (j.contains("lock_fields")) {
      for (const auto& k : j.at("lock_fields")) p.options.lock_fields.push_back(k.get<std::string>());
    }
    p.options.lock_all = j.contains("lock_all") && j.at("lock_all").is_boolean() && j.at("lock_all") == true;
    if (j.contains("keep_open")) {
      for (const auto& k : j.at("keep_open")) p.options.keep_open.push_back(k.get<std::string>());
    }
    p.options.reason = j.at("reason");
    p.options.location = j.at("location");
    p.options.signer_name = j.at("signer_name");
    p.options.organisation = j.at("organisation");
    p.options.signing_time = std::chrono::system_clock::time_point(std::chrono::seconds(j.at("signing_time").get<long long>()));
    p.options.reserved_bytes = j.at("reserved_bytes");
    p.contents_offset = j.at("contents_offset");
    p.contents_length = j.at("contents_length");
    auto hex = [&](const char* key) -> core::Result<Bytes> { return from_hex(j.at(key).get<std::string>()); };
    auto digest = hex("document_digest");
    auto attributes = hex("signed_attributes");
    auto certificate = hex("certificate");
    auto pdf = hex("pdf");
    if (!digest || !attributes || !certificate || !pdf) return core::fail(core::Category::invalid_input, "état de signature : données illisibles");
    p.document_digest = *digest;
    p.signed_attributes = *attributes;
    p.certificate = *certificate;
    p.pdf = *pdf;
    for (const auto& c : j.at("chain")) {
      auto der = from_hex(c.get<std::string>());
      if (!der) return core::fail(core::Category::invalid_input, "état de signature : chaîne illisible");
      p.chain.push_back(*der);
    }
    if (p.contents_offset + p.contents_length > p.pdf.size()) {
      return core::fail(core::Category::integrity, "état de signature : incohérent");
    }
    // The document digest must still match the prepared file (nothing edited it since).
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
    EVP_DigestUpdate(ctx.get(), p.pdf.data(), p.contents_offset);
    const size_t after = p.contents_offset + p.contents_length;
    EVP_DigestUpdate(ctx.get(), p.pdf.data() + after, p.pdf.size() - after);
    Bytes digest_now(32);
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx.get(), digest_now.data(), &n);
    if (digest_now != p.document_digest) return core::fail(core::Category::integrity, "état de signature : le document préparé a été modifié");
    // The data to be signed must be what this document and certificate give.
    auto skeleton = build_cms(p.document_digest, p.certificate, p.chain);
    if (!skeleton || skeleton->signed_attributes != p.signed_attributes) {
      return core::fail(core::Category::integrity, "état de signature : les données à signer ne correspondent pas au document");
    }
    return p;
  } catch (const nlohmann::json::exception&) {
    return core::fail(core::Category::invalid_input, "état de signature illisible");
  }
}

}  // namespace ipt::signing
