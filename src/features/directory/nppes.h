// Reading the NPPES monthly dissemination file ("npidata_pfile", 330 double-quoted columns,
// plain or gzip) into directory listings, by the rules of docs/DIRECTORY.md: active NPIs whose
// check digit is right, with a behavioural-health taxonomy (primary or not), practising at a
// known US ZIP code.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "features/directory/geo.h"
#include "features/directory/listing.h"

namespace sb::directory {

// A row the file should not hold: a line number (the header is line 1) and what is wrong.
struct RowProblem {
  int64_t line = 0;
  std::string message;
};

struct NppesRead {
  std::vector<Listing> listings;           // the rows kept, in file order
  std::vector<int64_t> lines;              // the line each listing started on
  int64_t rows = 0;                        // data rows read
  std::map<std::string, int64_t> skipped;  // reason -> rows
  std::vector<RowProblem> problems;        // malformed rows: nothing is imported
};

// The behavioural-health taxonomy codes the directory keeps (NUCC).
bool behavioural_health_taxonomy(std::string_view code);

// Reads the whole file. `progress` (may be empty) hears the fraction of the file read now
// and then. Fails only when the file cannot be opened or its header is not NPPES's.
Result<NppesRead> read_nppes(const std::string& path, const Places& places,
                             const std::function<void(double)>& progress = {});

// The JSON-lines format of SecureBase's own listings (docs/DIRECTORY.md), one listing a line.
Result<NppesRead> read_listings_jsonl(const std::string& path, const Vocabulary& vocabulary,
                                      const std::function<void(double)>& progress = {});

// A reader of RFC 4180 records (quoted fields, "" for a quote, CRLF or LF) over a plain or
// gzip file; the line each record starts on is kept for messages.
class CsvFile {
 public:
  static Result<CsvFile> open(const std::string& path);
  CsvFile(CsvFile&&) noexcept;
  CsvFile& operator=(CsvFile&&) noexcept;
  ~CsvFile();
  // The next record; false at the end. A quote left open at the end of the file is a problem.
  bool next(std::vector<std::string>& fields, int64_t& line, std::string& problem);
  double fraction_read() const;

 private:
  CsvFile() = default;
  int get();
  void* gz_ = nullptr;
  int64_t size_ = 0;
  int64_t line_ = 1;
  std::string buffer_;
  size_t at_ = 0;
};

}  // namespace sb::directory
