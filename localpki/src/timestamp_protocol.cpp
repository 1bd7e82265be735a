#include "timestamp_protocol.hpp"

#include <openssl/objects.h>

#include "openssl_util.hpp"

namespace ipt::localpki::detail {

namespace {

// TS_RESP_CTX asks callbacks for the time and the serial number: both come from us, so
// the clock stays injectable and the serials predictable.
int time_callback(TS_RESP_CTX*, void* data, long* seconds, long* microseconds) {
  const auto* p = static_cast<const TimestampParameters*>(data);
  const auto since_epoch = p->time.time_since_epoch();
  const auto whole = std::chrono::floor<std::chrono::seconds>(since_epoch);
  *seconds = static_cast<long>(whole.count());
  *microseconds = static_cast<long>(std::chrono::duration_cast<std::chrono::microseconds>(since_epoch - whole).count());
  return 1;
}

ASN1_INTEGER* serial_callback(TS_RESP_CTX* ctx, void* data) {
  const auto* p = static_cast<const TimestampParameters*>(data);
  ASN1_INTEGER* serial = ASN1_INTEGER_new();
  if (!serial || ASN1_INTEGER_set_uint64(serial, p->serial) != 1) {
    ASN1_INTEGER_free(serial);
    TS_RESP_CTX_set_status_info(ctx, TS_STATUS_REJECTION, "Error during serial number generation.");
    TS_RESP_CTX_add_failure_info(ctx, TS_INFO_ADD_INFO_NOT_AVAILABLE);
    return nullptr;
  }
  return serial;
}

}  // namespace

core::Result<TimestampReply> make_timestamp_reply(std::string_view query_der, const Credential& tsa,
                                               const std::vector<X509*>& extra_certs,
                                               const TimestampParameters& parameters) {
  TsRespCtxPtr ctx(TS_RESP_CTX_new());
  Asn1ObjectPtr policy(OBJ_txt2obj(parameters.policy_oid.c_str(), 1));
  if (!ctx || !policy) return openssl_failure("horodatage : contexte impossible");
  auto certs = make_stack(extra_certs);
  const auto ms = parameters.accuracy.count();
  if (!certs || TS_RESP_CTX_set_signer_cert(ctx.get(), tsa.certificate()) != 1 ||
      TS_RESP_CTX_set_signer_key(ctx.get(), tsa.private_key()) != 1 ||
      TS_RESP_CTX_set_signer_digest(ctx.get(), EVP_sha256()) != 1 ||
      TS_RESP_CTX_set_ess_cert_id_digest(ctx.get(), EVP_sha256()) != 1 ||
      TS_RESP_CTX_set_def_policy(ctx.get(), policy.get()) != 1 ||
      TS_RESP_CTX_set_certs(ctx.get(), certs.get()) != 1 ||
      TS_RESP_CTX_add_md(ctx.get(), EVP_sha256()) != 1 || TS_RESP_CTX_add_md(ctx.get(), EVP_sha384()) != 1 ||
      TS_RESP_CTX_add_md(ctx.get(), EVP_sha512()) != 1 ||
      TS_RESP_CTX_set_accuracy(ctx.get(), static_cast<int>(ms / 1000), static_cast<int>(ms % 1000), 0) != 1) {
    return openssl_failure("horodatage : configuration refusée");
  }
  // The TSA's name in the token (GeneralName), as most public TSAs do.
  TS_RESP_CTX_add_flags(ctx.get(), TS_TSA_NAME);
  // OpenSSL takes non-const user data; the callbacks only read it.
  auto* data = const_cast<TimestampParameters*>(&parameters);
  TS_RESP_CTX_set_time_cb(ctx.get(), time_callback, data);
  TS_RESP_CTX_set_serial_cb(ctx.get(), serial_callback, data);

  BioPtr query(BIO_new_mem_buf(query_der.data(), static_cast<int>(query_der.size())));
  if (!query) return openssl_failure("horodatage : mémoire insuffisante");
  TsRespPtr response(TS_RESP_create_response(ctx.get(), query.get()));
  if (!response) return openssl_failure("horodatage : réponse impossible");
  unsigned char* der = nullptr;
  const int size = i2d_TS_RESP(response.get(), &der);
  if (size <= 0) return openssl_failure("horodatage : encodage impossible");
  TimestampReply reply;
  reply.der.assign(reinterpret_cast<const char*>(der), static_cast<size_t>(size));
  OPENSSL_free(der);
  const long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(response.get())));
  reply.granted = status == TS_STATUS_GRANTED || status == TS_STATUS_GRANTED_WITH_MODS;
  return reply;
}

}  // namespace ipt::localpki::detail
