// An engine in the observer role with its trace, fed what each side sends:
// the base of the tests' observed sessions.
#pragma once

#include <doctest/doctest.h>

#include <string_view>

#include "sim/core/protocol.hpp"
#include "sim/core/trace.hpp"
#include "tests/support/trace_queries.hpp"

namespace mailscope::test {

template <typename Session, sim::Protocol kProtocol>
struct Observer {
    sim::SessionTrace trace{kProtocol};
    Session session{trace};

    void client(std::string_view bytes) { session.feed(sim::Direction::ClientToServer, bytes); }
    void server(std::string_view bytes) { session.feed(sim::Direction::ServerToClient, bytes); }
    void eof(sim::Direction dir) { session.feed_eof(dir); }

    // The session reached `state` and saw nothing against the rules.
    template <typename State>
    void require_clean_in(State state) {
        REQUIRE(session.state() == state);
        REQUIRE(violations(trace).empty());
    }
};

}  // namespace mailscope::test
