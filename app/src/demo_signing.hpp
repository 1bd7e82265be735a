#pragma once
// The demo's signing stage: a demo PKI made on first run and kept in the demo folder, its
// OCSP responder and timestamp server on 127.0.0.1 for the run, and the key of each planned
// signatory, opened once per process (the demo's workers each open their own).
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ipt/core/dossier.hpp"
#include "ipt/core/plan.hpp"
#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/signing/key_source.hpp"
#include "ipt/signing/verifier.hpp"

namespace ipt::app {

class DemoSigning {
 public:
  // Loads DIR/pki or makes it (and the PKCS#12 files, password in DIR/pki/mot-de-passe.txt),
  // with a certificate in the name of each planned signatory of `dossiers` (remade when one is
  // missing), then starts the responder and the timestamp server.
  static core::Result<std::unique_ptr<DemoSigning>> start(const std::filesystem::path& dir,
                                                          const std::vector<core::Dossier>& dossiers);
  ~DemoSigning();

  // The key of the signatory of `step` in `dossier`, opened on first use in this process
  // (pipeline::KeyFor, for pipeline::sign_in_order).
  core::Result<signing::KeySource*> key_for(const core::Dossier& dossier, const core::SignatureStep& step) const;
  std::vector<signing::Bytes> trust() const;

  // The pole's seal, which seals the archives: a certificate of its own ("Cachet du pôle
  // territorial (démonstration)"), accepted for the pole as seal.pole would configure it;
  // opened on first use in this process.
  core::Result<signing::KeySource*> seal() const;
  std::vector<pipeline::ConfiguredSeal> seals() const;

  std::string timestamp_url() const;
  const std::filesystem::path& root_certificate() const;

 private:
  struct Impl;
  explicit DemoSigning(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ipt::app
