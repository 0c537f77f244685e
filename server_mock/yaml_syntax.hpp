// What yaml-cpp says about text that is not YAML, in the catalogue's words:
// its reasons are English constants (YAML::ErrorMsg), which a Russian
// sentence about the file would otherwise quote untranslated.
#pragma once

#include <yaml-cpp/exceptions.h>

#include "sim/core/catalogue.hpp"

namespace mailscope::server {

// The reason of `e` (e.msg) as a phrase; a reason this yaml-cpp version does
// not have as a constant is kept as it is.
sim::Said yaml_syntax_problem(const YAML::Exception& e);

}  // namespace mailscope::server
