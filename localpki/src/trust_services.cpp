#include "ipt/localpki/trust_services.hpp"

namespace ipt::localpki {

namespace {

core::Result<std::unique_ptr<TimestampServer>> start_timestamps(const Pki& pki, TimestampServerOptions options) {
  auto server = std::make_unique<TimestampServer>(pki, std::move(options));
  IPT_TRY_VOID(server->start());
  return server;
}

}  // namespace

core::Result<std::unique_ptr<TrustServices>> TrustServices::start(PkiRecipe recipe, TrustServicesOptions options) {
  auto revocation = std::make_unique<OcspResponder>(options.revocation);
  IPT_TRY_VOID(revocation->start());
  recipe.revocation_base_url = revocation->url();
  IPT_TRY(pki, Pki::make(recipe));
  revocation->serve(*pki);
  IPT_TRY(timestamps, start_timestamps(*pki, std::move(options.timestamps)));
  return std::unique_ptr<TrustServices>(new TrustServices(std::move(*pki), std::move(revocation), std::move(*timestamps)));
}

core::Result<std::unique_ptr<TrustServices>> TrustServices::start(Pki pki, TrustServicesOptions options) {
  if (!pki.revocation_base_url().empty()) {
    const auto port = parse_loopback_port(pki.revocation_base_url());
    if (!port) {
      return core::fail(core::Category::invalid_input, "PKI de test : URL de révocation « " + pki.revocation_base_url() +
                        " » non locale (http://127.0.0.1:PORT attendu)");
    }
    options.revocation.port = *port;
  }
  auto revocation = std::make_unique<OcspResponder>(pki, options.revocation);
  IPT_TRY_VOID(revocation->start());
  IPT_TRY(timestamps, start_timestamps(pki, std::move(options.timestamps)));
  return std::unique_ptr<TrustServices>(new TrustServices(std::move(pki), std::move(revocation), std::move(*timestamps)));
}

}  // namespace ipt::localpki
