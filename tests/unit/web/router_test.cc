#include "web/router.h"

#include <gtest/gtest.h>

namespace sb::web {

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/", [](Request&) { return Response::text("home"); });
    router.add("GET", "/items/{id:int}",
               [](Request& r) { return Response::text("item " + r.params["id"]); });
    router.add("POST", "/items/{id:int}",
               [](Request& r) { return Response::text("saved " + r.params["id"]); });
    router.add("GET", "/files/{name}",
               [](Request& r) { return Response::text("file " + r.params["name"]); });
  }
  Response call(const std::string& method, const std::string& path) {
    Request r;
    r.method = method;
    r.path = path;
    return router.dispatch(r);
  }
  Router router;
};

TEST_F(RouterTest, MatchesTypedParameters) {
  EXPECT_EQ(call("GET", "/items/42").body, "item 42");
  EXPECT_EQ(call("POST", "/items/7").body, "saved 7");
  EXPECT_EQ(call("GET", "/files/style.css").body, "file style.css");
  EXPECT_EQ(call("GET", "/").body, "home");
}

TEST_F(RouterTest, IntParameterRejectsNonDigits) {
  EXPECT_EQ(call("GET", "/items/abc").status, 404);
  EXPECT_EQ(call("GET", "/items/-1").status, 404);
  EXPECT_EQ(call("GET", "/items/99999999999999999999").status, 404);
}

TEST_F(RouterTest, WrongMethodGives405WithAllow) {
  auto r = call("DELETE", "/items/1");
  EXPECT_EQ(r.status, 405);
  auto allow = r.header("Allow");
  ASSERT_TRUE(allow);
  EXPECT_NE(allow->find("GET"), std::string::npos);
  EXPECT_NE(allow->find("POST"), std::string::npos);
}

TEST_F(RouterTest, HeadRunsGetAndUnknownPathIs404) {
  EXPECT_EQ(call("HEAD", "/items/3").body, "item 3");
  EXPECT_EQ(call("GET", "/nowhere").status, 404);
  EXPECT_EQ(call("GET", "/items/1/extra").status, 404);
}

}  // namespace sb::web
