#include "psychometrics/responses.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace sb::psy {

Result<CsvTable> parse_csv(const std::string& text) {
  CsvTable t;
  std::istringstream in(text);
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
    }
  }
  if (t.header.empty()) return invalid("data", "the file is empty");
  return t;
}

Result<CsvTable> read_csv(const std::string& path) {
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
  return t;
}

Result<RowRange> parse_row_range(const std::string& text) {
  RowRange r;
  if (text.empty() || text == "all") return r;
  const auto dash = text.find('-');
  try {
    if (dash == std::string::npos) {
      r.first = r.last = std::stoul(text);
    } else {
      r.first = std::stoul(text.substr(0, dash));
      const std::string rest = text.substr(dash + 1);
      if (!rest.empty()) r.last = std::stoul(rest);
    }
  } catch (const std::exception&) {
    return invalid("rows", "must look like 1-20000");
  }
  if (r.first == 0 || r.last < r.first)
    return invalid("rows", "must look like 1-20000, counting from 1");
  return r;
}

Result<ResponseMatrix> keyed_responses(const Instrument& ins, const CsvTable& t, RowRange range) {
  std::vector<size_t> column(ins.items.size());
  for (size_t j = 0; j < ins.items.size(); ++j) {
    size_t c = 0;
    while (c < t.header.size() && t.header[c] != ins.items[j].id) ++c;
    if (c == t.header.size())
      return invalid(
          "data", "no column named " + ins.items[j].id + " (item " + std::to_string(j + 1) + ")");
    column[j] = c;
  }
  ResponseMatrix m;
  m.cols = ins.items.size();
  const size_t last = std::min(range.last, t.rows.size());
  if (range.first > t.rows.size())
    return invalid("rows", "the file has only " + std::to_string(t.rows.size()) + " data rows");
  for (size_t r = range.first; r <= last; ++r) {
    const auto& row = t.rows[r - 1];
    for (size_t j = 0; j < ins.items.size(); ++j) {
      const std::string& cell = row[column[j]];
      int value = 0;
      if (!cell.empty()) {
        auto [p, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
        if (ec != std::errc() || p != cell.data() + cell.size() || value < 0 ||
            value > ins.categories) {
          // +1 for the header line.
          return invalid("data", "line " + std::to_string(r + 1) + ", column " + ins.items[j].id +
                                     ": '" + cell +
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
