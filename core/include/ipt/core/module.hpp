#pragma once
// The program's own modules (CMake MODULE libraries built beside `ipt`: the page previews,
// the PDF writer), opened with dlopen the first time they are needed, so that the libraries
// behind them (poppler, PoDoFo, FreeType and theirs) load only in the commands that use them.
#include <string>

namespace ipt::core {

struct OpenedModule {
  void* handle = nullptr;  // for dlsym; never closed (the process keeps what it loaded)
  std::string failure;     // why it did not open (French), when handle is null
};

// Looks for `file_name` in $IPT_MODULE_DIR, beside the running program, then in `build_dir`
// (tests and benchmarks run from other folders), and opens the first found with RTLD_NOW,
// so that a module missing a symbol fails here rather than at its first call.
OpenedModule open_module(const std::string& file_name, const std::string& build_dir);

}  // namespace ipt::core
