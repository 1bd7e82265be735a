#include "mime.hpp"

#include <mutex>

namespace ipt::mail::detail {

void ensure_curl_initialised() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool append(Slist& list, const char* text) {
  curl_slist* grown = curl_slist_append(list.get(), text);
  if (!grown) return false;
  (void)list.release();  // curl_slist_append returned the same head or a new one owning it
  list.reset(grown);
  return true;
}

std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

std::string join_addresses(const std::vector<Address>& list) {
  std::string out;
  for (const auto& a : list) {
    if (!out.empty()) out += ",\r\n ";
    out += format_address(a);
  }
  return out;
}

}  // namespace

Result<MimeParts> build_mime(CURL* curl, const MailMessage& m) {
  const auto no_memory = [] { return core::fail("message : mémoire insuffisante pour construire le MIME"); };
  MimeParts parts;
  parts.mail_from = "<" + m.from.email + ">";
  for (const auto* list : {&m.to, &m.cc}) {
    for (const auto& a : *list) {
      if (!append(parts.recipients, ("<" + a.email + ">").c_str())) return no_memory();
    }
  }
  std::vector<std::string> headers = {
      "From: " + format_address(m.from),
      "To: " + join_addresses(m.to),
  };
  if (!m.cc.empty()) headers.push_back("Cc: " + join_addresses(m.cc));
  headers.push_back("Subject: " + encode_header_text(m.subject));
  headers.push_back("Date: " + format_date(m.date));
  headers.push_back("Message-ID: " + m.message_id);
  for (const auto& h : headers) {
    if (!append(parts.headers, h.c_str())) return no_memory();
  }

  parts.mime.reset(curl_mime_init(curl));
  if (!parts.mime) return no_memory();
  curl_mimepart* text = curl_mime_addpart(parts.mime.get());
  if (!text) return no_memory();
  const std::string body = to_crlf(m.text);
  if (curl_mime_data(text, body.data(), body.size()) != CURLE_OK ||
      curl_mime_type(text, "text/plain; charset=UTF-8") != CURLE_OK ||
      curl_mime_encoder(text, "quoted-printable") != CURLE_OK) {
    return no_memory();
  }
  for (const auto& a : m.attachments) {
    curl_mimepart* part = curl_mime_addpart(parts.mime.get());
    if (!part || curl_mime_data(part, a.bytes.data(), a.bytes.size()) != CURLE_OK ||
        curl_mime_type(part, a.content_type.c_str()) != CURLE_OK ||
        curl_mime_filename(part, a.file_name.c_str()) != CURLE_OK ||
        curl_mime_encoder(part, "base64") != CURLE_OK) {
      return no_memory();
    }
  }
  return parts;
}

}  // namespace ipt::mail::detail
