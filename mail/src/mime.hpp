#pragma once
// The MIME builder: turns a MailMessage into what libcurl sends as SMTP DATA, using
// libcurl's MIME API: the top-level headers (From, To, Cc, Subject, Date, Message-ID; libcurl
// adds MIME-Version and the multipart Content-Type), a text/plain UTF-8 part encoded
// quoted-printable, and each attachment with its file name, encoded base64 (without an
// encoder libcurl would send a PDF as raw binary, which servers reject).
#include "curl_handles.hpp"
#include "ipt/mail/message.hpp"

namespace ipt::mail::detail {

struct MimeParts {
  MimeHandle mime;   // set as CURLOPT_MIMEPOST; must outlive the transfer
  Slist headers;     // set as CURLOPT_HTTPHEADER (libcurl's SMTP uses it for mail headers)
  Slist recipients;  // set as CURLOPT_MAIL_RCPT
  std::string mail_from;  // set as CURLOPT_MAIL_FROM
};

// The message must be valid (validate()). Fails only when libcurl cannot allocate.
Result<MimeParts> build_mime(CURL* curl, const MailMessage& message);

// Normalises line ends to CRLF, as SMTP and the quoted-printable encoder's hard line
// breaks expect.
std::string to_crlf(std::string_view text);

}  // namespace ipt::mail::detail
