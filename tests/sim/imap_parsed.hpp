// The IMAP codec tests' way to read one command or response: it must parse
// (or, for the *_error forms, must not), and a failure shows the bytes and
// the parser's message.
#pragma once

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "sim/imap/command.hpp"
#include "sim/imap/framer.hpp"
#include "sim/imap/response.hpp"

namespace mailscope::test {

inline std::optional<imap::Command> parsed_value(imap::CommandParse parsed) {
    return std::move(parsed.command);
}
inline std::optional<imap::Response> parsed_value(imap::ResponseParse parsed) {
    return std::move(parsed.response);
}

template <typename Parse>
auto must_parse(Parse parsed, std::string_view bytes) {
    INFO(bytes, " ", parsed.error ? parsed.error->message : std::string());
    REQUIRE_FALSE(parsed.error);
    auto value = parsed_value(std::move(parsed));
    REQUIRE(value);
    return *std::move(value);
}

template <typename Parse>
imap::ParseError must_not_parse(Parse parsed, std::string_view bytes) {
    INFO(bytes);
    REQUIRE(parsed.error);
    REQUIRE_FALSE(parsed_value(parsed));
    return *parsed.error;
}

inline imap::Command parsed_command(std::string_view bytes) {
    return must_parse(imap::parse_command(bytes), bytes);
}
inline imap::Response parsed_response(std::string_view bytes) {
    return must_parse(imap::parse_response(bytes), bytes);
}
inline imap::ParseError command_error(std::string_view bytes) {
    return must_not_parse(imap::parse_command(bytes), bytes);
}
inline imap::ParseError response_error(std::string_view bytes) {
    return must_not_parse(imap::parse_response(bytes), bytes);
}

// The first frame the imap::Framer cuts from `bytes`, literals included.
inline imap::Frame first_frame(std::string_view bytes) {
    imap::Framer framer;
    framer.feed(bytes);
    auto event = framer.next();
    while (event && std::holds_alternative<imap::LiteralAwaited>(*event))
        event = framer.next();
    REQUIRE(event);
    auto* frame = std::get_if<imap::Frame>(&*event);
    REQUIRE(frame);
    return std::move(*frame);
}

// The first command or response the imap::Framer cuts from `bytes`.
inline imap::Command framed_command(std::string_view bytes) {
    const imap::Frame frame = first_frame(bytes);
    return must_parse(imap::parse_command(frame), frame.bytes);
}
inline imap::Response framed_response(std::string_view bytes) {
    const imap::Frame frame = first_frame(bytes);
    return must_parse(imap::parse_response(frame), frame.bytes);
}

}  // namespace mailscope::test
