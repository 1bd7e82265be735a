#pragma once
// What a signatory does through the portal, as steps over the store: the fields of theirs that
// a page shows, and "sign my part", which signs each of the round's documents in their field
// with their organisation's seal (seal_key.<role>) or, without one, with a certificate the
// pole's issuing CA makes for them for that one signature. The identity check, field
// ownership, order and locks of DossierDocuments::sign apply unchanged; the signature of
// their last document records the round's step (and invites the next signatory) in its own
// transaction.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/pipeline/signing_config.hpp"
#include "ipt/pipeline/signing_requests.hpp"
#include "ipt/signing/issuing_ca.hpp"
#include "ipt/templates/template_definition.hpp"

namespace ipt::pipeline {

// One field a signatory fills, as a form shows it.
struct SignatoryField {
  std::string document;  // "annexe-4"
  std::string name;      // the PDF field, e.g. "avis_ecrit_cpms"
  std::string label;     // the definition's label, French
  int lines = 1;
  std::vector<templates::ChoiceOption> options;  // a choice; empty for a text field
  std::string value;                             // what the document holds now
};

// The fields of `role` in `definition`, with the values `pdf` holds.
core::Result<std::vector<SignatoryField>> signatory_fields(const templates::TemplateDefinition& definition,
                                                           core::Role role, const signing::Bytes& pdf);

struct RemoteSigningSetup {
  const SigningConfig* config = nullptr;         // seals, trust anchors, seal keys
  // Makes the one-signature certificate of a signatory without a seal key (the pole's issuing
  // CA; the caller serialises access to its key). Empty: such signatories cannot sign.
  std::function<core::Result<std::unique_ptr<signing::KeySource>>(const signing::CertificateSubject&)> issue_certificate;
  signing::TimestampSource* timestamps = nullptr;
  std::vector<signing::Bytes> trust;             // besides config's anchors (the issuing CA's certificate)
  CompletionHook on_complete;                    // the completed Annexe 4's mail
};

struct RemoteSignature {
  std::string document;
  bool already_signed = false;  // signed earlier (a retry after an interruption): left as it was
  SignOutcome outcome;
};

class RemoteSigning {
 public:
  RemoteSigning(DossierDocuments& documents, SigningRequests& requests, RemoteSigningSetup setup);

  // The fields the signatory of `access` fills in each of the round's documents.
  core::Result<std::vector<SignatoryField>> fields(const InvitationAccess& access) const;

  // Signs every document of the round in the signatory's field, with `fills` (field → value,
  // only their own fields), in order; the last signature records the step. A document they
  // already signed is skipped, so a retry after an interruption finishes the rest.
  core::Result<std::vector<RemoteSignature>> sign(const std::string& token, const std::map<std::string, std::string>& fills,
                                                  const std::string& client);

  // A document of the round that the signatory signed elsewhere (the Belgian eID in Acrobat
  // Reader) and uploads: accepted only as DossierDocuments::sign's signed_elsewhere allows.
  // When it was their last document, the step is recorded in the same transaction.
  core::Result<RemoteSignature> accept(const std::string& token, const std::string& document, signing::Bytes pdf,
                                       const std::string& client);

  // The signatory declines, with their reason. In a Première IPT that is a refused
  // concertation: the reason becomes their written motivation (record_refused_concertation).
  struct Declined {
    Round round;
    bool concertation_refused = false;
  };
  core::Result<Declined> decline(const std::string& token, const std::string& reason, const std::string& client);

 private:
  DossierDocuments& documents_;
  SigningRequests& requests_;
  RemoteSigningSetup setup_;
};

}  // namespace ipt::pipeline
