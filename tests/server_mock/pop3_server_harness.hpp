// A raw-bytes POP3 client for the mock server tests: what goes in is exactly
// what a client would write, and what comes out is exactly what it would read.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "server_mock/pop3_server_session.hpp"
#include "sim/core/in_process_link.hpp"

namespace mailscope::server::testing {

struct PopClient {
    explicit PopClient(MailStore& store, ServerConfig server_config = {})
        : config(std::move(server_config)), server(store, config, trace), link(server) {
        link.open();
        greeting = link.receive();
    }
    std::string send(std::string_view bytes) {
        link.send(bytes);
        return link.receive();
    }
    void login(std::string_view user = "alice", std::string_view password = "wonderland") {
        REQUIRE(send("USER " + std::string(user) + "\r\n").starts_with("+OK"));
        auto answer = send("PASS " + std::string(password) + "\r\n");
        REQUIRE(answer.starts_with("+OK"));
    }

    ServerConfig config;
    sim::SessionTrace trace{sim::Protocol::Pop3};
    Pop3ServerSession server;
    sim::InProcessLink link;
    std::string greeting;
};

}  // namespace mailscope::server::testing
