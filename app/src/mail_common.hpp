#pragma once
#include "ipt/pipeline/signing_config.hpp"
#include "ipt/pipeline/signing_requests.hpp"
// What the mail commands share: the --config option, loading the mail configuration, and
// where the file transport writes when the configuration names no folder.
#include <filesystem>
#include <memory>
#include <optional>

#include "arguments.hpp"
#include "command.hpp"
#include "ipt/mail/config.hpp"

namespace ipt::app {

OptionSpec config_option();

// The configuration of --config (must exist), else of the default path (may be absent:
// then the defaults, i.e. the file transport).
core::Result<mail::MailConfig> read_mail_config(const Arguments& args);
// ipt.conf's [signature] section (trust anchors, TSA, default level, seals), same file.
core::Result<pipeline::SigningConfig> read_signing_config(const Arguments& args);
// ipt.conf's [portail] section (the signer portal and remote rounds), same file.
core::Result<pipeline::PortalConfig> read_portal_config(const Arguments& args);
// The trust anchors of ipt.conf's [signature] and those given with --trust.
core::Result<std::vector<signing::Bytes>> all_trust(const Arguments& args);
// The pole's seal (archives, batch sealing): --p12/--token when given, else seal_key.pole of
// ipt.conf; Category::invalid_input naming both when there is neither.
core::Result<std::unique_ptr<signing::KeySource>> open_pole_seal(const Arguments& args, const pipeline::SigningConfig& config);
// The same, printing why on failure (for commands that do not report_failure() yet).
std::optional<mail::MailConfig> load_config(const Arguments& args, Io& io, const std::string& command);

// The database of --db or the default.
std::filesystem::path database_path(const Arguments& args);

// <folder of the database>/outbox
std::filesystem::path default_outbox_folder(const Arguments& args);

}  // namespace ipt::app
