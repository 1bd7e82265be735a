#pragma once
// RFC 3161: a TimeStampReq (DER) in, a TimeStampResp (DER) out. No transport here.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/localpki/pki.hpp"

namespace ipt::localpki::detail {

struct TimestampParameters {
  std::string policy_oid;
  std::chrono::milliseconds accuracy{1000};
  Clock::time_point time;
  std::uint64_t serial = 1;
};

struct TimestampReply {
  std::string der;
  bool granted = false;  // a token was issued (status granted or grantedWithMods)
};

// A reply for every query, including malformed ones (status "rejection" with a failure
// info, as RFC 3161 requires); an error only when OpenSSL cannot build any reply.
core::Result<TimestampReply> make_timestamp_reply(std::string_view query_der, const Credential& tsa,
                                               const std::vector<X509*>& extra_certs,
                                               const TimestampParameters& parameters);

}  // namespace ipt::localpki::detail
