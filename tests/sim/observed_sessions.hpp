// Decoding engines (observers) brought to a given state of their protocol by
// the shortest RFC-conform exchange, for the tests that walk every command
// and every transition in every state.
#pragma once

#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "sim/imap/session.hpp"
#include "sim/pop3/session.hpp"
#include "sim/smtp/session.hpp"
#include "tests/sim/observer.hpp"
#include "tests/support/trace_queries.hpp"

namespace mailscope::test {

using sim::Direction;

// An observer that saw the server greet and, as `state` asks, a LOGIN, a
// SELECT, a LOGOUT or the end of the connection; the trace so far has no
// violation.
struct ObservedImap : Observer<imap::ImapSession, sim::Protocol::Imap> {
    explicit ObservedImap(imap::State state) {
        using imap::State;
        if (state != State::Connecting) server("* OK ready\r\n");
        if (state == State::Authenticated || state == State::Selected || state == State::Logout) {
            client("p1 LOGIN joe secret\r\n");
            server("p1 OK LOGIN completed\r\n");
        }
        if (state == State::Selected) {
            client("p2 SELECT INBOX\r\n");
            server("* 3 EXISTS\r\np2 OK [READ-WRITE] SELECT completed\r\n");
        }
        if (state == State::Logout) {
            client("p3 LOGOUT\r\n");
            server("* BYE logging out\r\np3 OK LOGOUT completed\r\n");
        }
        if (state == State::Closed) {
            session.feed_eof(Direction::ServerToClient);
            session.feed_eof(Direction::ClientToServer);
        }
        require_clean_in(state);
    }
};

// An observer brought to `state` by a greeting, a login and a QUIT as it
// needs them.
struct ObservedPop3 : Observer<pop3::Pop3Session, sim::Protocol::Pop3> {
    explicit ObservedPop3(pop3::State state) {
        using pop3::State;
        if (state != State::Connecting) server("+OK ready\r\n");
        if (state == State::Transaction || state == State::Update || state == State::Closed) {
            client("USER mrose\r\n");
            server("+OK\r\n");
            client("PASS secret\r\n");
            server("+OK maildrop locked\r\n");
        }
        if (state == State::Update || state == State::Closed) client("QUIT\r\n");
        if (state == State::Closed) server("+OK bye\r\n");
        require_clean_in(state);
    }
};

// An observer brought to `state` through the command order of RFC 5321.
struct ObservedSmtp : Observer<smtp::SmtpSession, sim::Protocol::Smtp> {
    explicit ObservedSmtp(smtp::State state) {
        using smtp::State;
        if (state != State::Connecting) server("220 mx.example ESMTP\r\n");
        if (state != State::Connecting && state != State::Ready) {
            client("EHLO client.example\r\n");
            server("250-mx.example\r\n250 PIPELINING\r\n");
        }
        if (state == State::Mail || state == State::Rcpt || state == State::Data) {
            client("MAIL FROM:<a@b.example>\r\n");
            server("250 ok\r\n");
        }
        if (state == State::Rcpt || state == State::Data) {
            client("RCPT TO:<c@d.example>\r\n");
            server("250 ok\r\n");
        }
        if (state == State::Data) {
            client("DATA\r\n");
            server("354 go ahead\r\n");
        }
        if (state == State::Quit || state == State::Closed) {
            client("QUIT\r\n");
            server("221 bye\r\n");
        }
        if (state == State::Closed) {
            session.feed_eof(Direction::ServerToClient);
            session.feed_eof(Direction::ClientToServer);
        }
        require_clean_in(state);
    }
};

}  // namespace mailscope::test
