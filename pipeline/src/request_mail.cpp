#include "request_mail.hpp"

#include "ipt/core/files.hpp"

namespace ipt::pipeline::detail {

namespace {

core::Result<mail::MailMessage> from_pole(const mail::MailConfig& config) {
  if (config.sender.empty()) {
    return core::fail(core::Category::invalid_input,
                      "configuration : « sender » (adresse d’expédition du pôle) absent : les invitations ne peuvent "
                      "pas partir");
  }
  mail::MailMessage m;
  m.from = {config.sender, config.sender_name};
  return m;
}

std::string signature_of(const mail::MailConfig& config, const std::string& pole_name) {
  return !config.sender_name.empty() ? config.sender_name : !pole_name.empty() ? pole_name : "Le pôle territorial";
}

constexpr const char* footer =
    "\n-- \n"
    "Message envoyé par IPT Dossiers pour le pôle territorial. Ne transférez pas ce message : le\n"
    "lien est personnel.\n";

}  // namespace

core::Result<mail::MailMessage> invitation_message(const mail::MailConfig& config, const std::string& pole_name,
                                                   const std::string& pole_email, const std::string& reference,
                                                   const Invitation& invitation, const std::string& link,
                                                   std::chrono::system_clock::time_point expires) {
  IPT_TRY(m, from_pole(config));
  m->to = {{invitation.email, invitation.signatory}};
  m->subject = "Signature demandée – dossier " + reference;
  m->secret_body = true;
  m->text = "Bonjour,\n"
            "\n"
            "Le pôle territorial vous invite à lire et à signer les documents du dossier d’intégration\n" +
            reference + (invitation.quality.empty() ? "" : ", en qualité de " + invitation.quality) +
            ".\n"
            "\n"
            "Ouvrez ce lien (valable jusqu’au " + core::format_utc(expires, "%d/%m/%Y") + ") :\n" + link +
            "\n"
            "\n"
            "Avant de signer, un code à usage unique vous sera envoyé à cette adresse pour confirmer\n"
            "que c’est bien vous. Vous pouvez aussi refuser de signer, en écrivant votre raison.\n"
            "\n"
            "Si ce message ne vous est pas destiné, ne faites rien et prévenez le pôle" +
            (pole_email.empty() ? std::string() : " (" + pole_email + ")") + ".\n\n" + signature_of(config, pole_name) + "\n" +
            footer;
  return m;
}

core::Result<mail::MailMessage> code_message(const mail::MailConfig& config, const std::string& pole_name,
                                             const std::string& reference, const Invitation& invitation,
                                             const std::string& code, std::chrono::minutes lifetime) {
  IPT_TRY(m, from_pole(config));
  m->to = {{invitation.email, invitation.signatory}};
  m->subject = "Votre code de confirmation – dossier " + reference;
  m->secret_body = true;
  m->text = "Bonjour,\n"
            "\n"
            "Dossier " + reference + ".\n"
            "Votre code de confirmation est : " + code + "\n"
            "\n"
            "Il vaut " + std::to_string(lifetime.count()) + " minutes et ne sert qu’une fois. Si vous ne l’avez pas demandé,\n"
            "ignorez ce message.\n\n" + signature_of(config, pole_name) + "\n" + footer;
  return m;
}

core::Result<mail::MailMessage> login_code_message(const mail::MailConfig& config, const std::string& email,
                                                   const std::string& name, const std::string& code,
                                                   std::chrono::minutes lifetime) {
  IPT_TRY(m, from_pole(config));
  m->to = {{email, name}};
  m->subject = "Votre code de connexion – IPT Dossiers";
  m->secret_body = true;
  m->text = "Bonjour,\n"
            "\n"
            "Votre code de connexion à l’espace des coordinateurs est : " + code + "\n"
            "\n"
            "Il vaut " + std::to_string(lifetime.count()) + " minutes et ne sert qu’une fois. Si vous n’avez pas essayé de vous\n"
            "connecter, quelqu’un connaît votre mot de passe : changez-le et prévenez l’administrateur.\n" + footer;
  return m;
}

core::Result<mail::MailMessage> declined_message(const mail::MailConfig& config, const std::string& pole_email,
                                                 const std::string& reference, const Invitation& invitation) {
  IPT_TRY(m, from_pole(config));
  const std::string to = !pole_email.empty() ? pole_email : !config.pole_copy.empty() ? config.pole_copy : config.sender;
  m->to = {{to, ""}};
  m->subject = "Signature refusée – dossier " + reference;
  m->text = "Le signataire n° " + std::to_string(invitation.position) + " (" + std::string(core::code(invitation.role)) +
            ") du dossier " + reference +
            " a refusé de signer.\n"
            "\n"
            "Sa raison est enregistrée : ipt request show " + reference + ", ou la page du dossier.\n" + footer;
  return m;
}

}  // namespace ipt::pipeline::detail
