#include "openssl_util.hpp"

#include <openssl/bn.h>
#include <openssl/err.h>

namespace ipt::localpki::detail {

std::string openssl_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text;
}

std::unexpected<core::Error> openssl_failure(std::string what) {
  const std::string errors = openssl_errors();
  if (!errors.empty()) what += " (OpenSSL : " + errors + ")";
  return core::fail(std::move(what));
}

std::time_t to_time_t(Clock::time_point t) { return Clock::to_time_t(t); }

X509StackPtr make_stack(const std::vector<X509*>& certs) {
  X509StackPtr stack(sk_X509_new_null());
  if (!stack) return stack;
  for (X509* cert : certs) {
    if (X509_up_ref(cert) != 1) return {};
    if (sk_X509_push(stack.get(), cert) <= 0) {
      X509_free(cert);
      return {};
    }
  }
  return stack;
}

std::string serial_hex(const ASN1_INTEGER* serial) {
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return {};
  char* hex = BN_bn2hex(bn.get());
  if (!hex) return {};
  std::string text(hex);
  OPENSSL_free(hex);
  return text;
}

Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
std::string to_string(const Bytes& b) { return std::string(b.begin(), b.end()); }

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  if (size <= 0 || !data) return {};
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace ipt::localpki::detail
