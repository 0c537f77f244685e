#include "tests/support/synthetic_trace.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/imap/command.hpp"
#include "sim/imap/event_data.hpp"
#include "sim/imap/response.hpp"

namespace mailscope::test {

namespace {

using sim::Direction;
using sim::EventKind;
using sim::TraceEvent;

constexpr std::array<const char*, 8> subjects{
    "Lecture notes: IMAP state diagram",
    "Re: lab 3 deadline",
    "Meeting moved to Friday",
    "Your build passed",
    "Fwd: photos from the trip",
    "Question about UIDVALIDITY",
    "Invoice #4411",
    "Welcome to the course",
};

struct Message {
    std::uint32_t uid = 0;
    std::vector<std::string> flags;
    std::uint64_t size = 0;
    std::string subject;
};

std::string flag_list(const std::vector<std::string>& flags) {
    return fmt::format("({})", fmt::join(flags, " "));
}

class Writer {
  public:
    Writer(sim::SessionTrace& trace, std::uint32_t seed) : m_trace(trace), m_random(seed | 1u) {}

    std::uint32_t random(std::uint32_t below) {
        m_random = m_random * 1664525u + 1013904223u;
        return (m_random >> 8) % below;
    }

    std::uint64_t emit(TraceEvent event) {
        const auto side = static_cast<std::size_t>(event.dir);
        event.wire = {m_offsets[side], event.raw.size()};
        if (event.kind != EventKind::StateTransition && event.kind != EventKind::FlagChange &&
            event.kind != EventKind::Renumbering && event.kind != EventKind::Violation &&
            event.kind != EventKind::Note) {
            m_offsets[side] += event.raw.size();
        } else {
            event.wire.size = 0;
        }
        m_time_us += 1500 + random(4000);
        event.time_us = m_time_us;
        return m_trace.append(std::move(event));
    }

    std::string next_tag() { return fmt::format("a{:03}", ++m_tag); }

    std::uint64_t command(const std::string& tag, const std::string& name, const std::string& args,
                          const std::string& section, const std::string& summary,
                          bool redacted = false) {
        TraceEvent event;
        event.redacted = redacted;
        event.kind = EventKind::Command;
        event.dir = Direction::ClientToServer;
        event.tag = tag;
        event.name = name;
        event.raw = args.empty() ? fmt::format("{} {}\r\n", tag, name)
                                 : fmt::format("{} {} {}\r\n", tag, name, args);
        event.summary = summary;
        event.section = section;
        if (auto parsed = imap::parse_command(event.raw); parsed.command)
            event.mailbox = imap::mailbox_named(*parsed.command);
        return emit(std::move(event));
    }

    // A command whose line ends with a literal's {n} or {n+}: its first
    // piece, the literal's octets (literal()) and its line end (line_end())
    // follow in wire order.
    std::uint64_t command_announcing(const std::string& tag, const std::string& name,
                                     const std::string& args, const std::string& section,
                                     const std::string& summary, sim::LiteralInfo literal) {
        TraceEvent event;
        event.kind = EventKind::Command;
        event.dir = Direction::ClientToServer;
        event.tag = tag;
        event.name = name;
        event.raw = fmt::format("{} {} {}\r\n", tag, name, args);
        event.summary = summary;
        event.section = section;
        event.piece = sim::CommandPiece{0, literal.synchronizing, literal};
        return emit(std::move(event));
    }

    void line_end(std::uint64_t command_seq) {
        const TraceEvent& command = m_trace.at(command_seq);
        TraceEvent event;
        event.kind = EventKind::Command;
        event.dir = Direction::ClientToServer;
        event.tag = command.tag;
        event.name = command.name;
        event.section = command.section;
        event.raw = "\r\n";
        event.summary = fmt::format("the line end that completes {} {}", command.tag, command.name);
        event.link = sim::Link::Answers;
        event.link_seq = command_seq;
        event.piece = sim::CommandPiece{1, false, std::nullopt};
        emit(std::move(event));
    }

    std::uint64_t untagged(const std::string& name, const std::string& raw,
                           const std::string& section, const std::string& summary,
                           std::optional<std::uint64_t> answers) {
        TraceEvent event;
        event.kind = EventKind::Untagged;
        event.dir = Direction::ServerToClient;
        event.tag = "*";
        event.name = name;
        event.raw = raw + "\r\n";
        event.summary = summary;
        event.section = section;
        event.link = answers ? sim::Link::Answers : sim::Link::Unsolicited;
        event.link_seq = answers;
        if (name == "OK") event.status = sim::ReplyStatus::Ok;
        if (name == "NO") event.status = sim::ReplyStatus::No;
        if (name == "BAD") event.status = sim::ReplyStatus::Bad;
        if (name == "BYE") event.status = sim::ReplyStatus::Bye;
        // The typed fields an engine would set (a FETCH cut off before its
        // literal does not parse and carries none, as on a broken wire).
        if (auto parsed = imap::parse_response(event.raw); parsed.response)
            imap::add_response_data(event, *parsed.response);
        return emit(std::move(event));
    }

    std::uint64_t complete(std::uint64_t command_seq, const std::string& status,
                           const std::string& text) {
        const TraceEvent& command = m_trace.at(command_seq);
        TraceEvent event;
        event.kind = EventKind::Tagged;
        event.dir = Direction::ServerToClient;
        event.tag = command.tag;
        event.name = status;
        event.status = status == "OK"   ? sim::ReplyStatus::Ok
                       : status == "NO" ? sim::ReplyStatus::No
                                        : sim::ReplyStatus::Bad;
        event.raw = fmt::format("{} {} {}\r\n", command.tag, status, text);
        event.summary = fmt::format("{} {} completes {}", command.tag, status, command.name);
        event.section = "RFC 3501 7.1";
        event.link = sim::Link::Answers;
        event.link_seq = command_seq;
        return emit(std::move(event));
    }

    void transition(imap::State from, imap::State to, int number, const std::string& cause,
                    Direction dir) {
        TraceEvent event;
        event.kind = EventKind::StateTransition;
        event.dir = dir;
        event.name = "STATE";
        event.summary = fmt::format("{} -> {}", imap::state_name(from), imap::state_name(to));
        event.section = "RFC 3501 3";
        event.transition = sim::StateChange{from, to, number, cause, sim::verbatim(cause)};
        emit(std::move(event));
    }

    void flag_change(std::uint32_t seq, const Message& message, std::vector<std::string> before) {
        TraceEvent event;
        event.kind = EventKind::FlagChange;
        event.dir = Direction::ServerToClient;
        event.name = "FLAGS";
        event.summary = fmt::format("message {} flags {} -> {}", seq, flag_list(before),
                                    flag_list(message.flags));
        event.section = "RFC 3501 7.4.2";
        event.flags = sim::FlagDelta{seq, message.uid, std::move(before), message.flags, true};
        emit(std::move(event));
    }

    void renumber(std::uint32_t expunged, std::uint32_t old_count) {
        TraceEvent event;
        event.kind = EventKind::Renumbering;
        event.dir = Direction::ServerToClient;
        event.name = "RENUMBER";
        event.summary = fmt::format("message {} left; {}..{} become {}..{}", expunged, expunged + 1,
                                    old_count, expunged, old_count - 1);
        event.section = "RFC 3501 7.4.1";
        event.renumber = sim::Renumber{expunged, old_count};
        emit(std::move(event));
    }

    void violation(Direction dir, const std::string& rule, const std::string& section) {
        TraceEvent event;
        event.kind = EventKind::Violation;
        event.dir = dir;
        event.name = "VIOLATION";
        event.summary = rule;
        event.section = section;
        event.violation = sim::RuleBreak{rule, section, false, sim::verbatim(rule)};
        emit(std::move(event));
    }

    void literal(Direction dir, std::string octets, std::optional<std::uint64_t> answers,
                 bool synchronizing) {
        TraceEvent event;
        event.kind = EventKind::Literal;
        event.dir = dir;
        event.name = "LITERAL";
        event.summary = fmt::format("{} octets", octets.size());
        event.section = synchronizing ? "RFC 3501 4.3" : "RFC 7888 4";
        event.literal = sim::LiteralInfo{octets.size(), synchronizing, false};
        event.raw = std::move(octets);
        event.link = answers ? sim::Link::Answers : sim::Link::None;
        event.link_seq = answers;
        emit(std::move(event));
    }

    void note(const std::string& text) {
        TraceEvent event;
        event.kind = EventKind::Note;
        event.dir = Direction::ServerToClient;
        event.name = "NOTE";
        event.summary = text;
        emit(std::move(event));
    }

    sim::SessionTrace& trace() { return m_trace; }

  private:
    sim::SessionTrace& m_trace;
    std::uint32_t m_random;
    std::array<std::uint64_t, 2> m_offsets{};
    std::int64_t m_time_us = 1'700'000'000'000'000;
    int m_tag = 0;
};

std::string fetch_line(std::uint32_t seq, const Message& message, bool envelope) {
    if (!envelope) {
        return fmt::format("* {} FETCH (UID {} FLAGS {})", seq, message.uid,
                           flag_list(message.flags));
    }
    return fmt::format(
        "* {} FETCH (UID {} FLAGS {} RFC822.SIZE {} ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800\" "
        "\"{}\" NIL NIL NIL NIL NIL NIL NIL \"<{}@example.org>\"))",
        seq, message.uid, flag_list(message.flags), message.size, message.subject, message.uid);
}

std::string message_text(const std::string& subject, std::uint32_t uid) {
    return fmt::format(
        "From: Fred Foobar <foobar@Blurdybloop.example>\r\nSubject: {}\r\nTo: "
        "mooch@owatagu.siam.edu.example\r\nMessage-Id: <{}@Blurdybloop.example>\r\n\r\nHello "
        "Joe, do you think we can meet at 3:30 tomorrow?\r\n",
        subject, uid);
}

class Session {
  public:
    Session(sim::SessionTrace& trace, std::uint32_t seed) : m_out(trace, seed) {}

    void open() {
        m_out.untagged("OK", "* OK [CAPABILITY IMAP4rev1 LITERAL+] mailscope mock ready",
                       "RFC 3501 7.1.1", "greeting: the server is ready", std::nullopt);
        m_out.transition(imap::State::Connecting, imap::State::NotAuthenticated, 1, "greeting * OK",
                         Direction::ServerToClient);
        const std::string login_tag = m_out.next_tag();
        const std::uint64_t login_seq =
            m_out.command(login_tag, "LOGIN", "alice ********", "RFC 3501 6.2.3",
                          "log in with a user name and password", true);
        m_out.complete(login_seq, "OK", "LOGIN completed");
        m_out.transition(imap::State::NotAuthenticated, imap::State::Authenticated, 4,
                         fmt::format("{} LOGIN completed OK", login_tag),
                         Direction::ServerToClient);

        for (std::uint32_t i = 0; i < 5; ++i)
            add_message({"\\Seen"});
        m_messages[3].flags = {"\\Recent"};
        m_messages[4].flags = {"\\Recent"};
        const std::string select_tag = m_out.next_tag();
        const std::uint64_t select = m_out.command(select_tag, "SELECT", "INBOX", "RFC 3501 6.3.1",
                                                   "open INBOX for reading and writing");
        m_out.untagged("EXISTS", fmt::format("* {} EXISTS", m_messages.size()), "RFC 3501 7.3.1",
                       "the mailbox holds this many messages", select);
        m_out.untagged("RECENT", "* 2 RECENT", "RFC 3501 7.3.2", "messages new to this session",
                       select);
        m_out.untagged("FLAGS", "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
                       "RFC 3501 7.2.6", "flags defined in this mailbox", select);
        m_out.untagged("OK", "* OK [UIDVALIDITY 3857529045] UIDs valid", "RFC 3501 7.1",
                       "UIDs stay valid while UIDVALIDITY does not change", select);
        m_out.complete(select, "OK", "[READ-WRITE] SELECT completed");
        m_out.transition(imap::State::Authenticated, imap::State::Selected, 5,
                         fmt::format("{} SELECT completed OK", select_tag),
                         Direction::ServerToClient);

        const std::uint64_t fetch =
            m_out.command(m_out.next_tag(), "FETCH",
                          fmt::format("1:{} (UID FLAGS RFC822.SIZE ENVELOPE)", m_messages.size()),
                          "RFC 3501 6.4.5", "read the summary of every message");
        for (std::uint32_t seq = 1; seq <= m_messages.size(); ++seq) {
            m_out.untagged("FETCH", fetch_line(seq, m_messages[seq - 1], true), "RFC 3501 7.4.2",
                           fmt::format("summary of message {}", seq), fetch);
        }
        m_out.complete(fetch, "OK", "FETCH completed");
    }

    void step() {
        const std::uint32_t choice = m_out.random(100);
        if (m_messages.size() > 12 || (choice < 18 && m_messages.size() > 3)) {
            expunge();
        } else if (m_messages.size() < 3 || choice < 34) {
            append();
        } else if (choice < 64) {
            pipelined_store_and_fetch();
        } else if (choice < 78) {
            fetch_header();
        } else if (choice < 92) {
            unsolicited_exists();
        } else {
            broken_rule();
        }
    }

    void close() {
        const std::string tag = m_out.next_tag();
        const std::uint64_t logout =
            m_out.command(tag, "LOGOUT", "", "RFC 3501 6.1.3", "end the session");
        m_out.untagged("BYE", "* BYE mailscope mock logging out", "RFC 3501 7.1.5",
                       "the server is about to close the connection", logout);
        m_out.complete(logout, "OK", "LOGOUT completed");
        m_out.transition(imap::State::Selected, imap::State::Logout, 7,
                         fmt::format("{} LOGOUT", tag), Direction::ClientToServer);
        m_out.transition(imap::State::Logout, imap::State::Closed, 0,
                         "both sides closed the connection", Direction::ServerToClient);
        m_out.note("connection closed");
    }

  private:
    void add_message(std::vector<std::string> flags) {
        Message message;
        message.uid = ++m_next_uid;
        message.flags = std::move(flags);
        message.subject = subjects[m_out.random(subjects.size())];
        message.size = message_text(message.subject, message.uid).size();
        m_messages.push_back(std::move(message));
    }

    // What a client does on learning of a new message: ask for its summary.
    void fetch_summary(std::uint32_t seq) {
        const std::uint64_t fetch = m_out.command(
            m_out.next_tag(), "FETCH", fmt::format("{} (UID FLAGS RFC822.SIZE ENVELOPE)", seq),
            "RFC 3501 6.4.5", fmt::format("read the summary of message {}", seq));
        m_out.untagged("FETCH", fetch_line(seq, m_messages[seq - 1], true), "RFC 3501 7.4.2",
                       fmt::format("summary of message {}", seq), fetch);
        m_out.complete(fetch, "OK", "FETCH completed");
    }

    std::uint32_t pick() { return 1 + m_out.random(static_cast<std::uint32_t>(m_messages.size())); }

    void set_flags(std::uint32_t seq, std::vector<std::string> flags,
                   std::optional<std::uint64_t> answers) {
        Message& message = m_messages[seq - 1];
        std::vector<std::string> before = message.flags;
        message.flags = std::move(flags);
        m_out.untagged("FETCH", fetch_line(seq, message, false), "RFC 3501 7.4.2",
                       fmt::format("message {} now has flags {}", seq, flag_list(message.flags)),
                       answers);
        m_out.flag_change(seq, message, std::move(before));
    }

    void pipelined_store_and_fetch() {
        // Two commands sent back to back (RFC 3501 5.5): their spans overlap.
        const std::uint32_t a = pick();
        const std::uint32_t b = pick();
        const std::uint64_t store =
            m_out.command(m_out.next_tag(), "STORE", fmt::format("{} +FLAGS (\\Flagged)", a),
                          "RFC 3501 6.4.6", fmt::format("flag message {}", a));
        const std::uint64_t fetch =
            m_out.command(m_out.next_tag(), "FETCH", fmt::format("{} (FLAGS)", b), "RFC 3501 6.4.5",
                          fmt::format("read the flags of message {}", b));
        std::vector<std::string> flags = m_messages[a - 1].flags;
        if (std::find(flags.begin(), flags.end(), "\\Flagged") == flags.end()) {
            flags.push_back("\\Flagged");
        }
        set_flags(a, std::move(flags), store);
        m_out.complete(store, "OK", "STORE completed");
        m_out.untagged("FETCH", fetch_line(b, m_messages[b - 1], false), "RFC 3501 7.4.2",
                       fmt::format("flags of message {}", b), fetch);
        m_out.complete(fetch, "OK", "FETCH completed");
    }

    void append() {
        const std::string subject = subjects[m_out.random(subjects.size())];
        const std::string text = message_text(subject, m_next_uid + 1);
        const bool synchronizing = m_out.random(2) == 0;
        const std::uint64_t command = m_out.command_announcing(
            m_out.next_tag(), "APPEND",
            fmt::format("INBOX (\\Seen) {{{}{}}}", text.size(), synchronizing ? "" : "+"),
            "RFC 3501 6.3.11", "store a new message in INBOX",
            sim::LiteralInfo{text.size(), synchronizing, false});
        if (synchronizing) {
            TraceEvent go_ahead;
            go_ahead.kind = EventKind::Continuation;
            go_ahead.dir = Direction::ServerToClient;
            go_ahead.tag = "+";
            go_ahead.raw = "+ Ready for literal data\r\n";
            go_ahead.summary = "the server is ready for the literal";
            go_ahead.section = "RFC 3501 7.5";
            go_ahead.link = sim::Link::Answers;
            go_ahead.link_seq = command;
            m_out.emit(std::move(go_ahead));
        }
        m_out.literal(Direction::ClientToServer, text, command, synchronizing);
        m_out.line_end(command);
        add_message({"\\Seen", "\\Recent"});
        m_messages.back().subject = subject;
        m_messages.back().size = text.size();
        m_out.untagged("EXISTS", fmt::format("* {} EXISTS", m_messages.size()), "RFC 3501 7.3.1",
                       "a message arrived", command);
        m_out.complete(command, "OK", "APPEND completed");
        fetch_summary(static_cast<std::uint32_t>(m_messages.size()));
    }

    void expunge() {
        const std::uint32_t victim = pick();
        const std::uint64_t store =
            m_out.command(m_out.next_tag(), "STORE", fmt::format("{} +FLAGS (\\Deleted)", victim),
                          "RFC 3501 6.4.6", fmt::format("mark message {} for deletion", victim));
        std::vector<std::string> flags = m_messages[victim - 1].flags;
        flags.push_back("\\Deleted");
        set_flags(victim, std::move(flags), store);
        m_out.complete(store, "OK", "STORE completed");
        const std::uint64_t command = m_out.command(m_out.next_tag(), "EXPUNGE", "",
                                                    "RFC 3501 6.4.3", "remove deleted messages");
        const auto old_count = static_cast<std::uint32_t>(m_messages.size());
        m_out.untagged("EXPUNGE", fmt::format("* {} EXPUNGE", victim), "RFC 3501 7.4.1",
                       fmt::format("message {} is gone", victim), command);
        m_messages.erase(m_messages.begin() + (victim - 1));
        m_out.renumber(victim, old_count);
        m_out.complete(command, "OK", "EXPUNGE completed");
    }

    void fetch_header() {
        const std::uint32_t seq = pick();
        const Message& message = m_messages[seq - 1];
        const std::uint64_t command =
            m_out.command(m_out.next_tag(), "FETCH", fmt::format("{} BODY.PEEK[HEADER]", seq),
                          "RFC 3501 6.4.5", fmt::format("read the header of message {}", seq));
        const std::string text = message_text(message.subject, message.uid);
        const std::string header = text.substr(0, text.find("\r\n\r\n") + 4);
        m_out.untagged("FETCH", fmt::format("* {} FETCH (BODY[HEADER] {{{}}}", seq, header.size()),
                       "RFC 3501 7.4.2", fmt::format("header of message {}", seq), command);
        m_out.literal(Direction::ServerToClient, header, command, true);
        m_out.complete(command, "OK", "FETCH completed");
    }

    void unsolicited_exists() {
        add_message({"\\Recent"});
        m_out.untagged("EXISTS", fmt::format("* {} EXISTS", m_messages.size()), "RFC 3501 7.3.1",
                       "another client delivered a message", std::nullopt);
        const std::uint64_t noop = m_out.command(m_out.next_tag(), "NOOP", "", "RFC 3501 6.1.2",
                                                 "ask for pending updates");
        m_out.complete(noop, "OK", "NOOP completed");
        fetch_summary(static_cast<std::uint32_t>(m_messages.size()));
    }

    void broken_rule() {
        const std::uint64_t command = m_out.command(m_out.next_tag(), "FETCH", "1 (FLAGS",
                                                    "RFC 3501 6.4.5", "a FETCH with a typo");
        m_out.complete(command, "BAD", "Missing ')' in the data item list");
        m_out.violation(Direction::ClientToServer,
                        "The client left a parenthesised list open: every '(' needs its ')'.",
                        "RFC 3501 9");
    }

    Writer m_out;
    std::vector<Message> m_messages;
    std::uint32_t m_next_uid = 0;
};

}  // namespace

sim::SessionTrace make_synthetic_trace(std::size_t min_events, std::uint32_t seed) {
    sim::SessionTrace trace(sim::Protocol::Imap, "synthetic IMAP session");
    Session session(trace, seed);
    session.open();
    while (trace.size() + 6 < min_events)
        session.step();
    session.close();
    return trace;
}

}  // namespace mailscope::test
