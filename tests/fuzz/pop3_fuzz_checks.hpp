// The properties the POP3 fuzzer checks, shared with the unit test that
// replays the seeds (tests/sim/test_pop3_fuzz_seeds.cpp).
//
// Input format: lines; a line starting with "S: " goes to the server side,
// "C: " to the client side, any other line continues the side of the line
// before it (so multi-line data needs no prefixes). Each line is fed in two
// pieces cut where the data says (split_pop3), so partial lines and chunk
// boundaries inside CRLF and ".\r\n" are exercised too.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/core/secrets.hpp"
#include "sim/core/trace.hpp"
#include "sim/core/trace_format.hpp"
#include "sim/core/transcript.hpp"
#include "sim/pop3/session.hpp"

namespace mailscope::fuzz {

struct Pop3Piece {
    sim::Direction dir = sim::Direction::ClientToServer;
    std::string_view bytes;
};

inline std::vector<Pop3Piece> split_pop3(std::string_view data) {
    std::vector<Pop3Piece> pieces;
    auto dir = sim::Direction::ClientToServer;
    while (!data.empty()) {
        auto end = data.find('\n');
        auto line = data.substr(0, end == std::string_view::npos ? data.size() : end + 1);
        data.remove_prefix(line.size());
        if (line.starts_with("S: ")) {
            dir = sim::Direction::ServerToClient;
            line.remove_prefix(3);
        } else if (line.starts_with("C: ")) {
            dir = sim::Direction::ClientToServer;
            line.remove_prefix(3);
        }
        std::size_t cut = 0;
        for (unsigned char c : line.substr(0, 8))
            cut = cut * 31 + c;
        cut = line.empty() ? 0 : cut % (line.size() + 1);
        pieces.push_back({dir, line.substr(0, cut)});
        pieces.push_back({dir, line.substr(cut)});
    }
    return pieces;
}

inline std::string check_pop3_trace(const sim::SessionTrace& trace, std::size_t max_event_bytes,
                                    bool reveal) {
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const auto& event = trace.at(i);
        if (event.seq != i) return fmt::format("event {} has seq {}", i, event.seq);
        if (event.protocol != sim::Protocol::Pop3) return fmt::format("event {} is not POP3", i);
        if (event.raw.size() > max_event_bytes) {
            return fmt::format("event {} keeps {} octets (limit {})", i, event.raw.size(),
                               max_event_bytes);
        }
        if (event.link_seq && *event.link_seq >= trace.size()) {
            return fmt::format("event {} links to {} past the end", i, *event.link_seq);
        }
        if (event.transition) {
            bool listed = false;
            for (const auto& t : pop3::transitions) {
                listed = listed || (t.number == event.transition->number &&
                                    sim::StateId(t.from) == event.transition->from &&
                                    sim::StateId(t.to) == event.transition->to);
            }
            if (!listed) {
                return fmt::format("event {}: transition {} -> {} is not in the table", i,
                                   event.transition->from.name(), event.transition->to.name());
            }
        }
        if (!reveal && event.kind == sim::EventKind::Command) {
            if (event.name == "PASS" && sim::words_after(event.raw, 1) != sim::kSecretMask) {
                return fmt::format("event {}: a PASS line is not masked", i);
            }
            const bool sasl_line = event.name == "AUTH" && sim::word_upper(event.raw, 0) != "AUTH";
            if (sasl_line && event.raw != "***\r\n" && event.raw != "*\r\n") {
                return fmt::format("event {}: a SASL line is not masked", i);
            }
            std::string_view line(event.raw);
            line = line.substr(0, line.find_first_of("\r\n"));
            std::size_t words = 0;
            for (std::size_t at = 0; at < line.size(); ++at) {
                const bool starts = line[at] != ' ' && (at == 0 || line[at - 1] == ' ');
                words += starts ? 1 : 0;
            }
            // The mask ends the line, before its CRLF or a bare LF.
            if (event.name == "AUTH" && !sasl_line && words >= 3 &&
                !event.raw.ends_with(" ***\r\n") && !event.raw.ends_with(" ***\n")) {
                return fmt::format("event {}: an AUTH initial response is not masked", i);
            }
        }
        if (event.literal && event.literal->truncated == false &&
            event.raw.size() != event.wire.size) {
            return fmt::format("event {}: a complete literal keeps {} of {} octets", i,
                               event.raw.size(), event.wire.size);
        }
        (void)sim::format_event(trace, event);
    }
    (void)sim::export_text(trace);
    (void)sim::export_jsonl(trace);
    return {};
}

// Feeds the pieces to an observer, then the server side to a client-role
// engine and the client side to a server-role engine that answers every
// input; after both ends close every engine must be Closed.
inline std::string check_pop3_bytes(std::string_view data) {
    constexpr std::size_t kMaxEventBytes = 300;
    pop3::SessionOptions options;
    options.max_event_bytes = kMaxEventBytes;
    options.limits.max_multiline_size = 512;
    options.limits.max_outstanding = 8;
    const auto pieces = split_pop3(data);
    for (bool reveal : {false, true}) {
        options.reveal_secrets = reveal;
        options.role = pop3::Role::Observer;
        sim::SessionTrace trace(sim::Protocol::Pop3);
        pop3::Pop3Session observer(trace, options);
        for (const auto& piece : pieces)
            observer.feed(piece.dir, piece.bytes);
        observer.feed_eof(sim::Direction::ClientToServer);
        observer.feed_eof(sim::Direction::ServerToClient);
        if (!observer.closed()) return "the observer is not Closed after both ends closed";
        if (auto problem = check_pop3_trace(trace, kMaxEventBytes, reveal); !problem.empty()) {
            return "observer: " + problem;
        }
    }
    options.reveal_secrets = false;
    {
        options.role = pop3::Role::Client;
        sim::SessionTrace trace(sim::Protocol::Pop3);
        pop3::Pop3Session client(trace, options);
        for (const auto& piece : pieces) {
            if (piece.dir == sim::Direction::ServerToClient) {
                client.receive(piece.bytes);
            } else if (!piece.bytes.empty() && piece.bytes.back() == '\n') {
                auto line = piece.bytes.substr(0, piece.bytes.size() - 1);
                if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
                if (client.sasl_line_expected()) {
                    client.send_raw(std::string(line) + "\r\n");
                } else {
                    (void)client.submit_line(line);
                }
            }
            while (client.next_reply()) {
            }
            (void)client.take_outgoing();
        }
        client.feed_eof(sim::Direction::ServerToClient);
        if (!client.closed()) return "the client is not Closed after the server closed";
        if (auto problem = check_pop3_trace(trace, kMaxEventBytes, false); !problem.empty()) {
            return "client: " + problem;
        }
    }
    {
        options.role = pop3::Role::Server;
        sim::SessionTrace trace(sim::Protocol::Pop3);
        pop3::Pop3Session server(trace, options);
        server.send(pop3::make_ok("ready <1.1@fuzz>"));
        for (const auto& piece : pieces) {
            if (piece.dir != sim::Direction::ClientToServer) continue;
            server.receive(piece.bytes);
            while (auto input = server.next_input()) {
                if (auto* command = std::get_if<pop3::CommandReceived>(&*input)) {
                    if (command->state_error) {
                        server.send(pop3::make_err(*command->state_error));
                    } else if (command->command.verb == pop3::Verb::Auth &&
                               command->command.args.size() == 1) {
                        server.send(pop3::make_continuation(""));
                    } else if (pop3::reply_is_multiline(command->command)) {
                        server.send(pop3::make_multiline("data", ".dot\r\nline\r\n"));
                    } else {
                        server.send(pop3::make_ok("done"));
                    }
                } else {
                    server.send(pop3::make_err("no"));
                }
            }
            if (server.outstanding() > 0 && !server.sasl_line_expected()) {
                return "the server role left a command unanswered";
            }
            (void)server.take_outgoing();
        }
        server.feed_eof(sim::Direction::ClientToServer);
        if (!server.closed()) return "the server is not Closed after the client closed";
        if (auto problem = check_pop3_trace(trace, kMaxEventBytes, false); !problem.empty()) {
            return "server: " + problem;
        }
    }
    return {};
}

}  // namespace mailscope::fuzz
