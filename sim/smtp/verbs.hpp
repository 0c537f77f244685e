// Everything mailscope knows about each SMTP command verb, in one table:
// its name, the states of the command order it is valid in (RFC 5321
// 4.1.4, RFC 3207 4, RFC 4954 4), the section that defines it, the replies
// that mean it went on or succeeded (RFC 5321 4.3.2), and its place in a
// pipelined group (RFC 2920 3.1).
//
// The parser, the engine and the mock server read it;
// tests/sim/smtp_state_rules.hpp reads the same facts from the RFCs on its
// own, and the tests compare the two.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/core/enum_set.hpp"
#include "sim/core/verb_table.hpp"
#include "sim/smtp/states.hpp"

namespace mailscope::smtp {

enum class Verb : std::uint8_t {
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Rset,
    Noop,
    Vrfy,
    Expn,
    Help,
    Quit,
    Starttls,
    Auth,
    Unknown,
};

inline constexpr std::size_t verb_count = static_cast<std::size_t>(Verb::Unknown) + 1;

enum class VerbFlag : std::uint8_t {
    // After its reply the client sends no command but the message (DATA's
    // 354), SASL responses (AUTH's 334) or a TLS handshake (STARTTLS's
    // 220): it waits for the reply before it sends anything more.
    SwitchesInput,
};
using VerbFlags = sim::EnumSet<VerbFlag>;
using StateSet = sim::EnumSet<State>;

// Reply codes, at most three.
struct Codes {
    std::array<int, 3> codes = {};
    constexpr bool contains(int code) const {
        return code != 0 && std::find(codes.begin(), codes.end(), code) != codes.end();
    }
};

struct VerbInfo {
    Verb verb;
    std::string_view name;
    StateSet states;           // where a client may send it
    std::string_view section;  // the section that defines it
    Codes success = {};        // RFC 5321 4.3.2 "S:" (STARTTLS: RFC 3207 4, AUTH: RFC 4954 6)
    int intermediate = 0;      // "I:": DATA's 354, AUTH's 334 challenge
    // The section that makes it the last command of a pipelined group;
    // empty when a command may follow it in the same group.
    std::string_view ends_group = {};
    VerbFlags flags = {};
    // The first argument that is a secret (AUTH's initial response, after
    // its mechanism): masked. Such a line may be longer than a command's
    // (RFC 4954 4: 12288 octets).
    std::optional<std::uint8_t> secret_from = {};
};

namespace verb_table {

using enum Verb;
using enum VerbFlag;

// Greeted by the server, before EHLO or HELO, and after it, inside a mail
// transaction or not: RFC 5321 4.1.4 lets these be sent "at any time
// during a session, or without previously initializing a session".
inline constexpr StateSet anywhere{State::Ready, State::Greeted, State::Mail, State::Rcpt};
inline constexpr StateSet no_transaction{State::Greeted};
inline constexpr std::string_view rfc2920 = "RFC 2920 3.1";
inline constexpr VerbFlags waits{SwitchesInput};

// In the order of the enum: verbs[v] describes Verb v.
inline constexpr std::array<VerbInfo, verb_count> verbs{{
    // HELO is not in RFC 2920's list: after it the session has no
    // extensions, PIPELINING included.
    {Helo, "HELO", anywhere, "RFC 5321 4.1.1.1", {{250}}},
    {Ehlo, "EHLO", anywhere, "RFC 5321 4.1.1.1", {{250}}, 0, rfc2920},
    {Mail, "MAIL", no_transaction, "RFC 5321 4.1.1.2", {{250}}},
    {Rcpt, "RCPT", {State::Mail, State::Rcpt}, "RFC 5321 4.1.1.3", {{250, 251}}},
    {Data, "DATA", {State::Rcpt}, "RFC 5321 4.1.1.4", {{250}}, 354, rfc2920, waits},
    {Rset, "RSET", anywhere, "RFC 5321 4.1.1.5", {{250}}},
    {Noop, "NOOP", anywhere, "RFC 5321 4.1.1.9", {{250}}, 0, rfc2920},
    {Vrfy, "VRFY", anywhere, "RFC 5321 4.1.1.6", {{250, 251, 252}}, 0, rfc2920},
    {Expn, "EXPN", anywhere, "RFC 5321 4.1.1.7", {{250, 252}}, 0, rfc2920},
    {Help, "HELP", anywhere, "RFC 5321 4.1.1.8", {{211, 214}}},
    {Quit, "QUIT", anywhere, "RFC 5321 4.1.1.10", {{221}}, 0, rfc2920},
    {Starttls, "STARTTLS", no_transaction, "RFC 3207 4", {{220}}, 0, "RFC 3207 4", waits},
    {Auth, "AUTH", no_transaction, "RFC 4954 4", {{235}}, 334, "RFC 4954 4", waits, 1},
    // Not an SMTP command: no order error; the server answers "500 Syntax
    // error, command unrecognized" wherever it comes (RFC 5321 4.2.3).
    {Unknown, "?", anywhere, "RFC 5321 4.1"},
}};

}  // namespace verb_table

using verb_table::verbs;

// The table the lookups of sim/core/verb_table.hpp read for this Verb.
constexpr const auto& verb_rows(Verb) {
    return verbs;
}
using sim::command_allowed;
using sim::has_flag;
using sim::verb_info;
using sim::verb_name;

Verb verb_from_name(std::string_view name);  // case-insensitive; Unknown otherwise

}  // namespace mailscope::smtp
