#pragma once
// The key options of `ipt sign` (--p12, --token, --pkcs11-module, --key and where the
// password or PIN comes from) read into a signing::KeyDescription; open it with
// signing::open_key_source.
#include "arguments.hpp"
#include "ipt/signing/key_source.hpp"

#include <vector>

namespace ipt::app {

// The specifications of those options, in French, for a command's CommandSpec.
std::vector<OptionSpec> key_options();

// --p12 FICHIER with --password-file/--password-env (or --pin-file/--pin-env), or
// --token LIBELLÉ with --pkcs11-module MODULE (required: no default module), --key and
// --pin-file/--pin-env. Category::invalid_input when neither key is given or the secret's
// source is missing or doubled.
core::Result<signing::KeyDescription> key_description(const Arguments& args);

}  // namespace ipt::app
