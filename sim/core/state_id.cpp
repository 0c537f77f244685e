#include "sim/core/state_id.hpp"

namespace mailscope::sim {

std::string_view StateId::name() const {
    return visit([](auto state) { return state_name(state); });
}

std::string_view StateId::section() const {
    return visit([](auto state) { return state_section(state); });
}

}  // namespace mailscope::sim
