#pragma once
// The workspace's tables (private to pipeline): accounts and their sessions, component
// "workspace" of schema_version.
#include "ipt/core/database.hpp"

namespace ipt::pipeline::detail {

core::Result<void> prepare_workspace_schema(core::Database& db);

}  // namespace ipt::pipeline::detail
