#include <vector>

#include "command.hpp"

namespace ipt::app {

std::span<const Command> commands() {
  static const std::vector<Command> all = {
#ifdef IPT_WITH_DEMO
      demo_command(),
      batch_command(),
#endif
      plan_command(),           render_command(),     sign_command(),
      verify_command(),      extend_command(),         status_command(),         round_restart_command(),         archive_command(),    archive_verify_command(),
      outbox_list_command(), outbox_send_command(),    config_check_command(), deadline_command(),
      import_command(),      export_command(),         dossiers_command(),       audit_verify_command(), audit_list_command(),
      request_start_command(), request_list_command(), request_show_command(), request_cancel_command(),
      request_reissue_command(), request_remind_command(), ca_create_command(), serve_command(),
      user_add_command(),    user_list_command(),      user_disable_command(), user_enable_command(), user_password_command(),
  };
  return all;
}

}  // namespace ipt::app
