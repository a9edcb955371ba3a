// Small pieces the directory's pages share: dates as people read them, repeated form or query
// fields, and vocabulary terms as checkboxes (written as HTML: template data for 130 options
// cost more than the search itself; docs/BENCHMARKS.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "features/directory/listing.h"

namespace sb::web::directory_parts {

std::string date_of(int64_t unix_seconds);  // "2026-11-20"
// Every non-empty value of a repeated field ("approach=eft&approach=cbt").
std::vector<std::string> values_of(const std::multimap<std::string, std::string>& fields,
                                   const std::string& key);
// The terms as checkboxes named `name`, ticked where `chosen` has them.
std::string checkboxes_html(const std::vector<directory::Term>& list,
                            const std::vector<std::string>& chosen, const std::string& name);

}  // namespace sb::web::directory_parts
