#pragma once
// A mail message as a value: who, what, which attachment, its identity (Message-ID) and its
// date. No transport and no MIME here: the MIME builder (private) turns a MailMessage into
// libcurl's MIME structure, a Transport carries it, the Outbox keeps it.
//
// The identity and the date are assigned once, when the message is queued, and stored with
// it: every attempt sends the same Message-ID and Date, so a receiver can recognise a
// duplicate after a resend (delivery is at least once).
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "ipt/core/result.hpp"

namespace ipt::mail {

using core::Result;

struct Address {
  std::string email;         // ASCII "local@domain"
  std::string display_name;  // UTF-8, may be empty; encoded (RFC 2047) when not ASCII
};

struct Attachment {
  std::string file_name;     // ASCII, no path: "annexe-4-PT-LIEGE-2026-0002.pdf"
  std::string content_type;  // "application/pdf"
  std::string bytes;         // sent base64-encoded, so any bytes arrive unchanged
};

struct MailMessage {
  Address from;
  std::vector<Address> to;
  std::vector<Address> cc;
  std::string subject;  // UTF-8, one line
  std::string text;     // UTF-8 body; sent as text/plain, quoted-printable
  std::vector<Attachment> attachments;
  std::string message_id;  // "<unique@domain>"; assigned by assign_identity()
  std::chrono::system_clock::time_point date{};
  // The body holds a secret (a signing link, a one-time code): the outbox erases it once a
  // server has accepted the message, so that the database keeps no usable copy.
  bool secret_body = false;
};

// Checks what would make a malformed or dangerous message: addresses (one '@', ASCII, no
// spaces, no CR/LF: a header injection), a subject on one line, at least one recipient, a
// Message-ID, plain file names. The error names the field in French.
Result<void> validate(const MailMessage& message);

// Gives the message a new, globally unique Message-ID in the sender's domain and its date.
void assign_identity(MailMessage& message, std::chrono::system_clock::time_point now);

// RFC 2047: ASCII text is returned as is; otherwise UTF-8 "B" encoded-words of at most 75
// characters, folded with CRLF + space, never splitting a UTF-8 sequence.
std::string encode_header_text(std::string_view utf8);

// "Name <email>" with the name encoded (RFC 2047) or quoted as needed; "email" alone when
// there is no name.
std::string format_address(const Address& address);

// RFC 5322 date in UTC: "Sun, 29 Nov 2026 12:26:08 +0000".
std::string format_date(std::chrono::system_clock::time_point t);

// True for the plain "local@domain" addresses validate() accepts.
bool is_valid_email(std::string_view email);

}  // namespace ipt::mail
