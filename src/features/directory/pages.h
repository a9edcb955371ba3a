// The directory's pages: the search (/therapists, and the same as JSON), a listing, and the
// published ranking.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "features/directory/directory.h"
#include "web/pages.h"

namespace sb::web {

class DirectoryPages final : public FeaturePages {
 public:
  DirectoryPages(PageKit& kit, directory::Directory& directory)
      : FeaturePages(kit), directory_(directory) {}

  Response search_page(Ctx& ctx);
  Response listing_page(Ctx& ctx);
  Response search_json(Request& req);
  Response how_we_rank(Ctx& ctx);

  // A search as the query string gives it: the query, or what the visitor must fix, or the
  // places they may have meant.
  struct Parsed {
    directory::Query query;
    std::optional<directory::Place> place;
    std::string problem;                       // a sentence for the visitor
    std::vector<directory::Place> candidates;  // "which Springfield?"
    int page = 1;
    bool searched = false;  // the form was sent (anything asked for)
  };
  Parsed parse(const Request& req) const;

 private:
  directory::Directory& directory_;
};

}  // namespace sb::web
