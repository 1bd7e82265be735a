#pragma once
// What a PDF says about its signatures (private to signing): each signature dictionary's
// entries, and the validation data of its /DSS, read from the document's last state.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pdf_objects.hpp"
#include "revocation_check.hpp"

namespace ipt::signing::detail {

using TimePoint = std::chrono::system_clock::time_point;

// What a signature dictionary says.
struct SignatureEntry {
  std::string field;
  std::string type;        // "Sig" or "DocTimeStamp"
  std::string subfilter;
  std::vector<size_t> byte_range;
  std::optional<TimePoint> claimed_time;
  bool certification = false;
  std::vector<std::string> locked_fields;
  int value_object = 0;  // the object number of the signature dictionary (0: a direct one)
};

// "D:YYYYMMDDHHmmSS[Z|+HH'mm'|-HH'mm']"
std::optional<TimePoint> parse_pdf_date(const std::string& text);

// Every signed signature field (value present), in the order their byte ranges end.
// `known`, when given, may return the entry already read from a signature dictionary (by its
// object number and field name) that the caller knows to be unchanged: that dictionary is
// then not parsed again (its /Contents is most of a document's parsing).
using KnownSignature = std::function<const SignatureEntry*(int value_object, const std::string& field)>;
std::vector<SignatureEntry> find_signatures(PdfObjects& doc, const KnownSignature& known = {});

// The catalog's /DSS, parsed; empty when there is none.
ValidationPool read_dss(PdfObjects& doc);

}  // namespace ipt::signing::detail
