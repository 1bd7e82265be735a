#pragma once
// Certificates read from files, for trust anchors and for two-step signing.
#include <filesystem>
#include <string>
#include <vector>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::signing {

// Every certificate of a PEM file (or one DER certificate), as DER. Fails when the file
// holds none.
core::Result<std::vector<Bytes>> load_certificates(const std::filesystem::path& path);

// "CN=Marie Lambert, O=Pôle territorial de Liège-Centre" → the CN and O, for messages.
std::string certificate_subject(const Bytes& der);

}  // namespace ipt::signing
