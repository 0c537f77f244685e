#include "sim/smtp/verbs.hpp"

#include "sim/core/verb_table.hpp"

namespace mailscope::smtp {

namespace {

static_assert(sim::rows_in_enum_order(verbs), "verbs[v] must describe Verb v");

}  // namespace

Verb verb_from_name(std::string_view name) {
    return sim::verb_named(verbs, name);
}

}  // namespace mailscope::smtp
