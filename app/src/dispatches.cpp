#include "dispatches.hpp"

namespace ipt::app {

// Until the outbox is wired in, nothing has been sent.
std::vector<pipeline::DispatchRecord> dispatches_of(const std::filesystem::path&, const std::string&) { return {}; }

}  // namespace ipt::app
