// The therapist directory's registration (see web/module.h).
#pragma once

#include "web/module.h"

namespace sb::features {

web::Feature directory();

}  // namespace sb::features
