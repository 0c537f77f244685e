// The SMTP client of the mock server tests.
#pragma once

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "server_mock/smtp_server_session.hpp"
#include "tests/server_mock/raw_client.hpp"

namespace mailscope::server::testing {

struct SmtpClient : RawClient<SmtpServerSession, sim::Protocol::Smtp> {
    using RawClient::RawClient;

    void ehlo() {
        auto answer = send("EHLO client.example.net\r\n");
        REQUIRE(answer.rfind("250-mailscope.test greets client.example.net\r\n", 0) == 0);
    }
    std::size_t violations() const {
        std::size_t n = 0;
        for (const auto& event : trace.events())
            n += event.kind == sim::EventKind::Violation;
        return n;
    }
};

}  // namespace mailscope::server::testing
