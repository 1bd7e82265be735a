#pragma once
// `ipt serve`'s specification, shared by `ipt` (its help, and the hand-over) and by the portal
// program `ipt-serve` (app/serve/), which parses the same options.
#include "arguments.hpp"

namespace ipt::app {

CommandSpec serve_spec();

}  // namespace ipt::app
