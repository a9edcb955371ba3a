// The mood grid's words and colours, and the stylesheet that paints the grid with the same
// colours the calendar uses.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "features/journal/journal.h"

namespace sb::growth {
namespace {

TEST(Mood, WordsNameBothAxesAndTheMiddle) {
  EXPECT_EQ(mood_words(1, 1), "very unpleasant and very calm");
  EXPECT_EQ(mood_words(4, 2), "pleasant and calm");
  EXPECT_EQ(mood_words(5, 5), "very pleasant and very energised");
  EXPECT_EQ(mood_words(3, 3), "in between");
  EXPECT_EQ(mood_words(3, 4), "neither pleasant nor unpleasant, energised");
  EXPECT_EQ(mood_words(2, 3), "unpleasant, neither calm nor energised");
  EXPECT_EQ(mood_words(0, 3), "") << "outside the grid";
  EXPECT_EQ(mood_words(3, 6), "");
}

TEST(Mood, ColoursGoFromRedThroughGreyToGreenAndLightenWhenCalm) {
  EXPECT_EQ(mood_colour(3, 3), "#9e9e9e") << "the middle is grey";
  // Unpleasant is red-led, pleasant green-led.
  auto channel = [](const std::string& hex, int i) {
    return std::stoi(hex.substr(1 + 2 * i, 2), nullptr, 16);
  };
  const std::string red = mood_colour(1, 3), green = mood_colour(5, 3);
  EXPECT_GT(channel(red, 0), channel(red, 1));
  EXPECT_GT(channel(green, 1), channel(green, 0));
  // Calmer is lighter: the sum of the channels grows.
  auto light = [&](const std::string& hex) {
    return channel(hex, 0) + channel(hex, 1) + channel(hex, 2);
  };
  for (int p = 1; p <= kMoodSteps; ++p)
    for (int e = 2; e <= kMoodSteps; ++e)
      EXPECT_GT(light(mood_colour(p, e - 1)), light(mood_colour(p, e)));
}

// The grid's squares are painted by classes (the CSP allows no inline style): each class must
// hold the colour the calendar draws for that mood.
TEST(Mood, TheStylesheetPaintsEachSquareWithItsColour) {
  std::ifstream in(std::string(SECUREBASE_CONTENT_DIR) + "/static/style.css");
  std::stringstream css;
  css << in.rdbuf();
  for (int p = 1; p <= kMoodSteps; ++p)
    for (int e = 1; e <= kMoodSteps; ++e) {
      const std::string rule = ".mood-" + std::to_string(p) + "-" + std::to_string(e) +
                               " { background: " + mood_colour(p, e) + "; }";
      EXPECT_NE(css.str().find(rule), std::string::npos) << rule;
    }
}

}  // namespace
}  // namespace sb::growth
