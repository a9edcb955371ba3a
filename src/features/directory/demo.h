// Invented listings at real US city coordinates, for `make run`'s demo and the benchmarks.
// Every one is marked as a demo listing (Source::kDemo) and says so on its page.
#pragma once

#include <cstdint>
#include <vector>

#include "features/directory/geo.h"
#include "features/directory/listing.h"

namespace sb::directory {

// `count` listings in US cities, more where more people live, the same for the same seed.
std::vector<Listing> demo_listings(const Places& places, const Vocabulary& vocabulary, size_t count,
                                   uint32_t seed, int64_t now);

}  // namespace sb::directory
