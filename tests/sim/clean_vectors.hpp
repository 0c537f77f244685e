// The check every IMAP extension's RFC examples pass: fed through a decoding
// engine, they bring no violation, and every untagged response answers a
// command (but the greeting, and those the caller names as unsolicited).
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "sim/imap/session.hpp"
#include "tests/sim/observer.hpp"
#include "tests/sim/vector_files.hpp"
#include "tests/support/trace_queries.hpp"

namespace mailscope::test {

// `vector` is relative to tests/vectors/imap/ without ".txt"; an untagged
// response whose raw text starts with one of `unsolicited` may answer
// nothing.
inline void check_decodes_cleanly(std::string_view vector,
                                  const std::vector<std::string_view>& unsolicited = {}) {
    const std::string name(vector);
    INFO(name);
    Observer<imap::ImapSession, sim::Protocol::Imap> o;
    for (const auto& chunk : transcript_chunks("imap/" + name + ".txt"))
        o.session.feed(chunk.dir, chunk.bytes);
    CHECK(violations(o.trace).empty());
    for (const auto& event : o.trace.events()) {
        if (event.kind != sim::EventKind::Untagged || event.name == "PREAUTH") continue;
        const std::string_view raw = event.raw;
        const bool may_be_unsolicited =
            std::any_of(unsolicited.begin(), unsolicited.end(),
                        [&](std::string_view start) { return raw.starts_with(start); });
        if (may_be_unsolicited) continue;
        CAPTURE(event.raw);
        CHECK(event.link == sim::Link::Answers);
    }
}

}  // namespace mailscope::test
