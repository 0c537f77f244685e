// libFuzzer entry point: both directions of an SMTP session from one input;
// see smtp_fuzz_checks.hpp for the input format and the properties checked.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_entry.hpp"
#include "tests/fuzz/smtp_fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return mailscope::fuzz::run_property_check(data, size, mailscope::fuzz::check_smtp_bytes);
}
