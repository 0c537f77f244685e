// The properties the SMTP fuzzer checks, shared with the unit test that
// replays its findings (tests/sim/test_smtp_fuzz_seeds.cpp).
//
// Input format: chunks, each one control octet followed by its data. The
// control octet's low bit picks the direction (1: server to client) and the
// rest gives the chunk's length minus one, so a seed stays mostly a plain
// exchange and chunk boundaries fall anywhere.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "sim/core/trace.hpp"
#include "sim/smtp/session.hpp"

namespace mailscope::fuzz {

// An observer SmtpSession with small limits fed both directions: after the
// client side ends it is closed, it only takes transitions of
// sim/smtp/states.hpp, every event is an SMTP event, raw text stays within
// the per-event bound and every link points at an event of the trace.
inline std::string check_smtp_bytes(std::string_view input) {
    sim::SessionTrace trace(sim::Protocol::Smtp);
    smtp::SessionOptions options;
    options.limits.max_command_line = 64;
    options.limits.max_auth_line = 128;
    options.limits.max_reply_line = 64;
    options.limits.max_reply_lines = 4;
    options.limits.max_text_line = 32;
    options.limits.max_message_size = 256;
    options.limits.max_held_bytes = 256;
    options.limits.max_outstanding = 8;
    options.max_event_bytes = 512;
    smtp::SmtpSession session(trace, options);
    while (!input.empty()) {
        const auto control = static_cast<unsigned char>(input.front());
        input.remove_prefix(1);
        const auto dir =
            (control & 1) ? sim::Direction::ServerToClient : sim::Direction::ClientToServer;
        const std::size_t length = std::min<std::size_t>(input.size(), (control >> 1) + 1);
        session.feed(dir, input.substr(0, length));
        input.remove_prefix(length);
    }
    session.feed_eof(sim::Direction::ClientToServer);
    if (!session.closed()) return "feed_eof must close the session";
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const auto& event = trace.at(i);
        if (event.protocol != sim::Protocol::Smtp) return fmt::format("event {} is not SMTP", i);
        if (event.raw.size() > options.max_event_bytes) {
            return fmt::format("event {} keeps {} octets (limit {})", i, event.raw.size(),
                               options.max_event_bytes);
        }
        if (event.transition && event.transition->number != 0) {
            bool listed = false;
            for (const auto& t : smtp::transitions) {
                listed |= t.number == event.transition->number &&
                          sim::StateId(t.from) == event.transition->from &&
                          sim::StateId(t.to) == event.transition->to;
            }
            if (!listed) {
                return fmt::format("event {}: transition {} -> {} is not in the table", i,
                                   event.transition->from.name(), event.transition->to.name());
            }
        }
        if (event.link_seq && *event.link_seq >= trace.size()) {
            return fmt::format("event {} links to {} past the end", i, *event.link_seq);
        }
    }
    return {};
}

}  // namespace mailscope::fuzz
