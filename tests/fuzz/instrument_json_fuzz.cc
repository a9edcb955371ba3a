// Instrument JSON (admin import-instrument, content/instruments): any text gives an
// instrument or an error, and an accepted instrument is consistent with itself.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "psychometrics/instrument.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = sb::psy::parse_instrument(text);
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().message.empty(), "a refusal says why");
    return 0;
  }
  FUZZ_CHECK(!parsed->items.empty(), "an accepted instrument has items");
  return 0;
}
