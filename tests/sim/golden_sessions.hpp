// How each transcript under tests/vectors/ is fed to an observer for its
// golden event file (tests/golden/README.md): one session for a transcript,
// one session per exchange for the files that list several.
#pragma once

#include <doctest/doctest.h>

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/protocol.hpp"
#include "sim/core/transcript.hpp"
#include "sim/imap/untagged_answers.hpp"
#include "sim/imap/verbs.hpp"
#include "tests/sim/imap_vectors.hpp"
#include "tests/sim/pop3_vectors.hpp"
#include "tests/sim/smtp_vectors.hpp"
#include "tests/sim/vector_files.hpp"

namespace mailscope::golden {

struct Chunk {
    sim::Direction dir = sim::Direction::ClientToServer;
    std::string bytes;
};

// One observer session. The prelude puts it in the state its exchange
// starts in; it is fed whole and its events are not in the golden file.
// The transcript is what the test feeds whole, byte by byte and split.
struct ObservedSession {
    std::string header;  // a JSON object naming the exchange; empty for a whole-file session
    std::vector<Chunk> prelude;
    std::vector<Chunk> transcript;
};

struct FeedPlan {
    sim::Protocol protocol = sim::Protocol::Imap;
    std::vector<ObservedSession> sessions;
};

namespace detail {

constexpr auto C = sim::Direction::ClientToServer;
constexpr auto S = sim::Direction::ServerToClient;

inline std::string header(std::size_t exchange, const std::string& section,
                          const std::string& state) {
    return fmt::format(R"({{"exchange":{},"section":{:?},"state":{:?}}})", exchange, section,
                       state);
}

// C:/S: text read the way `mailscope decode` reads it.
inline std::vector<Chunk> decode_transcript(const std::string& text) {
    auto parsed = sim::parse_text_transcript(text);
    REQUIRE_FALSE_MESSAGE(parsed.error,
                          "line " << parsed.error->line << ": "
                                  << sim::render(parsed.error->reason, sim::Language::En));
    std::vector<Chunk> out;
    for (auto& chunk : parsed.chunks)
        out.push_back({chunk.dir, std::move(chunk.bytes)});
    return out;
}

// The IMAP states an exchange of the RFC 3501 lists can start in, and what
// an observer must have seen to be there. "Selected (N messages)" selects a
// mailbox of N messages; "Selected" alone, the 172 of RFC 3501 6.3.1.
inline std::vector<Chunk> imap_prelude(const std::string& state) {
    const Chunk preauth{S, "* PREAUTH IMAP4rev1 server logged in as Smith\r\n"};
    if (state == "start") return {};
    if (state == "Not Authenticated") return {{S, "* OK IMAP4rev1 Service Ready\r\n"}};
    if (state == "Authenticated") return {preauth};
    std::string messages = "172";
    if (state.starts_with("Selected (") && state.ends_with(" messages)")) {
        messages = state.substr(10, state.size() - 10 - 10);
    } else {
        REQUIRE_MESSAGE(state == "Selected", "unknown IMAP state \"" << state << "\"");
    }
    return {preauth,
            {C, "P0 SELECT INBOX\r\n"},
            {S, fmt::format("* {} EXISTS\r\n", messages)},
            {S, "P0 OK [READ-WRITE] SELECT completed\r\n"}};
}

// An IMAP client message cut where its synchronizing literals make the
// client wait for "+": after each "{n}" line but the last piece.
inline std::vector<std::string> sync_literal_pieces(std::string_view message) {
    std::vector<std::string> pieces;
    std::size_t start = 0;
    std::size_t pos = 0;
    while (pos < message.size()) {
        const auto eol = message.find("\r\n", pos);
        if (eol == std::string_view::npos) break;
        auto line = message.substr(pos, eol - pos);
        pos = eol + 2;
        const auto open = line.rfind('{');
        if (!line.ends_with('}') || open == std::string_view::npos) continue;
        auto digits = line.substr(open + 1, line.size() - open - 2);
        const bool synchronizing = !digits.ends_with('+');
        if (!synchronizing) digits.remove_suffix(1);
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos)
            continue;
        if (synchronizing) {
            pieces.emplace_back(message.substr(start, pos - start));
            start = pos;
        }
        pos += std::stoull(std::string(digits));
    }
    pieces.emplace_back(message.substr(start));
    return pieces;
}

inline const Chunk kGrant{S, "+ Ready for literal data\r\n"};

// A client message with its literals granted: each "+" is the next of
// `continuations` while there are any, else kGrant.
inline void add_command(std::vector<Chunk>& out, const std::string& message,
                        std::vector<std::string>& continuations) {
    const auto pieces = sync_literal_pieces(message);
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (i > 0) {
            if (continuations.empty()) {
                out.push_back(kGrant);
            } else {
                out.push_back({S, continuations.front()});
                continuations.erase(continuations.begin());
            }
        }
        out.push_back({C, pieces[i]});
    }
}

inline std::string imap_state_of(const imap::testing::Vector& entry, const std::string& file) {
    REQUIRE_MESSAGE(!entry.state.empty(), file << ": no \"# state:\" line above \""
                                               << entry.bytes.substr(0, entry.bytes.find('\r'))
                                               << "\" in " << entry.section);
    return entry.state;
}

// rfc3501_commands.txt: each command is an exchange of its own in the
// state its block names; the server grants its synchronizing literals.
inline FeedPlan imap_command_list(const std::string& file) {
    FeedPlan plan{sim::Protocol::Imap, {}};
    for (const auto& entry : imap::testing::load_vectors(file)) {
        const auto state = imap_state_of(entry, file);
        ObservedSession session{
            header(plan.sessions.size() + 1, entry.section, state), imap_prelude(state), {}};
        std::vector<std::string> none;
        add_command(session.transcript, entry.bytes, none);
        plan.sessions.push_back(std::move(session));
    }
    return plan;
}

inline bool is_continuation(const std::string& response) {
    return response.starts_with("+");
}

inline std::string tag_of(const std::string& message) {
    return message.substr(0, message.find(' '));
}

// The first command of rfc3501_commands.txt that an untagged response of
// section 7.2 answers, when that response is sent only as a result of its
// command (RFC 3501 7.2.1: "The CAPABILITY response occurs as a result of a
// CAPABILITY command"); nothing for responses a server may send unasked.
inline std::optional<std::string> command_answered_by(
    const std::string& response, const std::vector<imap::testing::Vector>& commands) {
    if (!response.starts_with("* ")) return std::nullopt;
    const auto name = response.substr(2, response.find_first_of(" \r", 2) - 2);
    const auto answer = imap::untagged_answer(name);
    if (!answer || answer->only_answer_section.empty()) return std::nullopt;
    for (const auto& candidate : commands) {
        const auto verb_start = candidate.bytes.find(' ') + 1;
        const auto verb_end = candidate.bytes.find_first_of(" \r", verb_start);
        const auto verb = imap::verb_from_name(
            std::string_view(candidate.bytes).substr(verb_start, verb_end - verb_start));
        if (answer->verbs.contains(verb)) return candidate.bytes;
    }
    return std::nullopt;
}

// rfc3501_responses.txt: the responses of a block up to a tagged one answer
// the command with that tag in the same section of rfc3501_commands.txt, so
// they are one exchange with that command, its "+" taken from them; the
// responses that no completion closes are an exchange of their own, after a
// command they answer when the RFC says they only come as its result. A
// "# state:" line starts a new run.
inline FeedPlan imap_response_list(const std::string& file) {
    const auto commands = imap::testing::load_vectors("rfc3501_commands.txt");
    FeedPlan plan{sim::Protocol::Imap, {}};
    std::vector<imap::testing::Vector> run;
    auto close_run = [&](bool completed) {
        if (run.empty()) return;
        const auto& last = run.back();
        const auto state = imap_state_of(last, file);
        ObservedSession session{
            header(plan.sessions.size() + 1, last.section, state), imap_prelude(state), {}};
        std::vector<std::string> responses;
        for (const auto& entry : run)
            responses.push_back(entry.bytes);
        const imap::testing::Vector* command = nullptr;
        if (completed) {
            for (const auto& candidate : commands) {
                if (candidate.section != last.section ||
                    tag_of(candidate.bytes) != tag_of(last.bytes))
                    continue;
                REQUIRE_MESSAGE(!command, "two commands tagged " << tag_of(last.bytes) << " in "
                                                                 << last.section);
                command = &candidate;
            }
        }
        if (command) {
            std::vector<std::string> continuations;
            while (!responses.empty() && is_continuation(responses.front()) &&
                   sync_literal_pieces(command->bytes).size() > continuations.size() + 1) {
                continuations.push_back(responses.front());
                responses.erase(responses.begin());
            }
            add_command(session.transcript, command->bytes, continuations);
        }
        if (!command && !responses.empty()) {
            if (auto asked = command_answered_by(responses.front(), commands))
                session.prelude.push_back({C, std::move(*asked)});
        }
        for (auto& response : responses)
            session.transcript.push_back({S, std::move(response)});
        plan.sessions.push_back(std::move(session));
        run.clear();
    };
    for (const auto& entry : imap::testing::load_vectors(file)) {
        if (!run.empty() &&
            (run.back().section != entry.section || run.back().state != entry.state)) {
            close_run(false);
        }
        run.push_back(entry);
        if (!is_continuation(entry.bytes) && !entry.bytes.starts_with("* ")) close_run(true);
    }
    close_run(false);
    return plan;
}

// rfc1939_exchanges.txt: each block is an exchange of its own, after the
// greeting and login its "# state:" line asks for.
inline FeedPlan pop3_exchanges(const std::string& file) {
    FeedPlan plan{sim::Protocol::Pop3, {}};
    for (const auto& exchange : pop3::testing::load_exchanges(file)) {
        ObservedSession session{
            header(plan.sessions.size() + 1, exchange.section, exchange.start), {}, {}};
        for (const auto& line : pop3::testing::prelude(exchange.start))
            session.prelude.push_back({line.dir, line.text + "\r\n"});
        for (const auto& line : exchange.lines)
            session.transcript.push_back({line.dir, line.text + "\r\n"});
        plan.sessions.push_back(std::move(session));
    }
    return plan;
}

}  // namespace detail

// `vector` is relative to tests/vectors/: "imap/rfc3501_section8.txt".
inline FeedPlan plan_for(const std::string& vector) {
    const auto slash = vector.find('/');
    const auto protocol = vector.substr(0, slash);
    const auto file = vector.substr(slash + 1);
    if (vector == "imap/rfc3501_commands.txt") return detail::imap_command_list(file);
    if (vector == "imap/rfc3501_responses.txt") return detail::imap_response_list(file);
    if (vector == "pop3/rfc1939_exchanges.txt") return detail::pop3_exchanges(file);
    if (protocol == "smtp") {
        // These files give each line exactly as sent, blanks included
        // (folded header lines in the message data).
        ObservedSession session;
        for (auto& line : smtp::testing::load_scenario(file))
            session.transcript.push_back({line.dir, std::move(line.bytes)});
        return {sim::Protocol::Smtp, {std::move(session)}};
    }
    const auto kind = protocol == "imap" ? sim::Protocol::Imap : sim::Protocol::Pop3;
    REQUIRE_MESSAGE((protocol == "imap" || protocol == "pop3"), "no engine for " << vector);
    return {kind, {{{}, {}, detail::decode_transcript(test::read_vector_file(vector))}}};
}

}  // namespace mailscope::golden
