#include "core/numbers.h"

#include <gtest/gtest.h>

#include <limits>

namespace sb {

// One parser for every form: the whole text must be the number.
TEST(Numbers, ParseIntTakesOnlyWholeNumbers) {
  struct Case {
    const char* text;
    std::optional<int64_t> want;
  };
  const Case cases[] = {
      {"7", 7},
      {"-3", -3},
      {"+4", 4},
      {"0", 0},
      {"007", 7},
      {"7x", std::nullopt},
      {" 7", std::nullopt},
      {"7 ", std::nullopt},
      {"", std::nullopt},
      {"+", std::nullopt},
      {"-", std::nullopt},
      {"+-1", std::nullopt},
      {"1e3", std::nullopt},
      {"3.0", std::nullopt},
      {"0x10", std::nullopt},
      {"99999999999999999999", std::nullopt},  // out of range, not clamped
      {"9223372036854775807", std::numeric_limits<int64_t>::max()},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_int(c.text), c.want) << '"' << c.text << '"';
}

TEST(Numbers, ParseIntInKeepsTheRange) {
  EXPECT_EQ(parse_int_in("10", 0, 10), 10);
  EXPECT_EQ(parse_int_in("11", 0, 10), std::nullopt);
  EXPECT_EQ(parse_int_in("-1", 0, 10), std::nullopt);
  EXPECT_EQ(parse_int_in("5x", 0, 10), std::nullopt);
}

TEST(Numbers, ParseDecimalRefusesExponentsAndNonFinite) {
  EXPECT_EQ(parse_decimal("0.3"), 0.3);
  EXPECT_EQ(parse_decimal("-1.5"), -1.5);
  EXPECT_EQ(parse_decimal("2"), 2.0);
  EXPECT_EQ(parse_decimal("1e3"), std::nullopt);
  EXPECT_EQ(parse_decimal("nan"), std::nullopt);
  EXPECT_EQ(parse_decimal("inf"), std::nullopt);
  EXPECT_EQ(parse_decimal("0.3x"), std::nullopt);
  EXPECT_EQ(parse_decimal(""), std::nullopt);
}

}  // namespace sb
