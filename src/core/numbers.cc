#include "core/numbers.h"

#include <charconv>
#include <cmath>

namespace sb {

std::optional<int64_t> parse_int(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // from_chars accepts a leading '-' but not '+'; accept '+' too, as people type it.
  if (text.front() == '+') {
    text.remove_prefix(1);
    if (text.empty() || text.front() == '-') return std::nullopt;
  }
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int64_t> parse_int_in(std::string_view text, int64_t min, int64_t max) {
  auto v = parse_int(text);
  if (!v || *v < min || *v > max) return std::nullopt;
  return v;
}

std::optional<double> parse_decimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if (c == 'e' || c == 'E') return std::nullopt;  // 1e3 is not something people type in a form
  }
  if (text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

}  // namespace sb
