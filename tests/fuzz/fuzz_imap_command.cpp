// libFuzzer entry point: see fuzz_checks.hpp for the properties checked.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_checks.hpp"
#include "tests/fuzz/fuzz_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return mailscope::fuzz::run_property_check(data, size, mailscope::fuzz::check_command_bytes);
}
