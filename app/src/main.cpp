// ipt: the IPT Dossiers command. Dispatches to one subcommand; each lives in cmd_*.cpp.
#include <sys/stat.h>

#include <iostream>
#include <string>
#include <vector>

#include "command.hpp"
#include "ipt/signing/process.hpp"
#include "version.hpp"

namespace {

constexpr const char* version = IPT_VERSION;

void print_overview(std::ostream& out) {
  out << "ipt — dossiers d’intégration permanente totale (circulaire 8783)\n\n"
         "Usage : ipt COMMANDE [OPTIONS]\n\nCommandes :\n";
  for (const auto& c : ipt::app::commands()) {
    std::string name = "  " + c.spec.name;
    if (name.size() < 20) name.resize(20, ' ');
    out << name << c.spec.summary << "\n";
  }
  out << "\n« ipt COMMANDE --help » détaille une commande ; « ipt --version » donne la version.\n";
}

}  // namespace

int main(int argc, char** argv) {
  // Everything ipt writes (database, documents) holds pupils' personal data: owner only.
  ::umask(077);
  ipt::signing::start_short_lived_process();
  std::vector<std::string> args(argv + 1, argv + argc);
  ipt::app::Io io{std::cout, std::cerr};
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    if (args.size() <= 1) {
      print_overview(std::cout);
      return args.empty() ? ipt::app::exit_bad_input : ipt::app::exit_ok;
    }
    args.erase(args.begin());
    args.push_back("--help");
  }
  if (args[0] == "--version") {
    std::cout << "ipt " << version << "\n";
    return ipt::app::exit_ok;
  }
  // Commands may have two words ("audit verify"): take the longest name that matches.
  const ipt::app::Command* chosen = nullptr;
  size_t words = 0;
  for (const auto& c : ipt::app::commands()) {
    const std::string& name = c.spec.name;
    const auto space = name.find(' ');
    const size_t n = space == std::string::npos ? 1 : 2;
    if (args.size() < n) continue;
    const std::string given = n == 1 ? args[0] : args[0] + " " + args[1];
    if (given == name && n > words) {
      chosen = &c;
      words = n;
    }
  }
  if (!chosen) {
    std::cerr << "ipt : commande inconnue « " << args[0] << " » (voir ipt --help)\n";
    return ipt::app::exit_bad_input;
  }
  args.erase(args.begin(), args.begin() + static_cast<long>(words));
  const auto parsed = ipt::app::ArgumentParser::parse(chosen->spec, args);
  if (parsed.help) {
    std::cout << ipt::app::help_text(chosen->spec);
    return ipt::app::exit_ok;
  }
  if (!parsed.arguments) {
    std::cerr << "ipt " << chosen->spec.name << " : " << parsed.error << "\n";
    return ipt::app::exit_bad_input;
  }
  try {
    return chosen->run(*parsed.arguments, io);
  } catch (const std::exception& e) {
    // Expected failures are values; reaching here is a defect, reported without data.
    std::cerr << "ipt " << chosen->spec.name << " : erreur interne : " << e.what() << "\n";
    return ipt::app::exit_status(ipt::core::Category::internal);
  }
}
