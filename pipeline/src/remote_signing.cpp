#include "ipt/pipeline/remote_signing.hpp"

#include <algorithm>
#include <set>

#include "ipt/core/dossier_reader.hpp"
#include "ipt/signing/form_fields.hpp"
#include "ipt/pipeline/refused_concertation.hpp"
#include "ipt/templates/field_owners.hpp"

namespace ipt::pipeline {

namespace {

// Calls `visit` on every text field and choice of the definition, with its label. A field
// without a label of its own is named by the paragraphs printed just before it, as the
// document shows them (Annexe 4's written CPMS opinion follows the sentences that ask for
// it); a paragraph that prints the dossier's data ({…}) is not repeated.
template <class Visit>
void each_field(const templates::TemplateDefinition& definition, Visit visit) {
  std::string preceding;
  for (const auto& block : definition.blocks) {
    if (const auto* paragraph = std::get_if<templates::TextBlock>(&block)) {
      if (paragraph->text.find('{') == std::string::npos) preceding += (preceding.empty() ? "" : " ") + paragraph->text;
      else preceding.clear();
      continue;
    }
    if (const auto* text = std::get_if<templates::TextField>(&block)) {
      visit(text->name, text->label.empty() ? preceding : text->label, text->lines, std::vector<templates::ChoiceOption>{});
    } else if (const auto* choice = std::get_if<templates::ChoiceField>(&block)) {
      visit(choice->name, choice->label, 1, choice->options);
    } else if (const auto* row = std::get_if<templates::SignatureRow>(&block)) {
      for (const auto& signature : row->signatures) {
        for (const auto& detail : signature.details) visit(detail.name, detail.label, detail.lines, std::vector<templates::ChoiceOption>{});
        for (const auto& box_choice : signature.choices) visit(box_choice.name, box_choice.label, 1, box_choice.options);
      }
    }
    preceding.clear();
  }
}

}  // namespace

core::Result<std::vector<SignatoryField>> signatory_fields(const templates::TemplateDefinition& definition, core::Role role,
                                                           const signing::Bytes& pdf) {
  const auto owners = templates::field_owners(definition);
  IPT_TRY(values, signing::read_field_values(pdf));
  std::vector<SignatoryField> out;
  std::set<std::string> seen;
  each_field(definition, [&](const std::string& name, const std::string& label, int lines,
                             const std::vector<templates::ChoiceOption>& options) {
    const auto owner = owners.find(name);
    if (owner == owners.end() || owner->second != role || !seen.insert(name).second) return;
    const auto value = values->find(name);
    out.push_back({definition.id, name, label, lines, options, value == values->end() ? "" : value->second});
  });
  return out;
}

RemoteSigning::RemoteSigning(DossierDocuments& documents, SigningRequests& requests, RemoteSigningSetup setup)
    : documents_(documents), requests_(requests), setup_(std::move(setup)) {}

core::Result<std::vector<SignatoryField>> RemoteSigning::fields(const InvitationAccess& access) const {
  std::vector<SignatoryField> out;
  for (const auto& document : access.round.documents) {
    const auto* definition = documents_.renderer().templates().find(document);
    if (!definition) return core::fail(core::Category::internal, document + " : définition absente");
    IPT_TRY(pdf, signing::read_file(documents_.folder(access.round.reference) / (document + ".pdf")));
    IPT_TRY(fields, signatory_fields(*definition, access.invitation.role, *pdf));
    out.insert(out.end(), fields->begin(), fields->end());
  }
  return out;
}

core::Result<std::vector<RemoteSignature>> RemoteSigning::sign(const std::string& token,
                                                               const std::map<std::string, std::string>& fills,
                                                               const std::string& client) {
  IPT_TRY(access, requests_.open(token, client));
  if (access->invitation.state != InvitationState::confirmed) {
    return core::fail(core::Category::refused, "confirmez d’abord votre identité avec le code reçu par courriel");
  }
  const auto& reference = access->round.reference;
  const core::Role role = access->invitation.role;
  IPT_TRY(own, fields(*access));
  for (const auto& [name, value] : fills) {
    const bool theirs = std::any_of(own->begin(), own->end(), [&](const SignatoryField& f) { return f.name == name; });
    if (!theirs) return core::fail(core::Category::refused, "le champ « " + name + " » n’est pas à vous", {.field = name});
  }
  std::vector<signing::Bytes> trust = setup_.trust;
  if (setup_.config) {
    for (const auto& anchor : setup_.config->trust_anchors()) trust.push_back(anchor);
  }
  IPT_TRY(status, documents_.status(reference, trust));
  IPT_TRY(stored, documents_.store().find_dossier(reference));
  if (!*stored) return core::fail(core::Category::not_found, "dossier « " + reference + " » inconnu");
  auto dossier = core::parse_dossier((*stored)->xml, reference);
  if (!dossier) return core::fail(core::Category::internal, "dossier « " + reference + " » enregistré illisible");
  const auto who = planned_signatory(*dossier, role);
  if (!who) return core::fail(core::Category::refused, "aucun signataire prévu pour « " + std::string(core::code(role)) + " »");

  std::vector<RemoteSignature> done;
  std::vector<std::string> pending;
  for (const auto& document : access->round.documents) {
    const auto d = std::find_if(status->documents.begin(), status->documents.end(), [&](const auto& s) { return s.name == document; });
    const bool signed_already = d != status->documents.end() &&
                                std::any_of(d->signatures.begin(), d->signatures.end(),
                                            [&](const SignatureState& s) { return s.role == role && s.signed_; });
    if (signed_already) done.push_back({document, true, {}});
    else pending.push_back(document);
  }
  const std::string field(core::field_name(role));
  for (size_t i = 0; i < pending.size(); ++i) {
    const auto& document = pending[i];
    std::unique_ptr<signing::KeySource> key;
    const SealKey* seal = setup_.config ? setup_.config->seal_key(role) : nullptr;
    if (seal) {
      IPT_TRY(opened, signing::open_key_source(seal->key));
      key = *std::move(opened);
    } else if (setup_.issue_certificate) {
      const signing::CertificateSubject subject{who->first_name, who->last_name, who->email, who->organisation};
      IPT_TRY(issued, setup_.issue_certificate(subject));
      key = *std::move(issued);
    } else {
      return core::fail(core::Category::invalid_input,
                        "aucune clé pour signer : configurez issuing_ca (ipt ca create) ou seal_key." +
                            std::string(core::code(role)) + " dans [signature] d’ipt.conf");
    }
    SignRequest request;
    request.reference = reference;
    request.document = document;
    request.options.field = field;
    request.options.level = setup_.config && setup_.config->level ? *setup_.config->level : signing::Level::b_t;
    request.options.reason = role == core::Role::cpms ? "Avis du CPMS (signé à distance)" : "Accord sur le document (signé à distance)";
    request.options.signer_name = who->first_name + " " + who->last_name;
    request.options.organisation = who->organisation;
    for (const auto& f : *own) {
      const auto given = fills.find(f.name);
      if (f.document == document && given != fills.end()) request.options.fills.push_back({f.name, given->second});
    }
    request.key = key.get();
    request.timestamps = setup_.timestamps;
    request.trust_anchors = trust;
    request.actor = "portail (" + who->first_name + " " + who->last_name + ")";
    request.config = setup_.config;
    if (i + 1 == pending.size()) {
      request.on_recorded = [&](core::Transaction& tx) { return requests_.record_signed(tx, token, client); };
    }
    auto outcome = documents_.sign(request, setup_.on_complete);
    if (!outcome) return std::unexpected(outcome.error().with_context(document));
    done.push_back({document, false, *std::move(outcome)});
  }
  if (pending.empty()) {
    // Everything was signed elsewhere (an upload, the command line): the step is recorded alone.
    IPT_TRY_VOID(documents_.store().record_with("portail", "round.signed.elsewhere", reference, client,
                                                [&](core::Transaction& tx) { return requests_.record_signed(tx, token, client); }));
  }
  return done;
}

core::Result<RemoteSignature> RemoteSigning::accept(const std::string& token, const std::string& document, signing::Bytes pdf,
                                                    const std::string& client) {
  IPT_TRY(access, requests_.open(token, client));
  if (access->invitation.state != InvitationState::confirmed) {
    return core::fail(core::Category::refused, "confirmez d’abord votre identité avec le code reçu par courriel");
  }
  const auto& round = access->round;
  if (std::find(round.documents.begin(), round.documents.end(), document) == round.documents.end()) {
    return core::fail(core::Category::not_found, "« " + document + " » ne fait pas partie de ce tour", {.field = "document"});
  }
  const core::Role role = access->invitation.role;
  std::vector<signing::Bytes> trust = setup_.trust;
  if (setup_.config) {
    for (const auto& anchor : setup_.config->trust_anchors()) trust.push_back(anchor);
  }
  IPT_TRY(status, documents_.status(round.reference, trust));
  int still_to_sign = 0;
  for (const auto& d : status->documents) {
    if (std::find(round.documents.begin(), round.documents.end(), d.name) == round.documents.end() || d.name == document) continue;
    still_to_sign += std::any_of(d.signatures.begin(), d.signatures.end(), [&](const auto& s) { return s.role == role && !s.signed_; });
  }
  SignRequest request;
  request.reference = round.reference;
  request.document = document;
  request.options.field = std::string(core::field_name(role));
  request.trust_anchors = trust;
  request.actor = "portail (document déposé par " + access->invitation.signatory + ")";
  request.config = setup_.config;
  request.timestamps = setup_.timestamps;
  request.signed_elsewhere = std::move(pdf);
  if (still_to_sign == 0) {
    request.on_recorded = [&](core::Transaction& tx) { return requests_.record_signed(tx, token, client); };
  }
  auto outcome = documents_.sign(request, setup_.on_complete);
  if (!outcome) return std::unexpected(outcome.error());
  return RemoteSignature{document, false, *std::move(outcome)};
}

core::Result<RemoteSigning::Declined> RemoteSigning::decline(const std::string& token, const std::string& reason,
                                                             const std::string& client) {
  // The reason may become a written motivation: the dossier reader's limit, checked first.
  if (reason.size() > 3000) {
    return core::fail(core::Category::invalid_input, "votre raison dépasse 3 000 caractères : raccourcissez-la", {.field = "raison"});
  }
  IPT_TRY(access, requests_.open(token, client));
  IPT_TRY(round, requests_.decline(token, reason, client));
  IPT_TRY(refused, record_refused_concertation(documents_, requests_, access->round.reference, access->invitation.role,
                                               reason, "portail (" + access->invitation.signatory + ")"));
  if (*refused) {
    IPT_TRY(now, requests_.show(access->round.reference));
    return Declined{*std::move(now), true};
  }
  return Declined{*std::move(round), false};
}

}  // namespace ipt::pipeline
