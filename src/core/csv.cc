#include "core/csv.h"

#include "core/numbers.h"

namespace sb {

namespace {

bool starts_like_a_formula(std::string_view v) {
  if (v.empty()) return false;
  const char c = v.front();
  if (c != '=' && c != '+' && c != '-' && c != '@' && c != '\t' && c != '\r') return false;
  return !parse_decimal(v).has_value();  // -0.53 is a number, not a formula
}

}  // namespace

std::string csv_cell(std::string_view value) {
  std::string v;
  if (starts_like_a_formula(value)) v += '\'';
  v += value;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_row(std::initializer_list<std::string_view> cells) {
  std::string row;
  for (auto c : cells) {
    if (!row.empty()) row += ',';
    row += csv_cell(c);
  }
  row += "\r\n";
  return row;
}

}  // namespace sb
