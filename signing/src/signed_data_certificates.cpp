#include "signed_data_certificates.hpp"

#include <cstddef>
#include <string_view>

namespace ipt::signing::detail {

namespace {

// One DER element: its tag, where its content starts, where it ends.
struct Element {
  unsigned char tag = 0;
  size_t content = 0;
  size_t end = 0;
};

// The element at `pos` within [pos, limit): single-byte tags, definite lengths of at most
// four bytes (BER's indefinite length is refused).
std::optional<Element> element_at(const Bytes& der, size_t pos, size_t limit) {
  if (pos + 2 > limit) return std::nullopt;
  Element e;
  e.tag = der[pos];
  if ((e.tag & 0x1F) == 0x1F) return std::nullopt;
  size_t length = der[pos + 1];
  size_t header = 2;
  if (length & 0x80) {
    const size_t digits = length & 0x7F;
    if (digits == 0 || digits > 4 || pos + 2 + digits > limit) return std::nullopt;
    length = 0;
    for (size_t i = 0; i < digits; ++i) length = (length << 8) | der[pos + 2 + i];
    header += digits;
  }
  e.content = pos + header;
  if (length > limit - e.content) return std::nullopt;
  e.end = e.content + length;
  return e;
}

void append_header(Bytes& out, unsigned char tag, size_t length) {
  out.push_back(tag);
  if (length < 0x80) {
    out.push_back(static_cast<unsigned char>(length));
    return;
  }
  unsigned char digits[sizeof(size_t)];
  size_t n = 0;
  for (size_t v = length; v > 0; v >>= 8) digits[n++] = static_cast<unsigned char>(v & 0xFF);
  out.push_back(static_cast<unsigned char>(0x80 | n));
  while (n > 0) out.push_back(digits[--n]);
}

constexpr unsigned char sequence = 0x30, set = 0x31, integer = 0x02, oid = 0x06, context_0 = 0xA0, enumerated = 0x0A,
                        octet_string = 0x04, bit_string = 0x03;

Bytes slice(const Bytes& der, size_t from, size_t to) {
  return Bytes(der.begin() + static_cast<long>(from), der.begin() + static_cast<long>(to));
}

// `tag` and length, then `content`.
Bytes wrapped(unsigned char tag, const Bytes& content) {
  Bytes out;
  append_header(out, tag, content.size());
  out.insert(out.end(), content.begin(), content.end());
  return out;
}
// 1.2.840.113549.1.7.2, id-signedData
constexpr unsigned char signed_data_oid[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02};

}  // namespace

std::optional<SplitSignedData> split_certificates(const Bytes& der) {
  // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT SignedData }
  const auto info = element_at(der, 0, der.size());
  if (!info || info->tag != sequence) return std::nullopt;
  const auto type = element_at(der, info->content, info->end);
  if (!type || type->tag != oid || type->end - type->content != sizeof signed_data_oid ||
      !std::equal(std::begin(signed_data_oid), std::end(signed_data_oid), der.begin() + static_cast<long>(type->content))) {
    return std::nullopt;
  }
  const auto wrapper = element_at(der, type->end, info->end);
  if (!wrapper || wrapper->tag != context_0 || wrapper->end != info->end) return std::nullopt;
  const auto signed_data = element_at(der, wrapper->content, wrapper->end);
  if (!signed_data || signed_data->tag != sequence || signed_data->end != wrapper->end) return std::nullopt;

  // SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo SEQUENCE,
  //   certificates [0] IMPLICIT SET OF OPTIONAL, crls [1] OPTIONAL, signerInfos SET }
  SplitSignedData out;
  Bytes kept;
  size_t pos = signed_data->content;
  int index = 0;
  bool found = false;
  while (pos < signed_data->end) {
    const auto e = element_at(der, pos, signed_data->end);
    if (!e) return std::nullopt;
    const bool expected = (index == 0 && e->tag == integer) || (index == 1 && e->tag == set) || (index == 2 && e->tag == sequence) || index > 2;
    if (!expected) return std::nullopt;
    if (index >= 3 && e->tag == context_0 && !found) {
      found = true;
      for (size_t c = e->content; c < e->end;) {
        const auto certificate = element_at(der, c, e->end);
        if (!certificate || certificate->tag != sequence) return std::nullopt;  // only plain certificates
        out.certificates.emplace_back(der.begin() + static_cast<long>(c), der.begin() + static_cast<long>(certificate->end));
        c = certificate->end;
      }
    } else {
      kept.insert(kept.end(), der.begin() + static_cast<long>(pos), der.begin() + static_cast<long>(e->end));
    }
    pos = e->end;
    ++index;
  }
  if (!found || index < 4) return std::nullopt;

  Bytes body;  // [0] EXPLICIT { SEQUENCE { kept } }
  Bytes inner;
  append_header(inner, sequence, kept.size());
  inner.insert(inner.end(), kept.begin(), kept.end());
  const Bytes type_bytes(der.begin() + static_cast<long>(info->content), der.begin() + static_cast<long>(type->end));
  body.insert(body.end(), type_bytes.begin(), type_bytes.end());
  append_header(body, context_0, inner.size());
  body.insert(body.end(), inner.begin(), inner.end());
  append_header(out.without_certificates, sequence, body.size());
  out.without_certificates.insert(out.without_certificates.end(), body.begin(), body.end());
  return out;
}

std::optional<SplitSignedData> split_ocsp_certificates(const Bytes& der) {
  // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT
  //   SEQUENCE { responseType OID, response OCTET STRING } }
  const auto response = element_at(der, 0, der.size());
  if (!response || response->tag != sequence) return std::nullopt;
  const auto status = element_at(der, response->content, response->end);
  if (!status || status->tag != enumerated || status->end - status->content != 1 || der[status->content] != 0) return std::nullopt;
  const auto explicit_bytes = element_at(der, status->end, response->end);
  if (!explicit_bytes || explicit_bytes->tag != context_0) return std::nullopt;
  const auto bytes = element_at(der, explicit_bytes->content, explicit_bytes->end);
  if (!bytes || bytes->tag != sequence) return std::nullopt;
  const auto type = element_at(der, bytes->content, bytes->end);
  if (!type || type->tag != oid) return std::nullopt;
  const auto octets = element_at(der, type->end, bytes->end);
  if (!octets || octets->tag != octet_string) return std::nullopt;
  // BasicOCSPResponse ::= SEQUENCE { tbsResponseData SEQUENCE, signatureAlgorithm SEQUENCE,
  //   signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
  const auto basic = element_at(der, octets->content, octets->end);
  if (!basic || basic->tag != sequence) return std::nullopt;
  SplitSignedData out;
  Bytes kept;
  size_t pos = basic->content;
  int index = 0;
  for (; pos < basic->end; ++index) {
    const auto e = element_at(der, pos, basic->end);
    if (!e) return std::nullopt;
    const unsigned char expected[] = {sequence, sequence, bit_string, context_0};
    if (index > 3 || e->tag != expected[index]) return std::nullopt;
    if (index == 3) {
      const auto list = element_at(der, e->content, e->end);
      if (!list || list->tag != sequence || list->end != e->end) return std::nullopt;
      for (size_t c = list->content; c < list->end;) {
        const auto certificate = element_at(der, c, list->end);
        if (!certificate || certificate->tag != sequence) return std::nullopt;
        out.certificates.push_back(slice(der, c, certificate->end));
        c = certificate->end;
      }
    } else {
      const Bytes part = slice(der, pos, e->end);
      kept.insert(kept.end(), part.begin(), part.end());
    }
    pos = e->end;
  }
  if (index < 3) return std::nullopt;
  out.without_certificates = wrapped(sequence, kept);
  return out;
}

std::optional<TimestampResponseParts> split_timestamp_response(const Bytes& der) {
  // TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken ContentInfo OPTIONAL }
  const auto response = element_at(der, 0, der.size());
  if (!response || response->tag != sequence) return std::nullopt;
  const auto status = element_at(der, response->content, response->end);
  if (!status || status->tag != sequence) return std::nullopt;
  const auto token = element_at(der, status->end, response->end);
  if (!token || token->tag != sequence || token->end != response->end) return std::nullopt;
  return TimestampResponseParts{slice(der, response->content, status->end), slice(der, status->end, token->end)};
}

}  // namespace ipt::signing::detail
