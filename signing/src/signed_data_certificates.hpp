#pragma once
// The certificates of a CMS or PKCS#7 SignedData, taken out of its DER before OpenSSL decodes
// it (private to signing). OpenSSL 3.0 decodes every certificate's public key through its
// provider decoders, about 0.15 ms each on this project's machines, and every signature,
// timestamp token and timestamp response carries the same few certificates again: decoded
// apart, they come from the process's cache of parsed certificates (parse_certificate), once.
#include <optional>
#include <vector>

#include "ipt/signing/bytes.hpp"

namespace ipt::signing::detail {

struct SplitSignedData {
  Bytes without_certificates;       // the same ContentInfo, its `certificates` field left out
  std::vector<Bytes> certificates;  // each certificate's DER, in order
};

// Nothing when `content_info` is not a DER signedData ContentInfo this reader understands (an
// indefinite length, a certificate choice other than a plain Certificate...): the caller then
// lets OpenSSL decode the whole, as before. Bytes after the ContentInfo (a /Contents
// placeholder's zeros) are ignored.
std::optional<SplitSignedData> split_certificates(const Bytes& content_info);

// An OCSPResponse (RFC 6960) whose status is successful, as its BasicOCSPResponse without the
// responder's certificates, and those certificates; nothing otherwise (the caller decodes
// the whole and reads the status there).
std::optional<SplitSignedData> split_ocsp_certificates(const Bytes& ocsp_response);

// A TimeStampResp (RFC 3161) cut in two: its PKIStatusInfo and its token (a ContentInfo),
// each the DER the authority wrote; nothing when it is not that shape (no token: refused).
struct TimestampResponseParts {
  Bytes status;
  Bytes token;
};
std::optional<TimestampResponseParts> split_timestamp_response(const Bytes& response);

}  // namespace ipt::signing::detail
