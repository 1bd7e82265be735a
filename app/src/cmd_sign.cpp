// ipt sign: one signatory's PAdES signature, in its own incremental revision.
#include <nlohmann/json.hpp>
#include <ostream>

#include "common.hpp"
#include "ipt/pipeline/dispatch.hpp"
#include "key_options.hpp"
#include "mail_common.hpp"
#include "ipt/signing/certificates.hpp"
#include "ipt/signing/key_source.hpp"
#include "ipt/signing/pades.hpp"
#include "ipt/pipeline/dossier_documents.hpp"
#include "ipt/pipeline/signing_config.hpp"
#include "ipt/signing/verifier.hpp"
#include "ipt/templates/renderer.hpp"

namespace ipt::app {

namespace {

using signing::Bytes;

// When an Annexe 4's last signature lands, its mail to the Administration is queued in the
// same transaction (configuration: --config, else the default ipt.conf, else the defaults).
std::optional<pipeline::CompletionHook> completion_hook(const Arguments& args, Io& io) {
  auto config = load_config(args, io, "sign");
  if (!config) return std::nullopt;
  return pipeline::annexe4_mail_hook(*std::move(config));
}

// The key, from --p12 or --token (signing::open_key_source), or why not.
core::Result<std::unique_ptr<signing::KeySource>> open_key(const Arguments& args) {
  IPT_TRY(description, key_description(args));
  return signing::open_key_source(*description);
}

// What the command needs from ipt.conf's [signature] and the command line together: the
// trust anchors (--trust adds to the configured ones), the timestamp server (--tsa, else
// tsa_url) and the level (--level, else the configured one).
struct SigningSetup {
  pipeline::SigningConfig config;
  std::vector<Bytes> trust;
  std::unique_ptr<signing::HttpTimestampClient> tsa;
};

std::optional<SigningSetup> read_setup(const Arguments& args, Io& io) {
  SigningSetup setup;
  auto config = read_signing_config(args);
  if (!config) {
    io.err << "ipt sign : " << config.error().message << "\n";
    return std::nullopt;
  }
  setup.config = *std::move(config);
  auto extra = read_trust(args);
  if (!extra) {
    io.err << "ipt sign : " << extra.error().message << "\n";
    return std::nullopt;
  }
  setup.trust = setup.config.trust_anchors();
  setup.trust.insert(setup.trust.end(), extra->begin(), extra->end());
  const std::string url = args.value("--tsa").value_or(setup.config.tsa_url);
  if (!url.empty()) setup.tsa = std::make_unique<signing::HttpTimestampClient>(url);
  return setup;
}

std::optional<signing::SignatureOptions> read_options(const Arguments& args, Io& io,
                                                      signing::Level default_level = signing::Level::b_b) {
  signing::SignatureOptions options;
  options.field = args.value("--field").value_or("");
  if (options.field.empty()) {
    io.err << "ipt sign : l’option --field CHAMP est obligatoire (sig_pole, sig_ecole_ordinaire, sig_cpms, sig_responsable)\n";
    return std::nullopt;
  }
  const auto level = args.value("--level") ? signing::parse_level(*args.value("--level")) : std::optional(default_level);
  if (!level) {
    io.err << "ipt sign : --level : niveau inconnu (B-B, B-T, B-LT ou B-LTA)\n";
    return std::nullopt;
  }
  options.level = *level;
  options.certify = args.flag("--certify");
  for (const auto& fill : args.values("--fill")) {
    const auto eq = fill.find('=');
    if (eq == std::string::npos || eq == 0) {
      io.err << "ipt sign : --fill : « " << fill << " » n’a pas la forme NOM=VALEUR\n";
      return std::nullopt;
    }
    options.fills.push_back({fill.substr(0, eq), fill.substr(eq + 1)});
  }
  options.reason = args.value("--reason").value_or("");
  options.location = args.value("--location").value_or("");
  return options;
}

int write_output(const Arguments& args, Io& io, const Bytes& pdf, const std::string& what) {
  const auto out = args.value("-o");
  if (!out) {
    io.err << "ipt sign : l’option -o SORTIE.pdf est obligatoire\n";
    return exit_bad_input;
  }
  if (auto ok = signing::write_file_atomically(*out, pdf); !ok) {
    io.err << "ipt sign : " << ok.error().message << "\n";
    return exit_failure;
  }
  if (args.flag("--json")) {
    io.out << nlohmann::json{{"fichier", *out}, {"octets", pdf.size()}, {"resultat", what}}.dump(2) << "\n";
  } else {
    io.out << what << " : " << *out << "\n";
  }
  return exit_ok;
}

int run_prepare(const Arguments& args, Io& io, const Bytes& pdf) {
  auto options = read_options(args, io);
  if (!options) return exit_bad_input;
  const auto cert_path = args.value("--cert");
  if (!cert_path) {
    io.err << "ipt sign --prepare : l’option --cert CERTIFICAT.pem (du signataire distant) est obligatoire\n";
    return exit_bad_input;
  }
  auto cert = signing::load_certificates(*cert_path);
  if (!cert) {
    io.err << "ipt sign : " << cert.error().message << "\n";
    return exit_bad_input;
  }
  std::vector<Bytes> chain(cert->begin() + 1, cert->end());
  if (const auto chain_path = args.value("--chain")) {
    auto more = signing::load_certificates(*chain_path);
    if (!more) {
      io.err << "ipt sign : " << more.error().message << "\n";
      return exit_bad_input;
    }
    chain.insert(chain.end(), more->begin(), more->end());
  }
  auto prepared = signing::prepare_signature(pdf, *options, cert->front(), chain);
  if (!prepared) return report_failure(io, "sign", prepared.error());
  const std::string state = *args.value("--prepare");
  if (auto ok = signing::write_file_atomically(state, prepared->serialize()); !ok) {
    io.err << "ipt sign : " << ok.error().message << "\n";
    return exit_failure;
  }
  if (const auto dtbs = args.value("--data-to-sign")) {
    if (auto ok = signing::write_file_atomically(*dtbs, prepared->signed_attributes); !ok) {
      io.err << "ipt sign : " << ok.error().message << "\n";
      return exit_failure;
    }
  }
  if (args.flag("--json")) {
    io.out << nlohmann::json{{"etat", state},
                             {"donnees_a_signer", signing::to_hex(prepared->signed_attributes)},
                             {"algorithme", "SHA-256"}}
                  .dump(2)
           << "\n";
  } else {
    io.out << "signature préparée : " << state << "\n"
           << "données à signer (DER, SHA-256 puis signature) : " << signing::to_hex(prepared->signed_attributes) << "\n";
  }
  return exit_ok;
}

int run_complete(const Arguments& args, Io& io) {
  auto state = signing::read_file(*args.value("--complete"));
  if (!state) {
    io.err << "ipt sign : " << state.error().message << "\n";
    return exit_bad_input;
  }
  auto prepared = signing::PreparedSignature::deserialize(*state);
  if (!prepared) {
    io.err << "ipt sign : " << *args.value("--complete") << " : " << prepared.error().message << "\n";
    return exit_bad_input;
  }
  core::Result<Bytes> signed_pdf = core::fail("");
  if (const auto cms = args.value("--cms")) {
    auto der = signing::read_file(*cms);
    if (!der) {
      io.err << "ipt sign : " << der.error().message << "\n";
      return exit_bad_input;
    }
    signed_pdf = signing::complete_signature_with_cms(*prepared, *der);
  } else if (const auto value = args.value("--signature-value")) {
    auto raw = signing::read_file(*value);
    if (!raw) {
      io.err << "ipt sign : " << raw.error().message << "\n";
      return exit_bad_input;
    }
    std::unique_ptr<signing::HttpTimestampClient> tsa;
    if (const auto url = args.value("--tsa")) tsa = std::make_unique<signing::HttpTimestampClient>(*url);
    signed_pdf = signing::complete_signature(*prepared, *raw, tsa.get());
  } else {
    io.err << "ipt sign --complete : donnez --signature-value FICHIER ou --cms FICHIER\n";
    return exit_bad_input;
  }
  if (!signed_pdf) return report_failure(io, "sign", signed_pdf.error());
  return write_output(args, io, *signed_pdf, "signature terminée (" + prepared->options.field + ")");
}

// ipt sign --dossier REF --doc NAME --field ...: the stored copy, in place, in the plan's order.
int run_stored(const Arguments& args, Io& io, const std::string& reference) {
  const auto document = args.value("--doc");
  if (!document) {
    io.err << "ipt sign : --dossier demande --doc DOCUMENT (par exemple annexe-4)\n";
    return exit_bad_input;
  }
  auto setup = read_setup(args, io);
  if (!setup) return exit_bad_input;
  // A dossier's documents are timestamped by default: they are kept for years.
  auto options = read_options(args, io, setup->config.level.value_or(signing::Level::b_t));
  if (!options) return exit_bad_input;
  if (!args.value("--p12") && !args.value("--token")) {
    io.err << "ipt sign : donnez la clé : --p12 FICHIER ou --token LIBELLÉ (PKCS#11)\n";
    return exit_bad_input;
  }
  auto store = open_store(args, io, "sign");
  if (!store) return exit_failure;
  auto key = open_key(args);
  if (!key) return report_failure(io, "sign", key.error());
  auto renderer = templates::Renderer::create_embedded();
  if (!renderer) {
    io.err << "ipt sign : " << renderer.error().message << "\n";
    return exit_failure;
  }
  pipeline::DossierDocuments documents(*store, *renderer);
  pipeline::SignRequest request{reference, *document, *options, key->get(), setup->tsa.get(), setup->trust,
                                core::current_actor(), &setup->config};
  const auto hook = completion_hook(args, io);
  if (!hook) return exit_bad_input;
  auto outcome = documents.sign(request, *hook);
  if (!outcome) return report_failure(io, "sign", outcome.error().with_context("dossier " + reference));
  if (args.flag("--json")) {
    io.out << nlohmann::json{{"fichier", outcome->document.path.string()},
                             {"sha256", outcome->document.sha256},
                             {"signatures_completes", outcome->complete},
                             {"prolonge_b_lta", outcome->extended},
                             {"certificat_sha256", outcome->signer.sha256},
                             {"message_en_file", outcome->hook_ran}}
                  .dump(2)
           << "\n";
  } else {
    io.out << "signé (" << options->field << ", " << signing::code(options->level) << ") et vérifié : "
           << outcome->document.path.string() << "\n";
    if (outcome->complete) io.out << "toutes les signatures prévues par le plan sont présentes\n";
    if (outcome->extended) io.out << "document prolongé en B-LTA (données de validation et horodatage d’archive)\n";
    if (outcome->hook_ran) io.out << "l’Annexe 4 signée est mise en file d’envoi vers l’Administration\n";
  }
  return exit_ok;
}

int run(const Arguments& args, Io& io) {
  if (const auto reference = args.value("--dossier")) {
    if (!args.positionals().empty() || args.value("-o")) {
      io.err << "ipt sign : --dossier signe la copie du magasin ; ne donnez ni fichier ni -o\n";
      return exit_bad_input;
    }
    return run_stored(args, io, *reference);
  }
  if (args.value("--complete")) {
    if (!args.positionals().empty()) {
      io.err << "ipt sign --complete : le document vient de l’état préparé ; ne donnez pas de fichier d’entrée\n";
      return exit_bad_input;
    }
    return run_complete(args, io);
  }
  if (args.positionals().empty()) {
    io.err << "ipt sign : argument manquant — usage : ipt sign ENTREE.pdf -o SORTIE.pdf --field CHAMP ...\n";
    return exit_bad_input;
  }
  const std::string input = args.positionals()[0];
  auto pdf = signing::read_file(input);
  if (!pdf) {
    io.err << "ipt sign : " << pdf.error().message << "\n";
    return exit_bad_input;
  }
  if (args.value("--prepare")) return run_prepare(args, io, *pdf);

  auto setup = read_setup(args, io);
  if (!setup) return exit_bad_input;
  auto options = read_options(args, io, setup->config.level.value_or(signing::Level::b_b));
  if (!options) return exit_bad_input;
  if (!args.value("-o")) {
    io.err << "ipt sign : l’option -o SORTIE.pdf est obligatoire\n";
    return exit_bad_input;
  }
  if (!args.value("--p12") && !args.value("--token")) {
    io.err << "ipt sign : donnez la clé : --p12 FICHIER, ou --token LIBELLÉ (PKCS#11), ou --prepare ÉTAT (signature en deux temps)\n";
    return exit_bad_input;
  }
  auto key = open_key(args);
  if (!key) return report_failure(io, "sign", key.error());
  // No countersignature on top of a signature that is broken; one that cannot be checked
  // here (no trust anchor, no revocation information) is signed over with a warning.
  signing::VerifyOptions verify_options;
  verify_options.trust_anchors = setup->trust;
  verify_options.timeout = std::chrono::seconds(5);
  auto before = signing::verify_pdf(*pdf, verify_options);
  if (!before) {
    io.err << "ipt sign : " << input << " : " << before.error().message << " — rien n’a été écrit\n";
    return exit_bad_input;
  }
  if (!before->signatures.empty() && !pipeline::acceptable(*before, setup->config)) {
    std::string why;
    for (const auto& s : before->signatures) {
      for (const auto& p : s.problems) why += (why.empty() ? "" : " ; ") + s.field + " : " + p.to_french();
    }
    for (const auto& p : before->problems) why += (why.empty() ? "" : " ; ") + p.to_french();
    if (before->indication == signing::Indication::invalid) {
      io.err << "ipt sign : " << input << " : les signatures déjà présentes ne sont pas valides (" << why
             << ") ; pas de contre-signature — rien n’a été écrit\n";
      return exit_failure;
    }
    io.err << "ipt sign : attention : les signatures déjà présentes n’ont pas pu être entièrement vérifiées (" << why
           << ") ; donnez --trust ou configurez trust dans ipt.conf\n";
  }
  auto signed_pdf = signing::sign_pdf(*pdf, *options, **key, setup->tsa.get(), setup->trust);
  if (!signed_pdf) return report_failure(io, "sign", signed_pdf.error().with_context(input + " (rien n’a été écrit)"));
  return write_output(args, io, *signed_pdf,
                      "signé (" + options->field + ", " + std::string(signing::code(options->level)) + ")");
}

}  // namespace

Command sign_command() {
  return {{"sign",
           "ipt sign ENTREE.pdf -o SORTIE.pdf --field CHAMP (--p12 FICHIER | --token LIBELLÉ) "
           "(--password-file F | --password-env VAR) [--level B-B|B-T|B-LT|B-LTA] [--tsa URL] "
           "[--certify] [--fill NOM=VALEUR]...",
           "signe un document pour un partenaire (PAdES), dans une révision incrémentale",
           "Chaque signataire signe dans sa propre révision : les signatures précédentes restent\n"
           "valides. Les champs remplis (--fill, par exemple avis_cpms=favorable) le sont dans la\n"
           "même révision et sont verrouillés par la signature. --certify (premier signataire)\n"
           "certifie le document : seuls le remplissage et les signatures restent permis.\n"
           "Le mot de passe ou le PIN se lit dans un fichier ou une variable d’environnement,\n"
           "jamais sur la ligne de commande. En cas d’erreur, rien n’est écrit.\n\n"
           "Signature en deux temps (signataire distant) :\n"
           "  ipt sign ENTREE.pdf --prepare ETAT --field CHAMP --cert CERT.pem [--chain CHAINE.pem]\n"
           "      [--data-to-sign DTBS.der]   prépare et donne les données à signer\n"
           "  ipt sign --complete ETAT -o SORTIE.pdf (--signature-value SIG.bin | --cms CMS.der) [--tsa URL]\n\n"
           "Document d’un dossier importé (magasin de documents, dans l’ordre du plan) :\n"
           "  ipt sign --dossier RÉFÉRENCE --doc annexe-4 --field sig_cpms --p12 ... --fill avis_cpms=favorable\n"
           "  La nouvelle révision ne remplace la précédente qu’une fois vérifiée ; chaque signature est\n"
           "  inscrite au journal d’audit.",
           {{"-o", "SORTIE.pdf", "document signé (écrit sous un nom temporaire puis renommé)"},
            {"--field", "CHAMP", "champ de signature : sig_pole, sig_ecole_ordinaire, sig_cpms, sig_responsable"},
            {"--p12", "FICHIER", "clé et certificat PKCS#12"},
            {"--password-file", "FICHIER", "mot de passe du PKCS#12 (première ligne du fichier)"},
            {"--password-env", "VARIABLE", "mot de passe du PKCS#12 dans une variable d’environnement"},
            {"--token", "LIBELLÉ", "jeton PKCS#11 (carte eID, HSM) désigné par son libellé"},
            {"--pkcs11-module", "FICHIER", "module PKCS#11 (obligatoire avec --token)"},
            {"--key", "LIBELLÉ", "libellé de la clé sur le jeton"},
            {"--pin-file", "FICHIER", "PIN du jeton (première ligne du fichier)"},
            {"--pin-env", "VARIABLE", "PIN du jeton dans une variable d’environnement"},
            {"--level", "NIVEAU", "B-B, B-T, B-LT ou B-LTA (défaut : level de ipt.conf, sinon B-T pour --dossier, B-B pour un fichier)"},
            {"--tsa", "URL", "serveur d’horodatage RFC 3161 (requis dès B-T ; défaut : tsa_url de ipt.conf)"},
            {"--trust", "CA.pem", "certificat racine de confiance, en plus de ceux de ipt.conf, répétable", true},
            {"--certify", "", "certification (DocMDP) : remplissage et signatures permis ensuite"},
            {"--fill", "NOM=VALEUR", "remplit un champ dans la révision signée, répétable", true},
            {"--reason", "TEXTE", "motif affiché par les lecteurs PDF"},
            {"--location", "TEXTE", "lieu de signature"},
            {"--prepare", "ETAT", "signature en deux temps : prépare et écrit l’état"},
            {"--cert", "CERT.pem", "certificat du signataire distant (avec --prepare)"},
            {"--chain", "CHAINE.pem", "certificats intermédiaires (avec --prepare)"},
            {"--data-to-sign", "FICHIER", "écrit les données à signer (avec --prepare)"},
            {"--complete", "ETAT", "signature en deux temps : termine à partir de l’état"},
            {"--signature-value", "FICHIER", "valeur de signature brute (avec --complete)"},
            {"--cms", "FICHIER", "signature CMS détachée complète (avec --complete)"},
            {"--dossier", "RÉFÉRENCE", "signe le document d’un dossier dans le magasin (avec --doc)"},
            {"--doc", "DOCUMENT", "document du dossier à signer, par exemple annexe-4"},
            database_option(),
            config_option(),
            {"--json", "", "sortie JSON pour un programme"}},
           0, 1},
          run};
}

}  // namespace ipt::app
