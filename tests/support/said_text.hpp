// Test support: a sentence of the catalogue as a person reads it, so tests
// can compare the words.
#pragma once

#include <string>

#include "sim/core/catalogue.hpp"

namespace mailscope::test {

inline std::string english(const sim::Said& said) {
    return sim::render(said, sim::Language::En);
}

inline std::string russian(const sim::Said& said) {
    return sim::render(said, sim::Language::Ru);
}

}  // namespace mailscope::test
