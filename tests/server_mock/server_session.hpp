// A mock server session of any of the three protocols behind the transport
// interface, for the tests that treat IMAP, POP3 and SMTP alike.
#pragma once

#include <memory>

#include "server_mock/imap_server_session.hpp"
#include "server_mock/pop3_server_session.hpp"
#include "server_mock/smtp_server_session.hpp"

namespace mailscope::server::testing {

inline std::unique_ptr<transport::ConnectionHandler> make_server_session(sim::Protocol protocol,
                                                                         MailStore& store,
                                                                         const ServerConfig& config,
                                                                         sim::SessionTrace& trace) {
    switch (protocol) {
        case sim::Protocol::Imap:
            return make_imap_session(store, config, trace);
        case sim::Protocol::Pop3:
            return make_pop3_session(store, config, trace);
        case sim::Protocol::Smtp:
            return make_smtp_session(store, config, trace);
    }
    return nullptr;
}

}  // namespace mailscope::server::testing
