#pragma once
// One `ipt` subcommand: its specification (usage, options, help) and what it runs.
#include <iosfwd>
#include <span>

#include "arguments.hpp"
#include "ipt/core/result.hpp"

namespace ipt::app {

// Exit statuses shared by every command (the table is in README.md, « Statuts de sortie »).
enum ExitStatus : int {
  exit_ok = 0,
  exit_failure = 1,   // the operation ran and found a problem (e.g. a broken audit chain)
  exit_bad_input = 2,     // unusable input or usage: nothing was done
  exit_indeterminate = 3  // a verification could not conclude (EN 319 102-1 INDETERMINATE)
};

// The exit status of a failure of `category`: the one place where `ipt` decides it
// (invalid_input, not_found → 2; refused, integrity, external_service, internal → 1).
int exit_status(core::Category category);
inline int exit_status(const core::Error& error) { return exit_status(error.category); }

struct Io {
  std::ostream& out;
  std::ostream& err;
};

struct Command {
  CommandSpec spec;
  int (*run)(const Arguments& args, Io& io);
};

// The commands, in the order `ipt --help` lists them.
std::span<const Command> commands();

// Each command file defines one of these.
Command demo_command();
Command batch_command();
Command plan_command();
Command render_command();
Command sign_command();
Command extend_command();
Command round_restart_command();
Command verify_command();
Command status_command();
Command archive_command();
Command archive_verify_command();
Command deadline_command();
Command import_command();
Command export_command();
Command dossiers_command();
Command audit_verify_command();
Command audit_list_command();
Command outbox_list_command();
Command outbox_send_command();
Command config_check_command();
Command ca_create_command();
Command serve_command();
Command request_start_command();
Command request_list_command();
Command request_show_command();
Command request_cancel_command();
Command request_reissue_command();
Command request_remind_command();
Command user_add_command();
Command user_list_command();
Command user_disable_command();
Command user_enable_command();
Command user_password_command();

}  // namespace ipt::app
