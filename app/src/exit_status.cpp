// The one place where a failure's category becomes the exit status of `ipt` (README.md,
// « Statuts de sortie »). The portal's counterpart is core::http_status.
#include "command.hpp"

namespace ipt::app {

int exit_status(core::Category category) {
  switch (category) {
    case core::Category::invalid_input:
    case core::Category::not_found:
      return exit_bad_input;  // unusable input: nothing was done
    case core::Category::refused:
    case core::Category::integrity:
    case core::Category::external_service:
    case core::Category::internal:
      return exit_failure;  // the operation ran and could not be completed, or found a problem
  }
  return exit_failure;
}

}  // namespace ipt::app
