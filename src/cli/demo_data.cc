#include "cli/demo_data.h"

#include <optional>
#include <random>

#include "core/clock.h"
#include "core/dates.h"
#include "features/assessment/assessment.h"
#include "features/checkin/checkin.h"
#include "features/directory/demo.h"
#include "features/directory/directory_repo.h"
#include "features/journal/journal.h"
#include "features/plan/plan.h"
#include "features/reconsider/reconsider.h"
#include "features/skills/skills.h"
#include "psychometrics/bifactor.h"
#include "psychometrics/instrument.h"
#include "psychometrics/sample_size.h"

namespace sb::cli {

namespace {

constexpr int kDays = 70;
constexpr int64_t kDay = 86400;

struct DemoEntry {
  const char* situation;
  const char* feeling;
  int intensity;
};

// A story of slowly feeling steadier, in our own words.
constexpr DemoEntry kEntries[] = {
    {"Sam took hours to answer a message and I kept checking my phone.", "anxious", 8},
    {"A friend cancelled dinner at the last minute.", "hurt", 6},
    {"Felt shut out when my partner wanted a quiet evening alone.", "lonely", 7},
    {"Work review went fine, but I only heard the one criticism.", "ashamed", 5},
    {"Told Sam I felt worried instead of going silent.", "afraid", 5},
    {"Long walk with my sister; we laughed a lot.", "content", 6},
    {"Sam was late again; I noticed the old story starting.", "irritated", 5},
    {"Asked for a hug after a hard day and got one.", "relieved", 6},
    {"Quiet Sunday, nobody texted and it was fine.", "calm", 6},
    {"Shared something personal with a colleague.", "tender", 4}};

template <typename T>
Status check(const Result<T>& r) {
  if (!r) return r.error();
  return ok_status();
}

// Answers in the direction of lower anxiety as time goes on: `steadiness` 0 (not yet) to 1.
int demo_answer(const psy::Instrument& ins, const std::string& item_id, double steadiness,
                std::mt19937& rng) {
  const auto& item = ins.items[static_cast<size_t>(ins.item_index(item_id))];
  const bool anxiety = item.dimension == ins.classification->anxiety;
  const double agree = anxiety ? 5.5 - 2.5 * steadiness : 3.0;  // on 1..7
  std::normal_distribution<double> noise(0.0, 0.8);
  int v = static_cast<int>(std::lround(agree + noise(rng)));
  v = std::clamp(v, 1, ins.categories);
  return item.reverse ? ins.categories + 1 - v : v;
}

Status complete_assessment(assessment::Assessments& a, const psy::Instrument& ins,
                           const Owner& owner, double steadiness, std::mt19937& rng) {
  auto id = a.start(owner, false);
  if (!id) return id.error();
  for (int position = 0;; ++position) {
    auto step = a.current(owner, *id);
    if (!step) return step.error();
    if (step->completed) return ok_status();
    const auto& item_id = step->question->item_id;
    if (auto st =
            a.answer(owner, *id, position, item_id, demo_answer(ins, item_id, steadiness, rng));
        !st)
      return st;
  }
}

}  // namespace

Result<int64_t> seed_demo_directory(store::Database& db, const std::string& content_dir,
                                    const std::string& places_file, int64_t now, size_t count) {
  auto vocabulary = directory::Vocabulary::load(content_dir + "/directory/vocabulary.json");
  if (!vocabulary) return vocabulary.error();
  auto places = directory::Places::shared(places_file);
  if (!places) return places.error();
  store::DirectoryRepo repo(db, *vocabulary);
  auto present = repo.count();
  if (!present) return present.error();
  if (*present > 0) return int64_t{0};
  auto listings = directory::demo_listings(**places, *vocabulary, count, 20261201, now);
  auto counts = repo.import(listings, now);
  if (!counts) return counts.error();
  return counts->added;
}

Status seed_demo_data(store::Database& db, const std::string& content_dir,
                      const crypto::DataKey& key, int64_t user_id, int64_t now) {
  auto skills = growth::SkillLibrary::load(content_dir + "/skills.json");
  if (!skills) return skills.error();
  auto form = growth::CheckinForm::load(content_dir + "/checkin.json");
  if (!form) return form.error();
  auto ins = psy::load_instrument(content_dir + "/instruments/securebase-relationships.json");
  if (!ins) return ins.error();
  ManualClock clock(now - kDays * kDay);
  const Owner owner{user_id, 0};
  growth::Journal journal(db, clock, key);
  growth::Practice practice(db, clock, key, *skills);
  growth::Checkins checkins(db, clock, *form);
  growth::Reconsider reconsider(db, clock, key);
  growth::Plans plans(db, clock, key, *skills, practice);
  assessment::Assessments assessments(db, clock, *ins);
  // A fixed seed on purpose: every `make run` shows the same sample weeks.
  std::mt19937 rng(7);  // NOLINT(cert-msc51-cpp)

  growth::WeeklyPlan plan;
  plan.items = {{"slow-breathing", 3, 0b0010101, "07:30"},
                {"name-the-feeling", 2, 0b0100010, "21:00"}};
  plan.checkin_day = 6;
  if (auto st = plans.save(owner, plan); !st) return st;
  if (auto st = complete_assessment(assessments, *ins, owner, 0.0, rng); !st) return st;

  for (int d = 0; d < kDays; ++d) {
    const double progress = static_cast<double>(d) / kDays;
    if (d % 7 == 0 || d % 7 == 3) {
      const auto& e = kEntries[(d / 3) % std::size(kEntries)];
      growth::JournalEntry entry;
      entry.kind = d % 14 == 0 ? "full" : "quick";
      entry.occurred_on = date_of_day(day_of(clock.now()));
      entry.situation = e.situation;
      entry.emotions[e.feeling] = std::max(2, e.intensity - static_cast<int>(3 * progress));
      if (entry.kind == "full") {
        entry.first_thought = "Maybe I matter less to them than they do to me.";
        entry.urge = "Send another message.";
        entry.action = "Waited an hour, then asked how their day was.";
        entry.my_motive = "Wanting to feel close.";
        entry.their_motive = "Probably just busy.";
      }
      if (auto st = check(journal.create(owner, entry)); !st) return st;
    }
    if (d % 2 == 0) {
      const std::string skill = d % 4 == 0 ? "slow-breathing" : "name-the-feeling";
      const int before = 7 - static_cast<int>(3 * progress);
      if (auto st = practice.log(owner, skill, before, std::max(0, before - 2 - d % 3), ""); !st)
        return st;
    }
    if (d % 7 == 6) {
      std::map<std::string, int> answers;
      for (const auto& area : form->areas) {
        for (const auto& item : area.items) {
          const int v = 2 + static_cast<int>(2.5 * progress + 0.5 * (rng() % 2));
          answers[item.id] = item.reverse ? 6 - v : v;
        }
      }
      if (auto st = checkins.submit(owner, answers); !st) return st;
    }
    if (d == 20 || d == 55) {
      growth::Reconsideration r;
      r.occurred_on = date_of_day(day_of(clock.now()));
      r.happened = d == 20 ? "Sam read my message and did not reply for the whole afternoon."
                           : "My sister changed our plans without asking me.";
      r.first_id = d == 20 ? "not-important" : "rejecting";
      r.first.support = "It has happened before.";
      r.alternatives = {{"They were in meetings all afternoon.", "It was a weekday."},
                        {"They meant to answer properly later.", "They usually do."}};
      r.urge = "Send a cold message.";
      r.chosen = "Wait until evening and ask how the day went.";
      auto id = reconsider.create(owner, r);
      if (!id) return id.error();
      if (d == 20) {
        if (auto st = reconsider.follow_up(owner, *id,
                                           "We talked; the day had been awful for them.", "better");
            !st)
          return st;
      }
    }
    clock.advance(kDay);
  }
  return complete_assessment(assessments, *ins, owner, 1.0, rng);
}

Result<int64_t> seed_answer_sets(store::Database& db, const std::string& content_dir, size_t count,
                                 uint64_t seed, int64_t now, double facet_slope) {
  auto instrument =
      psy::load_instrument(content_dir + "/instruments/securebase-relationships.json");
  if (!instrument) return instrument.error();
  if (auto st = assessment::check_assessment_instrument(*instrument); !st) return st.error();
  const assessment::Bank bank(*instrument);
  std::optional<psy::Model> truth;
  if (facet_slope > 0) {
    auto model = psy::with_facet_slopes(*instrument, facet_slope).model();
    if (!model) return model.error();
    truth = std::move(*model);
  }
  const auto keyed =
      psy::adaptive_answers(bank.model, bank.options, count, seed, truth ? &*truth : nullptr);
  std::vector<std::vector<store::AnswerRecord>> sets(count);
  for (size_t r = 0; r < count; ++r) {
    for (size_t j = 0; j < keyed.cols; ++j) {
      const int8_t category = keyed.at(r, j);
      if (category == psy::kMissing) continue;
      int raw = 0;  // the answer on the 1..K scale that keys to the simulated category
      for (int x = 1; x <= instrument->categories; ++x)
        if (instrument->key(j, x) == category) raw = x;
      sets[r].push_back({static_cast<int>(sets[r].size()), instrument->items[j].id, raw, now});
    }
  }
  store::AssessmentsRepo repo(db);
  if (auto st = repo.add_unowned_answer_sets(instrument->id, instrument->version, sets,
                                             "simulated-", now);
      !st)
    return st.error();
  return static_cast<int64_t>(count);
}

}  // namespace sb::cli
