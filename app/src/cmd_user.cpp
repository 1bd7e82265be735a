// ipt user add|list|disable|enable|password: the workspace's accounts (coordinators of a pole,
// administrators), kept in the application's database.
#include <nlohmann/json.hpp>
#include <memory>
#include <optional>
#include <ostream>

#include "common.hpp"
#include "ipt/pipeline/coordinators.hpp"
#include "ipt/signing/key_source.hpp"

namespace ipt::app {

namespace {

core::Result<std::string> password_of(const Arguments& args) {
  return signing::read_secret(args.value("--password-file").value_or(""), args.value("--password-env").value_or(""));
}

// The database and its accounts (the accounts keep a pointer to the store: both on the heap).
struct Accounts {
  std::unique_ptr<core::Store> store;
  std::optional<pipeline::Coordinators> accounts;
};

core::Result<Accounts> open_accounts(const Arguments& args) {
  IPT_TRY(store, open_database(args));
  Accounts out{std::make_unique<core::Store>(*std::move(store)), std::nullopt};
  IPT_TRY(accounts, pipeline::Coordinators::open(*out.store));
  out.accounts.emplace(*std::move(accounts));
  return out;
}

int run_add(const Arguments& args, Io& io) {
  pipeline::Coordinator account;
  account.email = args.value("--email").value_or("");
  account.name = args.value("--name").value_or("");
  account.administrator = args.flag("--admin");
  if (const auto pole = args.value("--pole")) {
    try {
      account.pole_fase = static_cast<unsigned>(std::stoul(*pole));
    } catch (const std::exception&) {
      io.err << "ipt user add : --pole attend le numéro FASE du pôle (un nombre), pas « " << *pole << " »\n";
      return exit_bad_input;
    }
  }
  if (account.email.empty() || account.name.empty() || (!account.administrator && account.pole_fase == 0)) {
    io.err << "ipt user add : --email, --name et --pole FASE (ou --admin) sont obligatoires\n";
    return exit_bad_input;
  }
  auto password = password_of(args);
  if (!password) return report_failure(io, "user add", password.error());
  auto opened = open_accounts(args);
  if (!opened) return report_failure(io, "user add", opened.error());
  auto& accounts = opened->accounts;
  auto added = accounts->add(account, *password, core::current_actor());
  if (!added) return report_failure(io, "user add", added.error());
  if (args.flag("--json")) {
    io.out << nlohmann::json{{"courriel", added->email}, {"administrateur", added->administrator}, {"pole_fase", added->pole_fase}}.dump(2)
           << "\n";
  } else {
    io.out << "compte créé : " << added->email << (added->administrator ? " (administrateur, tous les pôles)" : " (pôle FASE " + std::to_string(added->pole_fase) + ")")
           << "\nconnexion : la page /espace d’ipt serve, avec ce mot de passe puis un code reçu par courriel\n";
  }
  return exit_ok;
}

int run_list(const Arguments& args, Io& io) {
  auto opened = open_accounts(args);
  if (!opened) return report_failure(io, "user list", opened.error());
  auto& accounts = opened->accounts;
  auto list = accounts->list();
  if (!list) return report_failure(io, "user list", list.error());
  if (args.flag("--json")) {
    auto out = nlohmann::json::array();
    for (const auto& a : *list) {
      out.push_back({{"courriel", a.email}, {"nom", a.name}, {"pole_fase", a.pole_fase}, {"administrateur", a.administrator}, {"actif", a.active}});
    }
    io.out << out.dump(2) << "\n";
    return exit_ok;
  }
  if (list->empty()) io.out << "aucun compte : ipt user add --email … --name … --pole FASE --password-file …\n";
  for (const auto& a : *list) {
    io.out << a.email << "  " << a.name << "  " << (a.administrator ? "administrateur" : "pôle FASE " + std::to_string(a.pole_fase))
           << (a.active ? "" : "  (désactivé)") << "\n";
  }
  return exit_ok;
}

int run_active(const Arguments& args, Io& io, bool active) {
  const std::string name = active ? "user enable" : "user disable";
  auto opened = open_accounts(args);
  if (!opened) return report_failure(io, name, opened.error());
  auto& accounts = opened->accounts;
  if (auto r = accounts->set_active(args.positionals()[0], active, core::current_actor()); !r) return report_failure(io, name, r.error());
  io.out << "compte " << args.positionals()[0] << (active ? " réactivé" : " désactivé (ses sessions sont fermées)") << "\n";
  return exit_ok;
}

int run_password(const Arguments& args, Io& io) {
  auto password = password_of(args);
  if (!password) return report_failure(io, "user password", password.error());
  auto opened = open_accounts(args);
  if (!opened) return report_failure(io, "user password", opened.error());
  auto& accounts = opened->accounts;
  if (auto r = accounts->set_password(args.positionals()[0], *password, core::current_actor()); !r) {
    return report_failure(io, "user password", r.error());
  }
  io.out << "mot de passe de " << args.positionals()[0] << " changé (ses sessions sont fermées)\n";
  return exit_ok;
}

OptionSpec password_file() { return {"--password-file", "FICHIER", "mot de passe (première ligne du fichier), 12 caractères au moins"}; }
OptionSpec password_env() { return {"--password-env", "VARIABLE", "mot de passe dans une variable d’environnement"}; }

}  // namespace

Command user_add_command() {
  return {{"user add", "ipt user add --email COURRIEL --name NOM (--pole FASE | --admin) (--password-file F | --password-env VAR) [--db F] [--json]",
           "crée un compte de l’espace des coordinateurs",
           "Un coordinateur voit les dossiers de son pôle (son numéro FASE) ; un administrateur voit\n"
           "ceux de tous les pôles. Le mot de passe est gardé haché (Argon2id) ; la connexion demande\n"
           "aussi un code envoyé à l’adresse du compte.",
           {{"--email", "COURRIEL", "adresse du compte (l’identifiant de connexion)"},
            {"--name", "NOM", "prénom et nom"},
            {"--pole", "FASE", "numéro FASE du pôle du coordinateur"},
            {"--admin", "", "compte administrateur (tous les pôles)"},
            password_file(), password_env(), database_option(), {"--json", "", "sortie JSON pour un programme"}},
           0, 0},
          run_add};
}

Command user_list_command() {
  return {{"user list", "ipt user list [--db F] [--json]", "liste les comptes de l’espace des coordinateurs", "",
           {database_option(), {"--json", "", "sortie JSON pour un programme"}}, 0, 0},
          run_list};
}

Command user_disable_command() {
  return {{"user disable", "ipt user disable COURRIEL [--db F]", "désactive un compte et ferme ses sessions", "",
           {database_option()}, 1, 1},
          [](const Arguments& args, Io& io) { return run_active(args, io, false); }};
}

Command user_enable_command() {
  return {{"user enable", "ipt user enable COURRIEL [--db F]", "réactive un compte", "", {database_option()}, 1, 1},
          [](const Arguments& args, Io& io) { return run_active(args, io, true); }};
}

Command user_password_command() {
  return {{"user password", "ipt user password COURRIEL (--password-file F | --password-env VAR) [--db F]",
           "change le mot de passe d’un compte (ses sessions sont fermées)", "", {password_file(), password_env(), database_option()}, 1, 1},
          run_password};
}

}  // namespace ipt::app
