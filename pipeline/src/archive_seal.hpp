#pragma once
// The archive's seal. The certificate of completion carries the SHA-256 of the archive's
// manifest in a read-only field and is signed, PAdES B-LTA, with the pole's seal: whoever
// removes a file or an audit entry and recomputes the manifest cannot make the sealed
// certificate name the new manifest without the pole's key. `ipt archive verify` checks the
// seal before anything else.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/pipeline/archive.hpp"
#include "ipt/pipeline/signer_identity.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::pipeline::detail {

inline constexpr const char* seal_field = "sig_pole";
inline constexpr const char* manifest_field = "archive_manifeste";

// Signs `certificate` in its seal field at B-LTA, locking every field.
core::Result<signing::Bytes> seal_certificate(const signing::Bytes& certificate, const ArchiveSeal& seal,
                                              const std::vector<signing::Bytes>& trust);

struct SealVerdict {
  bool ok = false;
  std::string sealed_by;              // "Cachet …, Pôle … (SHA-256 …)" when a seal was found
  std::vector<std::string> problems;  // French, each naming certificat-achevement.pdf
};

// The seal holds when the certificate's seal signature is valid at B-LTA, its certificate is
// one of `seals` for the pole (when any is given), and the field it locked names
// `manifest_sha256`.
SealVerdict check_seal(const signing::Bytes& certificate, std::string_view manifest_sha256,
                       const std::vector<signing::Bytes>& trust, bool online_revocation,
                       std::span<const ConfiguredSeal> seals);

}  // namespace ipt::pipeline::detail
