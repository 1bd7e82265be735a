#pragma once
// Identifier and address checks of the dossier format (private to core).
#include <optional>
#include <string>
#include <string_view>

#include "ipt/core/date.hpp"
#include "ipt/core/result.hpp"

namespace ipt::core::detail {

// An e-mail address in the usual dot-atom form (RFC 5322 without comments or quoted local
// parts), ASCII only, with a dotted domain.
bool is_valid_email(std::string_view address);

// A Belgian national register number, written with or without its usual separators
// ("14.03.14-123.45"): returns the 11 digits when the mod-97 check holds (both the pre-2000
// and the post-2000 forms are tried), otherwise a French reason.
Result<std::string> check_numero_national(std::string_view text);

// The first six digits encode the birth date (YYMMDD) unless the number is a bis number or
// the date was unknown: a reason when they contradict `birth`, nothing otherwise.
std::optional<std::string> check_niss_birth_date(const std::string& digits, Date birth);

}  // namespace ipt::core::detail
