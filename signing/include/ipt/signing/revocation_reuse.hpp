#pragma once
// Revocation answers reused within a bulk run. Each signature of a batch checks its
// signatory's certificate online, and the last one of a document fetches validation data for
// every certificate again: over a school year, the same few certificates (the pole's, the
// schools', the CPMS's, their CAs) are asked about thousands of times a minute. While a
// RevocationReuse exists, an OCSP answer or a CRL fetched by this process is used again for
// the same certificate (OCSP) or address (CRL) until `max_age` has passed, and never past its
// own nextUpdate; then it is fetched anew. Outside such a scope (ipt verify, ipt sign, the
// portal) every check goes online, so that a revocation shows at once.
#include <chrono>

namespace ipt::signing {

class RevocationReuse {
 public:
  explicit RevocationReuse(std::chrono::seconds max_age = std::chrono::seconds(60));
  ~RevocationReuse();  // forgets every answer kept
  RevocationReuse(const RevocationReuse&) = delete;
  RevocationReuse& operator=(const RevocationReuse&) = delete;
};

// Answers reused and fetched since the process started (tests, benchmarks).
struct RevocationFetches {
  std::size_t fetched = 0;
  std::size_t reused = 0;
};
RevocationFetches revocation_fetches();

}  // namespace ipt::signing
