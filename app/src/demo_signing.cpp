#include "demo_signing.hpp"

#include <fstream>

#include "ipt/localpki/trust_services.hpp"
#include "ipt/signing/key_source.hpp"
#include "ipt/signing/pades.hpp"

namespace ipt::app {

namespace {

localpki::Role pki_role(core::Role role) {
  switch (role) {
    case core::Role::pole: return localpki::Role::pole;
    case core::Role::ecole_ordinaire: return localpki::Role::ecole_ordinaire;
    case core::Role::cpms: return localpki::Role::cpms;
    case core::Role::responsable: return localpki::Role::responsable;
  }
  return localpki::Role::pole;
}

// The demo's PKCS#12 files are protected by this password, kept in a file beside them, as a
// real deployment would keep it (never on a command line).
constexpr const char* demo_password = "démonstration";

}  // namespace

struct DemoSigning::Impl {
  std::filesystem::path pki_dir;
  std::filesystem::path root_pem;
  std::unique_ptr<localpki::TrustServices> services;
};

DemoSigning::DemoSigning(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DemoSigning::~DemoSigning() = default;

core::Result<std::unique_ptr<DemoSigning>> DemoSigning::start(const std::filesystem::path& dir) {
  auto impl = std::make_unique<Impl>();
  impl->pki_dir = dir / "pki";
  const bool first_run = !std::filesystem::exists(impl->pki_dir / "manifest.txt");
  core::Result<std::unique_ptr<localpki::TrustServices>> services = core::fail("");
  if (first_run) {
    services = localpki::TrustServices::start(localpki::PkiRecipe{});
    if (!services) return std::unexpected(services.error().with_context("PKI de démonstration"));
    if (auto ok = (*services)->pki().save(impl->pki_dir); !ok) return std::unexpected(ok.error());
  } else {
    auto pki = localpki::Pki::load(impl->pki_dir);
    if (!pki) return std::unexpected(pki.error().with_context("PKI de démonstration (supprimez " + impl->pki_dir.string() + " pour la recréer)"));
    services = localpki::TrustServices::start(*std::move(pki));
    if (!services) return std::unexpected(services.error().with_context("PKI de démonstration (supprimez " + impl->pki_dir.string() + " pour la recréer)"));
  }
  impl->services = *std::move(services);
  const auto& pki = impl->services->pki();
  for (auto role : localpki::all_roles) {
    const auto p12 = impl->pki_dir / (std::string(localpki::role_id(role)) + ".p12");
    if (!std::filesystem::exists(p12)) {
      if (auto ok = pki.write_pkcs12(p12, role, demo_password); !ok) return std::unexpected(ok.error());
    }
  }
  std::ofstream(impl->pki_dir / "mot-de-passe.txt") << demo_password << "\n";
  impl->root_pem = impl->pki_dir / "racine.pem";
  std::ofstream(impl->root_pem) << pki.root().certificate_pem();
  return std::unique_ptr<DemoSigning>(new DemoSigning(std::move(impl)));
}

core::Result<signing::Bytes> DemoSigning::sign(const core::Dossier& dossier, const core::DocumentPlan& document,
                                               const signing::Bytes& pdf) const {
  signing::Bytes current = pdf;
  signing::HttpTimestampClient tsa(impl_->services->timestamps().url());
  const std::vector<signing::Bytes> anchors{impl_->services->pki().root().certificate_der()};
  bool first = true;
  for (const auto& step : document.signatures) {
    const auto p12 = impl_->pki_dir / (std::string(localpki::role_id(pki_role(step.role))) + ".p12");
    auto key = signing::load_pkcs12(p12, demo_password);
    if (!key) return std::unexpected(key.error());
    signing::SignatureOptions options;
    options.field = step.field;
    options.level = signing::Level::b_t;
    options.certify = first;
    options.reason = step.avis ? "Avis du CPMS" : "Accord sur le document";
    const bool has_opinion = document.document == core::Document::annexe_2c || document.document == core::Document::annexe_4;
    if (step.role == core::Role::cpms && has_opinion) {
      const bool unfavourable = dossier.cpms.avis == core::AvisCpms::defavorable;
      options.fills.push_back({"avis_cpms", unfavourable ? "defavorable" : "favorable"});
    }
    auto signed_pdf = signing::sign_pdf(current, options, **key, &tsa, anchors);
    if (!signed_pdf) return std::unexpected(signed_pdf.error().with_context(step.field));
    current = *std::move(signed_pdf);
    first = false;
  }
  return current;
}

core::Result<signing::VerificationReport> DemoSigning::verify(const signing::Bytes& pdf) const {
  signing::VerifyOptions options;
  options.trust_anchors = {impl_->services->pki().root().certificate_der()};
  return signing::verify_pdf(pdf, options);
}

std::string DemoSigning::timestamp_url() const { return impl_->services->timestamps().url(); }
const std::filesystem::path& DemoSigning::root_certificate() const { return impl_->root_pem; }

}  // namespace ipt::app
