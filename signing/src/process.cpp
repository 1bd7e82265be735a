#include "ipt/signing/process.hpp"

#include <openssl/crypto.h>

namespace ipt::signing {

void start_short_lived_process() {
  // Only the first initialisation's options count: this must come before any other use of
  // OpenSSL. Its configuration file is still loaded, as by default.
  OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_LOAD_CONFIG, nullptr);
}

}  // namespace ipt::signing
