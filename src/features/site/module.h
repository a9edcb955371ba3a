// The site's public pages: home and the Markdown pages (Understanding attachment, Get help now,
// privacy, not a diagnosis).
#pragma once

#include "web/module.h"

namespace sb::features {

web::Feature site();

}  // namespace sb::features
