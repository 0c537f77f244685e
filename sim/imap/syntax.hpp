// The lexical tree every IMAP line is made of (RFC 3501 section 9, RFC 7888 literals).
//
// A Node keeps the form each value was written in (atom, quoted string,
// literal and its sync-ness, spacing), so writing a parsed tree back gives
// the very same octets. Typed commands and responses are read from this tree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/catalogue.hpp"
#include "sim/imap/limits.hpp"

namespace mailscope::imap {

struct ParseError {
    std::size_t offset = 0;  // octet of the message where the problem was found
    std::string message;     // plain sentence: "expected SP after tag"
    // The same sentence as a phrase of the catalogue, where it has one.
    std::optional<sim::Said> said = std::nullopt;

    sim::Said as_said() const { return said ? *said : sim::verbatim(message); }
};

// A parse error at `offset`: the sentence in English and as a phrase.
ParseError parse_error(std::size_t offset, sim::Said said);

struct Node {
    enum class Kind : std::uint8_t {
        Atom,
        Number,
        Quoted,
        Literal,
        Nil,
        List,
        Section,  // [..]
        Partial,  // <..>
        Text,     // free text to the end of the line (or to ']' inside a response code)
    };
    Kind kind = Kind::Atom;
    bool space_before = true;   // false e.g. for the [..] in BODY[..] or the first node of a list
    bool synchronizing = true;  // Literal only
    // Literal only: literal8 "~{n}", whose data may hold any octet, NUL too
    // (RFC 3516 4.2, RFC 9051 9).
    bool binary = false;
    // Literal only: "{05}" is a legal size (number = 1*DIGIT) and is written back as sent.
    std::uint8_t size_leading_zeros = 0;
    std::string value;  // atom text as written, decoded quoted content, literal octets, text
    std::vector<Node> children;  // List / Section
    std::size_t offset = 0;      // where the node starts in the parsed message (0 for built nodes)

    // Atom, Number or Nil spelled `word`, ignoring case.
    bool is_atom(std::string_view word) const;
    // Usable as an astring: atom, number, quoted or literal (NIL counts as the atom "NIL").
    bool is_string() const;
    bool is_list() const { return kind == Kind::List; }
    std::optional<std::uint32_t> as_number() const;
    std::optional<std::uint64_t> as_number64() const;
};

// number64 = 1*DIGIT, "Unsigned 63-bit integer (0 <= n <= 9,223,372,036,854,775,807)"
// (RFC 9051 9).
inline constexpr std::uint64_t kMaxNumber64 = 9'223'372'036'854'775'807ULL;

bool iequals(std::string_view a, std::string_view b);
std::string to_upper(std::string_view text);

// RFC 3501 9: ATOM-CHAR, ASTRING-CHAR (ATOM-CHAR plus ']'), and strings made of them.
bool is_atom_char(char c);
bool is_astring_char(char c);
bool is_atom_text(std::string_view text);
bool is_astring_atom(std::string_view text);

// Builders: nodes separated by one SP unless placed first in a list or section.
Node make_atom(std::string text);
Node make_number(std::uint64_t number);
Node make_quoted(std::string text);
Node make_literal(std::string data, bool synchronizing = true);
Node make_literal8(std::string data, bool synchronizing = true);
Node make_nil();
Node make_list(std::vector<Node> children);
Node make_section(std::vector<Node> children);
Node make_partial(std::string text);
Node make_text(std::string text);
// The lightest form that can carry `value`: atom, else quoted, else literal
// (8-bit, CR, LF or a quote-unfriendly length); `non_sync` picks {n+}.
Node make_astring(std::string_view value, bool non_sync = false);
// A string (never an atom): quoted, else literal.
Node make_string(std::string_view value, bool non_sync = false);
Node make_nstring(const std::optional<std::string>& value);

void write_node(std::string& out, const Node& node);
void write_nodes(std::string& out, const std::vector<Node>& nodes);  // exact wire form
std::string to_wire(const std::vector<Node>& nodes);

// Reads nodes from `bytes` at `pos`, each introduced by exactly one SP, until
// the end of the line (CR or LF, not consumed) or, with `stop_at_bracket`,
// a ']' (not consumed). Nesting deeper than limits.max_nesting is an error.
std::optional<ParseError> lex_nodes(std::string_view bytes, std::size_t& pos,
                                    std::vector<Node>& out, const Limits& limits,
                                    bool stop_at_bracket = false);

// Whether make_string() writes `value` as a quoted string rather than a
// literal: 7-bit, no CR, LF or NUL (RFC 3501 9: QUOTED-CHAR), and short.
bool quotable(std::string_view value);

// `text` as a quoted string, '"' and '\\' escaped (RFC 3501 9: quoted).
void write_quoted(std::string& out, std::string_view text);

// The message ends at `pos` with CRLF (or a tolerated bare LF) and nothing after.
std::optional<ParseError> expect_line_end(std::string_view bytes, std::size_t pos);

// A NUL octet anywhere in the message but in literal8 data (RFC 3501 9:
// CHAR8 excludes NUL; RFC 3516 4.2 literal8 allows it).
std::optional<ParseError> find_nul(std::string_view bytes);

// The quoted strings among `nodes` (lists and sections included) that hold an
// octet above 0x7F: the lexer reads them so that a session carries on, but
// IMAP4rev1's QUOTED-CHAR is 7-bit (RFC 3501 9); UTF-8 needs UTF8=ACCEPT
// (RFC 6855) or IMAP4rev2 (RFC 9051).
std::vector<const Node*> quoted_with_8bit(const std::vector<Node>& nodes);

}  // namespace mailscope::imap
