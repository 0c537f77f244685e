// A raw-bytes SMTP client for the mock server tests: what goes in is exactly
// what a client would write, and what comes out is exactly what it would read.
#pragma once

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "server_mock/smtp_server_session.hpp"
#include "sim/core/in_process_link.hpp"

namespace mailscope::server::testing {

struct SmtpClient {
    explicit SmtpClient(MailStore& store, ServerConfig server_config = {})
        : config(std::move(server_config)), server(store, config, trace), link(server) {
        link.open();
        greeting = link.receive();
    }
    std::string send(std::string_view bytes) {
        link.send(bytes);
        return link.receive();
    }
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

    ServerConfig config;
    sim::SessionTrace trace{sim::Protocol::Smtp};
    SmtpServerSession server;
    sim::InProcessLink link;
    std::string greeting;
};

}  // namespace mailscope::server::testing
