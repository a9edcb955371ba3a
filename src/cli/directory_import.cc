#include "cli/directory_import.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "core/clock.h"
#include "features/directory/directory.h"

namespace sb::cli {
namespace {

// A bar on a terminal, nothing when the output goes to a file or a pipe.
class ProgressBar {
 public:
  ProgressBar() : on_(isatty(STDERR_FILENO) != 0) {}
  void operator()(double fraction) {
    if (!on_) return;
    const int width = 40, filled = static_cast<int>(fraction * width);
    if (filled == last_) return;
    last_ = filled;
    std::fprintf(stderr, "\rreading [%s%s] %3d%%",
                 std::string(static_cast<size_t>(filled), '#').c_str(),
                 std::string(static_cast<size_t>(width - filled), ' ').c_str(),
                 static_cast<int>(fraction * 100));
    if (fraction >= 1.0) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  bool on_;
  int last_ = -1;
};

}  // namespace

int import_directory(store::Database& db, const DirectoryImportOptions& o) {
  auto vocabulary = directory::Vocabulary::load(o.content_dir + "/directory/vocabulary.json");
  if (!vocabulary) {
    std::cerr << "securebase: " << vocabulary.error().message << "\n";
    return 1;
  }
  auto places = directory::Places::shared(o.places_file);
  if (!places) {
    std::cerr << "securebase: " << places.error().message << "\n";
    return 1;
  }
  SystemClock clock;
  directory::Directory dir(db, clock, *vocabulary, *places);
  ProgressBar bar;
  auto progress = [&](double f) { bar(f); };
  auto read = o.format == "nppes" ? directory::read_nppes(o.file, **places, progress)
                                  : directory::read_listings_jsonl(o.file, *vocabulary, progress);
  if (!read) {
    std::cerr << "securebase: " << read.error().message << "\n";
    return 1;
  }
  auto report = dir.import(*read);
  if (!report) {
    std::cerr << "securebase: the import failed and nothing was imported: "
              << report.error().message << "\n";
    return 1;
  }
  std::cout << o.file << ": " << report->rows << " rows read, " << report->kept << " kept";
  for (const auto& [reason, n] : report->skipped)
    std::cout << ", " << n << " skipped (" << reason << ")";
  std::cout << "\n";
  if (!report->problems.empty()) {
    std::cerr << report->problems.size() << " rows are malformed, so nothing was imported:\n";
    size_t shown = 0;
    for (const auto& p : report->problems) {
      if (++shown > 50) {
        std::cerr << "... and " << report->problems.size() - 50 << " more\n";
        break;
      }
      std::cerr << o.file << ":" << p.line << ": " << p.message << "\n";
    }
    return 1;
  }
  const auto& c = report->counts;
  std::cout << "listings: " << c.added << " added, " << c.updated << " updated, " << c.unchanged
            << " unchanged, " << c.kept_claimed << " left as their therapist keeps them\n";
  return 0;
}

}  // namespace sb::cli
