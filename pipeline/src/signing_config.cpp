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

}  // namespace

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
                         " » dans [signature] (trust, tsa_url, level, seal.<rôle>)");
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
