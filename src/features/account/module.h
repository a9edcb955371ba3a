// The accounts feature's registration (see web/module.h): signing up and in, two-factor, the
// account page with its export and deletion, "Access to my data", and the administrators' pages.
#pragma once

#include "web/module.h"

namespace sb::features {

web::Feature account();

}  // namespace sb::features
