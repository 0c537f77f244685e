// libFuzzer entry point: an SMTP observer fed both directions from the input.
//
// The first byte of each chunk picks the direction and the chunk length, so a
// seed stays mostly a plain exchange. Checked besides crashes: the engine
// only takes transitions of sim/smtp/states.hpp, every event is an SMTP
// event, raw text stays within the per-event bound, and a reply's link
// points back at an earlier client event.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sim/smtp/session.hpp"

namespace {

[[noreturn]] void violated(const char* what) {
    std::fprintf(stderr, "property violated: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mailscope;
    std::string_view input(reinterpret_cast<const char*>(data), size);
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
        const auto dir = (control & 1) ? sim::Direction::ServerToClient
                                       : sim::Direction::ClientToServer;
        const std::size_t length = std::min<std::size_t>(input.size(), (control >> 1) + 1);
        session.feed(dir, input.substr(0, length));
        input.remove_prefix(length);
    }
    session.feed_eof(sim::Direction::ClientToServer);
    if (!session.closed()) violated("feed_eof must close the session");
    for (const auto& event : trace.events()) {
        if (event.protocol != sim::Protocol::Smtp) violated("an event that is not SMTP");
        if (event.raw.size() > options.max_event_bytes) violated("raw text over the bound");
        if (event.transition && event.transition->number != 0) {
            bool listed = false;
            for (const auto& t : smtp::transitions) {
                listed |= t.number == event.transition->number &&
                          smtp::state_name(t.from) == event.transition->from &&
                          smtp::state_name(t.to) == event.transition->to;
            }
            if (!listed) violated("a transition not in the table");
        }
        if (event.link_seq && *event.link_seq >= trace.size()) violated("a link past the end");
    }
    return 0;
}
