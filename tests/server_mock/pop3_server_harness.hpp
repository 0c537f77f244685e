// The POP3 client of the mock server tests.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "server_mock/pop3_server_session.hpp"
#include "tests/server_mock/raw_client.hpp"

namespace mailscope::server::testing {

struct PopClient : RawClient<Pop3ServerSession, sim::Protocol::Pop3> {
    using RawClient::RawClient;

    void login(std::string_view user = "alice", std::string_view password = "wonderland") {
        REQUIRE(send("USER " + std::string(user) + "\r\n").starts_with("+OK"));
        auto answer = send("PASS " + std::string(password) + "\r\n");
        REQUIRE(answer.starts_with("+OK"));
    }
};

}  // namespace mailscope::server::testing
