#include "psychometrics/instrument.h"

#include <gtest/gtest.h>

#include "psychometrics/responses.h"

namespace sb::psy {

namespace {
const char* kValid = R"({
  "format": "securebase-instrument", "id": "t", "version": "1", "title": "Test",
  "scale": {"categories": 3, "labels": ["no", "maybe", "yes"]},
  "dimensions": [{"id": "anx", "name": "Anxiety"}, {"id": "av", "name": "Avoidance"}],
  "correlation": 0.1,
  "items": [
    {"id": "i1", "text": "Our own words", "dimension": "anx", "parameters": {"a": 1.5, "thresholds": [-1, 1]}},
    {"id": "i2", "dimension": "av", "reverse": true, "parameters": {"a": 1.0, "thresholds": [-0.5, 0.5]}}
  ],
  "classification": {"anxiety": "anx", "avoidance": "av", "cut_anxiety": 0.2, "cut_avoidance": -0.1}
})";

Error parse_error(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  auto r = parse_instrument(text);
  EXPECT_FALSE(r) << "expected an error after replacing " << from;
  return r ? Error{} : r.error();
}
}  // namespace

TEST(Instrument, ParsesAndRoundTrips) {
  auto ins = parse_instrument(kValid);
  ASSERT_TRUE(ins) << ins.error().field << " " << ins.error().message;
  EXPECT_EQ(ins->items.size(), 2u);
  EXPECT_TRUE(ins->items[1].reverse);
  EXPECT_NEAR(ins->items[0].parameters->threshold(1), 1.0, 1e-12);
  auto again = parse_instrument(instrument_to_json(*ins));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->items[0].text, "Our own words");
  EXPECT_NEAR(again->classification->cut_avoidance, -0.1, 1e-12);
  auto model = again->model();
  ASSERT_TRUE(model);
  EXPECT_EQ(model->dimension[1], 1);
}

TEST(Instrument, KeyingReversesAndTreatsZeroAsMissing) {
  auto ins = *parse_instrument(kValid);
  EXPECT_EQ(ins.key(0, 1), 0);
  EXPECT_EQ(ins.key(0, 3), 2);
  EXPECT_EQ(ins.key(1, 1), 2);
  EXPECT_EQ(ins.key(1, 3), 0);
  EXPECT_EQ(ins.key(0, 0), kMissing);
  EXPECT_EQ(ins.key(0, 4), kMissing);
}

TEST(Instrument, ErrorsNameTheFieldAndTheReason) {
  EXPECT_EQ(parse_error(kValid, "\"a\": 1.5", "\"a\": -1").field, "items[0].parameters.a");
  EXPECT_EQ(parse_error(kValid, "[-1, 1]", "[1, -1]").field, "items[0].parameters.thresholds");
  EXPECT_EQ(parse_error(kValid, "[-1, 1]", "[1]").field, "items[0].parameters.thresholds");
  EXPECT_EQ(parse_error(kValid, "\"dimension\": \"av\"", "\"dimension\": \"zz\"").field,
            "items[1].dimension");
  EXPECT_EQ(parse_error(kValid, "\"id\": \"i2\"", "\"id\": \"i1\"").field, "items[1].id");
  EXPECT_EQ(parse_error(kValid, "\"categories\": 3", "\"categories\": 1").field,
            "scale.categories");
  EXPECT_EQ(parse_error(kValid, "\"correlation\": 0.1", "\"correlation\": 1.5").field,
            "correlation");
  EXPECT_EQ(parse_error(kValid, "\"cut_anxiety\": 0.2", "\"cut_anxiety\": \"x\"").field,
            "classification.cut_anxiety");
  EXPECT_EQ(parse_error(kValid, "securebase-instrument", "other").field, "format");
  EXPECT_FALSE(parse_instrument("{not json"));
}

TEST(Instrument, ResidualCorrelationsRoundTripIntoTheModel) {
  std::string text = kValid;
  text.replace(text.find("  ],\n  \"classification\""), 3,
               R"(,
    {"id": "i3", "dimension": "anx", "parameters": {"a": 1.2, "thresholds": [-1, 0.5]}}
  ],
  "residual_correlations": [["i1", "i3", 0.25]])");
  auto ins = parse_instrument(text);
  ASSERT_TRUE(ins) << ins.error().field << " " << ins.error().message;
  ASSERT_EQ(ins->residual_correlations.size(), 1u);
  auto again = parse_instrument(instrument_to_json(*ins));
  ASSERT_TRUE(again) << again.error().field << " " << again.error().message;
  const auto model = again->model();
  ASSERT_TRUE(model);
  ASSERT_EQ(model->residual_correlations.size(), 1u);
  EXPECT_EQ(model->residual_correlations[0].first, 0u);
  EXPECT_EQ(model->residual_correlations[0].second, 2u);
  EXPECT_NEAR(model->residual_correlations[0].q3, 0.25, 1e-12);

  const std::string pair = R"(["i1", "i3", 0.25])";
  EXPECT_EQ(parse_error(text, pair, R"(["i1", "i2", 0.25])").field, "residual_correlations[0]")
      << "items of different dimensions";
  EXPECT_EQ(parse_error(text, pair, R"(["i1", "i1", 0.25])").field, "residual_correlations[0]");
  EXPECT_EQ(parse_error(text, pair, R"(["i1", "i9", 0.25])").field, "residual_correlations[0]");
  EXPECT_EQ(parse_error(text, pair, R"(["i1", "i3", 1.5])").field, "residual_correlations[0]");
  EXPECT_EQ(parse_error(text, pair, R"(["i1", "i3"])").field, "residual_correlations[0]");
}

TEST(Instrument, FacetSlopesRoundTripIntoABifactorModel) {
  std::string text = kValid;
  text.replace(text.find("  ],\n  \"classification\""), 3,
               R"(,
    {"id": "i3", "dimension": "anx", "facet": "f", "parameters": {"a": 1.2, "specific_a": 0.8, "thresholds": [-1, 0.5]}},
    {"id": "i4", "dimension": "anx", "facet": "f", "parameters": {"a": 0.9, "specific_a": 1.1, "thresholds": [-0.5, 1]}}
  ])");
  auto ins = parse_instrument(text);
  ASSERT_TRUE(ins) << ins.error().field << " " << ins.error().message;
  auto again = parse_instrument(instrument_to_json(*ins));
  ASSERT_TRUE(again) << again.error().field << " " << again.error().message;
  const auto model = again->model();
  ASSERT_TRUE(model);
  EXPECT_EQ(model->facets, 1);
  EXPECT_EQ(model->facet, (std::vector<int>{-1, -1, 0, 0}));
  EXPECT_NEAR(model->specific_slope[3], 1.1, 1e-12);
  EXPECT_NEAR(model->items[3].a, 0.9, 1e-12) << "a stays the general slope";
  EXPECT_NEAR(model->items[3].threshold(0), -0.5, 1e-12);
  EXPECT_FALSE(parse_instrument(kValid)->model()->has_facets());

  const std::string slope = R"("specific_a": 1.1, )";
  EXPECT_EQ(parse_error(text, slope, "").field, "items[2].parameters.specific_a")
      << "a facet slope on one item only";
  EXPECT_EQ(parse_error(text, slope, R"("specific_a": -1, )").field,
            "items[3].parameters.specific_a");
  EXPECT_EQ(parse_error(text, R"("facet": "f", "parameters": {"a": 0.9)",
                        R"("facet": "g", "parameters": {"a": 0.9)")
                .field,
            "items[2].parameters.specific_a")
      << "a facet of one item";
  EXPECT_EQ(parse_error(text, R"("id": "i4", "dimension": "anx", "facet": "f")",
                        R"("id": "i4", "dimension": "anx")")
                .field,
            "items[3].parameters.specific_a")
      << "no facet to load on";
  EXPECT_EQ(
      parse_error(text, R"("id": "i4", "dimension": "anx")", R"("id": "i4", "dimension": "av")")
          .field,
      "items[2].parameters.specific_a")
      << "a facet across two dimensions";
}

TEST(Instrument, ModelNeedsParameters) {
  std::string text = kValid;
  text.replace(text.find(", \"parameters\": {\"a\": 1.0, \"thresholds\": [-0.5, 0.5]}"),
               std::string(", \"parameters\": {\"a\": 1.0, \"thresholds\": [-0.5, 0.5]}").size(),
               "");
  auto ins = parse_instrument(text);
  ASSERT_TRUE(ins);
  auto model = ins->model();
  ASSERT_FALSE(model);
  EXPECT_EQ(model.error().field, "items[1].parameters");
}

TEST(Responses, ReadsKeyedRowsAndNamesBadCells) {
  auto ins = *parse_instrument(kValid);
  auto table = parse_csv("i2,i1,age\n1,3,40\n0,2,x\n3,,50\n");
  ASSERT_TRUE(table);
  auto m = keyed_responses(ins, *table, {});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rows, 3u);
  EXPECT_EQ(m->at(0, 0), 2);  // i1 = 3
  EXPECT_EQ(m->at(0, 1), 2);  // i2 = 1, reversed
  EXPECT_EQ(m->at(1, 1), kMissing);
  EXPECT_EQ(m->at(2, 0), kMissing);
  auto range = keyed_responses(ins, *table, *parse_row_range("2-3"));
  ASSERT_TRUE(range);
  EXPECT_EQ(range->rows, 2u);

  auto bad = parse_csv("i1,i2\n1,2\n1,7\n");
  auto err = keyed_responses(ins, *bad, {});
  ASSERT_FALSE(err);
  EXPECT_NE(err.error().message.find("line 3, column i2"), std::string::npos)
      << err.error().message;
  auto missing_col = keyed_responses(ins, *parse_csv("i1,x\n1,2\n"), {});
  ASSERT_FALSE(missing_col);
  EXPECT_NE(missing_col.error().message.find("no column named i2"), std::string::npos);
  EXPECT_FALSE(parse_csv("a,b\n1,2,3\n"));
  EXPECT_FALSE(parse_row_range("20-10"));
}

}  // namespace sb::psy

namespace sb::psy {

TEST(ShippedInstruments, EcrLoadsWithAModelButNoWording) {
  auto ins = load_instrument(std::string(SECUREBASE_CONTENT_DIR) + "/instruments/ecr-1998.json");
  ASSERT_TRUE(ins) << ins.error().message;
  EXPECT_EQ(ins->items.size(), 36u);
  for (const auto& item : ins->items) EXPECT_FALSE(item.text.has_value()) << item.id;
  ASSERT_TRUE(ins->model());
  ASSERT_TRUE(ins->classification);
  EXPECT_TRUE(ins->classification->brennan_1998);
  for (const auto& d : ins->dimensions) {
    ASSERT_TRUE(d.norms);
    ASSERT_TRUE(d.reliability);
  }
}

}  // namespace sb::psy
