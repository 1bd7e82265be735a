#include "ipt/mail/message.hpp"

#include <array>
#include <cstdio>
#include <ctime>
#include <random>

namespace ipt::mail {

namespace {

bool is_ascii_printable(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string base64(std::string_view bytes) {
  static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16 |
                       static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
                       static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 2]));
    out += table[v >> 18 & 63];
    out += table[v >> 12 & 63];
    out += table[v >> 6 & 63];
    out += table[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += table[v >> 18 & 63];
    out += table[v >> 12 & 63];
    out += i + 1 < bytes.size() ? table[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

// Length of the UTF-8 sequence starting with `lead` (1 for a stray continuation byte, so
// invalid input still advances).
size_t utf8_length(unsigned char lead) {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace

bool is_valid_email(std::string_view email) {
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= email.size()) return false;
  if (email.find('@', at + 1) != std::string_view::npos) return false;
  for (char ch : email) {
    const auto c = static_cast<unsigned char>(ch);
    // No spaces, controls, brackets or quotes: the address goes unquoted into headers and
    // into the SMTP envelope (MAIL FROM:<...>), where these would break out.
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' || c == '(' ||
        c == ')' || c == '\\') {
      return false;
    }
  }
  return email.substr(at + 1).find('.') != std::string_view::npos || email.substr(at + 1) == "localhost";
}

Result<void> validate(const MailMessage& m) {
  auto check_address = [](const Address& a, const std::string& field) -> Result<void> {
    if (!is_valid_email(a.email)) return core::fail(core::Category::invalid_input, field + " : adresse invalide « " + a.email + " »");
    if (has_line_break(a.display_name)) return core::fail(core::Category::invalid_input, field + " : le nom affiché contient un saut de ligne");
    return {};
  };
  if (auto r = check_address(m.from, "expéditeur (From)"); !r) return r;
  if (m.to.empty()) return core::fail(core::Category::invalid_input, "destinataire (To) : aucun destinataire");
  for (const auto& a : m.to) {
    if (auto r = check_address(a, "destinataire (To)"); !r) return r;
  }
  for (const auto& a : m.cc) {
    if (auto r = check_address(a, "copie (Cc)"); !r) return r;
  }
  if (m.subject.empty()) return core::fail(core::Category::invalid_input, "objet (Subject) : vide");
  if (has_line_break(m.subject)) return core::fail(core::Category::invalid_input, "objet (Subject) : contient un saut de ligne");
  if (m.message_id.size() < 5 || m.message_id.front() != '<' || m.message_id.back() != '>' ||
      !is_ascii_printable(m.message_id) || m.message_id.find(' ') != std::string::npos) {
    return core::fail(core::Category::invalid_input, "identifiant (Message-ID) : absent ou invalide « " + m.message_id + " »");
  }
  for (const auto& a : m.attachments) {
    // libcurl writes the name into Content-Disposition as is: keep it plain ASCII.
    if (a.file_name.empty() || !is_ascii_printable(a.file_name) ||
        a.file_name.find_first_of("/\\\"") != std::string::npos) {
      return core::fail(core::Category::invalid_input, "pièce jointe : nom de fichier invalide « " + a.file_name +
                        " » (ASCII, sans chemin ni guillemet)");
    }
    if (a.content_type.empty() || !is_ascii_printable(a.content_type)) {
      return core::fail(core::Category::invalid_input, "pièce jointe " + a.file_name + " : type de contenu invalide");
    }
  }
  return {};
}

void assign_identity(MailMessage& message, std::chrono::system_clock::time_point now) {
  // 128 random bits: unique without coordination; the domain is the sender's, as RFC 5322
  // recommends, so that the id says who made it.
  std::random_device random;
  std::array<unsigned, 4> words{random(), random(), random(), random()};
  char hex[33];
  std::snprintf(hex, sizeof hex, "%08x%08x%08x%08x", words[0], words[1], words[2], words[3]);
  const auto at = message.from.email.find('@');
  const std::string domain = at == std::string::npos ? "ipt-dossiers.invalid" : message.from.email.substr(at + 1);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  message.message_id = "<ipt." + std::to_string(seconds) + "." + hex + "@" + domain + ">";
  message.date = std::chrono::time_point_cast<std::chrono::seconds>(now);
}

std::string encode_header_text(std::string_view utf8) {
  if (is_ascii_printable(utf8)) return std::string(utf8);
  // "=?UTF-8?B?" + base64 + "?=" within 75 characters leaves 63 base64 characters, i.e. at
  // most 45 bytes of text per encoded word (a multiple of 3 keeps the padding at the end).
  constexpr size_t max_chunk = 45;
  std::string out;
  size_t i = 0;
  while (i < utf8.size()) {
    size_t end = i;
    while (end < utf8.size()) {
      const size_t n = utf8_length(static_cast<unsigned char>(utf8[end]));
      if (end + n - i > max_chunk) break;
      end += n;
    }
    if (end == i) end = std::min(utf8.size(), i + 1);  // defensive: always advance
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(utf8.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string format_address(const Address& a) {
  if (a.display_name.empty()) return a.email;
  if (is_ascii_printable(a.display_name)) {
    std::string quoted = "\"";
    for (char c : a.display_name) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return quoted + "\" <" + a.email + ">";
  }
  return encode_header_text(a.display_name) + " <" + a.email + ">";
}

std::string format_date(std::chrono::system_clock::time_point t) {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[utc.tm_wday], utc.tm_mday,
                months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buffer;
}

}  // namespace ipt::mail
