// ipt deadline --received YYYY-MM-DD: when the Minister's decision on a derogation is due.
#include <ostream>

#include "common.hpp"
#include "output.hpp"

namespace ipt::app {

namespace {

int run(const Arguments& args, Io& io) {
  const auto text = args.value("--received");
  if (!text) {
    io.err << "ipt deadline : l’option --received AAAA-MM-JJ est obligatoire\n";
    return exit_bad_input;
  }
  const auto received = core::Date::parse_iso(*text);
  if (!received) {
    io.err << "ipt deadline : --received : date invalide « " << *text << " » (format AAAA-MM-JJ, date réelle)\n";
    return exit_bad_input;
  }
  std::optional<core::SchoolCalendar> loaded;
  const auto* calendar = select_calendar(args, io, "deadline", loaded);
  if (!calendar) return exit_bad_input;
  const auto deadline = core::minister_decision_deadline(*calendar, *received);
  if (!deadline) return report_failure(io, "deadline", deadline.error());
  if (args.flag("--json")) io.out << deadline_json(*deadline).dump(2) << "\n";
  else io.out << deadline_text(*deadline);
  return exit_ok;
}

}  // namespace

Command deadline_command() {
  return {{"deadline", "ipt deadline --received AAAA-MM-JJ [--json] [--calendar DOSSIER]",
           "calcule la date limite de décision du Ministre sur une dérogation",
           "Le Ministre statue dans les 30 jours calendriers, hors vacances scolaires, suivant la\n"
           "réception du formulaire « Prolongation IPT ». Le compte commence le lendemain de la\n"
           "réception ; les congés (automne, hiver, détente, printemps, été), week-ends qui les\n"
           "encadrent compris, ne sont pas comptés ; les jours fériés isolés le sont.\n"
           "Première ligne : la date limite (AAAA-MM-JJ) ; ensuite, les jours non comptés.",
           {{"--received", "AAAA-MM-JJ", "date de réception du formulaire"},
            {"--json", "", "sortie JSON pour un programme"},
            calendar_option()},
           0, 0},
          run};
}

}  // namespace ipt::app
