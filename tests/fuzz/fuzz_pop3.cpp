// libFuzzer entry point: both directions of a POP3 session from one input;
// see pop3_fuzz_checks.hpp for the input format and the properties checked.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_entry.hpp"
#include "tests/fuzz/pop3_fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return mailscope::fuzz::run_property_check(data, size, mailscope::fuzz::check_pop3_bytes);
}
