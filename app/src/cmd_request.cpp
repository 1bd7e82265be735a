// ipt request start|list|show|cancel|reissue|remind: remote signing rounds (the signer portal's
// invitations), from the command line.
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "common.hpp"
#include "mail_common.hpp"
#include "ipt/pipeline/signing_requests.hpp"

namespace ipt::app {

namespace {

nlohmann::json round_json(const pipeline::Round& r) {
  auto invitations = nlohmann::json::array();
  for (const auto& i : r.invitations) {
    invitations.push_back({{"ordre", i.position},
                           {"role", core::code(i.role)},
                           {"signataire", i.signatory},
                           {"courriel", i.email},
                           {"etat", pipeline::code(i.state)},
                           {"invite_le", i.invited_at},
                           {"expire_le", i.expires_at},
                           {"ouvert_le", i.opened_at},
                           {"signe_le", i.signed_at},
                           {"raison_refus", i.declined_reason},
                           {"rappels", i.reminders}});
  }
  return {{"reference", r.reference},       {"tour", r.id},
          {"version_dossier", r.dossier_version}, {"etat", pipeline::code(r.state)},
          {"cree_le", r.created_at},          {"cree_par", r.created_by},
          {"termine_le", r.ended_at},         {"raison_annulation", r.cancel_reason},
          {"documents", r.documents},         {"signataires", invitations}};
}

void print_round(std::ostream& out, const pipeline::Round& r) {
  static constexpr const char* states[] = {"ouvert", "terminé", "annulé"};
  out << r.reference << " — tour n° " << r.id << " (version " << r.dossier_version << ") : "
      << states[static_cast<int>(r.state)] << ", ouvert le " << r.created_at << " par " << r.created_by << "\n";
  if (!r.cancel_reason.empty()) out << "  raison de l’annulation : " << r.cancel_reason << "\n";
  out << "  documents : ";
  for (size_t i = 0; i < r.documents.size(); ++i) out << (i ? ", " : "") << r.documents[i];
  out << "\n";
  for (const auto& i : r.invitations) {
    out << "  " << i.position << ". " << core::code(i.role) << " — " << i.signatory << " <" << i.email << "> : "
        << pipeline::label_fr(i.state);
    if (!i.signed_at.empty()) out << " le " << i.signed_at;
    else if (!i.invited_at.empty()) out << " (invité le " << i.invited_at << ", lien valable jusqu’au " << i.expires_at << ")";
    out << "\n";
    if (!i.declined_reason.empty()) out << "     raison du refus : " << i.declined_reason << "\n";
  }
}

struct Context {
  std::optional<core::Store> store;
  std::optional<pipeline::SigningRequests> requests;
};

core::Result<void> open_context(const Arguments& args, Context& c) {
  IPT_TRY(mail, read_mail_config(args));
  IPT_TRY(portal, read_portal_config(args));
  IPT_TRY(store, open_database(args));
  c.store.emplace(*std::move(store));
  c.requests.emplace(*c.store, *std::move(mail), *std::move(portal));
  return {};
}

int show_result(const Arguments& args, Io& io, const std::string& command, const core::Result<pipeline::Round>& round,
                const std::string& said) {
  if (!round) return report_failure(io, command, round.error());
  if (args.flag("--json")) {
    io.out << round_json(*round).dump(2) << "\n";
  } else {
    if (!said.empty()) io.out << said << "\n";
    print_round(io.out, *round);
  }
  return exit_ok;
}

int run_start(const Arguments& args, Io& io) {
  Context c;
  if (auto ok = open_context(args, c); !ok) return report_failure(io, "request start", ok.error());
  const std::string reference = args.positionals()[0];
  return show_result(args, io, "request start", c.requests->start(reference, core::current_actor()),
                     "tour de signature ouvert : la première invitation est dans la file d’envoi (ipt outbox send)");
}

int run_show(const Arguments& args, Io& io) {
  Context c;
  if (auto ok = open_context(args, c); !ok) return report_failure(io, "request show", ok.error());
  return show_result(args, io, "request show", c.requests->show(args.positionals()[0]), "");
}

int run_cancel(const Arguments& args, Io& io) {
  const auto reason = args.value("--reason");
  if (!reason) {
    io.err << "ipt request cancel : l’option --reason TEXTE est obligatoire (elle est inscrite au journal d’audit)\n";
    return exit_bad_input;
  }
  Context c;
  if (auto ok = open_context(args, c); !ok) return report_failure(io, "request cancel", ok.error());
  return show_result(args, io, "request cancel", c.requests->cancel(args.positionals()[0], *reason, core::current_actor()),
                     "tour de signature annulé : les liens envoyés ne fonctionnent plus");
}

int run_reissue(const Arguments& args, Io& io) {
  Context c;
  if (auto ok = open_context(args, c); !ok) return report_failure(io, "request reissue", ok.error());
  return show_result(args, io, "request reissue", c.requests->reissue(args.positionals()[0], core::current_actor()),
                     "nouveau lien dans la file d’envoi : l’ancien ne fonctionne plus");
}

int run_list(const Arguments& args, Io& io) {
  Context c;
  if (auto ok = open_context(args, c); !ok) return report_failure(io, "request list", ok.error());
  auto rounds = c.requests->list();
  if (!rounds) return report_failure(io, "request list", rounds.error());
  if (args.flag("--json")) {
    auto all = nlohmann::json::array();
    for (const auto& r : *rounds) all.push_back(round_json(r));
    io.out << all.dump(2) << "\n";
    return exit_ok;
  }
  if (rounds->empty()) io.out << "aucun tour de signature (ipt request start RÉFÉRENCE)\n";
  for (const auto& r : *rounds) {
    const auto* current = r.current();
    io.out << r.reference << "  tour n° " << r.id << "  " << pipeline::code(r.state);
    if (current) io.out << "  attendu : " << current->position << ". " << core::code(current->role) << " (" << pipeline::label_fr(current->state) << ")";
    io.out << "\n";
  }
  return exit_ok;
}

int run_remind(const Arguments& args, Io& io) {
  Context c;
  if (auto ok = open_context(args, c); !ok) return report_failure(io, "request remind", ok.error());
  auto reminded = c.requests->remind_due(core::current_actor());
  if (!reminded) return report_failure(io, "request remind", reminded.error());
  if (args.flag("--json")) {
    io.out << nlohmann::json{{"rappels", *reminded}}.dump(2) << "\n";
  } else {
    io.out << *reminded << " rappel(s) mis en file d’envoi\n";
  }
  return exit_ok;
}

std::vector<OptionSpec> common_options() {
  return {config_option(), database_option(), {"--json", "", "sortie JSON pour un programme"}};
}

}  // namespace

Command request_start_command() {
  return {{"request start", "ipt request start RÉFÉRENCE [--config ipt.conf] [--db FICHIER] [--json]",
           "ouvre un tour de signature à distance et invite le premier signataire",
           "Les signataires du plan sont invités dans l’ordre, chacun par un lien personnel (jeton\n"
           "aléatoire, valable invitation_jours de [portail]) envoyé par la file d’envoi ; le suivant\n"
           "quand le précédent a signé. Le lien ne contient aucune donnée personnelle.",
           common_options(), 1, 1},
          run_start};
}

Command request_list_command() {
  return {{"request list", "ipt request list [--db FICHIER] [--json]", "liste les tours de signature et qui est attendu",
           "Chaque tour, le plus récent d’abord, avec son état et le signataire attendu.", common_options(), 0, 0},
          run_list};
}

Command request_show_command() {
  return {{"request show", "ipt request show RÉFÉRENCE [--db FICHIER] [--json]", "montre le dernier tour d’un dossier",
           "Chaque signataire dans l’ordre : invité, lien ouvert, code envoyé, a signé, a refusé (avec\n"
           "sa raison), lien expiré.",
           common_options(), 1, 1},
          run_show};
}

Command request_cancel_command() {
  auto options = common_options();
  options.push_back({"--reason", "TEXTE", "pourquoi le tour est annulé (obligatoire, inscrit au journal)"});
  return {{"request cancel", "ipt request cancel RÉFÉRENCE --reason TEXTE [--db FICHIER] [--json]",
           "annule le tour de signature ouvert d’un dossier",
           "Les liens envoyés cessent de fonctionner ; les signatures déjà apposées restent dans les\n"
           "documents.",
           options, 1, 1},
          run_cancel};
}

Command request_reissue_command() {
  return {{"request reissue", "ipt request reissue RÉFÉRENCE [--db FICHIER] [--json]",
           "envoie un nouveau lien au signataire attendu (lien expiré ou perdu)",
           "Le lien précédent cesse de fonctionner.", common_options(), 1, 1},
          run_reissue};
}

Command request_remind_command() {
  return {{"request remind", "ipt request remind [--db FICHIER] [--json]",
           "rappelle les signataires attendus depuis rappel_jours, marque les liens expirés",
           "Un rappel porte un nouveau lien (le jeton du premier n’est gardé nulle part en clair).",
           common_options(), 0, 0},
          run_remind};
}

}  // namespace ipt::app
