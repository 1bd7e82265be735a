#include "ipt/portal/server.hpp"

#include <sys/socket.h>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <semaphore>
#include <thread>

#include "ipt/core/dossier_reader.hpp"
#include "ipt/core/plan.hpp"
#include "ipt/core/school_calendar.hpp"
#include "ipt/core/store.hpp"
#include "ipt/mail/outbox.hpp"
#include "ipt/mail/transport.hpp"
#include "ipt/pipeline/dispatch.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/pipeline/remote_signing.hpp"
#include "ipt/signing/issuing_ca.hpp"
#include "ipt/signing/timestamp_client.hpp"
#include "ipt/templates/renderer.hpp"
#include "page_preview.hpp"
#include "pages.hpp"
#include "request_parts.hpp"
#include "sessions.hpp"
#include "workspace.hpp"

namespace ipt::portal {

namespace {

constexpr const char* token_pattern = "([A-Za-z0-9_-]{43})";
constexpr const char* session_cookie = "ipt_session";

// A signing CA's key (a token, a PKCS#12) signs one thing at a time.
class SharedCa {
 public:
  explicit SharedCa(signing::IssuingCa ca) : ca_(std::move(ca)) {}
  core::Result<std::unique_ptr<signing::KeySource>> issue(const signing::CertificateSubject& s) {
    std::lock_guard lock(mutex_);
    return ca_.issue(s, std::chrono::system_clock::now());
  }
  // The CRL is made once and served until an hour before its next update (it lists nothing:
  // every key is destroyed after its signature), so that serving it costs no signature.
  core::Result<signing::Bytes> crl() {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::system_clock::now();
    if (crl_.empty() || now >= crl_made_ + std::chrono::hours(24)) {
      IPT_TRY(fresh, ca_.crl(now));
      crl_ = *std::move(fresh);
      crl_made_ = now;
    }
    return crl_;
  }
  const signing::IssuingCa& ca() const { return ca_; }

 private:
  signing::IssuingCa ca_;
  std::mutex mutex_;
  signing::Bytes crl_;
  std::chrono::system_clock::time_point crl_made_;
};

// Holds one of the signing slots for a scope.
class SigningSlot {
 public:
  explicit SigningSlot(std::counting_semaphore<64>& slots) : slots_(slots) { slots_.acquire(); }
  ~SigningSlot() { slots_.release(); }
  SigningSlot(const SigningSlot&) = delete;
  SigningSlot& operator=(const SigningSlot&) = delete;

 private:
  std::counting_semaphore<64>& slots_;
};

void security_headers(httplib::Response& res, bool https) {
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                 "base-uri 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");  // the link's token never leaves in a Referer
  res.set_header("Cache-Control", "no-store");
  res.set_header("Cross-Origin-Opener-Policy", "same-origin");
  if (https) res.set_header("Strict-Transport-Security", "max-age=31536000");
}

}  // namespace

struct Server::Impl {
  ServeOptions options;
  std::unique_ptr<httplib::Server> http;
  std::unique_ptr<templates::Renderer> renderer;
  std::unique_ptr<SharedCa> ca;
  Sessions sessions;
  std::unique_ptr<Workspace> workspace;  // the coordinators' pages under /espace
  RateLimiter code_limiter{3, std::chrono::minutes(10)};      // codes per link
  RateLimiter confirm_limiter{20, std::chrono::minutes(10)};  // code tries per address
  RateLimiter request_limiter{300, std::chrono::minutes(1)};  // requests per address
  // Signing is CPU work: a few at a time, so that the other requests (pages, codes, and the
  // CRL that each signature's own verification fetches from this server) keep their threads.
  std::counting_semaphore<64> signing_slots{std::max(2u, std::thread::hardware_concurrency())};
  std::string base_url;
  int port = 0;
  std::thread worker;
  std::atomic<bool> stopping{false};
  std::mutex worker_mutex;
  std::condition_variable worker_wake;
  bool https = false;

  // Everything a request works with, on its own database connection.
  struct Context {
    core::Store store;
    pipeline::DossierDocuments documents;
    pipeline::SigningRequests requests;
    Context(core::Store s, const templates::Renderer& r, const mail::MailConfig& m, pipeline::PortalConfig p)
        : store(std::move(s)), documents(store, r), requests(store, m, std::move(p)) {}
  };
  core::Result<std::unique_ptr<Context>> context() const {
    IPT_TRY(store, core::Store::open(options.database));
    return std::make_unique<Context>(*std::move(store), *renderer, options.mail, portal_config());
  }

  pipeline::PortalConfig portal_config() const {
    pipeline::PortalConfig p = options.portal;
    p.base_url = base_url;
    return p;
  }

  // The signatory's address: the connection's, or what a declared proxy says it saw (the last
  // address it appended, never one the client wrote before it).
  std::string address(const httplib::Request& req) const {
    const auto& proxies = options.portal.trusted_proxies;
    if (std::find(proxies.begin(), proxies.end(), req.remote_addr) == proxies.end() || !req.has_header("X-Forwarded-For")) {
      return req.remote_addr;
    }
    const std::string forwarded = req.get_header_value("X-Forwarded-For");
    const auto comma = forwarded.rfind(',');
    std::string last = forwarded.substr(comma == std::string::npos ? 0 : comma + 1);
    last.erase(0, last.find_first_not_of(' '));
    return last;
  }

  // Who made a request, for the audit trail: address and browser.
  std::string client(const httplib::Request& req) const {
    std::string agent = req.get_header_value("User-Agent").substr(0, 120);
    std::replace_if(agent.begin(), agent.end(), [](char c) { return c < 0x20; }, ' ');
    return "IP " + address(req) + ", navigateur " + (agent.empty() ? "inconnu" : agent);
  }

  void routes();
  void run_worker();
  std::string session_of(const httplib::Request& req, httplib::Response& res);
  void message(httplib::Response& res, int status, const std::string& title, const std::string& text);
  void failure(httplib::Response& res, const core::Error& error);
  // A document's title as its definition gives it ("Annexe 4 – Bilan d’intégration").
  std::string title_of(const std::string& document) const {
    const auto* definition = renderer->templates().find(document);
    return definition ? definition->title : document;
  }
  // What a signature through the portal needs: the configuration, the timestamp server, the
  // issuing CA (serialised), the Annexe 4's mail.
  pipeline::RemoteSigningSetup signing_setup(signing::HttpTimestampClient& tsa) const;
  // The document named by the route's second group, when the link's round has it; otherwise
  // the error page is written into `res`.
  std::optional<signing::Bytes> round_document(const httplib::Request& req, httplib::Response& res);
  void invitation_page(const httplib::Request& req, httplib::Response& res, const std::string& token,
                       const std::string& error, const std::string& info, int status = 200);
};


std::string Server::Impl::session_of(const httplib::Request& req, httplib::Response& res) {
  auto [id, fresh] = sessions.ensure(cookie_value(req, session_cookie));
  if (fresh) {
    res.set_header("Set-Cookie", std::string(session_cookie) + "=" + id + "; Path=/; HttpOnly; SameSite=Strict" +
                                     (https ? "; Secure" : ""));
  }
  return id;
}


void Server::Impl::message(httplib::Response& res, int status, const std::string& title, const std::string& text) {
  PageData data;
  if (status >= 400) data.set("erreur", text);
  else data.set("texte", text);
  send_page(res, status, "message", title, data);
}

void Server::Impl::failure(httplib::Response& res, const core::Error& error) {
  const int status = core::http_status(error.category);
  message(res, status, status == 404 ? "Lien inconnu" : status >= 500 ? "Erreur du portail" : "Action impossible", error.message);
}

namespace {

// One sentence from the plan: why this signatory signs.
std::string why(const core::Plan& plan, core::Role role) {
  const std::string procedure = "procédure " + std::string(core::code(plan.procedure)) + " – " +
                                std::string(core::french_title(plan.procedure));
  if (role == core::Role::cpms) {
    return "Le CPMS donne son avis sur l’intégration et le signe (" + procedure + ", circulaire 8783).";
  }
  return "Votre signature marque l’accord de votre partie sur l’intégration (" + procedure + ", circulaire 8783).";
}

}  // namespace

void Server::Impl::invitation_page(const httplib::Request& req, httplib::Response& res, const std::string& token,
                                   const std::string& error, const std::string& info, int status) {
  const std::string session = session_of(req, res);
  auto c = context();
  if (!c) return failure(res, c.error());
  auto access = (*c)->requests.open(token, client(req));
  if (!access) return failure(res, access.error());
  const auto& round = access->round;
  const auto& invitation = access->invitation;
  PageData data;
  data.set("reference", round.reference);
  data.set("signataire", invitation.signatory);
  if (!invitation.quality.empty()) data.set("qualite", invitation.quality);
  data.set("plusieurs", round.documents.size() > 1 ? PageData::type::bool_true : PageData::type::bool_false);
  if (!error.empty()) data.set("erreur", error);
  if (!info.empty()) data.set("info", info);
  if (auto stored = (*c)->store.find_dossier(round.reference); stored && *stored) {
    if (auto dossier = core::parse_dossier((**stored).xml, round.reference)) {
      if (auto plan = core::make_plan(*dossier, core::SchoolCalendar::official())) data.set("pourquoi", why(*plan, invitation.role));
    }
  }
  PageData documents{PageData::type::list};
  for (const auto& name : round.documents) {
    const auto pdf = signing::read_file((*c)->documents.folder(round.reference) / (name + ".pdf"));
    if (!pdf) return failure(res, pdf.error());
    const auto* definition = renderer->templates().find(name);
    const std::string title = definition ? definition->title : name;
    const int pages = page_count(*pdf).value_or(0);
    PageData d;
    d.set("nom", name);
    d.set("titre", title);
    d.set("telechargement", "/s/" + token + "/document/" + name + ".pdf");
    d.set("pages", std::to_string(pages));
    d.set("pluriel", pages > 1 ? PageData::type::bool_true : PageData::type::bool_false);
    PageData previews{PageData::type::list};
    for (int i = 1; i <= pages; ++i) {
      PageData p;
      p.set("src", "/s/" + token + "/apercu/" + name + "/" + std::to_string(i) + ".png");
      p.set("alt", "Aperçu de « " + title + " », page " + std::to_string(i) + " sur " + std::to_string(pages));
      previews.push_back(p);
    }
    d.set("apercus", previews);
    documents.push_back(d);
  }
  data.set("documents", documents);
  const bool confirmed = sessions.confirmed(session, token) && invitation.state == pipeline::InvitationState::confirmed;
  data.set("confirme", confirmed ? PageData::type::bool_true : PageData::type::bool_false);
  data.set("courriel_masque", masked(invitation.email));
  data.set("csrf", sessions.csrf(session));
  for (const char* action : {"code", "confirmer", "signer", "refuser", "deposer"}) {
    data.set(std::string("action_") + action, "/s/" + token + "/" + action);
  }
  if (confirmed) {
    pipeline::SigningRequests& requests = (*c)->requests;
    pipeline::RemoteSigning remote((*c)->documents, requests, {});
    auto fields = remote.fields(*access);
    if (!fields) return failure(res, fields.error());
    PageData list{PageData::type::list};
    std::set<std::string> shown;
    for (const auto& f : *fields) {
      if (!shown.insert(f.name).second) continue;  // the same field in several documents: asked once
      PageData field;
      field.set("nom", f.name);
      field.set("libelle", f.label.empty() ? f.name : f.label);
      if (f.options.empty()) {
        PageData text;
        text.set("nom", f.name);
        text.set("libelle", f.label.empty() ? f.name : f.label);
        text.set("valeur", f.value);
        text.set("lignes", std::to_string(std::max(f.lines, 2)));
        text.set("multiligne", f.lines > 1 ? PageData::type::bool_true : PageData::type::bool_false);
        field.set("texte", text);
      } else {
        PageData choice;
        choice.set("nom", f.name);
        choice.set("libelle", f.label.empty() ? f.name : f.label);
        PageData choices{PageData::type::list};
        for (const auto& o : f.options) {
          PageData option;
          option.set("valeur", o.value);
          option.set("libelle", o.label);
          option.set("coche", o.value == f.value ? PageData::type::bool_true : PageData::type::bool_false);
          choices.push_back(option);
        }
        choice.set("options", choices);
        field.set("choix", choice);
      }
      list.push_back(field);
    }
    data.set("champs", list);
  }
  send_page(res, status, "invitation", "Dossier " + round.reference + " : votre signature", data);
}

pipeline::RemoteSigningSetup Server::Impl::signing_setup(signing::HttpTimestampClient& tsa) const {
  pipeline::RemoteSigningSetup setup;
  setup.config = &options.signing;
  setup.timestamps = options.signing.tsa_url.empty() ? nullptr : &tsa;
  setup.on_complete = pipeline::annexe4_mail_hook(options.mail);
  if (ca) {
    // The CA's key signs one certificate at a time; its CRL stays servable meanwhile (the
    // signature's own verification fetches it from this server).
    setup.issue_certificate = [this](const signing::CertificateSubject& subject) { return ca->issue(subject); };
    setup.trust.push_back(ca->ca().certificate());
  }
  return setup;
}

std::optional<signing::Bytes> Server::Impl::round_document(const httplib::Request& req, httplib::Response& res) {
  auto c = context();
  if (!c) {
    failure(res, c.error());
    return std::nullopt;
  }
  auto access = (*c)->requests.open(req.matches[1], client(req));
  if (!access) {
    failure(res, access.error());
    return std::nullopt;
  }
  const std::string name = req.matches[2];
  const auto& docs = access->round.documents;
  if (std::find(docs.begin(), docs.end(), name) == docs.end()) {
    message(res, 404, "Document inconnu", name + " ne fait pas partie de ce tour");
    return std::nullopt;
  }
  auto pdf = signing::read_file((*c)->documents.folder(access->round.reference) / (name + ".pdf"));
  if (!pdf) {
    failure(res, pdf.error());
    return std::nullopt;
  }
  return *std::move(pdf);
}

void Server::Impl::routes() {
  httplib::Server& s = *http;
  s.set_payload_max_length(options.max_upload_bytes);
  // Enough threads that waiting signatures never starve the pages and the CRL.
  s.new_task_queue = [] { return new httplib::ThreadPool(48); };
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    security_headers(res, https);
    if (!request_limiter.allow(address(req))) {
      message(res, 429, "Trop de demandes", "trop de demandes depuis votre adresse : réessayez dans une minute");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.set_error_handler([this](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) message(res, 404, "Page introuvable", "cette adresse ne correspond à aucune page du portail");
    else if (res.status == 413) message(res, 413, "Envoi trop volumineux", "le fichier ou le formulaire dépasse la taille permise");
    else message(res, res.status, "Erreur", "la demande n’a pas pu être traitée");
  });
  s.set_exception_handler([this](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    message(res, 500, "Erreur du portail", "une erreur interne est survenue ; rien n’a été signé");
  });

  s.Get("/static/portail.css", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "max-age=3600");
    res.set_content(std::string(style_sheet()), "text/css; charset=utf-8");
  });
  workspace = std::make_unique<Workspace>(WorkspaceSetup{options.database, options.mail, renderer.get(), options.signing.trust_anchors(),
                                                        &options.signing, https, [this](const httplib::Request& req) { return client(req); },
                                                        [this](const httplib::Request& req) { return address(req); },
                                                        [this] { return portal_config(); }});
  workspace->routes(s);
  s.Get("/sante", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain; charset=utf-8"); });
  s.Get("/ac/crl", [this](const httplib::Request&, httplib::Response& res) {
    if (!ca) return message(res, 404, "Pas d’autorité", "ce portail n’a pas d’autorité de signature");
    auto crl = ca->crl();
    if (!crl) return failure(res, crl.error());
    res.set_header("Cache-Control", "max-age=300");
    res.set_content(std::string(crl->begin(), crl->end()), "application/pkix-crl");
  });
  s.Get("/ac/certificat", [this](const httplib::Request&, httplib::Response& res) {
    if (!ca) return message(res, 404, "Pas d’autorité", "ce portail n’a pas d’autorité de signature");
    const auto& der = ca->ca().certificate();
    res.set_header("Cache-Control", "max-age=3600");
    res.set_content(std::string(der.begin(), der.end()), "application/pkix-cert");
  });

  const std::string link = std::string("/s/") + token_pattern;
  s.Get(link, [this](const httplib::Request& req, httplib::Response& res) {
    const std::string info = req.get_param_value("code") == "envoye" ? "Un code vous a été envoyé par courriel." : "";
    invitation_page(req, res, req.matches[1], "", info);
  });
  s.Get(link + R"(/document/([a-z0-9-]{1,40})\.pdf)", [this](const httplib::Request& req, httplib::Response& res) {
    const auto pdf = round_document(req, res);
    if (!pdf) return;
    const std::string name = req.matches[2];
    res.set_header("Content-Disposition", "attachment; filename=\"" + name + ".pdf\"");
    res.set_content(std::string(pdf->begin(), pdf->end()), "application/pdf");
  });
  s.Get(link + R"(/apercu/([a-z0-9-]{1,40})/([0-9]{1,3})\.png)", [this](const httplib::Request& req, httplib::Response& res) {
    const auto pdf = round_document(req, res);
    if (!pdf) return;
    auto png = render_page_png(*pdf, std::stoi(req.matches[3]) - 1);
    if (!png) return failure(res, png.error());
    res.set_content(*png, "image/png");
  });

  // Every form: the session's anti-forgery token first.
  auto form = [this](auto handler) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      const std::string session = session_of(req, res);
      // A file upload's form is multipart: its fields are parts, not parameters.
      const std::string csrf = req.has_file("csrf") ? req.get_file_value("csrf").content : req.get_param_value("csrf");
      if (!sessions.check_csrf(session, csrf)) {
        return message(res, 403, "Formulaire refusé",
                       "ce formulaire a expiré ou ne vient pas de ce portail : rouvrez le lien reçu par courriel");
      }
      handler(req, res, session, std::string(req.matches[1]));
    };
  };
  s.Post(link + "/code", form([this](const httplib::Request& req, httplib::Response& res, const std::string&, const std::string& token) {
    if (!code_limiter.allow(core::sha256_hex(token))) {
      return invitation_page(req, res, token, "trop de codes demandés : attendez quelques minutes", "", 429);
    }
    auto c = context();
    if (!c) return failure(res, c.error());
    if (auto sent = (*c)->requests.send_code(token, client(req)); !sent) return failure(res, sent.error());
    worker_wake.notify_one();  // the code leaves now, not at the next pass
    res.set_redirect("/s/" + token + "?code=envoye", 303);
  }));
  s.Post(link + "/confirmer", form([this](const httplib::Request& req, httplib::Response& res, const std::string& session,
                                          const std::string& token) {
    if (!confirm_limiter.allow(address(req))) {
      return invitation_page(req, res, token, "trop d’essais depuis votre adresse : attendez quelques minutes", "", 429);
    }
    auto c = context();
    if (!c) return failure(res, c.error());
    auto confirmed = (*c)->requests.confirm_code(token, req.get_param_value("code"), client(req));
    if (!confirmed) return invitation_page(req, res, token, confirmed.error().message, "", core::http_status(confirmed.error().category));
    sessions.confirm(session, token);
    res.set_redirect("/s/" + token, 303);
  }));
  s.Post(link + "/signer", form([this](const httplib::Request& req, httplib::Response& res, const std::string& session,
                                       const std::string& token) {
    if (!sessions.confirmed(session, token)) {
      return invitation_page(req, res, token, "confirmez d’abord votre identité avec le code reçu par courriel", "", 409);
    }
    if (req.get_param_value("consentement") != "oui") {
      return invitation_page(req, res, token, "cochez la déclaration : vous avez lu et vous signez", "", 400);
    }
    std::map<std::string, std::string> fills;
    for (const auto& [key, value] : req.params) {
      if (key.starts_with("champ.")) fills[key.substr(6)] = value;
    }
    auto c = context();
    if (!c) return failure(res, c.error());
    signing::HttpTimestampClient tsa(options.signing.tsa_url);
    pipeline::RemoteSigning remote((*c)->documents, (*c)->requests, signing_setup(tsa));
    auto signed_ = [&] {
      SigningSlot slot(signing_slots);
      return remote.sign(token, fills, client(req));
    }();
    if (!signed_) return invitation_page(req, res, token, signed_.error().message, "", core::http_status(signed_.error().category));
    worker_wake.notify_one();
    std::string names;
    for (const auto& d : *signed_) {
      names += (names.empty() ? "" : ", ") + title_of(d.document);
    }
    message(res, 200, "Merci, votre signature est enregistrée",
            "Vous avez signé : " + names + ". Le pôle et les signataires suivants sont prévenus ; vous pouvez fermer cette page.");
  }));
  s.Post(link + "/deposer", form([this](const httplib::Request& req, httplib::Response& res, const std::string& session,
                                        const std::string& token) {
    if (!sessions.confirmed(session, token)) {
      return invitation_page(req, res, token, "confirmez d’abord votre identité avec le code reçu par courriel", "", 409);
    }
    if (!req.has_file("fichier") || !req.has_file("document") || req.get_file_value("fichier").content.empty()) {
      return invitation_page(req, res, token, "choisissez le fichier PDF signé à déposer", "", 400);
    }
    auto c = context();
    if (!c) return failure(res, c.error());
    signing::HttpTimestampClient tsa(options.signing.tsa_url);
    pipeline::RemoteSigning remote((*c)->documents, (*c)->requests, signing_setup(tsa));
    const std::string& bytes = req.get_file_value("fichier").content;
    auto accepted = [&] {
      SigningSlot slot(signing_slots);
      return remote.accept(token, req.get_file_value("document").content, signing::Bytes(bytes.begin(), bytes.end()), client(req));
    }();
    if (!accepted) return invitation_page(req, res, token, accepted.error().message, "", core::http_status(accepted.error().category));
    worker_wake.notify_one();
    message(res, 200, "Merci, votre signature est enregistrée",
            "Le document « " + title_of(accepted->document) + " » signé de votre côté est accepté et classé au dossier.");
  }));
  s.Post(link + "/refuser", form([this](const httplib::Request& req, httplib::Response& res, const std::string& session,
                                        const std::string& token) {
    if (!sessions.confirmed(session, token)) {
      return invitation_page(req, res, token, "confirmez d’abord votre identité avec le code reçu par courriel", "", 409);
    }
    auto c = context();
    if (!c) return failure(res, c.error());
    signing::HttpTimestampClient tsa(options.signing.tsa_url);
    pipeline::RemoteSigning remote((*c)->documents, (*c)->requests, signing_setup(tsa));
    auto declined = remote.decline(token, req.get_param_value("raison"), client(req));
    if (!declined) return invitation_page(req, res, token, declined.error().message, "", core::http_status(declined.error().category));
    worker_wake.notify_one();
    message(res, 200, "Votre refus est enregistré",
            declined->concertation_refused
                ? "Le pôle est prévenu. Votre raison devient la motivation écrite de votre désaccord (concertation, "
                  "circulaire 8783) : vous recevrez la fiche de motivations à signer."
                : "Le pôle est prévenu et lira votre raison. Vous pouvez fermer cette page.");
  }));
}

void Server::Impl::run_worker() {
  auto last_reminders = std::chrono::steady_clock::time_point{};
  while (!stopping) {
    // Reminders (and expired links marked) every ten minutes; they go out in the pass below.
    if (std::chrono::steady_clock::now() - last_reminders > std::chrono::minutes(10)) {
      last_reminders = std::chrono::steady_clock::now();
      if (auto c = context()) (void)(*c)->requests.remind_due("ipt serve");
    }
    if (auto outbox = mail::Outbox::open(options.database)) {
      if (auto transport = mail::make_transport(options.mail, options.outbox_folder)) {
        (void)pipeline::send_and_record(*outbox, **transport, "ipt serve");
      }
    }
    std::unique_lock lock(worker_mutex);
    worker_wake.wait_for(lock, options.outbox_interval, [this] { return stopping.load(); });
  }
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  stop();
  if (impl_->worker.joinable()) impl_->worker.join();
}

core::Result<std::unique_ptr<Server>> Server::create(ServeOptions options) {
  auto impl = std::make_unique<Impl>();
  // The database and its tables exist before the first request.
  IPT_TRY(store, core::Store::open(options.database));
  IPT_TRY(renderer, templates::Renderer::create_embedded());
  impl->renderer = std::make_unique<templates::Renderer>(*std::move(renderer));
  // A previous server killed between a signature's commit and its rename left the signed
  // revision beside the document: finished now, before any page shows the document.
  {
    pipeline::DossierDocuments documents(*store, *impl->renderer);
    IPT_TRY_VOID(documents.recover_all());
  }
  impl->https = !options.portal.tls_certificate.empty();
  if (impl->https) {
    impl->http = std::make_unique<httplib::SSLServer>(options.portal.tls_certificate.c_str(), options.portal.tls_key.c_str());
    if (!static_cast<httplib::SSLServer&>(*impl->http).is_valid()) {
      return core::fail(core::Category::invalid_input, "[portail] certificat_tls / cle_tls : certificat ou clé TLS illisible (" +
                                                           options.portal.tls_certificate.string() + ")");
    }
  } else {
    impl->http = std::make_unique<httplib::Server>();
  }
  impl->options = std::move(options);
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

core::Result<int> Server::bind() {
  auto& o = impl_->options;
  const bool any = o.portal.listen_port == 0;
  // cpp-httplib 0.11 listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG, compiled into
  // Debian's library): 50 signatories connecting at once overflowed it, and the kernel's
  // dropped connections were retried by their browsers 1 s and 3 s later. Listening again on
  // the bound socket sets the backlog the system allows.
  int listening = -1;
  impl_->http->set_socket_options([&listening](socket_t sock) {
    httplib::default_socket_options(sock);
    listening = sock;
  });
  impl_->port = any ? impl_->http->bind_to_any_port(o.portal.listen_host.c_str())
                    : (impl_->http->bind_to_port(o.portal.listen_host.c_str(), o.portal.listen_port) ? o.portal.listen_port : -1);
  impl_->http->set_socket_options(httplib::default_socket_options);
  if (impl_->port > 0 && listening >= 0 && ::listen(listening, SOMAXCONN) != 0) impl_->port = -1;
  if (impl_->port <= 0) {
    return core::fail(core::Category::external_service, "ipt serve : impossible d’écouter sur " + o.portal.listen_host + ":" +
                                                            std::to_string(o.portal.listen_port) + " (adresse prise ?)");
  }
  const bool default_url = o.portal.base_url.empty() || o.portal.base_url == pipeline::PortalConfig{}.base_url;
  impl_->base_url = default_url ? std::string(impl_->https ? "https://" : "http://") + o.portal.listen_host + ":" +
                                      std::to_string(impl_->port)
                                : o.portal.base_url;
  if (o.signing.issuing_ca) {
    IPT_TRY(key, signing::open_key_source(*o.signing.issuing_ca));
    auto ca = signing::IssuingCa::open(*std::move(key), impl_->base_url + "/ac/crl", impl_->base_url + "/ac/certificat");
    if (!ca) return std::unexpected(ca.error().with_context("issuing_ca"));
    impl_->ca = std::make_unique<SharedCa>(*std::move(ca));
  }
  impl_->routes();
  return impl_->port;
}

void Server::run() {
  if (impl_->options.outbox_worker && !impl_->worker.joinable()) {
    impl_->worker = std::thread([this] { impl_->run_worker(); });
  }
  impl_->http->listen_after_bind();
}

void Server::stop() {
  impl_->stopping = true;
  impl_->worker_wake.notify_all();
  if (impl_->http) impl_->http->stop();
}

std::string Server::base_url() const { return impl_->base_url; }

}  // namespace ipt::portal
