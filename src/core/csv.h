// The one CSV writer for everything SecureBase lets people download. Cells are quoted as
// RFC 4180 says, and a cell that a spreadsheet would run as a formula (it starts with =, +, -,
// @, a tab or a carriage return, and is not simply a number) is written with a leading ' so it
// stays text, as OWASP recommends against CSV injection.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace sb {

std::string csv_cell(std::string_view value);
// The cells joined with commas, ending in CRLF.
std::string csv_row(std::initializer_list<std::string_view> cells);

}  // namespace sb
