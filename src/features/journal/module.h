// The journal feature's registration (see web/module.h).
#pragma once

#include "web/module.h"

namespace sb::features {

web::Feature journal();

}  // namespace sb::features
