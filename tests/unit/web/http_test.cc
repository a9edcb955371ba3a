#include "web/http.h"

#include <gtest/gtest.h>

namespace sb::web {

TEST(Http, UrlDecodeHandlesEscapesPlusAndBrokenEscapes) {
  EXPECT_EQ(url_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(url_decode("a+b", false), "a+b");
  EXPECT_EQ(url_decode("100%", true), "100%");
  EXPECT_EQ(url_decode("%zz%4", true), "%zz%4");
  EXPECT_EQ(url_decode("%3Cscript%3E", true), "<script>");
}

TEST(Http, ParseUrlencodedKeepsRepeatsAndEmptyValues) {
  auto m = parse_urlencoded("a=1&b=&a=2&flag&x=%27%3B+DROP");
  EXPECT_EQ(m.count("a"), 2u);
  EXPECT_EQ(first_value(m, "b"), "");
  EXPECT_EQ(m.count("flag"), 1u);
  EXPECT_EQ(first_value(m, "x"), "'; DROP");
}

TEST(Http, CookieLookupByExactName) {
  Request r;
  r.headers["cookie"] = "a=1; sb_session=tok; __Host-sb_session=other";
  EXPECT_EQ(r.cookie("sb_session"), "tok");
  EXPECT_EQ(r.cookie("__Host-sb_session"), "other");
  EXPECT_FALSE(r.cookie("session").has_value());
}

TEST(Http, SecurityHeadersForbidInlineScriptAndFraming) {
  Response r;
  apply_security_headers(r);
  auto csp = r.header("Content-Security-Policy");
  ASSERT_TRUE(csp);
  EXPECT_NE(csp->find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp->find("unsafe-inline"), std::string::npos);
  EXPECT_NE(csp->find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
  EXPECT_TRUE(r.header("Referrer-Policy"));
}

}  // namespace sb::web
