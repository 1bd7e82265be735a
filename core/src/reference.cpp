#include "ipt/core/reference.hpp"

#include <algorithm>
#include <sstream>

#include "ipt/core/text.hpp"

namespace ipt::core {

namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// " pt duboeuf 2026 0002 " : words of the folded text, each between spaces, so that a name
// matches whole words only ("Léa" in "PT-LEA-2026", not in "PT-LEANDRE").
std::string spaced_words(std::string_view text) { return " " + fold_for_comparison(text) + " "; }

}  // namespace

bool is_valid_reference(std::string_view r) {
  return !r.empty() && r.size() <= 64 && is_alnum(r.front()) && r.find("..") == std::string_view::npos &&
         std::all_of(r.begin(), r.end(), [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

Result<void> check_reference(std::string_view reference) {
  if (is_valid_reference(reference)) return {};
  std::string shown(reference.substr(0, 24));
  std::replace_if(shown.begin(), shown.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }, '?');
  return fail("référence de dossier invalide « " + shown + (reference.size() > 24 ? "…" : "") + " » (attendu : " +
              std::string(reference_pattern) + ")");
}

bool reference_names_pupil(std::string_view reference, const Eleve& eleve) {
  const std::string haystack = spaced_words(reference);
  std::vector<std::string> names;
  for (const std::string* part : {&eleve.nom, &eleve.prenom}) {
    std::istringstream words(fold_for_comparison(*part));
    for (std::string w; words >> w;) names.push_back(w);
  }
  // The whole surname too, spaces removed ("Van Damme" → "vandamme" in "PT-VANDAMME-1").
  std::string joined = fold_for_comparison(eleve.nom);
  joined.erase(std::remove(joined.begin(), joined.end(), ' '), joined.end());
  names.push_back(joined);
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
    return n.size() >= 3 && haystack.find(" " + n + " ") != std::string::npos;
  });
}

}  // namespace ipt::core
