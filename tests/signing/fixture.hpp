#pragma once
// What every signing test needs, made once per test program: a test PKI with its OCSP
// responder and timestamp server on 127.0.0.1, each role's PKCS#12, an NSS database trusting
// the root (for pdfsig), and Annexe 4 rendered from the C example.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ipt/localpki/trust_services.hpp"
#include "ipt/signing/bytes.hpp"
#include "ipt/signing/pades.hpp"
#include "ipt/signing/verifier.hpp"
#include "support/temp_dir.hpp"

namespace PoDoFo {
class PdfMemDocument;
}

namespace ipt::test {

using signing::Bytes;

struct SigningWorld {
  std::unique_ptr<localpki::TrustServices> services;
  TempDir dir;
  std::filesystem::path nss_dir;
  std::filesystem::path root_pem;
  std::filesystem::path password_file;  // holds "mot de passe"
  Bytes annexe_4;                        // PDF/A-2u, four empty signature fields
  Bytes annexe_4_pdfa1b;

  std::filesystem::path p12(const std::string& credential_id) const { return dir / (credential_id + ".p12"); }
  std::vector<Bytes> trust() const;
  signing::VerifyOptions verify_options() const;
};

// Made on first use, shared by the tests of the program, stopped at exit.
SigningWorld& world();

// The four roles' fields in signing order, and what each fills.
struct Step {
  std::string credential;  // localpki id: "pole", "ecole-ordinaire", "cpms", "responsable"
  std::string field;
  std::vector<signing::FieldFill> fills;
};
const std::vector<Step>& signing_steps();

// Signs `pdf` in turn by every role at `level` (the pole certifies).
Bytes sign_by_all(const Bytes& pdf, signing::Level level);

// Signs once with a role's PKCS#12.
core::Result<Bytes> sign_as(const Bytes& pdf, const std::string& credential, signing::SignatureOptions options);

// pdfsig's output with the NSS database trusting the test root.
std::string pdfsig(const std::filesystem::path& pdf);

std::filesystem::path write_temp(const std::string& name, const Bytes& bytes);

// How many times `needle` occurs in `text` (a judge's verdicts in its output).
size_t count(const std::string& text, const std::string& needle);

// An incremental update made with PoDoFo, as another program (or a tampering tool) would.
Bytes update_with(const Bytes& pdf, const std::function<void(PoDoFo::PdfMemDocument&)>& change);

}  // namespace ipt::test
