#pragma once
// How a loopback service answers, so tests can see what the signer does when a timestamp
// or revocation service misbehaves.

namespace ipt::localpki {

enum class ServiceBehaviour {
  answer,     // normal protocol replies
  http_500,   // every request gets "500 Internal Server Error", empty body
  hang,       // requests are held without a reply until the behaviour changes or the
              // service stops (at most 60 s), then the connection is closed with a 503
};

}  // namespace ipt::localpki
