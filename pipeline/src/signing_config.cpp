#include "ipt/pipeline/signing_config.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "ipt/core/config_file.hpp"
#include "ipt/core/plan.hpp"
#include "ipt/core/text.hpp"
#include "ipt/signing/certificates.hpp"

namespace ipt::pipeline {

namespace {

// "3F:1C:…" or "3f1c…" → "3f1c…"; nothing when it is not 64 hexadecimal digits.
std::optional<std::string> fingerprint(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (out.size() != 64) return std::nullopt;
  return out;
}

std::optional<core::Role> role_named(std::string_view code) {
  for (auto r : {core::Role::pole, core::Role::ecole_ordinaire, core::Role::cpms}) {
    if (core::code(r) == code) return r;
  }
  return std::nullopt;
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return std::string(text);
}

// "p12 FILE ; password-file=F" or "pkcs11 MODULE ; token=T ; key=K ; pin-env=V" (a seal's
// key or the issuing CA's).
std::optional<signing::KeyDescription> parse_seal_key(const std::string& value, const std::filesystem::path& base_folder,
                                                      std::string& problem) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const auto semicolon = value.find(';', start);
    parts.push_back(trimmed(std::string_view(value).substr(start, semicolon == std::string::npos ? std::string::npos : semicolon - start)));
    if (semicolon == std::string::npos) break;
    start = semicolon + 1;
  }
  const auto space = parts[0].find(' ');
  const std::string kind = parts[0].substr(0, space);
  auto path_of = [&](std::string text) {
    std::filesystem::path p(std::move(text));
    return p.is_relative() ? base_folder / p : p;
  };
  const std::filesystem::path file = space == std::string::npos ? std::filesystem::path() : path_of(trimmed(parts[0].substr(space + 1)));
  if ((kind != "p12" && kind != "pkcs11") || file.empty()) {
    problem = "« p12 FICHIER ; password-file=FICHIER » ou « pkcs11 MODULE ; token=LIBELLÉ ; key=LIBELLÉ ; pin-file=FICHIER » attendu";
    return std::nullopt;
  }
  std::optional<signing::SecretSource> secret;
  std::string token, key;
  for (size_t i = 1; i < parts.size(); ++i) {
    const auto equals = parts[i].find('=');
    const std::string name = trimmed(parts[i].substr(0, equals));
    const std::string v = equals == std::string::npos ? "" : trimmed(parts[i].substr(equals + 1));
    if (v.empty()) {
      problem = "option « " + parts[i] + " » sans valeur";
      return std::nullopt;
    }
    const bool secret_option = name == "password-file" || name == "pin-file" || name == "password-env" || name == "pin-env";
    if (secret_option && secret) {
      problem = "un seul secret : password-file, password-env, pin-file ou pin-env";
      return std::nullopt;
    }
    if (name == "password-file" || name == "pin-file") secret = signing::SecretSource::from_file(path_of(v).string());
    else if (name == "password-env" || name == "pin-env") secret = signing::SecretSource::from_environment(v);
    else if (name == "token" && kind == "pkcs11") token = v;
    else if (name == "key" && kind == "pkcs11") key = v;
    else {
      problem = "option inconnue « " + name + " »";
      return std::nullopt;
    }
  }
  if (!secret) {
    problem = "le secret manque (password-file=FICHIER ou password-env=VARIABLE ; pin-file ou pin-env pour un jeton)";
    return std::nullopt;
  }
  if (kind == "p12") return signing::Pkcs12Key{file, *secret};
  if (token.empty()) {
    problem = "token=LIBELLÉ manque (le jeton PKCS#11 est désigné par son libellé)";
    return std::nullopt;
  }
  return signing::Pkcs11Key{{file, token, key}, *secret};
}

}  // namespace

const SealKey* SigningConfig::seal_key(core::Role role) const {
  for (const auto& k : seal_keys) {
    if (k.role == role) return &k;
  }
  return nullptr;
}

std::vector<signing::Bytes> SigningConfig::trust_anchors() const {
  std::vector<signing::Bytes> out;
  for (const auto& t : trust) out.push_back(t.certificate);
  return out;
}

core::Result<SigningConfig> parse_signing_config(std::string_view text, const std::string& file_name,
                                                 const std::filesystem::path& base_folder) {
  const auto parsed = core::parse_config_file(text, file_name);
  SigningConfig config;
  std::vector<std::string> problems = parsed.problems;
  for (const auto& e : parsed.section("signature")) {
    const std::string where = file_name + ":" + std::to_string(e.line) + ": " + e.key + " : ";
    if (e.key == "trust") {
      std::string path = e.value;
      bool accept = false;
      if (const auto semicolon = e.value.find(';'); semicolon != std::string::npos) {
        path = e.value.substr(0, semicolon);
        std::string option = e.value.substr(semicolon + 1);
        option.erase(std::remove(option.begin(), option.end(), ' '), option.end());
        if (option == "revocation=indeterminee-acceptee") {
          accept = true;
        } else {
          problems.push_back(where + "option inconnue « " + option + " » (revocation=indeterminee-acceptee)");
        }
        while (!path.empty() && path.back() == ' ') path.pop_back();
      }
      std::filesystem::path file(path);
      if (file.is_relative()) file = base_folder / file;
      auto certs = signing::load_certificates(file);
      if (!certs) {
        problems.push_back(where + certs.error().message);
        continue;
      }
      for (auto& der : *certs) {
        auto id = signing::describe_certificate(der);
        config.trust.push_back({file, der, id ? id->sha256 : "", accept});
      }
    } else if (e.key == "tsa_url") {
      if (!e.value.starts_with("http://") && !e.value.starts_with("https://")) {
        problems.push_back(where + "« " + e.value + " » doit commencer par http:// ou https://");
      }
      config.tsa_url = e.value;
    } else if (e.key == "level") {
      if (const auto level = signing::parse_level(e.value)) config.level = *level;
      else problems.push_back(where + "niveau inconnu « " + e.value + " » (B-B, B-T, B-LT ou B-LTA)");
    } else if (e.key == "issuing_ca") {
      std::string problem;
      if (auto key = parse_seal_key(e.value, base_folder, problem)) config.issuing_ca = *std::move(key);
      else problems.push_back(where + problem);
    } else if (e.key.starts_with("seal_key.")) {
      const auto role = role_named(e.key.substr(9));
      std::string problem;
      if (!role) {
        problems.push_back(where + "rôle inconnu (seal_key.pole, seal_key.ecole-ordinaire ou seal_key.cpms)");
      } else if (config.seal_key(*role)) {
        problems.push_back(where + "clé de cachet déjà donnée pour ce rôle");
      } else if (auto key = parse_seal_key(e.value, base_folder, problem)) {
        config.seal_keys.push_back({*role, *std::move(key)});
      } else {
        problems.push_back(where + problem);
      }
    } else if (e.key.starts_with("seal.")) {
      const auto role = role_named(e.key.substr(5));
      std::istringstream words(e.value);
      std::string print, fase;
      words >> print >> fase;
      const auto sha = fingerprint(print);
      if (!role) {
        problems.push_back(where + "rôle inconnu (seal.pole, seal.ecole-ordinaire ou seal.cpms)");
      } else if (!sha) {
        problems.push_back(where + "empreinte SHA-256 attendue (64 chiffres hexadécimaux)");
      } else {
        ConfiguredSeal seal{*role, *sha, std::nullopt};
        if (!fase.empty()) {
          if (fase.size() > 9 || !std::all_of(fase.begin(), fase.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            problems.push_back(where + "numéro FASE invalide « " + fase + " »");
            continue;
          }
          seal.fase = static_cast<unsigned>(std::stoul(fase));
        }
        config.seals.push_back(seal);
      }
    } else {
      problems.push_back(file_name + ":" + std::to_string(e.line) + ": clé inconnue « " + e.key +
                         " » dans [signature] (trust, tsa_url, level, seal.<rôle>, seal_key.<rôle>, issuing_ca)");
    }
  }
  IPT_TRY_VOID(core::fail_on(problems));
  return config;
}

core::Result<SigningConfig> load_signing_config(const std::filesystem::path& path, bool optional) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (optional && !std::filesystem::exists(path, ec)) return SigningConfig{};
    return core::fail("configuration " + path.string() + " : lecture impossible");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_signing_config(text.str(), path.string(), path.parent_path());
}

bool acceptable(const signing::VerificationReport& report, const SigningConfig& config) {
  if (report.valid()) return true;
  if (report.indication != signing::Indication::indeterminate || !report.problems.empty()) return false;
  return std::all_of(report.signatures.begin(), report.signatures.end(), [&](const signing::SignatureVerdict& s) {
    if (s.valid()) return true;
    if (s.indication != signing::Indication::indeterminate) return false;
    const bool revocation_only = std::all_of(s.problems.begin(), s.problems.end(), [](const signing::Problem& p) {
      return p.code == signing::ProblemCode::revocation_unavailable || p.code == signing::ProblemCode::revocation_unknown;
    });
    const auto anchor = std::find_if(config.trust.begin(), config.trust.end(),
                                     [&](const TrustAnchor& t) { return t.sha256 == s.trust_anchor_sha256; });
    return revocation_only && anchor != config.trust.end() && anchor->accept_indeterminate_revocation;
  });
}

}  // namespace ipt::pipeline
