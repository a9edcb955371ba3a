// The reconsider feature's registration (see web/module.h).
#pragma once

#include "web/module.h"

namespace sb::features {

web::Feature reconsider();

}  // namespace sb::features
