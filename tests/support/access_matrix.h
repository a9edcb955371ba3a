// Reads tests/integration/access_matrix.txt: every route with the path and form a test sends and
// what each actor gets. Used by the access matrix and by the store-failure test.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/strings.h"
#include "support/http_client.h"

namespace sb::testing {

struct MatrixRow {
  int line = 0;
  std::string method, pattern, path, form;
  std::map<std::string, std::string> expected;  // actor -> outcome
};

inline std::vector<std::string> split_cells(const std::string& line) {
  std::vector<std::string> cells;
  size_t start = 0;
  while (true) {
    const size_t bar = line.find(" | ", start);
    cells.emplace_back(trim(line.substr(start, bar == std::string::npos ? bar : bar - start)));
    if (bar == std::string::npos) break;
    start = bar + 3;
  }
  return cells;
}

inline std::vector<MatrixRow> read_matrix() {
  std::ifstream in(std::string(SECUREBASE_TESTS_DIR) + "/integration/access_matrix.txt");
  EXPECT_TRUE(in) << "access_matrix.txt is missing";
  const std::vector<std::string> columns = {
      "anonymous",         "member_a",          "member_b",          "admin",
      "admin_no_2fa",      "clinician",         "clinician_revoked", "clinician_granted",
      "caregiver_invited", "caregiver_removed", "study_coder"};
  std::vector<MatrixRow> rows;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    auto cells = split_cells(line);
    if (cells.size() != 3 + columns.size()) {
      ADD_FAILURE() << "access_matrix.txt:" << n << " has " << cells.size() << " cells";
      continue;
    }
    MatrixRow r;
    r.line = n;
    const auto space = cells[0].find(' ');
    r.method = cells[0].substr(0, space);
    r.pattern = cells[0].substr(space + 1);
    r.path = cells[1];
    r.form = cells[2] == "-" ? "" : cells[2];
    for (size_t i = 0; i < columns.size(); ++i) r.expected[columns[i]] = cells[3 + i];
    rows.push_back(r);
  }
  return rows;
}

inline std::map<std::string, std::string> parse_form(const std::string& form) {
  std::map<std::string, std::string> fields;
  for (auto pair : split(form, '&')) {
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    fields[std::string(pair.substr(0, eq))] =
        eq == std::string::npos ? "" : std::string(pair.substr(eq + 1));
  }
  return fields;
}

// Member A's objects: an assessment in progress with two answers, a finished one, a journal
// entry, an exercise and a calendar feed.
inline std::map<std::string, std::string> create_owned_objects(Browser& a) {
  std::map<std::string, std::string> vars;
  a.get("/assessment");
  vars["assessment_a"] = a.post("/assessment/start", {}).header("location")->substr(12);
  for (int i = 0; i < 2; ++i) {
    auto q = a.get("/assessment/" + vars["assessment_a"]);
    a.post("/assessment/" + vars["assessment_a"] + "/answer",
           {{"position", std::to_string(i)},
            {"item", testing::find_input(q.body, "item")},
            {"answer", "3"}});
  }
  vars["result_a"] = a.post("/assessment/start", {}).header("location")->substr(12);
  for (int i = 0; i < 60; ++i) {
    auto q = a.get("/assessment/" + vars["result_a"]);
    if (q.status != 200) break;
    a.post("/assessment/" + vars["result_a"] + "/answer",
           {{"position", testing::find_input(q.body, "position")},
            {"item", testing::find_input(q.body, "item")},
            {"answer", std::to_string(1 + i % 7)}});
  }
  EXPECT_EQ(a.get("/assessment/" + vars["result_a"] + "/result").status, 200);
  vars["journal_a"] =
      a.post("/journal",
             {{"kind", "quick"}, {"occurred_on", "2026-11-02"}, {"situation", "Kestrelmoon"}})
          .header("location")
          .value_or("")
          .substr(9, 22);
  vars["mood_a"] = a.post("/mood", {{"mood", "4-2"}}).header("location").value_or("").substr(6);
  vars["reconsider_a"] = a.post("/reconsider", {{"occurred_on", "2026-11-02"},
                                                {"happened", "Brindlewick"},
                                                {"first_id", "rejecting"},
                                                {"alt_1_text", "tired"},
                                                {"alt_2_text", "busy"},
                                                {"chosen", "ask"}})
                             .header("location")
                             .value_or("")
                             .substr(12, 22);
  a.post("/plan/feed", {});
  const std::string plan = a.get("/plan").body;
  const size_t at = plan.find("/calendar/");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no calendar address on the plan page";
    return vars;
  }
  vars["feed_a"] = plan.substr(at + 10, plan.find('"', at) - at - 10);
  a.get("/account");
  return vars;
}

// `path` with every $name replaced by its value.
inline std::string expand(std::string path, const std::map<std::string, std::string>& vars) {
  for (const auto& [name, value] : vars) {
    const std::string key = "$" + name;
    for (size_t at; (at = path.find(key)) != std::string::npos;)
      path.replace(at, key.size(), value);
  }
  return path;
}

}  // namespace sb::testing
