// The server sessions' side of the transport contract (connection_handler.hpp)
// that keeps a class's server within bounds: they take no more pipelined
// input while their output queue is full, idle timers count from the last
// complete line, and they say goodbye in their protocol when the transport
// gives up on their output.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "imap_server_harness.hpp"
#include "server_mock/imap_server_session.hpp"
#include "server_mock/pop3_server_session.hpp"
#include "server_mock/refusal.hpp"
#include "server_mock/smtp_server_session.hpp"
#include "sim/core/in_process_link.hpp"
#include "tests/server_mock/server_session.hpp"

using namespace mailscope;
using namespace mailscope::server;
using server::testing::fill_store;

namespace {

constexpr transport::Micros kSecond = 1000 * 1000;

std::string drain(transport::OutputQueue& output) {
    std::string bytes;
    while (!output.empty())
        bytes += output.take_front().bytes;
    return bytes;
}

std::size_t count_lines(std::string_view text) {
    std::size_t lines = 0;
    for (char c : text)
        lines += c == '\n';
    return lines;
}

// Gives `handler` 1000 pipelined lines in one piece, as one read from a
// socket would, with an output bound of `bound` octets: the handler must
// stop taking input while its queue is full and go on where it stopped once
// it is drained. Returns everything it wrote after its greeting.
std::string feed_pipelined(transport::ConnectionHandler& handler,
                           const std::function<std::string(int)>& line, std::size_t bound) {
    handler.on_open(0, false);
    auto& output = handler.output();
    drain(output);
    output.set_bound(bound);
    std::string input;
    for (int i = 0; i < 1000; ++i)
        input += line(i);
    std::string written;
    std::size_t offset = 0;
    std::size_t calls = 0;
    while (offset < input.size()) {
        REQUIRE(++calls <= input.size());
        const std::size_t taken = handler.on_bytes(std::string_view(input).substr(offset), 1);
        // Called with room in the queue, it takes at least one line.
        REQUIRE(taken > 0);
        REQUIRE(taken <= input.size() - offset);
        offset += taken;
        if (offset < input.size()) {
            // Stopped only because the queue is full, and just past the bound:
            // by the answer to the one line that filled it.
            CHECK(output.full());
            CHECK(output.octets() <= bound + 64);
            CHECK(input[offset - 1] == '\n');
        }
        written += drain(output);
    }
    CHECK(calls > 10);
    return written;
}

// One session of `protocol` on a store of its own, filled by fill_store().
struct OneSession {
    explicit OneSession(sim::Protocol protocol, ServerConfig server_config = {})
        : config(std::move(server_config)), trace(protocol) {
        fill_store(store);
        session = testing::make_server_session(protocol, store, config, trace);
    }

    MailStore store;
    ServerConfig config;
    sim::SessionTrace trace;
    std::unique_ptr<transport::ConnectionHandler> session;
};

std::string noop(int) {
    return "NOOP\r\n";
}

}  // namespace

TEST_CASE("an IMAP session takes no more pipelined commands while its output is full") {
    OneSession imap(sim::Protocol::Imap);
    const auto written = feed_pipelined(
        *imap.session, [](int i) { return fmt::format("n{} NOOP\r\n", i); }, 256);
    std::string expected;
    for (int i = 0; i < 1000; ++i)
        expected += fmt::format("n{} OK NOOP completed\r\n", i);
    CHECK(written == expected);
}

TEST_CASE("a POP3 session takes no more pipelined commands while its output is full") {
    OneSession pop3(sim::Protocol::Pop3);
    CHECK(count_lines(feed_pipelined(*pop3.session, noop, 256)) == 1000);
}

TEST_CASE("an SMTP session takes no more pipelined commands while its output is full") {
    OneSession smtp(sim::Protocol::Smtp);
    const auto written = feed_pipelined(*smtp.session, noop, 256);
    CHECK(count_lines(written) == 1000);
    CHECK(written.starts_with("250 "));
}

TEST_CASE("without a bound a session takes all it is given") {
    OneSession imap(sim::Protocol::Imap);
    imap.session->on_open(0, false);
    std::string input;
    for (int i = 0; i < 1000; ++i)
        input += fmt::format("n{} NOOP\r\n", i);
    CHECK(imap.session->on_bytes(input, 1) == input.size());
}

namespace {

// Sends `line` one octet per virtual second without its end; returns the
// seconds until the server closed, or 0 when it was still open after 60.
int trickle(transport::ConnectionHandler& session, std::string_view line) {
    sim::InProcessLink link(session);
    link.open();
    link.receive();
    for (int second = 1; second <= 60; ++second) {
        link.send(line.substr((second - 1) % line.size(), 1));
        link.advance(kSecond);
        if (link.server_closed()) return second;
    }
    return 0;
}

}  // namespace

TEST_CASE("idle timers count from the last complete line, not the last octet") {
    const ServerConfig ten_seconds = testing::config_with([](auto& config) {
        config.autologout = 10 * kSecond;
        config.pop3.autologout = 10 * kSecond;
        config.smtp.timeout = 10 * kSecond;
    });
    for (const auto& [protocol, line] :
         {std::pair{sim::Protocol::Imap, "a NOOP and never an end "},
          std::pair{sim::Protocol::Pop3, "NOOP and never an end "},
          std::pair{sim::Protocol::Smtp, "NOOP and never an end "}}) {
        const auto name = sim::protocol_name(protocol);
        CAPTURE(name);
        OneSession one(protocol, ten_seconds);
        const int closed_after = trickle(*one.session, line);
        CHECK(closed_after > 0);
        CHECK(closed_after <= 10);
    }
    // A line ended now and then keeps a session open.
    OneSession imap(sim::Protocol::Imap, ten_seconds);
    CHECK(trickle(*imap.session, "a NOOP\r\n") == 0);
}

TEST_CASE("a session says goodbye in its protocol when the transport gives up on its output") {
    for (const auto& [protocol, goodbye] :
         {std::pair{sim::Protocol::Imap, "* BYE [LIMIT] too much unread output\r\n"},
          std::pair{sim::Protocol::Pop3, "-ERR [SYS/TEMP] too much unread output\r\n"},
          std::pair{sim::Protocol::Smtp, "421 4.3.2 mailscope.test too much unread output\r\n"}}) {
        const auto name = sim::protocol_name(protocol);
        CAPTURE(name);
        OneSession one(protocol);
        auto& session = *one.session;
        session.on_open(0, false);
        drain(session.output());
        session.on_overload(1, "too much unread output");
        CHECK(drain(session.output()) == goodbye);
        CHECK(session.wants_close());
        if (protocol == sim::Protocol::Imap) {
            const auto* imap = dynamic_cast<const ImapServerSession*>(&session);
            REQUIRE(imap != nullptr);
            CHECK(imap->store_session() == kNoSession);
        }
    }
}

TEST_CASE("a connection with no room is turned away in its protocol") {
    ServerConfig config;
    CHECK(too_many_connections(sim::Protocol::Imap, config) ==
          "* BYE [UNAVAILABLE] Too many connections, try again later\r\n");
    CHECK(too_many_connections(sim::Protocol::Pop3, config) ==
          "-ERR [SYS/TEMP] too many connections, try again later\r\n");
    CHECK(too_many_connections(sim::Protocol::Smtp, config) ==
          "421 4.3.2 mailscope.test too many connections, try again later\r\n");
}
