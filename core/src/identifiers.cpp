#include "identifiers.hpp"

#include <algorithm>
#include <cstring>

namespace ipt::core::detail {

namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool is_atext(char c) { return is_alnum(c) || (c != '\0' && std::strchr("!#$%&'*+/=?^_`{|}~-", c)); }

}  // namespace

bool is_valid_email(std::string_view address) {
  const auto at = address.rfind('@');
  if (at == std::string_view::npos || address.size() > 254) return false;
  const auto local = address.substr(0, at);
  const auto domain = address.substr(at + 1);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }
  if (!std::all_of(local.begin(), local.end(), [](char c) { return is_atext(c) || c == '.'; })) return false;
  // Domain: dot-separated labels of letters, digits and inner hyphens; a final label of letters.
  if (domain.find('.') == std::string_view::npos) return false;
  size_t start = 0;
  std::string_view last_label;
  while (start <= domain.size()) {
    const auto end = std::min(domain.find('.', start), domain.size());
    const auto label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
        !std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; })) {
      return false;
    }
    last_label = label;
    start = end + 1;
  }
  return last_label.size() >= 2 &&
         std::all_of(last_label.begin(), last_label.end(), [](char c) { return !(c >= '0' && c <= '9'); });
}

Result<std::string> check_numero_national(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') digits += c;
    else if (c != '.' && c != '-' && c != ' ') {
      return fail("numéro de registre national invalide : caractère « " + std::string(1, c) + " » inattendu");
    }
  }
  if (digits.size() != 11) {
    return fail("numéro de registre national invalide : 11 chiffres attendus, " +
                std::to_string(digits.size()) + " trouvé(s)");
  }
  const unsigned long long base = std::stoull(digits.substr(0, 9));
  const unsigned long long check = std::stoull(digits.substr(9, 2));
  const bool before_2000 = 97 - base % 97 == check;
  const bool since_2000 = 97 - (2000000000ULL + base) % 97 == check;
  if (!before_2000 && !since_2000) {
    return fail("numéro de registre national invalide : la clé de contrôle (modulo 97) ne correspond pas");
  }
  return digits;
}

std::optional<std::string> check_niss_birth_date(const std::string& digits, Date birth) {
  const int yy = std::stoi(digits.substr(0, 2));
  const int mm = std::stoi(digits.substr(2, 2));
  const int dd = std::stoi(digits.substr(4, 2));
  if (mm < 1 || mm > 12 || dd == 0) return std::nullopt;  // bis number or unknown birth date
  if (yy != birth.year() % 100 || static_cast<unsigned>(mm) != birth.month() ||
      static_cast<unsigned>(dd) != birth.day()) {
    return "le numéro de registre national ne correspond pas à la date de naissance";
  }
  return std::nullopt;
}

}  // namespace ipt::core::detail
