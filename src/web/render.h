// Server-side HTML: mustache templates from content/templates and Markdown pages from
// content/pages, all loaded once at start-up.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <memory>
#include <string>

#include "core/result.h"

namespace sb::web {

struct StaticFile {
  std::string body;
  std::string content_type;
  std::string etag;
};

class Content {
 public:
  static Result<std::unique_ptr<Content>> load(const std::string& content_dir);
  ~Content();

  // Renders templates/<name>.mustache with `view`, HTML-escaping every {{value}}.
  std::string render(const std::string& name, const boost::json::object& view) const;
  // A Markdown page rendered to HTML, or nullptr.
  const std::string* page_html(const std::string& name) const;
  const std::string* page_title(const std::string& name) const;
  const StaticFile* static_file(const std::string& name) const;

 private:
  Content();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string markdown_to_html(const std::string& markdown);

}  // namespace sb::web
