// Fuzz target: verification never crashes and never calls a damaged file valid when no
// trust anchor is given (it cannot be: nothing is trusted), whatever the bytes.
#include <cstdint>
#include <cstdlib>

#include "ipt/signing/verifier.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ipt::signing::VerifyOptions options;
  options.online_revocation = false;
  auto report = ipt::signing::verify_pdf(ipt::signing::Bytes(data, data + size), options);
  if (report && report->valid()) std::abort();  // without a trust anchor, valid is impossible
  return 0;
}
