// The properties the fuzzers check, shared with the seed replay unit test
// (tests/sim/test_fuzz_seeds.cpp) so a finding turns into a regression test
// by adding its input to the replayed corpus.
//
// Every check returns an empty string when the property holds and otherwise
// a sentence describing the first violation. Crashes, leaks and undefined
// behaviour are the sanitizers' business; these catch wrong answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "sim/core/trace.hpp"
#include "sim/core/trace_format.hpp"
#include "sim/core/transcript.hpp"
#include "sim/imap/command.hpp"
#include "sim/imap/framer.hpp"
#include "sim/imap/limits.hpp"
#include "sim/imap/response.hpp"
#include "sim/imap/session.hpp"
#include "sim/mime/message.hpp"
#include "sim/mime/section.hpp"

namespace mailscope::fuzz {

// Small bounds, so that inputs of a few kilobytes reach the limit paths.
inline imap::Limits small_limits() {
    imap::Limits limits;
    limits.max_line_length = 512;
    limits.max_literal_size = 1024;
    limits.max_nesting = 6;
    limits.max_outstanding = 4;
    limits.max_message_size = 2048;
    return limits;
}

// A split point derived from the data itself, so that the corpus needs no
// extra control bytes and a seed stays a plain protocol message.
inline std::size_t split_point(std::string_view data) {
    if (data.empty()) return 0;
    std::size_t h = 0;
    for (unsigned char c : data.substr(0, 16))
        h = h * 131 + c;
    return h % (data.size() + 1);
}

// One framer event in a comparable text form.
inline std::string describe(const imap::FramerEvent& event) {
    if (const auto* frame = std::get_if<imap::Frame>(&event)) {
        std::string out = fmt::format("frame @{} lf={} [", frame->stream_offset, frame->bare_lf);
        for (const auto& lit : frame->literals)
            out += fmt::format("{}:{}:{}:{} ", lit.header_begin, lit.data_begin, lit.size,
                               lit.synchronizing);
        return out + "] " + frame->bytes;
    }
    if (const auto* awaited = std::get_if<imap::LiteralAwaited>(&event))
        return fmt::format("awaited @{} {} {}", awaited->stream_offset, awaited->size,
                           awaited->line);
    const auto& error = std::get<imap::FrameError>(event);
    return fmt::format("error @{} {} {} {} {}", error.stream_offset, static_cast<int>(error.kind),
                       error.fatal, error.message, error.prefix);
}

// Feeds `data` in pieces ending at each of `cuts` (then the rest) and
// collects every event.
inline std::vector<std::string> frame_events(std::string_view data, const imap::Limits& limits,
                                             bool literal_events,
                                             const std::vector<std::size_t>& cuts,
                                             std::vector<imap::Frame>* frames = nullptr) {
    imap::Framer framer(limits);
    framer.set_literal_events(literal_events);
    std::vector<std::string> out;
    std::size_t begin = 0;
    auto drain = [&] {
        while (auto event = framer.next()) {
            out.push_back(describe(*event));
            if (frames && std::holds_alternative<imap::Frame>(*event))
                frames->push_back(std::get<imap::Frame>(std::move(*event)));
        }
    };
    for (auto cut : cuts) {
        framer.feed(data.substr(begin, cut - begin));
        drain();
        begin = cut;
    }
    framer.feed(data.substr(begin));
    drain();
    return out;
}

// The Framer promise: the same events whatever way the bytes are split.
inline std::string check_framer_splits(std::string_view data, const imap::Limits& limits,
                                       bool literal_events, std::vector<imap::Frame>& frames) {
    auto whole = frame_events(data, limits, literal_events, {}, &frames);
    auto halves = frame_events(data, limits, literal_events, {split_point(data)});
    if (halves != whole)
        return fmt::format("framer events differ when the input is split at {}", split_point(data));
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < data.size() && data.size() <= 4096; ++i)
        every.push_back(i);
    if (!every.empty() && frame_events(data, limits, literal_events, every) != whole)
        return "framer events differ when the input arrives one octet at a time";
    return {};
}

// serialize() writes the exact wire form, and its output parses to the same thing.
template <typename Parse, typename Get>
std::string check_round_trip(const imap::Frame& frame, const imap::Limits& limits, Parse parse,
                             Get get, std::string_view what) {
    auto first = parse(frame, limits);
    auto* value = get(first);
    if (!value) return {};
    auto wire = serialize(*value);
    if (!frame.bare_lf && wire != frame.bytes)
        return fmt::format("serialize(parse_{}(x)) is not x: x={:?} got={:?}", what, frame.bytes,
                           wire);
    auto second = parse(wire, limits);
    auto* again = get(second);
    if (!again)
        return fmt::format("serialize(parse_{}(x)) does not parse again: {:?}: {}", what, wire,
                           second.error ? second.error->message : std::string());
    if (serialize(*again) != wire)
        return fmt::format("parse_{} round trip is not stable: {:?} then {:?}", what, wire,
                           serialize(*again));
    return {};
}

// parse_command(string_view) and parse_response(string_view) read only the
// octets they are given: the same input, followed in memory by different
// octets, parses to the same result. Under the fuzzers a read past the end
// is the sanitizer's catch; this property catches it in any build, where the
// octet past a std::string's end is a readable '\0'.
template <typename Parse, typename Get>
std::string check_reads_only_its_input(std::string_view data, const imap::Limits& limits,
                                       Parse parse, Get get, std::string_view what) {
    std::string first;
    for (const char after : {'\0', ' ', '\r', '\n', 'x', '{', ')', '"'}) {
        std::string buffer(data);
        buffer.push_back(after);
        auto parsed = parse(std::string_view(buffer).substr(0, data.size()), limits);
        std::string outcome;
        if (parsed.error) {
            outcome = fmt::format("error at {}: {}", parsed.error->offset, parsed.error->message);
        } else if (auto* value = get(parsed)) {
            outcome = serialize(*value);
        }
        if (after == '\0') {
            first = std::move(outcome);
        } else if (outcome != first) {
            return fmt::format(
                "parse_{}(x) reads past the end of x: x={:?} gives {:?}, or {:?} when {:?} follows "
                "it",
                what, data, first, outcome, std::string(1, after));
        }
    }
    return {};
}

// The properties of an IMAP parser on any input: it reads only its input, the
// framer cuts the same frames however the bytes are split, and every frame
// round-trips through serialize(). The frames are left in `frames`.
template <typename Parse, typename Get>
std::string check_parser(std::string_view data, const imap::Limits& limits, bool literal_events,
                         Parse parse, Get get, std::string_view what,
                         std::vector<imap::Frame>& frames) {
    if (auto problem = check_reads_only_its_input(data, limits, parse, get, what); !problem.empty())
        return problem;
    if (auto problem = check_framer_splits(data, limits, literal_events, frames); !problem.empty())
        return problem;
    for (const auto& frame : frames)
        if (auto problem = check_round_trip(frame, limits, parse, get, what); !problem.empty())
            return problem;
    return {};
}

// Dense sequence numbers and wire spans inside what was fed.
inline std::string check_trace(const sim::SessionTrace& trace, std::uint64_t fed_client,
                               std::uint64_t fed_server) {
    for (std::size_t i = 0; i < trace.size(); ++i) {
        const auto& event = trace.events()[i];
        if (event.seq != i) return fmt::format("trace event {} has seq {}", i, event.seq);
        auto fed = event.dir == sim::Direction::ClientToServer ? fed_client : fed_server;
        if (event.wire.offset + event.wire.size > fed)
            return fmt::format("trace event {} spans octets [{}, {}) of {} fed", i,
                               event.wire.offset, event.wire.offset + event.wire.size, fed);
        if (event.link_seq && *event.link_seq >= trace.size())
            return fmt::format("trace event {} links to missing event {}", i, *event.link_seq);
        (void)sim::format_event(trace, event);
        (void)sim::event_to_json(event);
    }
    return {};
}

// A server session answering whatever arrives, the way the mock server would
// at its simplest: OK to every valid command, BAD to every invalid one.
inline std::string drive_server(std::string_view data, const imap::Limits& limits) {
    sim::SessionTrace trace;
    imap::SessionOptions options;
    options.role = imap::Role::Server;
    options.limits = limits;
    imap::ImapSession session(trace, options);
    session.send(imap::make_status("*", imap::Status::Ok, std::nullopt, "ready"));
    const bool grant = data.empty() || (static_cast<unsigned char>(data[0]) & 1) == 0;
    auto serve = [&] {
        while (auto input = session.next_input()) {
            if (session.closed()) break;
            if (auto* received = std::get_if<imap::CommandReceived>(&*input)) {
                const auto& command = received->command;
                if (received->state_error) {
                    session.send(imap::make_status(command.tag, imap::Status::Bad, std::nullopt,
                                                   *received->state_error));
                } else if (imap::has_flag(command.verb, imap::VerbFlag::Continues)) {
                    session.send(imap::make_continuation("go on"));
                } else {
                    session.send(
                        imap::make_status(command.tag, imap::Status::Ok, std::nullopt, "done"));
                }
            } else if (auto* requested = std::get_if<imap::LiteralRequested>(&*input)) {
                if (grant)
                    session.grant_continuation();
                else
                    session.refuse_literal(requested->tag, imap::Status::No, "not today");
            } else if (auto* sasl = std::get_if<imap::SaslReceived>(&*input)) {
                session.send(imap::make_status(
                    sasl->tag, sasl->cancelled ? imap::Status::Bad : imap::Status::Ok, std::nullopt,
                    "sasl"));
            } else if (auto* done = std::get_if<imap::IdleDone>(&*input)) {
                session.send(imap::make_status(done->tag, imap::Status::Ok, std::nullopt, "idle"));
            } else if (auto* rejected = std::get_if<imap::CommandRejected>(&*input)) {
                session.send(imap::make_status(rejected->tag.empty() ? "*" : rejected->tag,
                                               imap::Status::Bad, std::nullopt, rejected->message));
            }
        }
    };
    auto cut = split_point(data);
    session.receive(data.substr(0, cut));
    serve();
    session.receive(data.substr(cut));
    serve();
    auto sent = session.take_outgoing();
    if (auto problem = check_trace(trace, data.size(), sent.size()); !problem.empty())
        return "server session: " + problem;
    return {};
}

inline std::string check_command_bytes(std::string_view data) {
    const auto limits = small_limits();
    std::vector<imap::Frame> frames;
    if (auto problem = check_parser(
            data, limits, true,
            [](const auto& bytes, const imap::Limits& l) { return imap::parse_command(bytes, l); },
            [](auto& parsed) { return parsed.command ? &*parsed.command : nullptr; }, "command",
            frames);
        !problem.empty())
        return problem;
    for (const auto& frame : frames) {
        if (auto parsed = imap::parse_command(frame, limits); parsed.command) {
            for (auto [begin, end] : imap::secret_ranges(frame, *parsed.command))
                if (begin > end || end > frame.bytes.size())
                    return fmt::format("secret range [{}, {}) outside a {}-octet frame", begin, end,
                                       frame.bytes.size());
        }
    }
    return drive_server(data, limits);
}

// A client that asked a few things and an observer that saw them asked,
// both reading `data` as what the server said.
inline std::string drive_client_and_observer(std::string_view data, const imap::Limits& limits) {
    const std::string_view asked =
        "a001 LOGIN joe secret\r\na002 SELECT INBOX\r\na003 FETCH 1:* (FLAGS BODY[])\r\n";
    auto cut = split_point(data);
    {
        sim::SessionTrace trace;
        imap::SessionOptions options;
        options.limits = limits;
        imap::ImapSession observer(trace, options);
        observer.feed(sim::Direction::ClientToServer, asked);
        observer.feed(sim::Direction::ServerToClient, data.substr(0, cut));
        observer.feed(sim::Direction::ServerToClient, data.substr(cut));
        observer.feed_eof(sim::Direction::ServerToClient);
        if (auto problem = check_trace(trace, asked.size(), data.size()); !problem.empty())
            return "observer session: " + problem;
    }
    sim::SessionTrace trace;
    imap::SessionOptions options;
    options.role = imap::Role::Client;
    options.limits = limits;
    imap::ImapSession client(trace, options);
    std::uint64_t sent = 0;
    client.submit(
        imap::make_command(client.next_tag(), imap::Verb::Login, imap::LoginArgs{"joe", "secret"}));
    client.submit(imap::make_command(client.next_tag(), imap::Verb::Select,
                                     imap::MailboxArgs{"INBOX", {}, {}}));
    sent += client.take_outgoing().size();
    client.receive(data.substr(0, cut));
    while (client.next_response()) {
    }
    sent += client.take_outgoing().size();
    client.receive(data.substr(cut));
    while (client.next_response()) {
    }
    sent += client.take_outgoing().size();
    if (auto problem = check_trace(trace, sent, data.size()); !problem.empty())
        return "client session: " + problem;
    return {};
}

inline std::string check_response_bytes(std::string_view data) {
    const auto limits = small_limits();
    std::vector<imap::Frame> frames;
    if (auto problem = check_parser(
            data, limits, false,
            [](const auto& bytes, const imap::Limits& l) { return imap::parse_response(bytes, l); },
            [](auto& parsed) { return parsed.response ? &*parsed.response : nullptr; }, "response",
            frames);
        !problem.empty())
        return problem;
    return drive_client_and_observer(data, limits);
}

// A text transcript decoded the way `mailscope decode` does it.
inline std::string check_transcript(std::string_view data) {
    auto parsed = sim::parse_text_transcript(data);
    if (parsed.error) return {};
    sim::SessionTrace trace;
    imap::SessionOptions options;
    options.limits = small_limits();
    imap::ImapSession session(trace, options);
    std::uint64_t fed[2] = {0, 0};
    for (const auto& chunk : parsed.chunks) {
        session.feed(chunk.dir, chunk.bytes);
        fed[sim::direction_index(chunk.dir)] += chunk.bytes.size();
    }
    if (auto problem = check_trace(trace, fed[0], fed[1]); !problem.empty())
        return "transcript: " + problem;
    (void)sim::export_text(trace);
    (void)sim::export_jsonl(trace);
    return {};
}

inline std::string check_part(const mime::MimePart& part, std::size_t size, std::size_t depth) {
    if (depth > mime::max_nesting_depth + 2) return "MIME tree deeper than max_nesting_depth";
    if (!(part.header_begin <= part.header_end && part.header_end <= part.body_end &&
          part.body_begin == part.header_end && part.body_end <= size))
        return fmt::format("MIME part offsets out of order: header [{}, {}) body [{}, {}) of {}",
                           part.header_begin, part.header_end, part.body_begin, part.body_end,
                           size);
    for (const auto& child : part.children)
        if (auto problem = check_part(child, size, depth + 1); !problem.empty()) return problem;
    return {};
}

inline std::string check_mime(std::string_view data) {
    auto message = mime::parse_message(data);
    if (message.size != data.size())
        return fmt::format("RFC822.SIZE {} for {} octets", message.size, data.size());
    if (auto problem = check_part(message.root, data.size(), 0); !problem.empty()) return problem;
    std::vector<std::uint32_t> path;
    for (std::size_t i = 0; i < 4 && i < data.size(); ++i)
        path.push_back(static_cast<unsigned char>(data[i]) % 4);
    const std::vector<std::string> fields = {"From", "Subject", "Content-Type"};
    for (std::size_t len = 0; len <= path.size(); ++len) {
        std::vector<std::uint32_t> part(path.begin(), path.begin() + len);
        for (auto which : {mime::SectionText::None, mime::SectionText::Header,
                           mime::SectionText::HeaderFields, mime::SectionText::HeaderFieldsNot,
                           mime::SectionText::Text, mime::SectionText::Mime}) {
            auto octets = mime::section_octets(message, data, part, which, fields);
            if (octets && octets->size() > data.size() + 2)
                return fmt::format("section of {} octets from a {}-octet message", octets->size(),
                                   data.size());
            if (octets) (void)mime::partial_octets(*octets, split_point(data), 7);
        }
    }
    return {};
}

}  // namespace mailscope::fuzz
