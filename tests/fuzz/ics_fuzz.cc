// ICS text escaping and line folding (plan reminders): every folded line is at most 75
// octets, unfolding gives the escaped line back, and a valid UTF-8 character is never cut.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/strings.h"
#include "features/plan/plan.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string escaped = sb::growth::ics_escape(text);
  FUZZ_CHECK(escaped.find('\n') == std::string::npos, "escaped text holds a raw newline");
  const std::string line = "DESCRIPTION:" + escaped;
  const std::string folded = sb::growth::ics_fold(line);
  FUZZ_CHECK(folded.size() >= 2 && folded.ends_with("\r\n"), "folded text ends with CRLF");

  std::string unfolded;
  size_t start = 0;
  while (start < folded.size()) {
    const size_t end = folded.find("\r\n", start);
    FUZZ_CHECK(end != std::string::npos, "every folded line ends with CRLF");
    std::string_view piece(folded.data() + start, end - start);
    FUZZ_CHECK(piece.size() <= 75, "a folded line is at most 75 octets");
    if (start > 0) {
      FUZZ_CHECK(!piece.empty() && piece[0] == ' ', "a continuation starts with a space");
      piece.remove_prefix(1);
    }
    if (sb::valid_utf8(text)) FUZZ_CHECK(sb::valid_utf8(piece), "a fold cut a character");
    unfolded += piece;
    start = end + 2;
  }
  FUZZ_CHECK(unfolded == line, "unfolding gives the line back");
  return 0;
}
