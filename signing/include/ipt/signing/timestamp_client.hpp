#pragma once
// RFC 3161 timestamps: the protocol (request and reply) apart from the HTTP that carries it.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::signing {

// Obtains a timestamp token (DER ContentInfo) over a SHA-256 digest.
class TimestampSource {
 public:
  virtual ~TimestampSource() = default;
  virtual core::Result<Bytes> timestamp(const Bytes& sha256_digest) = 0;
  // The size of the largest token this source has returned so far, if any. A signature
  // reserves room in the document for a token like it instead of for the worst case.
  virtual std::optional<size_t> largest_token() const { return std::nullopt; }
};

// A timestamp authority reached over HTTP (POST application/timestamp-query), with a nonce,
// asking for its certificate. Fails when the server does not answer within `timeout`,
// answers with an HTTP error, or rejects the request, or when the reply does not match the
// request (imprint, nonce).
class HttpTimestampClient final : public TimestampSource {
 public:
  explicit HttpTimestampClient(std::string url, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  core::Result<Bytes> timestamp(const Bytes& sha256_digest) override;
  std::optional<size_t> largest_token() const override { return largest_token_; }
  const std::string& url() const { return url_; }

 private:
  std::string url_;
  std::chrono::milliseconds timeout_;
  std::optional<size_t> largest_token_;
};

}  // namespace ipt::signing
