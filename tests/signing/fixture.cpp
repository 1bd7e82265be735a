#include "fixture.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

#include "ipt/core/dossier_fields.hpp"
#include "ipt/signing/key_source.hpp"
#include "ipt/templates/renderer.hpp"
#include "support/dossier_xml.hpp"
#include "support/must.hpp"
#include "support/process.hpp"

// Last: PoDoFo's headers define macros that break headers included after them.
#include <podofo/podofo.h>

namespace ipt::test {

namespace {

Bytes render_annexe_4(int pdfa_part) {
  const auto dossier = example_dossier("c-fin-integration");
  const auto fields = core::dossier_fields(dossier, core::SchoolCalendar::official());
  auto set = must(templates::TemplateSet::load_embedded(), "templates");
  auto renderer = must(templates::Renderer::create(std::move(set)), "renderer");
  templates::RenderOptions options;
  options.pdfa_part = pdfa_part;
  auto pdf = must(renderer.render_document(core::Document::annexe_4, fields, options), "render");
  return Bytes(pdf.begin(), pdf.end());
}

SigningWorld* make_world() {
  auto* w = new SigningWorld();
  localpki::PkiRecipe recipe;
  // One role with RSA-2048, the others ECDSA P-256: both must verify everywhere.
  recipe.signers[localpki::Role::pole].key_type = localpki::KeyType::rsa_2048;
  recipe.defective = {{localpki::Role::cpms, localpki::Defect::expired},
                      {localpki::Role::cpms, localpki::Defect::no_digital_signature}};
  w->services = must(localpki::TrustServices::start(recipe), "trust services");
  const auto& pki = w->services->pki();
  for (const auto& c : pki.credentials()) {
    if (c.kind() == localpki::CredentialKind::signer || c.kind() == localpki::CredentialKind::timestamp_authority) must(pki.write_pkcs12(w->p12(c.id()), c.id(), "mot de passe"), "p12");
  }
  w->password_file = w->dir / "mot-de-passe.txt";
  std::ofstream(w->password_file) << "mot de passe\n";
  w->root_pem = w->dir / "root.pem";
  std::ofstream(w->root_pem) << pki.root().certificate_pem();
  w->nss_dir = w->dir / "nss";
  std::filesystem::create_directory(w->nss_dir);
  if (run_process({IPT_CERTUTIL, "-N", "--empty-password", "-d", w->nss_dir.string()}).status != 0 ||
      run_process({IPT_CERTUTIL, "-A", "-d", w->nss_dir.string(), "-n", "racine", "-t", "CT,C,C", "-i",
                   w->root_pem.string()}).status != 0) {
    throw std::runtime_error("certutil failed");
  }
  w->annexe_4 = render_annexe_4(2);
  w->annexe_4_pdfa1b = render_annexe_4(1);
  return w;
}

}  // namespace

SigningWorld& world() {
  static std::unique_ptr<SigningWorld> instance(make_world());
  return *instance;
}

std::vector<Bytes> SigningWorld::trust() const {
  return {services->pki().root().certificate_der()};
}

signing::VerifyOptions SigningWorld::verify_options() const {
  signing::VerifyOptions o;
  o.trust_anchors = trust();
  o.timeout = std::chrono::seconds(5);
  return o;
}

const std::vector<Step>& signing_steps() {
  static const std::vector<Step> steps = {
      {"pole", "sig_pole", {}},
      {"ecole-ordinaire", "sig_ecole_ordinaire", {}},
      {"cpms", "sig_cpms", {{"avis_cpms", "favorable"}}},
      {"responsable", "sig_responsable", {}},
  };
  return steps;
}

core::Result<Bytes> sign_as(const Bytes& pdf, const std::string& credential, signing::SignatureOptions options) {
  IPT_TRY(key, signing::load_pkcs12(world().p12(credential), "mot de passe"));
  // One client for the program, as a batch keeps one: after its first token, every signature
  // reserves room for the CMS it will hold rather than for the worst case.
  static signing::HttpTimestampClient tsa(world().services->timestamps().url(), std::chrono::seconds(5));
  return signing::sign_pdf(pdf, options, **key, &tsa, world().trust());
}

Bytes sign_by_all(const Bytes& pdf, signing::Level level) {
  Bytes current = pdf;
  bool first = true;
  for (const auto& step : signing_steps()) {
    signing::SignatureOptions options;
    options.field = step.field;
    options.level = level;
    options.certify = first;
    options.fills = step.fills;
    options.reason = "Accord des partenaires";
    options.lock_all = &step == &signing_steps().back();  // the last signature closes the form
    current = must(sign_as(current, step.credential, options), step.field.c_str());
    first = false;
  }
  return current;
}

std::string pdfsig(const std::filesystem::path& pdf) {
  const auto r = run_process({IPT_PDFSIG, "-nssdir", world().nss_dir.string(), pdf.string()});
  return r.out + r.err;
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

std::filesystem::path write_temp(const std::string& name, const Bytes& bytes) {
  const auto path = world().dir / name;
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
  return path;
}

Bytes update_with(const Bytes& pdf, const std::function<void(PoDoFo::PdfMemDocument&)>& change) {
  using namespace PoDoFo;
  PdfMemDocument doc;
  doc.LoadFromBuffer(reinterpret_cast<const char*>(pdf.data()), static_cast<long>(pdf.size()), true);
  change(doc);
  doc.SetWriteMode(ePdfWriteMode_Clean);
  PdfRefCountedBuffer buffer;
  PdfOutputDevice device(&buffer);
  doc.WriteUpdate(&device, true);
  return Bytes(buffer.GetBuffer(), buffer.GetBuffer() + device.GetLength());
}

}  // namespace ipt::test
