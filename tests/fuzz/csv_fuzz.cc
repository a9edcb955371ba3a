// The CSV reader (irt commands, response files) and the one CSV writer: what the writer
// writes, the reader reads back cell for cell (a formula-like cell keeps its leading ').
// Input bytes: 0x1e separates rows, 0x1f separates cells; the whole input is also read as a
// CSV file as it is.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/csv.h"
#include "core/strings.h"
#include "fuzz_check.h"
#include "psychometrics/responses.h"

namespace {

std::vector<std::vector<std::string>> rows_from(const std::string& input) {
  std::vector<std::vector<std::string>> rows;
  for (auto row : sb::split(input, '\x1e')) {
    std::vector<std::string> cells;
    for (auto cell : sb::split(row, '\x1f')) {
      std::string c(cell);
      std::erase(c, '\n');  // the reader is line based: a cell never spans lines
      cells.push_back(std::move(c));
    }
    rows.push_back(std::move(cells));
  }
  return rows;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto as_file = sb::psy::parse_csv(input);
  if (as_file) {
    for (const auto& row : as_file->rows)
      FUZZ_CHECK(row.size() == as_file->header.size(), "rows are as wide as the header");
  }

  auto rows = rows_from(input);
  if (rows.empty() || rows[0].empty()) return 0;
  const size_t width = rows[0].size();
  std::string written;
  std::vector<std::vector<std::string>> expected;
  for (auto& row : rows) {
    row.resize(width);
    std::string line;
    for (size_t i = 0; i < width; ++i) line += (i ? "," : "") + sb::csv_cell(row[i]);
    if (line.empty()) continue;  // the reader skips blank lines
    written += line + "\r\n";
    expected.push_back(row);
  }
  if (expected.empty()) return 0;
  if (written.starts_with("\xEF\xBB\xBF")) return 0;  // read as a byte-order mark, as it should
  auto read = sb::psy::parse_csv(written);
  FUZZ_CHECK(static_cast<bool>(read), "the reader reads what the writer wrote");
  FUZZ_CHECK(read->rows.size() + 1 == expected.size(), "every written row is read");
  for (size_t r = 0; r < expected.size(); ++r) {
    const auto& got = r == 0 ? read->header : read->rows[r - 1];
    FUZZ_CHECK(got.size() == width, "every cell is read");
    for (size_t i = 0; i < width; ++i) {
      FUZZ_CHECK(got[i] == expected[r][i] || got[i] == "'" + expected[r][i],
                 "a cell reads back as written");
    }
  }
  return 0;
}
