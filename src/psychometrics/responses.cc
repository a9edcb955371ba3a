#include "psychometrics/responses.h"

#include "core/numbers.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace sb::psy {

Result<CsvTable> parse_csv(const std::string& text) {
  CsvTable t;
  // Spreadsheets write a UTF-8 byte-order mark before the header; it is not part of a name.
  std::istringstream in(text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text);
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted) {
        if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
          cell.push_back('"');
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.push_back(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.push_back(std::move(cell));
        cell.clear();
      } else {
        cell.push_back(c);
      }
    }
    if (quoted)
      return invalid("data", "line " + std::to_string(line_no) + ": a quoted cell is not closed");
    cells.push_back(std::move(cell));
    if (t.header.empty()) {
      t.header = std::move(cells);
    } else {
      if (cells.size() != t.header.size()) {
        return invalid("data", "line " + std::to_string(line_no) + ": has " +
                                   std::to_string(cells.size()) + " cells, the header has " +
                                   std::to_string(t.header.size()));
      }
      t.rows.push_back(std::move(cells));
      t.row_lines.push_back(line_no);
    }
  }
  if (t.header.empty()) return invalid("data", "the file is empty");
  return t;
}

Result<CsvTable> read_csv(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return invalid("data", path + " is a folder; please name a CSV file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::kNotFound, "cannot read " + path, "data"};
  std::ostringstream ss;
  ss << in.rdbuf();
  auto t = parse_csv(ss.str());
  if (!t) {
    Error e = t.error();
    e.message = path + ": " + e.message;
    return e;
  }
  t->source = path;
  return t;
}

Result<RowRange> parse_row_range(const std::string& text) {
  RowRange r;
  if (text.empty() || text == "all") return r;
  const auto dash = text.find('-');
  const std::string first = text.substr(0, dash);
  const std::string rest = dash == std::string::npos ? first : text.substr(dash + 1);
  auto from = parse_int_in(first, 1, std::numeric_limits<int64_t>::max());
  if (!from) return invalid("rows", "'" + text + "' must look like 1-20000, counting from 1");
  r.first = static_cast<size_t>(*from);
  if (rest.empty()) return r;  // "100-": from row 100 to the end
  auto to = parse_int_in(rest, 1, std::numeric_limits<int64_t>::max());
  if (!to || *to < *from)
    return invalid("rows", "'" + text + "' must look like 1-20000, counting from 1");
  r.last = static_cast<size_t>(*to);
  r.last_given = true;
  return r;
}

namespace {

std::string where(const CsvTable& t) { return t.source.empty() ? "" : t.source + ": "; }

// The line in the file (blank lines counted) of a data row.
size_t line_of(const CsvTable& t, size_t row) {
  return row < t.row_lines.size() ? t.row_lines[row] : row + 2;
}

}  // namespace

Result<ResponseMatrix> keyed_responses(const Instrument& ins, const CsvTable& t, RowRange range) {
  std::vector<size_t> column(ins.items.size());
  for (size_t j = 0; j < ins.items.size(); ++j) {
    size_t c = 0;
    while (c < t.header.size() && t.header[c] != ins.items[j].id) ++c;
    if (c == t.header.size())
      return invalid("data", where(t) + "no column named " + ins.items[j].id + " (item " +
                                 std::to_string(j + 1) + ")");
    column[j] = c;
  }
  ResponseMatrix m;
  m.cols = ins.items.size();
  const size_t last = std::min(range.last, t.rows.size());
  if (range.first > t.rows.size() || (range.last_given && range.last > t.rows.size()))
    return invalid("rows", where(t) + "has only " + std::to_string(t.rows.size()) +
                               " data rows; rows " + std::to_string(range.first) + "-" +
                               (range.last_given ? std::to_string(range.last) : "") +
                               " go past the end");
  for (size_t r = range.first; r <= last; ++r) {
    const auto& row = t.rows[r - 1];
    for (size_t j = 0; j < ins.items.size(); ++j) {
      const std::string& cell = row[column[j]];
      int value = 0;
      if (!cell.empty()) {
        auto [p, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
        if (ec != std::errc() || p != cell.data() + cell.size() || value < 0 ||
            value > ins.categories) {
          return invalid("data", where(t) + "line " + std::to_string(line_of(t, r - 1)) +
                                     ", column " + ins.items[j].id + ": '" + cell +
                                     "' is not a whole number from 0 (no answer) to " +
                                     std::to_string(ins.categories));
        }
      }
      m.data.push_back(ins.key(j, value));
    }
    ++m.rows;
  }
  return m;
}

}  // namespace sb::psy
