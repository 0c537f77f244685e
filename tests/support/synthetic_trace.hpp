// Test support: a plausible IMAP session made up for benchmarks and tests of
// the GUI before the real engines feed it: greeting, LOGIN, SELECT, FETCH
// with ENVELOPE, pipelined STORE and FETCH, APPEND with a literal, EXPUNGE
// with its renumbering, unsolicited EXISTS, a rule broken now and then, and
// LOGOUT. Deterministic for a given seed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sim/core/trace.hpp"

namespace mailscope::test {

// At least `min_events` events (the closing LOGOUT exchange is always added).
sim::SessionTrace make_synthetic_trace(std::size_t min_events, std::uint32_t seed = 1);

}  // namespace mailscope::test
