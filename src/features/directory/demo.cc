#include "features/directory/demo.h"

#include <algorithm>
#include <random>

namespace sb::directory {
namespace {

const char* const kFirst[] = {"Ana",    "Ben",   "Chloe", "Dev",  "Elena", "Farah", "Grace",
                              "Hugo",   "Imani", "Jonah", "Kira", "Luis",  "Maya",  "Noor",
                              "Owen",   "Priya", "Quinn", "Rosa", "Sami",  "Tessa", "Uma",
                              "Victor", "Wren",  "Yusuf", "Zoe",  "Aiden", "Bea",   "Carmen"};
const char* const kLast[] = {"Alvarez", "Brooks", "Chen",   "Diallo", "Evans", "Fischer",
                             "Garcia",  "Haddad", "Ito",    "Jensen", "Khan",  "Lopez",
                             "Moreau",  "Nguyen", "Okafor", "Patel",  "Quist", "Rivera",
                             "Silva",   "Tanaka", "Usman",  "Varga",  "Walsh", "Yilmaz"};
const char* const kCredentials[] = {"LCSW", "LMFT", "PhD", "PsyD", "LPC", "LMHC", "MD", "PMHNP"};
const char* const kTaxonomy[] = {"1041C0700X", "106H00000X", "103TC0700X", "103TC0700X",
                                 "101YP2500X", "101YM0800X", "2084P0800X", "363LP0808X"};
static_assert(std::size(kCredentials) == std::size(kTaxonomy));
// Our own sentences, combined at random into short introductions.
const char* const kOpenings[] = {
    "I work with adults who want their closest relationships to feel safer.",
    "Many people come to me when the same painful pattern keeps repeating with a partner.",
    "I help parents understand their child's signals and respond with warmth and steadiness.",
    "My clients often feel they need others too much, or not at all; both can change.",
    "I see couples who are stuck in cycles of pursuing and withdrawing.",
    "I work with teens and families through conflict, loss and big transitions."};
const char* const kMiddles[] = {
    "Sessions are paced gently; we notice what happens between us as well as what we say.",
    "Together we practise naming feelings, calming the body and asking for what you need.",
    "We look at how early experiences shaped what you expect from people today.",
    "I draw on research about attachment and on what has helped the people I have worked with."};
const char* const kClosings[] = {"A first call of fifteen minutes is free.",
                                 "Evening appointments are available.",
                                 "I offer sessions by video for people across the state.",
                                 "You are welcome to ask about fees before we start."};

template <size_t N>
const char* pick(std::mt19937& rng, const char* const (&list)[N]) {
  return list[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

std::vector<std::string> some(std::mt19937& rng, const std::vector<Term>& list, double chance,
                              size_t at_most) {
  std::vector<std::string> out;
  std::bernoulli_distribution take(chance);
  for (const auto& t : list)
    if (out.size() < at_most && take(rng)) out.push_back(t.id);
  return out;
}

}  // namespace

std::vector<Listing> demo_listings(const Places& places, const Vocabulary& v, size_t count,
                                   uint32_t seed, int64_t now) {
  std::vector<Place> cities = places.us_cities();
  std::vector<double> weights;
  weights.reserve(cities.size());
  for (const auto& c : cities)
    weights.push_back(static_cast<double>(std::max<int64_t>(c.population, 1000)));
  std::vector<Listing> out;
  if (cities.empty()) return out;
  std::mt19937 rng(seed);
  std::discrete_distribution<size_t> where(weights.begin(), weights.end());
  std::bernoulli_distribution coin(0.5), often(0.75), sometimes(0.25), rarely(0.08);
  std::uniform_real_distribution<double> jitter(-0.05, 0.05);
  std::uniform_int_distribution<int64_t> age(0, 240 * 86400);
  std::uniform_int_distribution<int> fee(6, 25);
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const Place& c = cities[where(rng)];
    Listing l;
    l.source = Source::kDemo;
    l.name = std::string(pick(rng, kFirst)) + " " + pick(rng, kLast);
    // A credential and the role that goes with it.
    const size_t role = std::uniform_int_distribution<size_t>(0, std::size(kCredentials) - 1)(rng);
    l.credentials = kCredentials[role];
    const std::string taxonomy = kTaxonomy[role];
    l.taxonomies = {taxonomy};
    l.licences = {{taxonomy, "DEMO-" + std::to_string(100000 + i), c.admin}};
    l.psypact = taxonomy.starts_with("103T") && sometimes(rng);
    l.counseling_compact = taxonomy.starts_with("101Y") && sometimes(rng);
    l.approaches = some(rng, v.approaches, 0.18, 4);
    l.concerns = some(rng, v.concerns, 0.25, 5);
    l.populations = some(rng, v.populations, 0.35, 3);
    l.languages = {"en"};
    if (sometimes(rng))
      l.languages.push_back(
          v.languages[1 + std::uniform_int_distribution<size_t>(0, v.languages.size() - 2)(rng)]
              .id);
    l.insurance = some(rng, v.insurance, 0.25, 4);
    l.fee_min = fee(rng) * 10;
    l.fee_max = l.fee_min + (coin(rng) ? 40 : 0);
    l.sliding_scale = sometimes(rng);
    l.telehealth = often(rng);
    l.in_person = !l.telehealth || often(rng);
    l.accepting = often(rng);
    l.confirmed_at = rarely(rng) ? 0 : now - age(rng);
    l.city = c.name;
    l.state = c.admin;
    l.street = std::to_string(std::uniform_int_distribution<int>(10, 999)(rng)) + " Example Street";
    l.hide_street = sometimes(rng);
    l.lat = c.lat + jitter(rng);
    l.lon = c.lon + jitter(rng);
    l.website = "https://example.org/demo/" + std::to_string(i);
    l.verified = sometimes(rng);
    l.bio =
        std::string(pick(rng, kOpenings)) + " " + pick(rng, kMiddles) + " " + pick(rng, kClosings);
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace sb::directory
