#include "ipt/mail/config.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "ipt/core/config_file.hpp"
#include "ipt/mail/message.hpp"

namespace ipt::mail {

namespace {

std::optional<long long> parse_positive(const std::string& s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return std::nullopt;
  return v;
}

}  // namespace

std::filesystem::path default_config_path() {
  if (const char* env = std::getenv("IPT_CONFIG"); env && *env) return env;
  std::filesystem::path base;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    base = std::filesystem::path(home) / ".config";
  } else {
    base = ".";
  }
  return base / "ipt-dossiers" / "ipt.conf";
}

Result<MailConfig> parse_mail_config(std::string_view text, const std::string& file_name) {
  const auto file = core::parse_config_file(text, file_name);
  MailConfig config;
  std::vector<std::string> problems = file.problems;
  for (const auto& entry : file.section("")) {
    const std::string where = file_name + ":" + std::to_string(entry.line) + ": ";
    const std::string& key = entry.key;
    const std::string& value = entry.value;
    auto seconds = [&](std::chrono::seconds& out) {
      if (auto v = parse_positive(value)) {
        out = std::chrono::seconds(*v);
      } else {
        problems.push_back(where + key + " : nombre de secondes invalide « " + value + " »");
      }
    };
    auto email = [&](std::string& out, bool may_be_empty) {
      if ((value.empty() && may_be_empty) || is_valid_email(value)) {
        out = value;
      } else {
        problems.push_back(where + key + " : adresse électronique invalide « " + value + " »");
      }
    };
    if (key == "smtp_url") {
      if (!value.empty() && value.rfind("smtp://", 0) != 0 && value.rfind("smtps://", 0) != 0) {
        problems.push_back(where + "smtp_url : « " + value + " » doit commencer par smtp:// ou smtps://");
      }
      config.smtp_url = value;
    } else if (key == "tls") {
      if (value == "required") {
        config.tls = TlsMode::required;
      } else if (value == "none") {
        config.tls = TlsMode::none;
      } else {
        problems.push_back(where + "tls : valeur « " + value + " » inconnue (required ou none)");
      }
    } else if (key == "ca_file") {
      config.ca_file = value;
    } else if (key == "username") {
      config.username = value;
    } else if (key == "password") {
      problems.push_back(where + "password : le mot de passe ne s’écrit pas ici ; utilisez password_file "
                                 "(fichier lisible par son seul propriétaire) ou password_env");
    } else if (key == "password_file") {
      config.password_file = value;
    } else if (key == "password_env") {
      config.password_env = value;
    } else if (key == "sender") {
      email(config.sender, true);
    } else if (key == "sender_name") {
      config.sender_name = value;
    } else if (key == "admin_address") {
      email(config.admin_address, false);
    } else if (key == "pole_copy") {
      email(config.pole_copy, true);
    } else if (key == "outbox_dir") {
      config.outbox_dir = value;
    } else if (key == "timeout_seconds") {
      seconds(config.timeout);
    } else if (key == "retry_initial_seconds") {
      seconds(config.retry_initial);
    } else if (key == "retry_max_seconds") {
      seconds(config.retry_max);
    } else if (key == "max_attempts") {
      if (auto v = parse_positive(value); v && *v <= 1000) {
        config.max_attempts = static_cast<int>(*v);
      } else {
        problems.push_back(where + "max_attempts : nombre invalide « " + value + " »");
      }
    } else {
      problems.push_back(where + "clé inconnue « " + key + " »");
    }
  }
  if (!config.password_file.empty() && !config.password_env.empty()) {
    problems.push_back(file_name + ": password_file et password_env sont exclusifs");
  }
  if (!config.username.empty() && config.password_file.empty() && config.password_env.empty()) {
    problems.push_back(file_name + ": username sans password_file ni password_env");
  }
  IPT_TRY_VOID(core::fail_on(problems));
  return config;
}

Result<MailConfig> load_mail_config(const std::filesystem::path& path, bool optional) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (optional && !std::filesystem::exists(path, ec)) return MailConfig{};
    return core::fail(core::Category::not_found, "configuration " + path.string() + " : lecture impossible");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_mail_config(text.str(), path.string());
}

Result<std::optional<std::string>> load_password(const MailConfig& config) {
  if (config.username.empty()) return std::optional<std::string>{};
  std::string password;
  if (!config.password_env.empty()) {
    const char* value = std::getenv(config.password_env.c_str());
    if (!value || !*value) {
      return core::fail(core::Category::invalid_input, "mot de passe SMTP : la variable d’environnement " + config.password_env + " est absente ou vide");
    }
    password = value;
  } else {
    struct stat st {};
    if (::stat(config.password_file.c_str(), &st) != 0) {
      return core::fail(core::Category::invalid_input, "mot de passe SMTP : fichier " + config.password_file + " introuvable");
    }
    // Like ssh with its keys: a secret others can read is refused rather than used.
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
      return core::fail(core::Category::invalid_input, "mot de passe SMTP : le fichier " + config.password_file +
                        " est lisible par d’autres que son propriétaire (chmod 600)");
    }
    std::ifstream in(config.password_file, std::ios::binary);
    if (!in) return core::fail(core::Category::invalid_input, "mot de passe SMTP : lecture de " + config.password_file + " impossible");
    std::getline(in, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) return core::fail(core::Category::invalid_input, "mot de passe SMTP : le fichier " + config.password_file + " est vide");
  }
  return std::optional<std::string>{std::move(password)};
}

}  // namespace ipt::mail
