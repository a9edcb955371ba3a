// Form bodies, query strings, percent-decoding and cookie headers: decoding never fails,
// encoding then decoding gives the text back, and a cookie's value never holds a separator.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "web/http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sb::web::Request req;
  req.body = text;
  req.headers["cookie"] = text;
  for (const auto& [name, value] : req.form()) {
    FUZZ_CHECK(name.find('&') == std::string::npos || text.find("%26") != std::string::npos,
               "a form name holds a raw separator");
    (void)value;
  }
  for (const char* name : {"sb_session", "__Host-sb_session", "sb_csrf", ""}) {
    auto value = req.cookie(name);
    if (value) FUZZ_CHECK(value->find(';') == std::string::npos, "a cookie value holds ';'");
  }
  FUZZ_CHECK(sb::web::url_decode(sb::web::url_encode(text), false) == text,
             "percent-encoding round trip");
  FUZZ_CHECK(sb::web::url_decode(sb::web::url_encode(text), true) == text,
             "form-encoding round trip");
  const std::string encoded = sb::web::url_encode(text);
  for (char c : encoded) {
    const bool unreserved = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
                            c == '_' || c == '~' || c == '%';
    FUZZ_CHECK(unreserved, "url_encode leaves only unreserved characters and escapes");
  }
  sb::web::url_decode(text, true);
  sb::web::parse_urlencoded(text);
  return 0;
}
