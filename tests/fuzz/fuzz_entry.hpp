// What every libFuzzer entry point does with a property check: run it on the
// input and abort, naming the broken property, when it reports a problem.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace mailscope::fuzz {

using PropertyCheck = std::string (*)(std::string_view);

inline int run_property_check(const std::uint8_t* data, std::size_t size, PropertyCheck check) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    if (auto problem = check(input); !problem.empty()) {
        std::fprintf(stderr, "property violated: %s\n", problem.c_str());
        std::abort();
    }
    return 0;
}

}  // namespace mailscope::fuzz
