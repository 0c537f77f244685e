// A raw-bytes client of one mock server session, for the server tests: what
// goes in is exactly what a client would write, and what comes out is exactly
// what it would read. The protocol's own client (imap_server_harness.hpp,
// pop3_server_harness.hpp, smtp_server_harness.hpp) adds its login steps.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "server_mock/mail_store.hpp"
#include "server_mock/server_config.hpp"
#include "sim/core/in_process_link.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::server::testing {

// A server that offers STARTTLS (STLS) and refuses a clear-text login until
// the client has used it.
inline ServerConfig tls_before_login() {
    ServerConfig config;
    config.login_disabled_without_tls = true;
    config.starttls_available = true;
    return config;
}

// The default configuration with `change` made to it, for a test that needs
// one or two settings of its own.
template <typename Change>
ServerConfig config_with(Change change) {
    ServerConfig config;
    change(config);
    return config;
}

template <typename ServerSession, sim::Protocol kProtocol>
struct RawClient {
    explicit RawClient(MailStore& store, ServerConfig server_config = {})
        : config(std::move(server_config)), server(store, config, trace), link(server) {
        link.open();
        greeting = link.receive();
    }
    // Sends `bytes` and returns everything the server wrote in answer.
    std::string send(std::string_view bytes) {
        link.send(bytes);
        return link.receive();
    }

    ServerConfig config;
    sim::SessionTrace trace{kProtocol};
    ServerSession server;
    sim::InProcessLink link;
    std::string greeting;
};

}  // namespace mailscope::server::testing
