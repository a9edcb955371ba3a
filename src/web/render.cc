#include "web/render.h"

#include <md4c-html.h>
#include <sodium.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <sstream>

namespace sb::web {

namespace fs = std::filesystem;
namespace mstch = kainjow::mustache;

namespace {

std::atomic<uint64_t> next_generation{1};

Result<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Error{ErrorCode::kUnavailable, "cannot read " + p.string(), ""};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Children are built in a local container and handed over whole: kainjow's push_back and set
// copy their argument deeply, and its vector copies every element again when it grows (the
// move constructor is not noexcept), which made building the view cost more than rendering.
mstch::data to_data(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::object: {
      mstch::basic_object<std::string> members;
      members.reserve(v.get_object().size());
      for (const auto& [k, val] : v.get_object()) members.emplace(std::string(k), to_data(val));
      return mstch::data{members};
    }
    case boost::json::kind::array: {
      mstch::basic_list<std::string> items;
      items.reserve(v.get_array().size());
      for (const auto& item : v.get_array()) items.emplace_back(to_data(item));
      return mstch::data{items};
    }
    case boost::json::kind::string:
      return mstch::data{std::string(v.get_string())};
    case boost::json::kind::bool_:
      return mstch::data{v.get_bool()};
    case boost::json::kind::int64:
      return mstch::data{std::to_string(v.get_int64())};
    case boost::json::kind::uint64:
      return mstch::data{std::to_string(v.get_uint64())};
    case boost::json::kind::double_: {
      std::ostringstream ss;
      ss << v.get_double();
      return mstch::data{ss.str()};
    }
    case boost::json::kind::null:
      return mstch::data{false};
  }
  return mstch::data{false};
}

std::string content_type_for(const fs::path& p) {
  const auto ext = p.extension().string();
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".json") return "application/json";
  if (ext == ".webmanifest") return "application/manifest+json";
  return "application/octet-stream";
}

std::string etag_of(const std::string& body) {
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(body.data()),
                     body.size(), nullptr, 0);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string("\"") + hex + "\"";
}

// The first "# " heading of a Markdown page is its title.
std::string title_of(const std::string& markdown) {
  std::istringstream in(markdown);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# ", 0) == 0) return line.substr(2);
  }
  return "SecureBase";
}

}  // namespace

std::string markdown_to_html(const std::string& markdown) {
  std::string out;
  md_html(
      markdown.data(), static_cast<MD_SIZE>(markdown.size()),
      [](const MD_CHAR* text, MD_SIZE size, void* user) {
        static_cast<std::string*>(user)->append(text, size);
      },
      &out, MD_FLAG_TABLES | MD_FLAG_NOHTML | MD_FLAG_PERMISSIVEAUTOLINKS, 0);
  return out;
}

struct Content::Impl {
  uint64_t generation = next_generation++;
  std::map<std::string, std::string> templates;
  std::map<std::string, std::string> pages;
  std::map<std::string, std::string> titles;
  std::map<std::string, StaticFile> statics;
};

Content::Content() : impl_(std::make_unique<Impl>()) {}
Content::~Content() = default;

Result<std::unique_ptr<Content>> Content::load(const std::string& content_dir) {
  std::unique_ptr<Content> c(new Content());
  const fs::path root(content_dir);
  std::error_code ec;
  if (!fs::is_directory(root / "templates", ec)) {
    return Error{ErrorCode::kInvalidArgument,
                 "no templates under " + (root / "templates").string() +
                     " (is --content pointing at the project's content/ folder?)",
                 "content"};
  }
  for (const auto& e : fs::directory_iterator(root / "templates")) {
    if (e.path().extension() != ".mustache") continue;
    auto text = read_file(e.path());
    if (!text) return text.error();
    mstch::mustache check(*text);
    if (!check.is_valid()) {
      return Error{ErrorCode::kInvalidArgument, e.path().string() + ": " + check.error_message(),
                   "content"};
    }
    c->impl_->templates[e.path().stem().string()] = *text;
  }
  if (fs::is_directory(root / "pages", ec)) {
    for (const auto& e : fs::directory_iterator(root / "pages")) {
      if (e.path().extension() != ".md") continue;
      auto text = read_file(e.path());
      if (!text) return text.error();
      c->impl_->pages[e.path().stem().string()] = markdown_to_html(*text);
      c->impl_->titles[e.path().stem().string()] = title_of(*text);
    }
  }
  if (fs::is_directory(root / "static", ec)) {
    for (const auto& e : fs::recursive_directory_iterator(root / "static")) {
      if (!e.is_regular_file()) continue;
      auto body = read_file(e.path());
      if (!body) return body.error();
      StaticFile f{*body, content_type_for(e.path()), etag_of(*body)};
      c->impl_->statics[fs::relative(e.path(), root / "static").string()] = std::move(f);
    }
  }
  return c;
}

std::string Content::render(const std::string& name, const boost::json::object& view) const {
  // Compiled templates are cached per thread: a compiled mustache is not safe to share.
  thread_local std::map<std::pair<uint64_t, std::string>, std::unique_ptr<mstch::mustache>> cache;
  auto key = std::make_pair(impl_->generation, name);
  auto it = cache.find(key);
  if (it == cache.end()) {
    auto t = impl_->templates.find(name);
    if (t == impl_->templates.end()) return "template " + name + " is missing";
    it = cache.emplace(key, std::make_unique<mstch::mustache>(t->second)).first;
  }
  return it->second->render(to_data(view));
}

const std::string* Content::page_html(const std::string& name) const {
  auto it = impl_->pages.find(name);
  return it == impl_->pages.end() ? nullptr : &it->second;
}

const std::string* Content::page_title(const std::string& name) const {
  auto it = impl_->titles.find(name);
  return it == impl_->titles.end() ? nullptr : &it->second;
}

const StaticFile* Content::static_file(const std::string& name) const {
  auto it = impl_->statics.find(name);
  return it == impl_->statics.end() ? nullptr : &it->second;
}

}  // namespace sb::web
