// Words in a person's own writing that may point to a crisis or self-harm. Used only to show the
// "Get help now" resources beside what they saved: it never blocks saving and never diagnoses.
#pragma once

#include <string_view>

namespace sb {

bool suggests_crisis(std::string_view text);

}  // namespace sb
