#include "demo_signing.hpp"

#include <fstream>

#include <algorithm>

#include "ipt/localpki/dossier_people.hpp"
#include "ipt/localpki/trust_services.hpp"
#include "ipt/signing/certificates.hpp"
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

constexpr const char* seal_id = "cachet-pole";

localpki::NamedSigner demo_seal() {
  localpki::Person seal;
  seal.common_name = "Cachet du pôle territorial (démonstration)";
  seal.organisation = "Pôle territorial (démonstration)";
  return {seal_id, localpki::Role::pole, seal};
}

}  // namespace

struct DemoSigning::Impl {
  std::filesystem::path pki_dir;
  std::filesystem::path root_pem;
  std::unique_ptr<localpki::TrustServices> services;
  // Opened keys by PKCS#12 file, in this process (a worker forked from the demo starts with
  // none of its own: the map is copied empty when the demo forks before any signature).
  std::map<std::filesystem::path, std::unique_ptr<signing::KeySource>> keys;

  core::Result<signing::KeySource*> key(const std::filesystem::path& p12) {
    if (auto it = keys.find(p12); it != keys.end()) return it->second.get();
    IPT_TRY(opened, signing::load_pkcs12(p12, demo_password));
    return keys.emplace(p12, std::move(*opened)).first->second.get();
  }
};

DemoSigning::DemoSigning(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DemoSigning::~DemoSigning() = default;

core::Result<std::unique_ptr<DemoSigning>> DemoSigning::start(const std::filesystem::path& dir,
                                                              const std::vector<core::Dossier>& dossiers) {
  auto impl = std::make_unique<Impl>();
  impl->pki_dir = dir / "pki";
  localpki::PkiRecipe recipe;
  for (const auto& d : dossiers) {
    for (auto& named : localpki::named_signers_of(d)) recipe.people.push_back(std::move(named));
  }
  recipe.people.push_back(demo_seal());
  std::optional<localpki::Pki> saved;
  if (std::filesystem::exists(impl->pki_dir / "manifest.txt")) {
    auto pki = localpki::Pki::load(impl->pki_dir);
    if (!pki) return std::unexpected(pki.error().with_context("PKI de démonstration (supprimez " + impl->pki_dir.string() + " pour la recréer)"));
    // Kept only while it still names every planned signatory.
    const bool complete = std::all_of(recipe.people.begin(), recipe.people.end(), [&](const auto& p) { return pki->find(p.id); });
    if (complete) saved = *std::move(pki);
  }
  core::Result<std::unique_ptr<localpki::TrustServices>> services = core::fail("");
  if (!saved) {
    std::error_code ec;
    std::filesystem::remove_all(impl->pki_dir, ec);
    services = localpki::TrustServices::start(recipe);
    if (!services) return std::unexpected(services.error().with_context("PKI de démonstration"));
    IPT_TRY_VOID((*services)->pki().save(impl->pki_dir));
  } else {
    services = localpki::TrustServices::start(*std::move(saved));
    if (!services) return std::unexpected(services.error().with_context("PKI de démonstration (supprimez " + impl->pki_dir.string() + " pour la recréer)"));
  }
  impl->services = *std::move(services);
  const auto& pki = impl->services->pki();
  for (const auto& person : recipe.people) {
    const auto p12 = impl->pki_dir / (person.id + ".p12");
    if (!std::filesystem::exists(p12)) {
      IPT_TRY_VOID(pki.write_pkcs12(p12, person.id, demo_password));
    }
  }
  std::ofstream(impl->pki_dir / "mot-de-passe.txt") << demo_password << "\n";
  impl->root_pem = impl->pki_dir / "racine.pem";
  std::ofstream(impl->root_pem) << pki.root().certificate_pem();
  return std::unique_ptr<DemoSigning>(new DemoSigning(std::move(impl)));
}

core::Result<signing::KeySource*> DemoSigning::key_for(const core::Dossier& dossier, const core::SignatureStep& step) const {
  return impl_->key(impl_->pki_dir / (localpki::signer_id(dossier.reference, pki_role(step.role)) + ".p12"));
}

std::vector<signing::Bytes> DemoSigning::trust() const { return {impl_->services->pki().root().certificate_der()}; }

core::Result<signing::KeySource*> DemoSigning::seal() const { return impl_->key(impl_->pki_dir / (std::string(seal_id) + ".p12")); }

std::vector<pipeline::ConfiguredSeal> DemoSigning::seals() const {
  const auto* seal = impl_->services->pki().find(seal_id);
  if (!seal) return {};
  auto identity = signing::describe_certificate(seal->certificate_der());
  if (!identity) return {};
  return {{core::Role::pole, identity->sha256, std::nullopt}};
}

std::string DemoSigning::timestamp_url() const { return impl_->services->timestamps().url(); }
const std::filesystem::path& DemoSigning::root_certificate() const { return impl_->root_pem; }

}  // namespace ipt::app
