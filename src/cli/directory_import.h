// securebase admin import-directory: listings from an NPPES file or SecureBase's JSON lines.
#pragma once

#include <string>

#include "store/database.h"

namespace sb::cli {

struct DirectoryImportOptions {
  std::string format = "nppes";  // or "securebase"
  std::string file;
  std::string content_dir = "content";
  std::string places_file = "var/places.tsv";
};

// Prints what was read, kept, skipped (by reason) and changed, or the problems by line
// number (then nothing is imported). Returns the process's exit status.
int import_directory(store::Database& db, const DirectoryImportOptions& options);

}  // namespace sb::cli
