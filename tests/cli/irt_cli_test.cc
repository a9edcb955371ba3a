// Runs the cases of irt_bad_input.txt against the real `securebase` binary.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/strings.h"
#include "support/test_db.h"

namespace sb {
namespace {

struct Case {
  int line = 0;
  std::string name, args, expect;
  int exit = 0;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size())
    s.replace(at, from.size(), to);
  return s;
}

// The first `rows` data rows of the shared ECR file, header first.
std::string ecr_rows(size_t rows) {
  std::ifstream in(std::string(SECUREBASE_SHARED_DIR) + "/data/ecr/responses.csv");
  std::string out, line;
  for (size_t n = 0; n <= rows && std::getline(in, line); ++n) out += line + "\n";
  return out;
}

class IrtCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = testing::temp_path("irt-cli");
    std::filesystem::create_directories(dir);
    const std::string good = ecr_rows(6);
    ASSERT_GT(good.size(), 100u) << "the shared ECR data are missing";
    write(dir + "/good.csv", good);
    write(dir + "/bom.csv", "\xEF\xBB\xBF" + good);
    write(dir + "/train.csv", ecr_rows(2000));
    // Header, two blank lines, two good rows, then a row whose Q3 is 9 (file line 6).
    std::istringstream lines(good);
    std::string header, r1, r2, r3;
    std::getline(lines, header);
    std::getline(lines, r1);
    std::getline(lines, r2);
    std::getline(lines, r3);
    auto cells = split(r3, ',');
    std::string bad;
    for (size_t i = 0; i < cells.size(); ++i)
      bad += (i ? "," : "") + (i == 2 ? std::string("9") : std::string(cells[i]));
    write(dir + "/blanks.csv", header + "\n\n\n" + r1 + "\n" + r2 + "\n" + bad + "\n");
    std::string empty = header + "\n" + r1 + "\n";
    for (int i = 0; i < 36; ++i) empty += "0,";
    empty += "30,1,US\n";
    write(dir + "/empty-row.csv", empty);
    const std::string structure = slurp(structure_path());
    // items[2] is Q3, keyed in reverse: the typo would silently turn that off.
    const auto q3 = structure.find("\"Q3\"");
    ASSERT_NE(q3, std::string::npos);
    const auto reverse = structure.find("\"reverse\"", q3);
    write(dir + "/typo.json", structure.substr(0, reverse) + "\"revrese\"" +
                                  structure.substr(reverse + std::string("\"reverse\"").size()));
    // Q1 is keyed straight; flipping it mis-keys it.
    const std::string q1 = R"({"id": "Q1", "dimension": "avoidance"})";
    ASSERT_NE(structure.find(q1), std::string::npos);
    write(dir + "/mis-keyed.json",
          replace_all(structure, q1, R"({"id": "Q1", "dimension": "avoidance", "reverse": true})"));
  }

  static std::string structure_path() {
    return std::string(SECUREBASE_CONTENT_DIR) + "/instruments/ecr-1998.structure.json";
  }

  std::string expand(std::string s) const {
    s = replace_all(s, "$dir", dir);
    s = replace_all(s, "$structure", structure_path());
    return replace_all(s, "$calibrated",
                       std::string(SECUREBASE_CONTENT_DIR) + "/instruments/ecr-1998.json");
  }

  std::string dir;
};

std::vector<Case> read_cases() {
  std::ifstream in(std::string(SECUREBASE_TESTS_DIR) + "/cli/irt_bad_input.txt");
  std::vector<Case> cases;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    std::vector<std::string> cells;
    for (auto c : split(line, '|')) cells.emplace_back(trim(c));
    if (cells.size() != 4) {
      ADD_FAILURE() << "irt_bad_input.txt:" << n << " needs four cells";
      continue;
    }
    cases.push_back({n, cells[0], cells[1], cells[3], std::stoi(cells[2])});
  }
  return cases;
}

TEST_F(IrtCliTest, BadInputGetsAClearErrorAndGoodInputStillWorks) {
  const auto cases = read_cases();
  ASSERT_GE(cases.size(), 15u);
  for (const auto& c : cases) {
    const std::string command = std::string(SECUREBASE_BINARY) + " " + expand(c.args) + " 2>&1";
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, pipe)) output.append(buf, n);
    const int status = pclose(pipe);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    EXPECT_EQ(code, c.exit) << c.name << " (irt_bad_input.txt:" << c.line << ")\n" << output;
    EXPECT_NE(output.find(expand(c.expect)), std::string::npos)
        << c.name << " (irt_bad_input.txt:" << c.line << ") printed:\n"
        << output.substr(0, 2000);
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/bad-out.json"))
      << "a refused calibration must not write its output";
}

}  // namespace
}  // namespace sb
