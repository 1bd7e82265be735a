// ipt plan DOSSIER.xml [--json]: what circular 8783 requires for one dossier.
#include <ostream>

#include "common.hpp"
#include "output.hpp"

namespace ipt::app {

namespace {

int run(const Arguments& args, Io& io) {
  const auto dossier = read_dossier(args.positionals()[0], nullptr, io, "plan");
  if (!dossier) return exit_bad_input;
  std::optional<core::SchoolCalendar> loaded;
  const auto* calendar = select_calendar(args, io, "plan", loaded);
  if (!calendar) return exit_bad_input;
  const auto plan = core::make_plan(*dossier, *calendar);
  if (!plan) return report_failure(io, "plan", plan.error());
  if (args.flag("--json")) io.out << plan_json(*dossier, *plan).dump(2) << "\n";
  else io.out << plan_text(*dossier, *plan);
  return exit_ok;
}

}  // namespace

Command plan_command() {
  return {{"plan", "ipt plan DOSSIER.xml [--json] [--calendar DOSSIER]",
           "affiche ce que la circulaire 8783 prévoit pour un dossier",
           "Valide le dossier puis indique la procédure (A, B1, B2, C), les documents à produire,\n"
           "qui signe et dans quel ordre, où sont conservés l’original et les copies, ce qui est\n"
           "envoyé à qui, les moyens (budget C, e-pôles), la condition de début et les échéances.\n"
           "Un dossier invalide est refusé avec tous ses problèmes (statut 2).",
           {{"--json", "", "sortie JSON pour un programme"}, calendar_option()},
           1, 1},
          run};
}

}  // namespace ipt::app
