#include "features/site/module.h"

namespace sb::features {
namespace {

using web::Response;
constexpr const char* kMarkdownPages[] = {"understanding", "help", "privacy", "not-a-diagnosis"};

class SiteModule final : public web::Module, public web::FeaturePages {
 public:
  explicit SiteModule(web::Services& s) : web::FeaturePages(s.kit) {}

  void add_routes(web::Routes& r) override {
    r.cached_page("/", handler(&SiteModule::home));
    r.cached_page("/offline", handler(&SiteModule::offline));
    r.page("GET", "/menu", web::Need::anyone(), handler(&SiteModule::menu));
    for (const char* name : kMarkdownPages)
      r.cached_page(std::string("/") + name, handler(&SiteModule::markdown_page));
  }

  Response home(Ctx& ctx) {
    // Signed in, the home is the day: what to do today, and a mood check.
    if (ctx.visitor.signed_in()) return Response::redirect("/today");
    boost::json::object view{{"title", "Find your secure base"},
                             {"deleted", ctx.req.query.count("deleted") > 0}};
    return render_page(ctx, "home", std::move(view));
  }

  // What the service worker shows when a page cannot be reached.
  Response offline(Ctx& ctx) { return render_page(ctx, "offline", {{"title", "You are offline"}}); }

  // Every place, for small screens (the header keeps only a few).
  Response menu(Ctx& ctx) { return render_page(ctx, "menu", {{"title", "Menu"}}); }

  Response markdown_page(Ctx& ctx) {
    const std::string name = ctx.req.path.substr(1);
    const std::string* html = content_->page_html(name);
    if (!html) return error_page(ctx, 404, "There is no page at this address.");
    return render_page(ctx, "markdown", {{"title", *content_->page_title(name)}, {"html", *html}});
  }
};

}  // namespace

web::Feature site() {
  return {"site", {}, [](web::Services& s) -> Result<std::unique_ptr<web::Module>> {
            return std::unique_ptr<web::Module>(new SiteModule(s));
          }};
}

}  // namespace sb::features
