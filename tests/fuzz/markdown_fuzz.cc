// Markdown to HTML (content pages): raw HTML in the source never reaches the page as markup.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/strings.h"
#include "fuzz_check.h"
#include "web/render.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string html = sb::to_lower(sb::web::markdown_to_html(text));
  FUZZ_CHECK(html.find("<script") == std::string::npos, "raw <script> passed through");
  FUZZ_CHECK(html.find("<iframe") == std::string::npos, "raw <iframe> passed through");
  FUZZ_CHECK(html.find("<img") == std::string::npos || text.find("![") != std::string::npos,
             "an image appeared without image syntax");
  return 0;
}
