#include "cms_validation.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <string>

#include "cms_builder.hpp"
#include "prefix_digests.hpp"

namespace ipt::signing::detail {

namespace {

using TimePoint = std::chrono::system_clock::time_point;

void add(SignatureVerdict& v, ProblemCode code, std::string detail = {}) { v.problems.push_back({code, std::move(detail)}); }

X509StorePtr make_store(const std::vector<X509Ptr>& anchors, std::optional<TimePoint> at) {
  X509StorePtr store(X509_STORE_new());
  for (const auto& a : anchors) X509_STORE_add_cert(store.get(), a.get());
  if (at) X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), std::chrono::system_clock::to_time_t(*at));
  return store;
}

struct ChainResult {
  std::optional<ProblemCode> problem;
  std::string reason;  // OpenSSL's
  std::string anchor_sha256;
};

// Chains that held, by the certificates they were built from: the same signers, their
// intermediates and the trust anchors come back with every signature of a batch. A chain
// that held at one time holds at any other within every certificate's validity period (the
// store checks no revocation: revocation_check.cpp does), so the period is kept with it.
// Failures are not kept (they are rare, and their reasons depend on the time).
struct HeldChain {
  TimePoint from, until;
  std::string anchor_sha256;
};

std::string chain_key(X509* cert, STACK_OF(X509)* untrusted, const std::vector<X509Ptr>& anchors) {
  return to_hex(sha256(der_of(cert))) + certificates_key(untrusted, anchors);
}

std::mutex held_mutex;
std::map<std::string, HeldChain>& held_chains() {
  static auto& chains = *new std::map<std::string, HeldChain>();  // never destroyed (exit order)
  return chains;
}

ChainResult verify_chain(X509* cert, STACK_OF(X509)* untrusted, const std::vector<X509Ptr>& anchors, TimePoint at) {
  if (anchors.empty()) return {ProblemCode::no_trust_anchor, "", ""};
  const std::string key = chain_key(cert, untrusted, anchors);
  {
    std::lock_guard lock(held_mutex);
    if (auto it = held_chains().find(key); it != held_chains().end() && it->second.from <= at && at <= it->second.until) {
      return {std::nullopt, "", it->second.anchor_sha256};
    }
  }
  auto store = make_store(anchors, at);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), cert, untrusted);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_ANY);
  if (X509_verify_cert(ctx.get()) == 1) {
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
    X509* anchor = chain && sk_X509_num(chain) > 0 ? sk_X509_value(chain, sk_X509_num(chain) - 1) : nullptr;
    const std::string anchor_sha256 = anchor ? to_hex(sha256(der_of(anchor))) : "";
    HeldChain held{TimePoint::min(), TimePoint::max(), anchor_sha256};
    for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
      X509* c = sk_X509_value(chain, i);
      held.from = std::max(held.from, to_time_point(X509_get0_notBefore(c)));
      held.until = std::min(held.until, to_time_point(X509_get0_notAfter(c)));
    }
    std::lock_guard lock(held_mutex);
    if (held_chains().size() >= 1024) held_chains().clear();
    held_chains()[key] = held;
    return {std::nullopt, "", anchor_sha256};
  }
  const int error = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  const std::string reason = X509_verify_cert_error_string(error);
  switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
      return {ProblemCode::chain_untrusted, reason, ""};
    default:
      return {ProblemCode::chain_invalid, reason, ""};
  }
}

struct TokenResult {
  bool readable = false;
  bool imprint_matches = false;
  bool valid = false;
  std::optional<TimePoint> time;
  std::string authority;
  std::optional<ProblemCode> problem;
  std::string detail;
};

// An RFC 3161 token over `digest` (SHA-256): its time, its authority, and whether it holds.
TokenResult verify_token(const Bytes& token_der, const Bytes& digest, const std::vector<X509Ptr>& anchors) {
  TokenResult t;
  auto parsed = parse_pkcs7(token_der);
  PKCS7Ptr token = parsed ? std::move(*parsed) : PKCS7Ptr();
  Handle<TS_TST_INFO, TS_TST_INFO_free> info(token ? PKCS7_to_TS_TST_INFO(token.get()) : nullptr);
  if (!info) {
    ERR_clear_error();
    t.problem = ProblemCode::timestamp_invalid;
    t.detail = "jeton illisible";
    return t;
  }
  t.readable = true;
  t.time = to_time_point(TS_TST_INFO_get_time(info.get()));
  const ASN1_OCTET_STRING* imprint = TS_MSG_IMPRINT_get_msg(TS_TST_INFO_get_msg_imprint(info.get()));
  t.imprint_matches = imprint && Bytes(ASN1_STRING_get0_data(imprint), ASN1_STRING_get0_data(imprint) + ASN1_STRING_length(imprint)) == digest;
  STACK_OF(X509)* signers = PKCS7_get0_signers(token.get(), nullptr, 0);
  if (signers && sk_X509_num(signers) > 0) t.authority = subject_field(sk_X509_value(signers, 0), NID_commonName);
  sk_X509_free(signers);
  ERR_clear_error();
  if (!t.imprint_matches) {
    t.problem = ProblemCode::timestamp_invalid;
    t.detail = "l’empreinte horodatée n’est pas celle des octets signés";
    return t;
  }
  if (anchors.empty()) {
    t.problem = ProblemCode::timestamp_untrusted;
    t.detail = "aucune autorité de confiance";
    return t;
  }
  TsVerifyCtxPtr ctx(TS_VERIFY_CTX_new());
  unsigned char* copy = static_cast<unsigned char*>(OPENSSL_malloc(digest.size()));
  std::copy(digest.begin(), digest.end(), copy);
  TS_VERIFY_CTX_set_imprint(ctx.get(), copy, static_cast<long>(digest.size()));
  TS_VERIFY_CTX_set_store(ctx.get(), make_store(anchors, std::nullopt).release());
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_SIGNATURE | TS_VFY_SIGNER);
  if (TS_RESP_verify_token(ctx.get(), token.get()) != 1) {
    const std::string errors = openssl_errors();
    // A token that verifies but for its chain is an authority we do not know, not a forgery.
    const bool chain_only = errors.find("certificate verify error") != std::string::npos;
    t.problem = chain_only ? ProblemCode::timestamp_untrusted : ProblemCode::timestamp_invalid;
    t.detail = errors;
    return t;
  }
  t.valid = true;
  return t;
}

Bytes octets(const ASN1_STRING* s) { return Bytes(ASN1_STRING_get0_data(s), ASN1_STRING_get0_data(s) + ASN1_STRING_length(s)); }

// The issuer of `cert` among `certs` and the anchors.
X509* find_issuer(X509* cert, STACK_OF(X509)* certs, const std::vector<X509Ptr>& anchors) {
  for (int i = 0; i < sk_X509_num(certs); ++i) {
    X509* candidate = sk_X509_value(certs, i);
    if (candidate != cert && X509_check_issued(candidate, cert) == X509_V_OK) return candidate;
  }
  for (const auto& a : anchors) {
    if (X509_check_issued(a.get(), cert) == X509_V_OK) return a.get();
  }
  return nullptr;
}

bool is_self_issued(X509* c) { return X509_check_issued(c, c) == X509_V_OK; }

// The revocation of the signer and of each intermediate up to (not including) a root, at
// `at`: fills `v`'s revocation fields and problems; whether every status came from the /DSS.
bool check_chain_revocation(X509* signer, STACK_OF(X509)* certs, const CmsContext& context, TimePoint at, bool chain_ok,
                            SignatureVerdict& v) {
  bool all_from_dss = true;
  X509* current = signer;
  for (int depth = 0; current && !is_self_issued(current) && depth < 8; ++depth) {
    X509* issuer = find_issuer(current, certs, context.anchors);
    const std::string who = subject_field(current, NID_commonName);
    if (!issuer) {
      all_from_dss = false;
      if (chain_ok) add(v, ProblemCode::revocation_unavailable, who + " : émetteur introuvable");
      break;
    }
    const auto r = check_revocation({current, issuer, at}, context.pool, context.anchors, certs,
                                    context.options.online_revocation, context.options.timeout);
    if (current == signer) {
      v.revocation = r.status;
      v.revocation_source = r.source;
    }
    if (!from_dss(r.source) || r.problem) all_from_dss = false;
    if (r.problem) add(v, *r.problem, who + (r.detail.empty() ? "" : " : " + r.detail));
    current = issuer;
  }
  return all_from_dss;
}

// The CMS's certificates and the /DSS's, for chain building and revocation.
X509StackPtr certificates_for(CMS_ContentInfo* cms, const CmsContext& context) {
  X509StackPtr certs(CMS_get1_certs(cms));
  if (!certs) certs.reset(sk_X509_new_null());
  for (const auto& c : context.pool.certificates) {
    X509_up_ref(c.get());
    sk_X509_push(certs.get(), c.get());
  }
  return certs;
}

bool is_revocation_problem(ProblemCode code) {
  return code == ProblemCode::certificate_revoked || code == ProblemCode::revocation_unknown ||
         code == ProblemCode::revocation_unavailable || code == ProblemCode::revocation_untrusted;
}

}  // namespace

Bytes digest_of_ranges(const Bytes& pdf, const std::vector<size_t>& br, const EVP_MD* md, const PrefixDigests* hashed) {
  if (hashed && EVP_MD_is_a(md, "SHA256")) {
    if (auto digest = hashed->of_byte_range(br)) return *std::move(digest);
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), md, nullptr);
  EVP_DigestUpdate(ctx.get(), pdf.data() + br[0], br[1]);
  EVP_DigestUpdate(ctx.get(), pdf.data() + br[2], br[3]);
  Bytes out(static_cast<size_t>(EVP_MD_get_size(md)));
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx.get(), out.data(), &n);
  return out;
}

void validate_document_timestamp(const Bytes& token_der, const Bytes& pdf, const std::vector<size_t>& byte_range,
                                 const CmsContext& context, SignatureVerdict& v) {
  const auto token = verify_token(token_der, digest_of_ranges(pdf, byte_range, EVP_sha256(), context.hashed), context.anchors);
  v.signer = token.authority;
  v.timestamp_present = true;
  v.timestamp_time = token.time;
  v.intact = token.imprint_matches;
  v.timestamp_valid = token.valid;
  v.signature_valid = token.valid;
  v.chain_trusted = token.valid;
  if (!token.readable) {
    add(v, ProblemCode::contents_unreadable, token.detail);
  } else if (!token.imprint_matches) {
    add(v, ProblemCode::digest_mismatch, token.detail);
  } else if (token.problem) {
    add(v, *token.problem, token.detail);
  }
}

CmsFindings validate_signature_cms(const Bytes& cms_der, const Bytes& pdf, const std::vector<size_t>& br,
                                   const CmsContext& context, SignatureVerdict& v) {
  CmsFindings findings;
  auto cms = parse_cms(cms_der);
  if (!cms) {
    add(v, ProblemCode::cms_unreadable);
    return findings;
  }
  STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms->get());
  if (!signers || sk_CMS_SignerInfo_num(signers) != 1) {
    add(v, ProblemCode::cms_signer_count);
    return findings;
  }
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(signers, 0);
  X509StackPtr certs = certificates_for(cms->get(), context);
  CMS_set1_signers_certs(cms->get(), certs.get(), 0);
  X509* signer = nullptr;
  X509_ALGOR* digest_algorithm = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, &signer, &digest_algorithm, nullptr);
  if (!signer) {
    add(v, ProblemCode::signer_certificate_missing);
    return findings;
  }
  v.signer = subject_field(signer, NID_commonName);
  v.organisation = subject_field(signer, NID_organizationName);
  v.certificate = der_of(signer);

  // Intact: the message-digest attribute equals the digest of the signed bytes.
  const EVP_MD* md = EVP_get_digestbyobj(digest_algorithm ? digest_algorithm->algorithm : nullptr);
  if (!md) md = EVP_sha256();
  const Bytes digest = digest_of_ranges(pdf, br, md, context.hashed);
  const int index = CMS_signed_get_attr_by_NID(si, NID_pkcs9_messageDigest, -1);
  ASN1_TYPE* value = index >= 0 ? X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, index), 0) : nullptr;
  v.intact = value && value->type == V_ASN1_OCTET_STRING && octets(value->value.octet_string) == digest;
  if (!v.intact) add(v, ProblemCode::digest_mismatch);
  v.signature_valid = CMS_SignerInfo_verify(si) == 1;
  ERR_clear_error();
  if (!v.signature_valid) add(v, ProblemCode::signature_value_invalid);

  // Signature timestamp over the signature value (B-T).
  const int ts_index = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
  if (ts_index >= 0) {
    v.timestamp_present = true;
    ASN1_TYPE* t = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, ts_index), 0);
    if (t && t->type == V_ASN1_SEQUENCE) {
      const auto token = verify_token(octets(t->value.sequence), sha256(signature_value_of(si)), context.anchors);
      v.timestamp_valid = token.valid;
      v.timestamp_time = token.time;
      if (token.problem) add(v, *token.problem, "horodatage de signature : " + token.detail);
    } else {
      add(v, ProblemCode::timestamp_invalid, "horodatage de signature illisible");
    }
  }
  const TimePoint at = v.timestamp_valid && v.timestamp_time ? *v.timestamp_time
                                                             : v.claimed_time.value_or(std::chrono::system_clock::now());
  const auto chain = verify_chain(signer, certs.get(), context.anchors, at);
  v.chain_trusted = !chain.problem;
  v.chain_problem = chain.reason;
  v.trust_anchor_sha256 = chain.anchor_sha256;
  if (chain.problem) add(v, *chain.problem, chain.reason);

  findings.revocation_all_from_dss = check_chain_revocation(signer, certs.get(), context, at, !chain.problem, v);

  const bool cades = v.subfilter == "ETSI.CAdES.detached";
  const bool has_signing_cert_v2 = CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1) >= 0;
  const bool has_signing_time = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) >= 0;
  findings.baseline_attributes = cades && has_signing_cert_v2 && !has_signing_time;
  if (!cades) add(v, ProblemCode::not_pades, "SubFilter " + v.subfilter);
  return findings;
}

bool revalidate_revocation(const Bytes& cms_der, const CmsContext& context, SignatureVerdict& v) {
  auto cms = parse_cms(cms_der);
  if (!cms) return false;
  STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms->get());
  if (!signers || sk_CMS_SignerInfo_num(signers) != 1) return false;
  X509StackPtr certs = certificates_for(cms->get(), context);
  CMS_set1_signers_certs(cms->get(), certs.get(), 0);
  X509* signer = nullptr;
  CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(signers, 0), nullptr, &signer, nullptr, nullptr);
  if (!signer) return false;
  // The earlier revocation findings give way to the new ones, in the place a whole
  // verification puts them: after the chain's, before the format's and the changes'.
  std::vector<Problem> before, after;
  bool past_revocation = false;
  for (auto& p : v.problems) {
    if (is_revocation_problem(p.code)) {
      past_revocation = true;
      continue;
    }
    const bool late = p.code == ProblemCode::not_pades || p.code == ProblemCode::change_forbidden ||
                      p.code == ProblemCode::field_locked_changed || p.code == ProblemCode::changes_unreadable;
    (past_revocation || late ? after : before).push_back(std::move(p));
  }
  v.problems = std::move(before);
  v.revocation = RevocationStatus::not_checked;
  v.revocation_source = RevocationSource::none;
  const TimePoint at = v.timestamp_valid && v.timestamp_time ? *v.timestamp_time
                                                             : v.claimed_time.value_or(std::chrono::system_clock::now());
  const bool all_from_dss = check_chain_revocation(signer, certs.get(), context, at, v.chain_trusted, v);
  v.problems.insert(v.problems.end(), std::make_move_iterator(after.begin()), std::make_move_iterator(after.end()));
  ERR_clear_error();
  return all_from_dss;
}

}  // namespace ipt::signing::detail
