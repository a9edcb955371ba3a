#include "core/safety.h"

#include <algorithm>
#include <array>
#include <string>

#include "core/strings.h"

namespace sb {

bool suggests_crisis(std::string_view text) {
  // Phrases, not single words, so that "this deadline is killing me" does not trigger it.
  static constexpr std::array<std::string_view, 22> kSigns = {"suicid",
                                                              "kill myself",
                                                              "end my life",
                                                              "ending my life",
                                                              "want to die",
                                                              "wish i was dead",
                                                              "wish i were dead",
                                                              "self-harm",
                                                              "self harm",
                                                              "hurt myself",
                                                              "harm myself",
                                                              "cut myself",
                                                              "cutting myself",
                                                              "overdose",
                                                              "no reason to live",
                                                              "better off dead",
                                                              "better off without me",
                                                              "can't go on",
                                                              "cannot go on",
                                                              "can’t go on",
                                                              "not want to be here anymore",
                                                              "don't want to be here anymore"};
  const std::string lower = to_lower(std::string(text));
  return std::any_of(kSigns.begin(), kSigns.end(),
                     [&](std::string_view s) { return lower.find(s) != std::string::npos; });
}

}  // namespace sb
