#pragma once
// The three pieces wired together, in the only order that works: start the OCSP/CRL
// responder (its URL must go into the certificates), make the Pki with that URL, serve it,
// then start the timestamp server. What a signing test or `ipt demo` needs in one call.
//
// Ownership: TrustServices owns both servers; destroying it stops them. Not movable (the
// servers hold threads), hence the unique_ptr.
#include <memory>

#include "ipt/core/result.hpp"
#include "ipt/localpki/ocsp_responder.hpp"
#include "ipt/localpki/pki.hpp"
#include "ipt/localpki/timestamp_server.hpp"

namespace ipt::localpki {

struct TrustServicesOptions {
  OcspResponderOptions revocation;  // .port is ignored for a Pki whose URLs name a port
  TimestampServerOptions timestamps;
};

class TrustServices {
 public:
  // Makes a fresh Pki; recipe.revocation_base_url is replaced by the responder's URL
  // (on options.revocation.port, 0 = a free one).
  static core::Result<std::unique_ptr<TrustServices>> start(PkiRecipe recipe, TrustServicesOptions options = {});
  // For a saved Pki (the demo): the responder listens on the port its certificates name,
  // and fails (French message) when that port is taken.
  static core::Result<std::unique_ptr<TrustServices>> start(Pki pki, TrustServicesOptions options = {});

  const Pki& pki() const { return pki_; }
  OcspResponder& revocation() { return *revocation_; }
  TimestampServer& timestamps() { return *timestamps_; }

 private:
  TrustServices(Pki pki, std::unique_ptr<OcspResponder> revocation, std::unique_ptr<TimestampServer> timestamps)
      : pki_(std::move(pki)), revocation_(std::move(revocation)), timestamps_(std::move(timestamps)) {}

  Pki pki_;
  std::unique_ptr<OcspResponder> revocation_;
  std::unique_ptr<TimestampServer> timestamps_;
};

}  // namespace ipt::localpki
