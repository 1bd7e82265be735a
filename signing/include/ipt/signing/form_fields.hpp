#pragma once
// The values a PDF form holds now (for the signing round's rules: the CPMS's opinion must be
// given before it signs, an unfavourable one with its written text).
#include <map>
#include <string>

#include "ipt/core/result.hpp"
#include "ipt/signing/bytes.hpp"

namespace ipt::signing {

// Field name → value: a text field's text, a check box's state ("" when off), a choice's
// option ("avis_cpms" → "favorable"). Fails on a document it cannot read.
core::Result<std::map<std::string, std::string>> read_field_values(const Bytes& pdf);

}  // namespace ipt::signing
