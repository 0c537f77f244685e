#include "app/decode_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "sim/core/trace_format.hpp"
#include "sim/core/transcript.hpp"
#include "sim/imap/session.hpp"

namespace mailscope::app {

namespace {

// Which transcript line holds a given octet of one direction's stream.
struct LineMap {
    std::map<std::uint64_t, std::size_t> starts[2];

    void add(sim::Direction dir, std::uint64_t offset, std::size_t line) {
        starts[dir == sim::Direction::ClientToServer ? 0 : 1][offset] = line;
    }
    std::size_t find(sim::Direction dir, std::uint64_t offset) const {
        const auto& m = starts[dir == sim::Direction::ClientToServer ? 0 : 1];
        auto it = m.upper_bound(offset);
        if (it == m.begin()) return 0;
        return std::prev(it)->second;
    }
};

bool is_syntax_failure(const sim::TraceEvent& event) {
    return event.kind == sim::EventKind::Violation && event.violation &&
           (event.violation->rule.starts_with("syntax error") || event.violation->fatal);
}

}  // namespace

int run_decode(const DecodeOptions& options) {
    std::ifstream in(options.file, std::ios::binary);
    if (!in) {
        std::cerr << fmt::format("mailscope decode: cannot read {}\n", options.file);
        return 2;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto parsed = sim::parse_text_transcript(buffer.str());
    if (parsed.error) {
        std::cerr << fmt::format("{}:{}: {}\n", options.file, parsed.error->line,
                                 parsed.error->message);
        return 1;
    }

    sim::SessionTrace trace(sim::Protocol::Imap, options.file);
    imap::SessionOptions session_options;
    session_options.reveal_secrets = options.reveal_secrets;
    imap::ImapSession session(trace, session_options);
    LineMap lines;
    std::uint64_t offsets[2] = {0, 0};
    for (const auto& chunk : parsed.chunks) {
        auto d = chunk.dir == sim::Direction::ClientToServer ? 0 : 1;
        lines.add(chunk.dir, offsets[d], chunk.line);
        offsets[d] += chunk.bytes.size();
        session.feed(chunk.dir, chunk.bytes);
    }

    int status = 0;
    sim::FormatOptions format;
    format.colour = options.colour;
    for (const auto& event : trace.events()) {
        if (options.json) {
            std::cout << sim::event_to_json(event) << '\n';
        } else {
            std::cout << sim::format_event(trace, event, format);
        }
        if (is_syntax_failure(event) && status == 0) {
            std::cerr << fmt::format("{}:{}: {}\n", options.file,
                                     lines.find(event.dir, event.wire.offset),
                                     event.violation->rule);
            status = 1;
        }
    }
    // A message cut off at the end of the file never reached the engine.
    const auto& events = trace.events();
    for (int d = 0; d < 2 && status == 0; ++d) {
        auto dir = d == 0 ? sim::Direction::ClientToServer : sim::Direction::ServerToClient;
        std::uint64_t covered = 0;
        for (const auto& event : events) {
            if (event.dir == dir && event.kind != sim::EventKind::Violation &&
                event.wire.size > 0) {
                covered = std::max(covered, event.wire.offset + event.wire.size);
            }
        }
        if (covered < offsets[d]) {
            std::cerr << fmt::format("{}:{}: the transcript ends in the middle of a {} message\n",
                                     options.file, lines.find(dir, covered),
                                     d == 0 ? "client" : "server");
            status = 1;
        }
    }
    return status;
}

}  // namespace mailscope::app
