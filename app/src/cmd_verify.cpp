// ipt verify FILE.pdf [--trust CA.pem]... [--json]: every signature's verdict.
#include <ctime>
#include <ostream>

#include "common.hpp"
#include "mail_common.hpp"
#include "ipt/core/files.hpp"
#include "ipt/signing/certificates.hpp"
#include "ipt/signing/verifier.hpp"

namespace ipt::app {

namespace {

std::string french_time(std::chrono::system_clock::time_point t) { return core::format_utc(t, "%d/%m/%Y %H:%M:%S UTC"); }

const char* yes_no(bool b) { return b ? "oui" : "NON"; }

// Valid 0, invalid 1, indeterminate 3 (2 is kept for unreadable input).
int exit_for(signing::Indication indication) {
  switch (indication) {
    case signing::Indication::valid: return exit_ok;
    case signing::Indication::indeterminate: return exit_indeterminate;
    case signing::Indication::invalid: return exit_failure;
  }
  return exit_failure;
}

std::string conclusion(const signing::VerificationReport& report) {
  switch (report.indication) {
    case signing::Indication::valid: return "Toutes les signatures sont valides.";
    case signing::Indication::indeterminate:
      return "Aucune signature n’est invalide, mais au moins une vérification n’a pas pu aboutir (validité indéterminée).";
    case signing::Indication::invalid:
      return report.signatures.empty() ? "Le document ne porte aucune signature." : "Au moins une signature n’est pas valide.";
  }
  return "";
}

int run(const Arguments& args, Io& io) {
  const std::string path = args.positionals()[0];
  signing::VerifyOptions options;
  auto trust = all_trust(args);
  if (!trust) return report_failure(io, "verify", assume_category(trust.error(), core::Category::invalid_input));
  options.trust_anchors = *std::move(trust);
  options.online_revocation = !args.flag("--offline");
  auto pdf = signing::read_file(path, options.max_bytes);
  if (!pdf) {
    io.err << "ipt verify : " << pdf.error().message << "\n";
    return exit_bad_input;
  }
  auto report = signing::verify_pdf(*pdf, options);
  if (!report) {
    io.err << "ipt verify : " << path << " : " << report.error().message << "\n";
    return exit_bad_input;
  }
  if (args.flag("--json")) {
    io.out << signing::report_json(*report) << "\n";
    return exit_for(report->indication);
  }
  io.out << path << " : " << report->signatures.size() << " signature(s), " << report->revisions << " révision(s)\n";
  for (const auto& s : report->signatures) {
    io.out << "\n" << (s.document_timestamp ? "Horodatage du document" : "Signature") << " « " << s.field << " » — "
           << signing::french(s.indication) << "\n";
    io.out << "  " << (s.document_timestamp ? "autorité" : "signataire") << " : " << s.signer
           << (s.organisation.empty() ? "" : " (" + s.organisation + ")") << "\n";
    if (s.claimed_time) io.out << "  date déclarée : " << french_time(*s.claimed_time) << "\n";
    if (s.timestamp_time) io.out << "  horodatage : " << french_time(*s.timestamp_time) << (s.timestamp_valid ? "" : " (invalide)") << "\n";
    io.out << "  intègre : " << yes_no(s.intact) << " ; signature valide : " << yes_no(s.signature_valid)
           << " ; chaîne de confiance : " << yes_no(s.chain_trusted) << "\n";
    if (!s.document_timestamp) {
      const auto source = signing::french(s.revocation_source);
      io.out << "  révocation : " << signing::french(s.revocation) << (source.empty() ? "" : " (" + std::string(source) + ")")
             << " ; niveau PAdES : " << (s.level ? signing::code(*s.level) : "aucun")
             << (s.certification ? " ; certification (remplissage et signatures permis)" : "") << "\n";
    }
    io.out << "  révision " << s.revision << (s.covers_whole_file ? ", couvre tout le fichier" : ", suivie d’autres révisions") << "\n";
    for (const auto& c : s.later_changes) {
      io.out << "    après : " << c.detail << (c.allowed() ? "" : " — INTERDIT") << "\n";
    }
    for (const auto& p : s.problems) {
      io.out << "  " << (signing::indication_of(p.code) == signing::Indication::invalid ? "problème" : "non vérifié")
             << " [" << signing::code(p.code) << "] : " << p.to_french() << "\n";
    }
  }
  for (const auto& p : report->problems) io.out << "\nFichier : problème [" << signing::code(p.code) << "] : " << p.to_french() << "\n";
  io.out << "\n" << conclusion(*report) << "\n";
  return exit_for(report->indication);
}

}  // namespace

Command verify_command() {
  return {{"verify", "ipt verify FICHIER.pdf [--trust CA.pem]... [--json] [--offline]",
           "vérifie chaque signature et horodatage d’un PDF",
           "Pour chaque signature : intégrité des octets signés, valeur de signature, chaîne de\n"
           "certificats jusqu’à une autorité de confiance à la date de signature (celle de\n"
           "l’horodatage s’il y en a un), révocation (données du document, sinon en ligne),\n"
           "horodatage, niveau PAdES, couverture, et ce que les révisions suivantes ont changé.\n"
           "Trois verdicts (EN 319 102-1) : VALIDE, INDÉTERMINÉE (une vérification n’a pas pu\n"
           "aboutir : pas d’information de révocation, chaîne sans autorité de confiance…) et NON\n"
           "VALIDE (octets modifiés, signature fausse, certificat révoqué, modification interdite).\n"
           "Statut 0 si tout est valide, 1 si une signature n’est pas valide, 3 si la validité est\n"
           "indéterminée, 2 si le fichier est illisible.\n"
           "La sortie --json est le rapport de validation classé aux archives.",
           {{"--trust", "CA.pem", "certificat(s) racine de confiance (en plus de ceux de ipt.conf), répétable", true},
            config_option(),
            {"--offline", "", "n’interroge aucun répondeur OCSP en ligne"},
            {"--json", "", "rapport de validation JSON"}},
           1, 1},
          run};
}

}  // namespace ipt::app
