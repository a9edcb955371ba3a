#include "app/features.h"

#include "features/account/module.h"
#include "features/assessment/module.h"
#include "features/checkin/module.h"
#include "features/clinician/module.h"
#include "features/directory/module.h"
#include "features/family/module.h"
#include "features/journal/module.h"
#include "features/plan/module.h"
#include "features/progress/module.h"
#include "features/reconsider/module.h"
#include "features/site/module.h"
#include "features/skills/module.h"
#include "features/studies/module.h"
#include "features/today/module.h"

namespace sb::app {

std::vector<web::Feature> features() {
  return {
      features::site(),     features::assessment(), features::journal(),   features::skills(),
      features::checkin(),  features::reconsider(), features::clinician(), features::plan(),
      features::progress(), features::today(),      features::directory(), features::family(),
      features::studies(),  features::account(),
  };
}

std::vector<store::Migration> migrations() {
  std::vector<std::vector<store::Migration>> parts;
  for (const auto& f : features()) parts.push_back(f.migrations);
  return store::merge_migrations(parts);
}

int latest_schema_version() { return store::latest_schema_version(migrations()); }

}  // namespace sb::app
