#pragma once
// OpenSSL handles held in unique_ptr, and translation of OpenSSL's error queue into text
// for our French error messages. Private to localpki.
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pkcs12.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include <chrono>
#include <expected>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

#include "ipt/core/openssl_handles.hpp"
#include "ipt/localpki/pki.hpp"

namespace ipt::localpki::detail {

// The handle types (X509Ptr, EvpPkeyPtr, ..., Handle<T, free>) are core's, shared with signing.
using namespace core::openssl;  // NOLINT(google-build-using-namespace): private header

// Drains OpenSSL's error queue into one line ("" when empty). Never contains key material.
std::string openssl_errors();
// `what` + the OpenSSL errors, as a failure.
std::unexpected<core::Error> openssl_failure(std::string what);

std::time_t to_time_t(Clock::time_point t);
// A stack holding new references to `certs`.
X509StackPtr make_stack(const std::vector<X509*>& certs);
// "3F0A..." (upper-case hex) of an ASN1_INTEGER.
std::string serial_hex(const ASN1_INTEGER* serial);
Bytes to_bytes(std::string_view s);
std::string to_string(const Bytes& b);
// The bytes a memory BIO holds.
std::string bio_text(BIO* bio);

}  // namespace ipt::localpki::detail
