// One strict parser for every number that comes from outside (forms, queries, command lines):
// the whole text must be the number. "7x", " 7", "", "1e3" and out-of-range values are refused,
// so no form quietly reads something other than what was typed.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sb {

std::optional<int64_t> parse_int(std::string_view text);
// An integer within [min, max], or nothing.
std::optional<int64_t> parse_int_in(std::string_view text, int64_t min, int64_t max);
// A finite decimal number ("0.3", "-1.5", "2"); no exponent, no spaces, no "nan"/"inf".
std::optional<double> parse_decimal(std::string_view text);

}  // namespace sb
