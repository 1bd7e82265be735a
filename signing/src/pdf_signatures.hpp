#pragma once
// What a parsed PDF says about its signatures (private to signing): each signature
// dictionary's entries, and the validation data of its /DSS. PoDoFo is read through const
// access only.
#include <podofo/podofo.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "revocation_check.hpp"

namespace ipt::signing::detail {

using TimePoint = std::chrono::system_clock::time_point;

// What a signature dictionary says, read from the parsed document.
struct SignatureEntry {
  std::string field;
  std::string type;        // "Sig" or "DocTimeStamp"
  std::string subfilter;
  std::vector<size_t> byte_range;
  std::optional<TimePoint> claimed_time;
  bool certification = false;
  std::vector<std::string> locked_fields;
};

// "D:YYYYMMDDHHmmSS[Z|+HH'mm'|-HH'mm']"
std::optional<TimePoint> parse_pdf_date(const std::string& text);

// Every signed signature field (value present), in the order their byte ranges end.
std::vector<SignatureEntry> find_signatures(PoDoFo::PdfMemDocument& doc);

// The catalog's /DSS, parsed; empty when there is none.
ValidationPool read_dss(PoDoFo::PdfMemDocument& doc);

}  // namespace ipt::signing::detail
