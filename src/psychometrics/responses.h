// Response files: CSV with a header row; item columns hold 1..K, 0 or empty for no answer.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "core/result.h"
#include "psychometrics/instrument.h"
#include "psychometrics/model.h"

namespace sb::psy {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> row_lines;  // the file line of each row (blank lines are skipped)
  std::string source;             // the file name, for errors ("" when parsed from text)
};

// 1-based, inclusive data-row numbers ("1-20000"); the header is not a data row.
struct RowRange {
  size_t first = 1;
  size_t last = std::numeric_limits<size_t>::max();
  bool last_given = false;  // "1-20000" names its end; "all" and "100-" run to the file's end
};

Result<CsvTable> read_csv(const std::string& path);
Result<CsvTable> parse_csv(const std::string& text);
Result<RowRange> parse_row_range(const std::string& text);
// The instrument's items, keyed, from the rows in range. Errors name the line and column.
Result<ResponseMatrix> keyed_responses(const Instrument& instrument, const CsvTable& table,
                                       RowRange range);

}  // namespace sb::psy
