#include "features/directory/page_parts.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/strings.h"

namespace sb::web::directory_parts {

std::string date_of(int64_t unix_seconds) { return iso8601(unix_seconds).substr(0, 10); }

std::vector<std::string> values_of(const std::multimap<std::string, std::string>& fields,
                                   const std::string& key) {
  std::vector<std::string> out;
  auto [lo, hi] = fields.equal_range(key);
  for (auto it = lo; it != hi; ++it)
    if (!it->second.empty()) out.push_back(it->second);
  return out;
}

std::string checkboxes_html(const std::vector<directory::Term>& list,
                            const std::vector<std::string>& chosen, const std::string& name) {
  std::string out;
  for (const auto& t : list) {
    const std::string id = escape_html(name + "-" + t.id);
    const bool ticked = std::find(chosen.begin(), chosen.end(), t.id) != chosen.end();
    out += fmt::format(
        R"(<div class="checkbox"><input type="checkbox" id="{}" name="{}" value="{}"{}>)"
        R"(<label for="{}">{}</label></div>)",
        id, escape_html(name), escape_html(t.id), ticked ? " checked" : "", id,
        escape_html(t.label));
  }
  return out;
}

}  // namespace sb::web::directory_parts
