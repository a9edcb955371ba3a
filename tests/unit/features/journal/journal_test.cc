// The journal service on its own: validation, ownership, paging, search and sealing.
#include "features/journal/journal.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "accounts/accounts_repo.h"
#include "accounts/crypto.h"
#include "support/test_db.h"

namespace sb::growth {
namespace {

class JournalServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto::init();
    db = testing::fresh_database(testing::TestBackend::kSqlite);
    ASSERT_TRUE(db);
    store::AccountsRepo users(*db);
    alice = Owner{*users.create_user("alice@example.org", "h", "member", 1), 0};
    bob = Owner{*users.create_user("bob@example.org", "h", "member", 1), 0};
  }
  JournalEntry entry(const std::string& situation, const std::string& date = "2026-11-02") {
    JournalEntry e;
    e.occurred_on = date;
    e.situation = situation;
    return e;
  }

  ManualClock clock{1'800'000'000};
  crypto::DataKey key = crypto::DataKey::generate();
  std::unique_ptr<store::Database> db;
  Owner alice, bob;
};

TEST_F(JournalServiceTest, ValidationNamesTheField) {
  Journal j(*db, clock, key);
  struct Case {
    JournalEntry e;
    const char* field;
  };
  JournalEntry no_date = entry("x", "yesterday");
  JournalEntry blank = entry("   ");
  JournalEntry too_long = entry(std::string(4001, 'a'));
  JournalEntry unknown_feeling = entry("x");
  unknown_feeling.emotions["glorious"] = 3;
  JournalEntry loud = entry("x");
  loud.emotions["sad"] = 11;
  JournalEntry many_tags = entry("x");
  many_tags.tags.assign(21, "t");
  for (const auto& c : std::vector<Case>{{no_date, "occurred_on"},
                                         {blank, "situation"},
                                         {too_long, "situation"},
                                         {unknown_feeling, "emotions"},
                                         {loud, "emotions"},
                                         {many_tags, "tags"}}) {
    auto r = j.create(alice, c.e);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().field, c.field);
  }
  EXPECT_TRUE(j.list(alice)->empty()) << "nothing is stored on refusal";
}

TEST_F(JournalServiceTest, EntriesBelongToTheirOwnerOnly) {
  Journal j(*db, clock, key);
  auto id = j.create(alice, entry("Quillmoss"));
  ASSERT_TRUE(id);
  EXPECT_EQ(j.get(alice, *id)->situation, "Quillmoss");
  EXPECT_EQ(j.get(bob, *id).error().code, ErrorCode::kNotFound);
  JournalEntry change = entry("Overwritten");
  change.public_id = *id;
  EXPECT_EQ(j.update(bob, change).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(j.remove(bob, *id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(j.get(alice, *id)->situation, "Quillmoss");
  ASSERT_TRUE(j.remove(alice, *id));
  EXPECT_EQ(j.get(alice, *id).error().code, ErrorCode::kNotFound);
}

TEST_F(JournalServiceTest, PagesAreNewestFirstAndSearchIgnoresCase) {
  Journal j(*db, clock, key);
  for (int d = 1; d <= 5; ++d) {
    JournalEntry e = entry("day " + std::to_string(d), "2026-11-0" + std::to_string(d));
    if (d == 3) e.tags = {"Work"};
    ASSERT_TRUE(j.create(alice, e));
  }
  auto first = j.page(alice, 0, 2);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->entries.size(), 2u);
  EXPECT_EQ(first->entries[0].occurred_on, "2026-11-05");
  EXPECT_TRUE(first->more);
  auto last = j.page(alice, 2, 2);
  ASSERT_EQ(last->entries.size(), 1u);
  EXPECT_FALSE(last->more);
  auto found = j.list(alice, "WORK");
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].situation, "day 3");
  EXPECT_EQ(j.dates(alice, "2026-11-02", "2026-11-03")->size(), 2u);
}

TEST_F(JournalServiceTest, TextIsSealedAndBoundToItsRow) {
  Journal j(*db, clock, key);
  auto id = j.create(alice, entry("Vellichor"));
  ASSERT_TRUE(id);
  std::string sealed;
  ASSERT_TRUE(db->run(
      [&](soci::session& s) { s << "SELECT sealed FROM journal_entries", soci::into(sealed); }));
  EXPECT_EQ(sealed.find("Vellichor"), std::string::npos);
  // Moved to another person, the ciphertext no longer opens.
  ASSERT_TRUE(db->run([&](soci::session& s) {
    const long long to = *bob.user_id;
    s << "UPDATE journal_entries SET user_id = :u", soci::use(to);
  }));
  auto moved = j.get(bob, *id);
  ASSERT_FALSE(moved);
  EXPECT_NE(moved.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace sb::growth
