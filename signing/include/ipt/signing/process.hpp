#pragma once

namespace ipt::signing {

// Called first by a program that runs one command and exits (ipt): OpenSSL's global state
// is then left to the system at exit rather than freed structure by structure by its atexit
// handler, which took a tenth of the CPU of a whole `ipt sign` (docs/BENCHMARKS.md). A
// long-running program (the portal) does not need it.
void start_short_lived_process();

}  // namespace ipt::signing
