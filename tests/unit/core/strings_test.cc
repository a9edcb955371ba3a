#include "core/strings.h"

#include <gtest/gtest.h>

namespace sb {

TEST(Strings, TrimRemovesSurroundingWhitespaceOnly) {
  EXPECT_EQ(trim("  a b \t\n"), "a b");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("   "), "");
}

TEST(Strings, SplitKeepsEmptyParts) {
  auto parts = split("a,,b,", ',');
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0], "a");
  EXPECT_EQ(parts[1], "");
  EXPECT_EQ(parts[2], "b");
  EXPECT_EQ(parts[3], "");
}

TEST(Strings, Iso8601FormatsUtc) {
  EXPECT_EQ(iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso8601(1795808472), "2026-11-27T19:41:12Z");
}

}  // namespace sb

namespace sb {

TEST(Strings, ShortenUtf8CutsAtACharacterBoundary) {
  EXPECT_EQ(shorten_utf8("short", 10), "short");
  EXPECT_EQ(shorten_utf8("abcdef", 3), "abc…");
  // "é" is two bytes (C3 A9): a cut after byte 2 of "aéb" would split it.
  EXPECT_EQ(shorten_utf8("aéb", 2), "a…");
  EXPECT_EQ(shorten_utf8("aéb", 3), "aé…");
}

}  // namespace sb

#include "core/csv.h"

namespace sb {

// CSV injection: a spreadsheet runs a cell that starts with =, +, -, @, tab or CR as a formula.
TEST(Csv, CellsThatLookLikeFormulasStayText) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"=1+1", "'=1+1"},
      {"+SUM(A1)", "'+SUM(A1)"},
      {"-2+3", "'-2+3"},
      {"@cmd", "'@cmd"},
      {"\tx", "'\tx"},
      {"\rx", "\"'\rx\""},
      {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
      {"-0.53", "-0.53"},
      {"+4", "+4"},
      {"plain", "plain"},
      {"a,b", "\"a,b\""},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(csv_cell(c.in), c.out) << c.in;
  EXPECT_EQ(csv_row({"a", "=b", "c,d"}), "a,'=b,\"c,d\"\r\n");
}

}  // namespace sb

namespace sb {

TEST(Utf8, ValidityAndLength) {
  EXPECT_TRUE(valid_utf8("plain"));
  EXPECT_TRUE(valid_utf8("caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x8A"));  // é — 😊
  EXPECT_FALSE(valid_utf8("bad\xFF\xFE"));
  EXPECT_FALSE(valid_utf8("\xC3"));              // cut short
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(valid_utf8("\x80"));              // a continuation byte alone
  EXPECT_EQ(utf8_length("caf\xC3\xA9"), 4u);
  EXPECT_EQ(utf8_length("\xF0\x9F\x98\x8A"), 1u);
}

TEST(Strings, EscapeHtmlMakesMarkupText) {
  EXPECT_EQ(escape_html("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(escape_html("plain text"), "plain text");
  EXPECT_EQ(escape_html(""), "");
}

}  // namespace sb
