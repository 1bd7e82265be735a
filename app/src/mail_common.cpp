#include "mail_common.hpp"

#include "common.hpp"
#include "key_options.hpp"

#include <fstream>
#include <sstream>

#include "ipt/core/store.hpp"

namespace ipt::app {

OptionSpec config_option() {
  return {"--config", "FICHIER",
          "configuration de l’envoi (défaut : $IPT_CONFIG, sinon ~/.config/ipt-dossiers/ipt.conf)"};
}

core::Result<mail::MailConfig> read_mail_config(const Arguments& args) {
  const auto given = args.value("--config");
  const std::filesystem::path path = given ? std::filesystem::path(*given) : mail::default_config_path();
  return mail::load_mail_config(path, !given);
}

core::Result<pipeline::SigningConfig> read_signing_config(const Arguments& args) {
  const auto given = args.value("--config");
  const std::filesystem::path path = given ? std::filesystem::path(*given) : mail::default_config_path();
  return pipeline::load_signing_config(path, !given);
}

// The trust anchors of ipt.conf's [signature] and those given with --trust.
core::Result<std::vector<signing::Bytes>> all_trust(const Arguments& args) {
  IPT_TRY(config, read_signing_config(args));
  IPT_TRY(given, read_trust(args));
  auto anchors = config->trust_anchors();
  anchors.insert(anchors.end(), given->begin(), given->end());
  return anchors;
}

core::Result<pipeline::PortalConfig> read_portal_config(const Arguments& args) {
  const auto given = args.value("--config");
  const std::filesystem::path path = given ? std::filesystem::path(*given) : mail::default_config_path();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!given && !std::filesystem::exists(path, ec)) return pipeline::PortalConfig{};
    return core::fail(core::Category::invalid_input, "configuration " + path.string() + " : lecture impossible");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return pipeline::parse_portal_config(text.str(), path.string(), path.parent_path());
}

std::optional<mail::MailConfig> load_config(const Arguments& args, Io& io, const std::string& command) {
  auto config = read_mail_config(args);
  if (!config) {
    io.err << "ipt " << command << " : " << config.error().message << "\n";
    return std::nullopt;
  }
  return *config;
}

std::filesystem::path database_path(const Arguments& args) {
  return args.value("--db").value_or(core::default_database_path().string());
}

std::filesystem::path default_outbox_folder(const Arguments& args) {
  const auto db = database_path(args);
  return (db.has_parent_path() ? db.parent_path() : std::filesystem::path(".")) / "outbox";
}

core::Result<std::unique_ptr<signing::KeySource>> open_pole_seal(const Arguments& args, const pipeline::SigningConfig& config) {
  if (args.value("--p12") || args.value("--token")) {
    IPT_TRY(description, key_description(args));
    return signing::open_key_source(*description);
  }
  const auto* configured = config.seal_key(core::Role::pole);
  if (!configured) {
    return core::fail(core::Category::invalid_input,
                      "le cachet du pôle est requis : donnez sa clé (--p12 ou --token) ou configurez seal_key.pole dans la "
                      "section [signature] d’ipt.conf");
  }
  auto key = signing::open_key_source(configured->key);
  if (!key) return std::unexpected(key.error().with_context("seal_key.pole"));
  return key;
}

}  // namespace ipt::app
