#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sb {

std::string_view trim(std::string_view s);
std::string to_lower(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
bool starts_with(std::string_view s, std::string_view prefix);
// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool valid_utf8(std::string_view s);
// The number of characters (code points) in well-formed UTF-8: what people count.
size_t utf8_length(std::string_view s);
// At most `max_bytes` of `s`, cut at a UTF-8 character boundary, with "…" added when cut.
std::string shorten_utf8(std::string_view s, size_t max_bytes);
// Text made safe inside HTML or SVG, in element content and in quoted attributes.
std::string escape_html(std::string_view s);
// ISO 8601 UTC ("2026-11-27T19:41:12Z") for a Unix time in seconds.
std::string iso8601(int64_t unix_seconds);

}  // namespace sb
