// Lesson: one teaching scenario read from YAML (lessons/README.md describes
// the format). The same value feeds the headless runner, `mailscope lesson`
// and the GUI's lesson panel, so expectations speak of trace events and
// session state, never of what a screen shows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sim/core/language.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::lessons {

using sim::Language;
using sim::language_from_locale;
using sim::language_from_name;

// Where something was written: every loader error and every failed
// expectation points here.
struct SourceMark {
    std::string file;
    int line = 0;    // 1-based
    int column = 0;  // 1-based
};

// "file:line:column"
std::string to_string(const SourceMark& mark);

// "imap", "pop3", "smtp" (sim::protocol_name), as lesson files write them.
std::optional<sim::Protocol> protocol_from_name(std::string_view name);

// The state names of `protocol` as its state table spells them
// ("Not Authenticated", "TRANSACTION", "Rcpt"...).
std::vector<std::string_view> state_names(sim::Protocol protocol);
// The state table's spelling of `name`, matched ignoring case, spaces, "_"
// and "-" ("transaction", "NotAuthenticated", "RCPT"); nullopt when
// `protocol` has no such state.
std::optional<std::string_view> canonical_state_name(sim::Protocol protocol, std::string_view name);

// A text every learner reads in their language; the loader insists on both.
struct LocalText {
    std::string ru;
    std::string en;

    const std::string& in(Language language) const { return language == Language::Ru ? ru : en; }
};

// How a response line is matched: exactly, as a glob where `*` stands for
// any run of octets, or as an ECMAScript regular expression ("re:" prefix).
struct Pattern {
    enum class Kind : std::uint8_t { Exact, Glob, Regex };
    Kind kind = Kind::Exact;
    std::string text;  // without the "re:" prefix; may hold $variables
    SourceMark mark;
};

struct FlagExpectation {
    bool by_uid = false;  // the key was "uid N" rather than a sequence number
    std::uint32_t number = 0;
    std::vector<std::string> flags;
    SourceMark mark;
};

struct Capture {
    std::string name;
    Pattern pattern;  // always Regex; the first group (or the whole match) is kept
};

// What must be true after a step's action. Unset members are not checked.
struct Expectation {
    std::vector<Pattern> responses;
    SourceMark responses_mark;
    // The responses arrived in the order listed (other responses may come
    // between them): out-of-order completions, RFC 3501 5.5.
    bool responses_in_order = false;
    bool allow_extra_untagged = true;
    std::optional<std::string> tagged;  // IMAP: "OK", "NO" or "BAD"
    SourceMark tagged_mark;
    // POP3 and SMTP: the status of the last reply of the step ("+OK", "-ERR",
    // "250", "5xx" where x is any digit), or with `replies_in_order` the
    // status of every reply of the step, one pattern each, in order.
    std::vector<std::string> replies;
    bool replies_in_order = false;
    SourceMark reply_mark;
    // The state name as the client's protocol's state_name() spells it.
    std::optional<std::string> state;
    SourceMark state_mark;
    std::vector<FlagExpectation> flags;
    std::optional<std::uint32_t> exists;
    SourceMark exists_mark;
    // Substrings of the rules the step breaks, each found in some violation;
    // any other violation during the step fails it.
    std::vector<std::string> violations;
    SourceMark violation_mark;
    std::optional<bool> closed;  // the connection has (not) been closed
    SourceMark closed_mark;
    std::vector<Capture> captures;
};

enum class Highlight : std::uint8_t { StateDiagram, Flags, Literal, Exchanges, Mailbox };

std::string_view highlight_name(Highlight highlight);  // as written in YAML
std::optional<Highlight> highlight_from_name(std::string_view name);

struct Quiz {
    LocalText question;
    std::vector<LocalText> choices;     // multiple choice, with `answer`
    std::optional<std::size_t> answer;  // 0-based index into `choices`
    std::vector<std::string> accept;    // free text: any of these (case-insensitive)
    LocalText explanation;
};

// Does `reply` answer the quiz? For multiple choice it may be the 1-based
// number of a choice or the choice's text in either language; free text is
// compared with `accept` ignoring case and surrounding spaces.
bool quiz_accepts(const Quiz& quiz, std::string_view reply);

// --- actions ------------------------------------------------------------------
struct ConnectAction {};
// Command lines written as one piece; CRLF ends each. Several lines are
// pipelined: all are sent before any response is read.
struct SendAction {
    std::vector<std::string> lines;
};
// Octets exactly as given (YAML escapes such as \r \n are already decoded).
struct SendRawAction {
    std::string bytes;
};
// A command with literals, sent through the client engine so synchronizing
// literals wait for the server's "+". Each "{}" (or "{+}") in `line` is
// replaced by the next literal with its octet count in `charset`.
struct SendLiteralAction {
    std::string line;
    std::vector<std::string> literals;  // UTF-8 as written
    std::string charset = "utf-8";
};
struct SaslAction {
    std::string line;  // base64, or "*" to cancel
};
struct DoneAction {};
struct WaitAction {
    std::int64_t micros = 0;
};
struct CloseAction {};  // the client closes its end
// SMTP message content: the lines of `text` with CRLF line ends, a line that
// starts with "." doubled (RFC 5321 4.5.2), then the final ".". With
// `command` the DATA command goes first and the content only after its 354.
struct DataAction {
    std::string text;
    bool command = true;
};
// A message arrives from outside (an MTA delivering mail).
struct DeliverEvent {
    std::string to;  // user name
    std::string mailbox = "INBOX";
    std::string from = "Postmaster <postmaster@example.org>";
    std::string subject = "New mail";
    std::string body;
};
struct FaultEvent {
    std::string rule;  // fault-rule syntax of server_mock/fault_injection.hpp
};
using ServerEvent = std::variant<DeliverEvent, FaultEvent>;
struct ServerEventAction {
    ServerEvent event;
};

using Action = std::variant<ConnectAction, SendAction, SendRawAction, SendLiteralAction, SaslAction,
                            DoneAction, WaitAction, CloseAction, ServerEventAction, DataAction>;

struct Step {
    std::size_t index = 0;   // 0-based
    SourceMark mark;         // the step's first line
    std::size_t client = 0;  // index into Lesson::clients
    LocalText narration;
    std::optional<Action> action;  // a step may only narrate
    Expectation expect;
    std::vector<Highlight> highlight;
    std::optional<Quiz> quiz;  // asked before the action reveals the answer
};

// Maps onto server::ServerConfig; what is not given keeps the mock server's default.
struct ServerOptions {
    // LOGINDISABLED until STARTTLS (RFC 3501 6.2.3); STARTTLS is then offered.
    bool login_disabled = false;
    bool starttls = false;
    std::optional<std::int64_t> autologout_micros;
    std::optional<std::string> greeting;  // the text of the greeting
    // "ok", "preauth" (RFC 3501 transition 2, logged in as preauth_user) or
    // "bye" (transition 3).
    std::string greeting_kind = "ok";
    std::string preauth_user;
    bool literal_plus = true;         // advertise LITERAL+ (RFC 7888)
    bool idle = true;                 // RFC 2177
    bool move = true;                 // RFC 6851
    bool anonymous = false;           // LOGIN anonymous (RFC 4505)
    std::vector<std::string> faults;  // fault-rule text (server_mock/fault_injection.hpp)
    // POP3 (server_mock/pop3_config.hpp).
    std::optional<std::string> pop3_greeting;
    bool pop3_apop = true;
    // SMTP (server_mock/smtp_config.hpp).
    std::optional<std::string> smtp_hostname;
    std::optional<std::uint64_t> smtp_max_message_size;
    std::optional<std::size_t> smtp_max_recipients;
    std::optional<std::int64_t> smtp_timeout_micros;
};

struct Lesson {
    std::filesystem::path file;
    std::string id;
    SourceMark id_mark;                            // where the id is written
    sim::Protocol protocol = sim::Protocol::Imap;  // of clients listed without one
    LocalText title;
    LocalText summary;
    // The fixture as YAML text, and the folder its relative paths start from.
    std::string fixture_text;
    std::string fixture_label;
    std::filesystem::path fixture_base;
    ServerOptions server;
    std::vector<std::string> clients;             // at least one; "A" when not given
    std::vector<sim::Protocol> client_protocols;  // one per client
    std::vector<Step> steps;

    sim::Protocol client_protocol(std::size_t client) const { return client_protocols.at(client); }
};

}  // namespace mailscope::lessons
