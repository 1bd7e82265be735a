#pragma once
// The HTTP that carries RFC 3161 and OCSP messages, over libcurl (private to signing).
#include <chrono>
#include <string>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::signing::detail {

// POSTs `body` with `content_type`; returns the response body of a 2xx answer. Redirects are
// not followed; responses over `max_response` bytes are refused.
core::Result<Bytes> http_post(const std::string& url, const std::string& content_type, const Bytes& body,
                              std::chrono::milliseconds timeout, size_t max_response = 4u << 20);
core::Result<Bytes> http_get(const std::string& url, std::chrono::milliseconds timeout,
                             size_t max_response = 16u << 20);

}  // namespace ipt::signing::detail
