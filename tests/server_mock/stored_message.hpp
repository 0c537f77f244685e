// For the tests of what the server derives from one message (FETCH items,
// SEARCH keys) without a store around it: the message as the store holds it,
// and the typed arguments of the command that asks.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <variant>

#include "server_mock/mail_store.hpp"
#include "sim/imap/command.hpp"

namespace mailscope::server::testing {

inline Message stored_message(std::string octets, Uid uid, InternalDate internal_date) {
    Message message;
    message.uid = uid;
    message.octets = std::make_shared<const std::string>(std::move(octets));
    message.internal_date = internal_date;
    return message;
}

// The typed arguments of `line`, a command that must parse.
template <typename Args>
Args command_args(const std::string& line) {
    imap::CommandParse parse = imap::parse_command(line);
    REQUIRE_MESSAGE(parse.command, line);
    return std::get<Args>(parse.command->typed);
}

}  // namespace mailscope::server::testing
