#pragma once
// OCSP (RFC 6960) replies and CRLs (RFC 5280) for a Pki, from a revocation list. No
// transport here.
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "ipt/core/result.hpp"
#include "ipt/localpki/ocsp_responder.hpp"
#include "ipt/localpki/pki.hpp"

namespace ipt::localpki::detail {

struct Revocation {
  Clock::time_point time;
  RevocationReason reason;
};
// (issuer id, serial hex) → revocation.
using RevocationList = std::map<std::pair<std::string, std::string>, Revocation>;

struct OcspParameters {
  Clock::time_point now;
  std::chrono::seconds validity;
};

// An OCSPResponse (DER) for every input: malformed requests get "malformedRequest",
// requests about a foreign CA "unauthorized"; an error only when OpenSSL fails.
core::Result<std::string> make_ocsp_reply(std::string_view request_der, const Pki& pki,
                                          const RevocationList& revoked, const OcspParameters& parameters);
// "tryLater", for a responder that has no Pki yet.
std::string make_ocsp_try_later();

core::Result<std::string> make_crl(const Credential& ca, const RevocationList& revoked,
                                   Clock::time_point now, std::chrono::seconds validity, std::uint64_t number);

}  // namespace ipt::localpki::detail
