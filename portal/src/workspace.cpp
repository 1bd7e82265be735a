#include "workspace.hpp"

#include <algorithm>

#include "ipt/core/school_calendar.hpp"
#include "ipt/core/secrets.hpp"
#include "ipt/core/store.hpp"
#include "ipt/mail/outbox.hpp"
#include "ipt/pipeline/coordinators.hpp"
#include "ipt/core/dossier_reader.hpp"
#include "ipt/pipeline/archive.hpp"
#include "ipt/pipeline/archive_zip.hpp"
#include "ipt/pipeline/dispatch.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/pipeline/dossier_form.hpp"
#include "ipt/pipeline/dossier_save.hpp"
#include "ipt/pipeline/dossier_overview.hpp"
#include "ipt/pipeline/signing_requests.hpp"
#include "ipt/pipeline/workspace_login.hpp"
#include "ipt/signing/bytes.hpp"
#include "ipt/signing/key_source.hpp"
#include "ipt/signing/timestamp_client.hpp"
#include "pages.hpp"
#include "request_parts.hpp"
#include "sessions.hpp"

namespace ipt::portal {

namespace {

constexpr const char* session_cookie = "ipt_espace";
constexpr const char* login_cookie = "ipt_espace_connexion";  // the login form's anti-forgery pair

constexpr pipeline::DossierStep all_steps[] = {pipeline::DossierStep::to_complete, pipeline::DossierStep::to_sign,
                                               pipeline::DossierStep::waiting_minister, pipeline::DossierStep::to_send,
                                               pipeline::DossierStep::sent, pipeline::DossierStep::archived};
constexpr core::Procedure all_procedures[] = {core::Procedure::premiere_ipt_liste_30_09, core::Procedure::premiere_ipt_apres_30_09,
                                              core::Procedure::prolongation_autre_pole, core::Procedure::prolongation_meme_pole,
                                              core::Procedure::fin_ipt};

std::string french_time(const std::string& iso) {
  // "2026-12-02T09:15:03.123Z" → "02/12/2026 09:15 (UTC)"
  if (iso.size() < 16) return iso;
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4) + " " + iso.substr(11, 5) + " (UTC)";
}

std::string procedure_label(const core::Plan& plan) {
  return std::string(core::code(plan.procedure)) + " – " + std::string(core::french_title(plan.procedure));
}

PageData truth(bool b) { return b ? PageData::type::bool_true : PageData::type::bool_false; }

// A value of a form posted url-encoded or as multipart/form-data (the dossier form: Debian's
// cpp-httplib 0.11 refuses url-encoded bodies over 8 KiB, CPPHTTPLIB_FORM_URL_ENCODED_PAYLOAD_MAX_LENGTH).
std::string form_value(const httplib::Request& req, const std::string& name) {
  return req.has_file(name) ? req.get_file_value(name).content : req.get_param_value(name);
}

// The procedures a new dossier's form exists for, as options.
PageData procedure_options() {
  PageData procedures{PageData::type::list};
  for (const auto& [code, label] : pipeline::form_procedures()) {
    PageData o;
    o.set("code", code);
    o.set("libelle", label);
    procedures.push_back(o);
  }
  return procedures;
}

// An error's reason without the field its place names ("mot_de_passe: …" → "…"): the page
// shows it by that field.
std::string reason_of(const core::Error& e) {
  const auto colon = e.message.find(": ");
  return e.place.field.empty() || colon == std::string::npos ? e.message : e.message.substr(colon + 2);
}

// An HTML id for a field's path: "f-dossier-eleve-nom".
std::string field_id(const std::string& name) {
  std::string id = "f-";
  for (char c : name) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return id;
}

std::string repeatable_label(const std::string& name) {
  if (name == "responsable") return "un responsable";
  if (name == "integration") return "une année d’intégration";
  if (name == "signataire") return "un signataire";
  return "un désaccord";
}

}  // namespace

struct Workspace::Impl {
  WorkspaceSetup setup;
  RateLimiter login_by_address{10, std::chrono::minutes(10)};
  RateLimiter login_by_account{10, std::chrono::minutes(10)};
  RateLimiter code_by_address{20, std::chrono::minutes(10)};

  struct Context {
    std::unique_ptr<core::Store> store;
    std::optional<pipeline::WorkspaceLogin> login;
  };
  core::Result<Context> context() const {
    IPT_TRY(store, core::Store::open(setup.database));
    Context c{std::make_unique<core::Store>(*std::move(store)), std::nullopt};
    IPT_TRY(login, pipeline::WorkspaceLogin::open(*c.store, setup.mail));
    c.login.emplace(*std::move(login));
    return c;
  }

  std::string cookie(const std::string& name, const std::string& value, const std::string& path) const {
    return name + "=" + value + "; Path=" + path + "; HttpOnly; SameSite=Strict" + (setup.https ? "; Secure" : "");
  }

  void message(httplib::Response& res, int status, const std::string& title, const std::string& text) const {
    PageData data;
    if (status >= 400) data.set("erreur", text);
    else data.set("texte", text);
    data.set("lien", "/espace");
    data.set("lien_texte", "Retour à l’espace des coordinateurs");
    send_page(res, status, "message", title, data);
  }
  void failure(httplib::Response& res, const core::Error& error) const {
    const int status = core::http_status(error.category);
    message(res, status, status == 404 ? "Dossier inconnu" : status >= 500 ? "Erreur du portail" : "Action impossible", error.message);
  }
  static void redirect(httplib::Response& res, const std::string& to) {
    res.status = 303;
    res.set_header("Location", to);
  }

  void login_page(httplib::Response& res, int status, const std::string& email, const std::string& error, const std::string& info) const {
    const std::string pair = core::random_token();
    res.set_header("Set-Cookie", cookie(login_cookie, pair, "/espace"));
    PageData data;
    data.set("csrf", pair);
    data.set("courriel", email);
    if (!error.empty()) data.set("erreur", error);
    if (!info.empty()) data.set("info", info);
    send_page(res, status, "espace-connexion", "Connexion à l’espace des coordinateurs", data);
  }

  // The stored dossier `reference` when `who` may see it; not_found otherwise, as for an
  // unknown one: another pole's dossier is not told to exist.
  core::Result<core::StoredDossier> visible(Context& c, const pipeline::WorkspaceSession& who, const std::string& reference) const {
    const auto unknown = core::fail(core::Category::not_found, "dossier « " + reference + " » inconnu");
    IPT_TRY(stored, c.store->find_dossier(reference));
    if (!*stored) return unknown;
    auto dossier = core::parse_dossier((**stored).xml, reference);
    if (!dossier || !pipeline::may_see(who.who, *dossier)) return unknown;
    return **stored;
  }

  // The confirmed session of the request, or a redirection to the login page (written into
  // `res`) and nothing.
  std::optional<pipeline::WorkspaceSession> signed_in(Context& c, const httplib::Request& req, httplib::Response& res) const {
    auto s = c.login->session(cookie_value(req, session_cookie));
    if (!s || !s->confirmed) {
      redirect(res, "/espace/connexion");
      return std::nullopt;
    }
    return *s;
  }
  // For a form: the session, and its anti-forgery token checked (403 otherwise).
  std::optional<pipeline::WorkspaceSession> signed_in_form(Context& c, const httplib::Request& req, httplib::Response& res) const {
    auto s = signed_in(c, req, res);
    if (!s) return std::nullopt;
    if (!core::constant_time_equal(form_value(req, "csrf"), s->csrf)) {
      message(res, 403, "Formulaire refusé", "ce formulaire ne vient pas de votre session : rechargez la page et recommencez");
      return std::nullopt;
    }
    return s;
  }

  void form_page(httplib::Response& res, int status, const pipeline::WorkspaceSession& who, const pipeline::DossierForm& form,
                 const std::string& title, const std::string& error, bool restart) const;
  void submit(const httplib::Request& req, httplib::Response& res);
  void import(const httplib::Request& req, httplib::Response& res);
  // Saves a dossier read by the strict reader, for `who`: their pole only; a dossier whose
  // signing has begun only with a reason. Returns the problem to show, or "" once saved.
  core::Result<pipeline::SaveOutcome> save(Context& c, const pipeline::WorkspaceSession& who, const httplib::Request& req,
                                           const core::Dossier& dossier, const std::string& xml, const std::optional<std::string>& reason);
  void round_action(const httplib::Request& req, httplib::Response& res);
  // archive_dossier writes <out>/<reference>/v<n>: out is archives/ beside the database.
  std::filesystem::path archive_root() const { return setup.database.parent_path() / "archives"; }
  std::filesystem::path archives(const std::string& reference) const { return archive_root() / reference; }
  void archive(const httplib::Request& req, httplib::Response& res);
  void archive_file(const httplib::Request& req, httplib::Response& res);
  void accounts_page(Context& c, const pipeline::WorkspaceSession& who, httplib::Response& res, int status, const std::string& error,
                     const std::string& info);
  void accounts(const httplib::Request& req, httplib::Response& res);
  void list_page(const httplib::Request& req, httplib::Response& res);
  void dossier_page(const httplib::Request& req, httplib::Response& res);
  void document(const httplib::Request& req, httplib::Response& res);
};

Workspace::Workspace(WorkspaceSetup setup) : impl_(std::make_unique<Impl>()) { impl_->setup = std::move(setup); }
Workspace::~Workspace() = default;


void Workspace::Impl::form_page(httplib::Response& res, int status, const pipeline::WorkspaceSession& who,
                                const pipeline::DossierForm& form, const std::string& title, const std::string& error,
                                bool restart) const {
  PageData data;
  data.set("csrf", who.csrf);
  data.set("squelette", form.xml);
  if (!error.empty()) data.set("erreur", error);
  PageData sections{PageData::type::list};
  PageData problems{PageData::type::list};
  size_t count = 0;
  for (const auto& s : form.sections) {
    PageData section;
    section.set("titre_section", s.title);
    if (!s.repeatable.empty()) {
      section.set("repetable", s.repeatable);
      section.set("repetable_libelle", repeatable_label(s.repeatable));
    }
    PageData fields{PageData::type::list};
    for (const auto& f : s.fields) {
      PageData field;
      field.set("id", field_id(f.name));
      field.set("nom", f.name);
      field.set("libelle", f.label);
      field.set("valeur", f.value);
      field.set("multiligne", truth(f.multiline));
      if (!f.problems.empty()) {
        std::string joined;
        for (const auto& p : f.problems) joined += (joined.empty() ? "" : " ; ") + p;
        field.set("probleme", joined);
        PageData item;
        item.set("id", field_id(f.name));
        item.set("libelle", s.title + " – " + f.label);
        item.set("raison", joined);
        problems.push_back(item);
        ++count;
      }
      fields.push_back(field);
    }
    section.set("champs", fields);
    sections.push_back(section);
  }
  data.set("sections", sections);
  PageData others{PageData::type::list};
  for (const auto& o : form.other_problems) others.push_back(PageData(o));
  count += form.other_problems.size();
  if (count > 0) {
    data.set("problemes", PageData::type::bool_true);
    data.set("nombre_problemes", std::to_string(count));
    data.set("liste_problemes", problems);
    data.set("autres", truth(!form.other_problems.empty()));
    data.set("autres_liste", others);
  }
  data.set("reprise", truth(restart));
  send_page(res, status, "espace-formulaire", title, data);
}

core::Result<pipeline::SaveOutcome> Workspace::Impl::save(Context& c, const pipeline::WorkspaceSession& who, const httplib::Request& req,
                                                          const core::Dossier& dossier, const std::string& xml,
                                                          const std::optional<std::string>& reason) {
  if (!pipeline::may_see(who.who, dossier)) {
    return core::fail(core::Category::refused, "ce dossier est celui d’un autre pôle : le numéro FASE du pôle doit être " +
                                                   std::to_string(who.who.pole_fase), {.field = "dossier/pole/@fase"});
  }
  // A reference already used by another pole's dossier is not theirs to replace.
  if (auto stored = c.store->find_dossier(dossier.reference); stored && *stored && !visible(c, who, dossier.reference)) {
    return core::fail(core::Category::refused, "référence déjà prise : choisissez-en une autre", {.field = "dossier/@reference"});
  }
  pipeline::DossierDocuments documents(*c.store, *setup.renderer);
  pipeline::SigningRequests requests(*c.store, setup.mail, {});
  return pipeline::save_dossier(*c.store, documents, requests, dossier, xml, "espace (" + who.who.email + ", " + setup.address(req) + ")",
                                reason);
}

void Workspace::Impl::submit(const httplib::Request& req, httplib::Response& res) {
  auto c = context();
  if (!c) return failure(res, c.error());
  auto who = signed_in_form(*c, req, res);
  if (!who) return;
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : req.params) {
    if (key.starts_with("champ:")) values[key.substr(6)] = value;
  }
  for (const auto& [key, part] : req.files) {
    if (key.starts_with("champ:")) values[key.substr(6)] = part.content;
  }
  const std::string add = form_value(req, "ajouter");
  auto submitted = pipeline::submit_form(form_value(req, "squelette"), values, add);
  if (!submitted) return failure(res, submitted.error());
  const std::string title = "Le dossier";
  if (!add.empty()) return form_page(res, 200, *who, submitted->form, title, "", false);
  if (!submitted->dossier) return form_page(res, 422, *who, submitted->form, title, "", false);
  const std::string reason = form_value(req, "raison");
  auto saved = save(*c, *who, req, *submitted->dossier, submitted->form.xml, reason.empty() ? std::nullopt : std::optional(reason));
  if (!saved) {
    auto form = submitted->form;
    const bool restart = saved.error().place.field == "raison";
    bool placed = false;
    for (auto& s : form.sections) {
      for (auto& f : s.fields) {
        if (f.name == saved.error().place.field) {
          f.problems.push_back(reason_of(saved.error()));
          placed = true;
        }
      }
    }
    const std::string message = placed ? "" : reason_of(saved.error());
    return form_page(res, 409, *who, form, title, message, restart);
  }
  redirect(res, "/espace/dossiers/" + submitted->dossier->reference);
}

void Workspace::Impl::import(const httplib::Request& req, httplib::Response& res) {
  auto c = context();
  if (!c) return failure(res, c.error());
  auto who = signed_in(*c, req, res);
  if (!who) return;
  if (!core::constant_time_equal(form_value(req, "csrf"), who->csrf)) {
    return message(res, 403, "Formulaire refusé", "ce formulaire ne vient pas de votre session : rechargez la page et recommencez");
  }
  const std::string xml = req.get_file_value("fichier").content;
  auto show = [&](int status, const std::vector<std::string>& errors) {
    PageData data;
    data.set("csrf", who->csrf);
    data.set("procedures", procedure_options());
    data.set("erreur", PageData::type::bool_true);
    PageData list{PageData::type::list};
    for (const auto& e : errors) list.push_back(PageData(e));
    data.set("erreurs", list);
    send_page(res, status, "espace-nouveau", "Nouveau dossier", data);
  };
  auto dossier = core::parse_dossier(xml, req.get_file_value("fichier").filename.empty() ? "dossier.xml" : "fichier importé");
  if (!dossier) {
    std::vector<std::string> errors;
    for (const auto& d : dossier.error()) errors.push_back(d.to_string());
    return show(422, errors);
  }
  auto saved = save(*c, *who, req, *dossier, xml, std::nullopt);
  if (!saved) return show(409, {saved.error().message});
  redirect(res, "/espace/dossiers/" + dossier->reference);
}

// The accounts, for an administrator: the list, a new account, disable or enable one.
void Workspace::Impl::accounts_page(Context& c, const pipeline::WorkspaceSession& who, httplib::Response& res, int status,
                                    const std::string& error, const std::string& info) {
  auto accounts = pipeline::Coordinators::open(*c.store);
  if (!accounts) return failure(res, accounts.error());
  auto list = accounts->list();
  if (!list) return failure(res, list.error());
  PageData rows{PageData::type::list};
  for (const auto& a : *list) {
    PageData row;
    row.set("courriel", a.email);
    row.set("nom", a.name);
    row.set("portee", a.administrator ? "administrateur, tous les pôles" : "pôle FASE " + std::to_string(a.pole_fase));
    row.set("etat", a.active ? "actif" : "désactivé");
    row.set("actif", truth(a.active));  // each row's form takes {{csrf}} from the page
    rows.push_back(row);
  }
  PageData data;
  data.set("csrf", who.csrf);
  data.set("comptes", rows);
  data.set("nombre", std::to_string(list->size()));
  if (!error.empty()) data.set("erreur", error);
  if (!info.empty()) data.set("info", info);
  send_page(res, status, "espace-comptes", "Les comptes de l’espace", data);
}

void Workspace::Impl::accounts(const httplib::Request& req, httplib::Response& res) {
  auto c = context();
  if (!c) return failure(res, c.error());
  auto who = req.method == "GET" ? signed_in(*c, req, res) : signed_in_form(*c, req, res);
  if (!who) return;
  // Only an administrator knows the page exists.
  if (!who->who.administrator) return message(res, 404, "Page introuvable", "cette adresse ne correspond à aucune page du portail");
  if (req.method == "GET") return accounts_page(*c, *who, res, 200, "", req.has_param("fait") ? "C’est fait." : "");
  auto accounts = pipeline::Coordinators::open(*c->store);
  if (!accounts) return failure(res, accounts.error());
  const std::string actor = "espace (" + who->who.email + ", " + setup.address(req) + ")";
  core::Result<void> done;
  if (req.path == "/espace/comptes/etat") {
    done = accounts->set_active(req.get_param_value("courriel"), req.get_param_value("actif") == "oui", actor);
  } else {
    pipeline::Coordinator account;
    account.email = req.get_param_value("courriel");
    account.name = req.get_param_value("nom");
    account.administrator = req.get_param_value("administrateur") == "oui";
    const std::string pole = req.get_param_value("pole");
    if (!pole.empty()) {
      if (pole.find_first_not_of("0123456789") != std::string::npos || pole.size() > 9) {
        return accounts_page(*c, *who, res, 400, "le numéro FASE du pôle est un nombre, pas « " + pole.substr(0, 20) + " »", "");
      }
      account.pole_fase = static_cast<unsigned>(std::stoul(pole));
    }
    auto added = accounts->add(account, req.get_param_value("mot_de_passe"), actor);
    done = added ? core::Result<void>{} : std::unexpected(added.error());
  }
  if (!done) {
    return accounts_page(*c, *who, res, core::http_status(done.error().category), reason_of(done.error()), "");
  }
  redirect(res, "/espace/comptes?fait=1");
}

// Archives the dossier for the Inspection (pipeline::archive_dossier, sealed by the pole).
void Workspace::Impl::archive(const httplib::Request& req, httplib::Response& res) {
  auto c = context();
  if (!c) return failure(res, c.error());
  auto who = signed_in_form(*c, req, res);
  if (!who) return;
  const std::string reference = req.matches[1];
  if (auto seen = visible(*c, *who, reference); !seen) return failure(res, seen.error());
  const pipeline::SigningConfig* config = setup.signing;
  const auto* seal = config ? config->seal_key(core::Role::pole) : nullptr;
  if (!seal || config->tsa_url.empty()) {
    return message(res, 409, "Archive impossible",
                   "l’archive est scellée par le cachet du pôle : configurez seal_key.pole et tsa_url dans la section [signature] d’ipt.conf");
  }
  auto key = signing::open_key_source(seal->key);
  if (!key) return failure(res, key.error().with_context("seal_key.pole"));
  signing::HttpTimestampClient tsa(config->tsa_url);
  pipeline::DossierDocuments documents(*c->store, *setup.renderer);
  auto outcome = pipeline::archive_dossier(*c->store, documents, reference, archive_root(), setup.trust,
                                           pipeline::dispatches_of(setup.database, reference), pipeline::ArchiveSeal{key->get(), &tsa},
                                           "espace (" + who->who.email + ", " + setup.address(req) + ")");
  if (!outcome) return failure(res, outcome.error());
  redirect(res, "/espace/dossiers/" + reference + "?fait=archiver");
}

// An archive as a ZIP, or its certificate of completion (audited downloads).
void Workspace::Impl::archive_file(const httplib::Request& req, httplib::Response& res) {
  auto c = context();
  if (!c) return failure(res, c.error());
  auto who = signed_in(*c, req, res);
  if (!who) return;
  const std::string reference = req.matches[1], version = req.matches[2], what = req.matches[3];
  if (auto seen = visible(*c, *who, reference); !seen) return failure(res, seen.error());
  const auto unknown = core::Error{"archive inconnue", core::Category::not_found, {}};
  const auto folder = archives(reference) / ("v" + version);
  if (!std::filesystem::is_directory(folder)) return failure(res, unknown);
  const std::string name = what == ".zip" ? reference + "-v" + version + ".zip" : reference + "-v" + version + "-certificat-achevement.pdf";
  std::string body;
  if (what == ".zip") {
    auto zip = pipeline::zip_folder(folder, reference + "-v" + version);
    if (!zip) return failure(res, zip.error());
    body = *std::move(zip);
  } else {
    auto pdf = signing::read_file(folder / "certificat-achevement.pdf");
    if (!pdf) return failure(res, unknown);
    body.assign(pdf->begin(), pdf->end());
  }
  if (auto r = c->store->record("espace", "dossier.download", reference, name + ", " + who->who.email + ", " + setup.client(req)); !r) {
    return failure(res, r.error());
  }
  res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
  res.set_content(body, what == ".zip" ? "application/zip" : "application/pdf");
}

// The round's actions from the dossier's page: start it (the documents rendered first when
// they are missing or older than the dossier), a new link for the awaited signatory, cancel
// it, or restart the signatures; each with its audit entry, as from the command line.
void Workspace::Impl::round_action(const httplib::Request& req, httplib::Response& res) {
  auto c = context();
  if (!c) return failure(res, c.error());
  auto who = signed_in_form(*c, req, res);
  if (!who) return;
  const std::string reference = req.matches[1];
  if (auto seen = visible(*c, *who, reference); !seen) return failure(res, seen.error());
  const std::string actor = "espace (" + who->who.email + ", " + setup.address(req) + ")";
  const std::string action = req.get_param_value("action");
  const std::string reason = req.get_param_value("raison");
  pipeline::DossierDocuments documents(*c->store, *setup.renderer);
  pipeline::SigningRequests requests(*c->store, setup.mail, setup.portal());
  core::Result<void> done;
  if (action == "demarrer") {
    auto current = documents.documents_current(reference);
    if (!current) return failure(res, current.error());
    if (!*current) {
      if (auto r = documents.render(reference, actor); !r) return failure(res, r.error());
    }
    auto started = requests.start(reference, actor);
    done = started ? core::Result<void>{} : std::unexpected(started.error());
  } else if (action == "renouveler") {
    auto r = requests.reissue(reference, actor);
    done = r ? core::Result<void>{} : std::unexpected(r.error());
  } else if (action == "annuler" || action == "recommencer") {
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
      return message(res, 400, "Raison manquante", "dites pourquoi : la raison est écrite au journal du dossier");
    }
    auto round = requests.show(reference);
    if (round && round->state == pipeline::RoundState::open) {
      if (auto r = requests.cancel(reference, reason, actor); !r) return failure(res, r.error());
    } else if (action == "annuler") {
      return message(res, 409, "Action impossible", "aucun tour ouvert pour le dossier " + reference);
    }
    if (action == "recommencer") {
      auto r = documents.restart_round(reference, reason, actor);
      done = r ? core::Result<void>{} : std::unexpected(r.error());
    }
  } else {
    return message(res, 400, "Action inconnue", "action « " + action.substr(0, 40) + " » inconnue");
  }
  if (!done) return failure(res, done.error());
  redirect(res, "/espace/dossiers/" + reference + "?fait=" + action);
}

void Workspace::Impl::list_page(const httplib::Request& req, httplib::Response& res) {
  auto c = context();
  if (!c) return failure(res, c.error());
  auto who = signed_in(*c, req, res);
  if (!who) return;
  auto summaries = c->store->list_dossiers();
  if (!summaries) return failure(res, summaries.error());
  const std::string procedure_filter = req.get_param_value("procedure");
  const std::string step_filter = req.get_param_value("etape");
  const core::Date today = core::Date::today();
  std::vector<pipeline::DossierOverview> shown;
  for (const auto& s : *summaries) {
    auto o = pipeline::overview(*c->store, s.reference, today);
    if (!o || !pipeline::may_see(who->who, o->dossier)) continue;
    if (!procedure_filter.empty() && core::code(o->plan.procedure) != procedure_filter) continue;
    if (!step_filter.empty() && pipeline::code(o->step) != step_filter) continue;
    shown.push_back(*std::move(o));
  }
  pipeline::sort_for_list(shown);
  PageData rows{PageData::type::list};
  for (const auto& o : shown) {
    PageData row;
    row.set("reference", o.reference);
    row.set("procedure", procedure_label(o.plan));
    row.set("etape", std::string(pipeline::french_label(o.step)));
    if (!o.awaited.empty()) row.set("attendu", o.awaited);
    if (!o.awaited_since.empty()) row.set("depuis", o.awaited_since.size() > 10 ? french_time(o.awaited_since) : o.awaited_since);
    if (o.next) row.set("echeance", o.next->what + ", " + o.next->date.french());
    row.set("retard", truth(o.overdue));
    rows.push_back(row);
  }
  PageData data;
  data.set("nom", who->who.name);
  data.set("portee", who->who.administrator ? "administrateur, tous les pôles" : "pôle FASE " + std::to_string(who->who.pole_fase));
  data.set("administrateur", truth(who->who.administrator));
  data.set("csrf", who->csrf);
  data.set("dossiers", rows);
  data.set("liste", truth(!shown.empty()));
  data.set("nombre", std::to_string(shown.size()));
  data.set("filtre", truth(!procedure_filter.empty() || !step_filter.empty()));
  PageData procedures{PageData::type::list};
  for (auto p : all_procedures) {
    PageData option;
    option.set("code", std::string(core::code(p)));
    option.set("libelle", std::string(core::code(p)) + " – " + std::string(core::french_title(p)));
    option.set("choisie", truth(core::code(p) == procedure_filter));
    procedures.push_back(option);
  }
  data.set("procedures", procedures);
  PageData steps{PageData::type::list};
  for (auto s : all_steps) {
    PageData option;
    option.set("code", std::string(pipeline::code(s)));
    option.set("libelle", std::string(pipeline::french_label(s)));
    option.set("choisie", truth(pipeline::code(s) == step_filter));
    steps.push_back(option);
  }
  data.set("etapes", steps);
  send_page(res, 200, "espace-dossiers", "Les dossiers du pôle", data);
}

void Workspace::Impl::dossier_page(const httplib::Request& req, httplib::Response& res) {
  auto c = context();
  if (!c) return failure(res, c.error());
  auto who = signed_in(*c, req, res);
  if (!who) return;
  const std::string reference = req.matches[1];
  const auto unknown = core::Error{"dossier « " + reference + " » inconnu", core::Category::not_found, {}};
  auto o = pipeline::overview(*c->store, reference, core::Date::today());
  if (!o) return failure(res, o.error().is(core::Category::not_found) ? unknown : o.error());
  if (!pipeline::may_see(who->who, o->dossier)) return failure(res, unknown);
  if (auto r = c->store->record("espace", "dossier.view", reference, who->who.email + ", " + setup.client(req)); !r) {
    return failure(res, r.error());
  }
  PageData data;
  data.set("reference", reference);
  data.set("csrf", who->csrf);
  const std::string action_done = req.get_param_value("fait");
  if (action_done == "demarrer") data.set("info", "Tour de signature ouvert : le premier signataire est invité par courriel.");
  if (action_done == "renouveler") data.set("info", "Un nouveau lien est envoyé au signataire attendu ; l’ancien ne vaut plus.");
  if (action_done == "annuler") data.set("info", "Tour annulé.");
  if (action_done == "archiver") data.set("info", "Dossier archivé : l’archive est scellée par le pôle et vérifiée ci-dessous.");
  if (action_done == "recommencer") data.set("info", "Signatures recommencées : les documents sont produits à nouveau ; ouvrez un nouveau tour.");
  data.set("procedure", procedure_label(o->plan));
  data.set("etape", std::string(pipeline::french_label(o->step)));
  if (!o->awaited.empty()) data.set("attendu", o->awaited);
  if (!o->awaited_since.empty()) data.set("depuis", o->awaited_since.size() > 10 ? french_time(o->awaited_since) : o->awaited_since);

  const core::Date today = core::Date::today();
  PageData deadlines{PageData::type::list};
  auto deadline = [&](const std::string& what, core::Date date, bool done, const std::string& skipped) {
    PageData d;
    d.set("quoi", what + (done ? " (fait)" : ""));
    d.set("date", date.french());
    d.set("retard", truth(!done && date.days_until(today) > 0));
    if (!skipped.empty()) d.set("jours_sautes", skipped);
    deadlines.push_back(d);
  };
  if (o->plan.limite_30_09) deadline("liste du 30/09", *o->plan.limite_30_09, false, "");
  if (o->plan.decision_ministre) {
    std::string skipped;
    for (const auto& s : o->plan.decision_ministre->skipped) {
      skipped += (skipped.empty() ? "congés sautés : " : ", ") + std::to_string(s.days()) + " jours du " + s.first.french() + " au " + s.last.french();
    }
    deadline("décision du Ministre (30 jours hors congés scolaires)", o->plan.decision_ministre->due, false, skipped);
  }
  for (const auto& e : o->plan.envois) {
    if (e.avant) deadline(e.what, *e.avant, e.fait_le.has_value(), "");
  }
  data.set("echeances", deadlines);
  PageData timeline{PageData::type::list};
  for (const auto& step : o->timeline) {
    PageData row;
    row.set("quoi", step.what);
    if (step.done) row.set("fait", step.done->french());
    else if (!step.done_at.empty()) row.set("fait", french_time(step.done_at));
    if (step.due) row.set("du", step.due->french());
    row.set("retard", truth(!step.done && step.done_at.empty() && step.due && step.due->days_until(today) > 0));
    timeline.push_back(row);
  }
  data.set("etapes", timeline);

  pipeline::DossierDocuments documents(*c->store, *setup.renderer);
  PageData docs{PageData::type::list};
  if (auto status = documents.status(reference, setup.trust)) {
    for (const auto& d : status->documents) {
      PageData doc;
      doc.set("nom", d.name);
      doc.set("reference", reference);
      const auto* definition = setup.renderer->templates().find(d.name);
      doc.set("titre", definition ? definition->title : d.name);
      doc.set("present", truth(d.present));
      PageData signatures{PageData::type::list};
      for (const auto& s : d.signatures) {
        PageData row;
        row.set("signataire", s.signer.empty() ? s.expected_signatory : s.signer);
        row.set("role", std::string(core::code(s.role)));
        row.set("signe", truth(s.signed_));
        row.set("quand", s.at.size() > 10 ? french_time(s.at) : s.at);
        row.set("verdict", !s.signed_ ? "—" : s.indication == signing::Indication::valid ? "valide"
                                           : s.indication == signing::Indication::indeterminate ? "indéterminée" : "invalide");
        signatures.push_back(row);
      }
      doc.set("signatures", signatures);
      docs.push_back(doc);
    }
  }
  data.set("documents", docs);

  pipeline::SigningRequests requests(*c->store, setup.mail, {});
  auto round = requests.show(reference);
  data.set("tour_ouvert", truth(round && round->state == pipeline::RoundState::open));
  if (round) {
    PageData tour;
    tour.set("etat", round->state == pipeline::RoundState::open ? "ouvert" : round->state == pipeline::RoundState::completed ? "terminé" : "annulé");
    tour.set("ouvert", french_time(round->created_at));
    PageData invitations{PageData::type::list};
    for (const auto& i : round->invitations) {
      PageData row;
      row.set("signataire", i.signatory);
      row.set("role", std::string(core::code(i.role)));
      row.set("etat", std::string(pipeline::label_fr(i.state)));
      const std::string& since = !i.signed_at.empty() ? i.signed_at : !i.opened_at.empty() ? i.opened_at : i.invited_at;
      if (!since.empty()) row.set("depuis", french_time(since));
      if (!i.declined_reason.empty()) row.set("raison", i.declined_reason);
      invitations.push_back(row);
    }
    tour.set("invitations", invitations);
    data.set("tour", tour);
  }

  // The archives, the latest verified (seal, hashes, signatures, audit journal).
  PageData archive_rows{PageData::type::list};
  std::vector<int> versions;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(archives(reference), ec)) {
    const std::string n = entry.path().filename().string();
    if (entry.is_directory() && n.size() > 1 && n[0] == 'v' && n.find_first_not_of("0123456789", 1) == std::string::npos) {
      versions.push_back(std::stoi(n.substr(1)));
    }
  }
  std::sort(versions.rbegin(), versions.rend());
  for (size_t i = 0; i < versions.size(); ++i) {
    PageData row;
    row.set("version", std::to_string(versions[i]));
    row.set("reference", reference);
    if (i == 0) {
      auto check = pipeline::verify_archive(archives(reference) / ("v" + std::to_string(versions[i])), setup.trust, false,
                                            setup.signing ? std::span<const pipeline::ConfiguredSeal>(setup.signing->seals)
                                                          : std::span<const pipeline::ConfiguredSeal>());
      if (!check) row.set("verification", "vérification impossible : " + check.error().message);
      else if (check->ok) row.set("verification", "intacte : cachet du pôle valide (" + check->sealed_by + "), " + std::to_string(check->files_checked) + " fichiers vérifiés");
      else {
        std::string problems;
        for (const auto& p : check->problems) problems += (problems.empty() ? "" : " ; ") + p;
        row.set("verification", "NON INTACTE : " + problems);
      }
    }
    archive_rows.push_back(row);
  }
  data.set("archives", archive_rows);

  PageData messages{PageData::type::list};
  if (auto outbox = mail::Outbox::open(setup.database)) {
    if (auto entries = outbox->list(reference)) {
      for (const auto& m : *entries) {
        PageData row;
        row.set("sujet", m.subject);
        row.set("a", m.recipients);
        row.set("etat", std::string(mail::state_fr(m)));
        row.set("quand", french_time(m.created_at));
        messages.push_back(row);
      }
    }
  }
  data.set("messages", messages);

  PageData journal{PageData::type::list};
  if (auto entries = c->store->audit_entries(reference)) {
    for (auto it = entries->rbegin(); it != entries->rend(); ++it) {
      PageData row;
      row.set("quand", french_time(it->at));
      row.set("action", it->action);
      row.set("qui", it->actor);
      if (!it->details.empty()) row.set("details", it->details);
      journal.push_back(row);
    }
  }
  data.set("journal", journal);
  send_page(res, 200, "espace-dossier", "Dossier " + reference, data);
}

void Workspace::Impl::document(const httplib::Request& req, httplib::Response& res) {
  auto c = context();
  if (!c) return failure(res, c.error());
  auto who = signed_in(*c, req, res);
  if (!who) return;
  const std::string reference = req.matches[1], name = req.matches[2];
  if (auto seen = visible(*c, *who, reference); !seen) return failure(res, seen.error());
  const auto unknown = core::Error{"document inconnu", core::Category::not_found, {}};
  pipeline::DossierDocuments documents(*c->store, *setup.renderer);
  auto pdf = signing::read_file(documents.folder(reference) / (name + ".pdf"));
  if (!pdf) return failure(res, unknown);
  if (auto r = c->store->record("espace", "dossier.download", reference, name + ".pdf, " + who->who.email + ", " + setup.client(req)); !r) {
    return failure(res, r.error());
  }
  res.set_header("Content-Disposition", "attachment; filename=\"" + reference + "-" + name + ".pdf\"");
  res.set_content(std::string(pdf->begin(), pdf->end()), "application/pdf");
}

void Workspace::routes(httplib::Server& s) {
  Impl& w = *impl_;
  s.Get("/espace/connexion", [&w](const httplib::Request&, httplib::Response& res) { w.login_page(res, 200, "", "", ""); });
  s.Post("/espace/connexion", [&w](const httplib::Request& req, httplib::Response& res) {
    const std::string email = req.get_param_value("courriel").substr(0, 200);
    const std::string pair = cookie_value(req, login_cookie);
    if (pair.empty() || !core::constant_time_equal(req.get_param_value("csrf"), pair)) {
      return w.login_page(res, 403, email, "ce formulaire ne vient pas de cette page : recommencez", "");
    }
    if (!w.login_by_address.allow(w.setup.address(req)) || !w.login_by_account.allow(email)) {
      return w.login_page(res, 429, email, "trop d’essais de connexion : réessayez dans dix minutes", "");
    }
    auto c = w.context();
    if (!c) return w.failure(res, c.error());
    auto id = c->login->begin(email, req.get_param_value("mot_de_passe"), w.setup.client(req));
    if (!id) return w.login_page(res, 403, email, reason_of(id.error()), "");
    res.set_header("Set-Cookie", w.cookie(session_cookie, *id, "/espace"));
    Impl::redirect(res, "/espace/code");
  });
  s.Get("/espace/code", [&w](const httplib::Request& req, httplib::Response& res) {
    auto c = w.context();
    if (!c) return w.failure(res, c.error());
    auto session = c->login->session(cookie_value(req, session_cookie));
    if (!session) return Impl::redirect(res, "/espace/connexion");
    if (session->confirmed) return Impl::redirect(res, "/espace");
    PageData data;
    data.set("csrf", session->csrf);
    data.set("courriel_masque", masked(session->who.email));
    send_page(res, 200, "espace-code", "Votre code de connexion", data);
  });
  s.Post("/espace/code", [&w](const httplib::Request& req, httplib::Response& res) {
    auto c = w.context();
    if (!c) return w.failure(res, c.error());
    const std::string id = cookie_value(req, session_cookie);
    auto session = c->login->session(id);
    if (!session) return Impl::redirect(res, "/espace/connexion");
    if (!core::constant_time_equal(req.get_param_value("csrf"), session->csrf)) {
      return w.message(res, 403, "Formulaire refusé", "ce formulaire ne vient pas de votre session : reconnectez-vous");
    }
    if (!w.code_by_address.allow(w.setup.address(req))) {
      return w.message(res, 429, "Trop d’essais", "trop de codes essayés depuis votre adresse : réessayez dans dix minutes");
    }
    if (auto r = c->login->confirm(id, req.get_param_value("code"), w.setup.client(req)); !r) {
      PageData data;
      data.set("csrf", session->csrf);
      data.set("courriel_masque", masked(session->who.email));
      data.set("erreur", reason_of(r.error()));
      return send_page(res, 409, "espace-code", "Votre code de connexion", data);
    }
    Impl::redirect(res, "/espace");
  });
  s.Post("/espace/deconnexion", [&w](const httplib::Request& req, httplib::Response& res) {
    auto c = w.context();
    if (!c) return w.failure(res, c.error());
    auto who = w.signed_in_form(*c, req, res);
    if (!who) return;
    if (auto r = c->login->logout(cookie_value(req, session_cookie), w.setup.client(req)); !r) return w.failure(res, r.error());
    res.set_header("Set-Cookie", w.cookie(session_cookie, "", "/espace") + "; Max-Age=0");
    w.login_page(res, 200, "", "", "vous êtes déconnecté");
  });
  s.Get("/espace/nouveau", [&w](const httplib::Request& req, httplib::Response& res) {
    auto c = w.context();
    if (!c) return w.failure(res, c.error());
    auto who = w.signed_in(*c, req, res);
    if (!who) return;
    if (req.has_param("procedure")) {
      auto form = pipeline::blank_form(req.get_param_value("procedure"));
      if (!form) return w.failure(res, form.error());
      return w.form_page(res, 200, *who, *form, "Nouveau dossier", "", false);
    }
    PageData data;
    data.set("csrf", who->csrf);
    data.set("procedures", procedure_options());
    send_page(res, 200, "espace-nouveau", "Nouveau dossier", data);
  });
  s.Post("/espace/formulaire", [&w](const httplib::Request& req, httplib::Response& res) { w.submit(req, res); });
  s.Post("/espace/importer", [&w](const httplib::Request& req, httplib::Response& res) { w.import(req, res); });
  s.Get(R"(/espace/dossiers/([A-Z0-9-]{1,64})/(modifier|dossier\.xml))", [&w](const httplib::Request& req, httplib::Response& res) {
    auto c = w.context();
    if (!c) return w.failure(res, c.error());
    auto who = w.signed_in(*c, req, res);
    if (!who) return;
    const std::string reference = req.matches[1];
    auto stored = w.visible(*c, *who, reference);
    if (!stored) return w.failure(res, stored.error());
    if (req.matches[2] == "dossier.xml") {
      if (auto r = c->store->record("espace", "dossier.export", reference, who->who.email + ", " + w.setup.client(req)); !r) {
        return w.failure(res, r.error());
      }
      res.set_header("Content-Disposition", "attachment; filename=\"" + reference + ".xml\"");
      return res.set_content(stored->xml, "application/xml; charset=utf-8");
    }
    auto form = pipeline::form_of(stored->xml);
    if (!form) return w.failure(res, form.error());
    auto begun = pipeline::signing_begun(*c->store, reference);
    w.form_page(res, 200, *who, *form, "Modifier le dossier " + reference, "", begun && *begun);
  });
  s.Post(R"(/espace/dossiers/([A-Z0-9-]{1,64})/tour)", [&w](const httplib::Request& req, httplib::Response& res) { w.round_action(req, res); });
  s.Get("/espace/comptes", [&w](const httplib::Request& req, httplib::Response& res) { w.accounts(req, res); });
  s.Post("/espace/comptes", [&w](const httplib::Request& req, httplib::Response& res) { w.accounts(req, res); });
  s.Post("/espace/comptes/etat", [&w](const httplib::Request& req, httplib::Response& res) { w.accounts(req, res); });
  s.Post(R"(/espace/dossiers/([A-Z0-9-]{1,64})/archiver)", [&w](const httplib::Request& req, httplib::Response& res) { w.archive(req, res); });
  s.Get(R"(/espace/dossiers/([A-Z0-9-]{1,64})/archives/v([0-9]{1,6})(\.zip|/certificat-achevement\.pdf))",
        [&w](const httplib::Request& req, httplib::Response& res) { w.archive_file(req, res); });
  s.Get("/espace", [&w](const httplib::Request& req, httplib::Response& res) { w.list_page(req, res); });
  s.Get(R"(/espace/dossiers/([A-Z0-9-]{1,64}))", [&w](const httplib::Request& req, httplib::Response& res) { w.dossier_page(req, res); });
  s.Get(R"(/espace/dossiers/([A-Z0-9-]{1,64})/documents/([a-z0-9-]{1,40})\.pdf)",
        [&w](const httplib::Request& req, httplib::Response& res) { w.document(req, res); });
}

}  // namespace ipt::portal
