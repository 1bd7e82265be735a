#include "ipt/signing/timestamp_client.hpp"

#include <openssl/rand.h>

#include <algorithm>

#include "http_client.hpp"
#include "openssl_util.hpp"
#include "signed_data_certificates.hpp"

namespace ipt::signing {

using namespace detail;

namespace {

// What a TimeStampResp says: its status granted, its token (the bytes the authority wrote)
// and the token's TSTInfo. The token is decoded with its certificates from the process's
// cache (parse_pkcs7); a reply of another shape is decoded whole by OpenSSL.
struct Answer {
  Bytes token;
  Handle<TS_TST_INFO, TS_TST_INFO_free> info;
};

core::Result<Answer> read_response(const Bytes& reply, const std::string& where) {
  long code = -1;
  Answer answer;
  if (const auto parts = split_timestamp_response(reply)) {
    const unsigned char* p = parts->status.data();
    Handle<TS_STATUS_INFO, TS_STATUS_INFO_free> status(d2i_TS_STATUS_INFO(nullptr, &p, static_cast<long>(parts->status.size())));
    auto token = parse_pkcs7(parts->token);
    if (status && token) {
      code = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(status.get()));
      answer.info.reset(PKCS7_to_TS_TST_INFO(token->get()));
      answer.token = parts->token;
    }
  }
  if (!answer.info) {
    const unsigned char* p = reply.data();
    TsRespPtr response(d2i_TS_RESP(nullptr, &p, static_cast<long>(reply.size())));
    if (!response) return core::fail(core::Category::external_service, where + " : réponse illisible");
    code = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(response.get())));
    if (PKCS7* token = TS_RESP_get_token(response.get())) {
      unsigned char* der = nullptr;
      const int length = i2d_PKCS7(token, &der);
      if (length > 0) answer.token.assign(der, der + length);
      OPENSSL_free(der);
      if (TS_TST_INFO* info = TS_RESP_get_tst_info(response.get())) answer.info.reset(TS_TST_INFO_dup(info));
    }
  }
  ERR_clear_error();
  // The reply must answer this request: status granted (then the same nonce and imprint).
  if (code != 0 && code != 1) {
    return core::fail(core::Category::external_service, where + " : demande refusée par l’autorité (statut " + std::to_string(code) + ")");
  }
  if (answer.token.empty() || !answer.info) return core::fail(core::Category::external_service, where + " : réponse sans jeton");
  return answer;
}

}  // namespace

HttpTimestampClient::HttpTimestampClient(std::string url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout) {}

core::Result<Bytes> HttpTimestampClient::timestamp(const Bytes& digest) {
  const std::string where = "horodatage (" + url_ + ")";
  // The request: SHA-256 imprint, a random nonce, and the TSA's certificate asked for.
  TsReqPtr request(TS_REQ_new());
  TsMsgImprintPtr imprint(TS_MSG_IMPRINT_new());
  Handle<X509_ALGOR, X509_ALGOR_free> algorithm(X509_ALGOR_new());
  X509_ALGOR_set0(algorithm.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr);
  TS_MSG_IMPRINT_set_algo(imprint.get(), algorithm.get());
  TS_MSG_IMPRINT_set_msg(imprint.get(), const_cast<unsigned char*>(digest.data()), static_cast<int>(digest.size()));
  TS_REQ_set_version(request.get(), 1);
  TS_REQ_set_msg_imprint(request.get(), imprint.get());
  unsigned char nonce_bytes[8];
  RAND_bytes(nonce_bytes, sizeof nonce_bytes);
  nonce_bytes[0] &= 0x7F;  // a positive INTEGER
  Handle<BIGNUM, BN_free> nonce_bn(BN_bin2bn(nonce_bytes, sizeof nonce_bytes, nullptr));
  Asn1IntegerPtr nonce(BN_to_ASN1_INTEGER(nonce_bn.get(), nullptr));
  TS_REQ_set_nonce(request.get(), nonce.get());
  TS_REQ_set_cert_req(request.get(), 1);
  unsigned char* der = nullptr;
  const int length = i2d_TS_REQ(request.get(), &der);
  if (length <= 0) return core::fail(where + " : requête impossible (" + openssl_errors() + ")");
  Bytes body(der, der + length);
  OPENSSL_free(der);

  auto reply = http_post(url_, "application/timestamp-query", body, timeout_);
  if (!reply) return std::unexpected(reply.error().with_context("horodatage"));
  IPT_TRY(answer, read_response(*reply, where));
  TS_TST_INFO* info = answer->info.get();
  const ASN1_INTEGER* echoed = TS_TST_INFO_get_nonce(info);
  const bool nonce_ok = echoed && ASN1_INTEGER_cmp(echoed, nonce.get()) == 0;
  if (!nonce_ok) return core::fail(core::Category::external_service, where + " : la réponse ne correspond pas à la demande (nonce)");
  TS_MSG_IMPRINT* answered = TS_TST_INFO_get_msg_imprint(info);
  ASN1_OCTET_STRING* answered_digest = TS_MSG_IMPRINT_get_msg(answered);
  if (!answered_digest || static_cast<size_t>(ASN1_STRING_length(answered_digest)) != digest.size() ||
      !std::equal(digest.begin(), digest.end(), ASN1_STRING_get0_data(answered_digest))) {
    return core::fail(core::Category::external_service, where + " : la réponse ne correspond pas à la demande (empreinte)");
  }
  largest_token_ = std::max(largest_token_.value_or(0), answer->token.size());
  return std::move(answer->token);
}

}  // namespace ipt::signing
