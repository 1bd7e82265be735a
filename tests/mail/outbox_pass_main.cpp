// One outbox pass as a process of its own: `ipt_mail_outbox_pass DATABASE CONFIG`.
// The crash test kills it (SIGKILL) in the middle of a send, then runs it again.
#include <iostream>

#include "ipt/mail/config.hpp"
#include "ipt/mail/outbox.hpp"
#include "ipt/mail/transport.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage : ipt_mail_outbox_pass BASE CONFIG\n";
    return 2;
  }
  using namespace ipt::mail;
  const std::filesystem::path database = argv[1];
  auto config = load_mail_config(argv[2], false);
  if (!config) {
    std::cerr << config.error().message << "\n";
    return 2;
  }
  auto outbox = Outbox::open(database, {config->retry_initial, config->retry_max, config->max_attempts});
  if (!outbox) {
    std::cerr << outbox.error().message << "\n";
    return 1;
  }
  auto transport = make_transport(*config, database.parent_path() / "outbox");
  if (!transport) {
    std::cerr << transport.error().message << "\n";
    return 1;
  }
  auto report = outbox->send_due(**transport);
  if (!report) {
    std::cerr << report.error().message << "\n";
    return 1;
  }
  std::cout << "sent " << report->sent << " retried " << report->retried << " failed " << report->failed
            << " recovered " << report->recovered << "\n";
  return 0;
}
