// For the tests of what the server derives from one message (FETCH items,
// SEARCH keys) without a store around it: the message as the store holds it,
// and the typed arguments of the command that asks.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "server_mock/mail_store.hpp"
#include "sim/imap/command.hpp"

namespace mailscope::server::testing {

// Stores messages that all arrived at `internal_date`: each test file fixes
// the moment its date keys and INTERNALDATE answers are written against.
struct ArrivedAt {
    InternalDate internal_date;

    Message operator()(std::string octets, Uid uid = 7) const {
        Message message;
        message.uid = uid;
        message.octets = std::make_shared<const std::string>(std::move(octets));
        message.internal_date = internal_date;
        return message;
    }
};

// The typed arguments of `line`, a command that must parse.
template <typename Args>
Args command_args(const std::string& line) {
    imap::CommandParse parse = imap::parse_command(line);
    REQUIRE_MESSAGE(parse.command, line);
    return std::get<Args>(parse.command->typed);
}

// The items a FETCH of `items` asks for.
inline std::vector<imap::FetchAtt> fetch_atts(const std::string& items) {
    return command_args<imap::FetchArgs>("a FETCH 1 " + items + "\r\n").atts;
}

// The keys of a SEARCH for `criteria`.
inline std::vector<imap::SearchKey> search_keys(const std::string& criteria) {
    return command_args<imap::SearchArgs>("a SEARCH " + criteria + "\r\n").keys;
}

}  // namespace mailscope::server::testing
