// Typed IMAP client commands: parse, serialize and build (RFC 3501 6 and 9,
// RFC 7888 literals, RFC 4315 UID EXPUNGE, RFC 6851 MOVE, RFC 2177 IDLE,
// RFC 2342 NAMESPACE, RFC 3691 UNSELECT, RFC 2971 ID, RFC 5161 ENABLE,
// RFC 4959 SASL-IR, RFC 4314 ACL, RFC 4469 CATENATE, RFC 5465 NOTIFY).
//
// The generic node tree (`Command::args`) is the exact wire form and what
// serialize() writes; the typed view (`Command::typed`) is read from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sim/imap/framer.hpp"
#include "sim/imap/limits.hpp"
#include "sim/imap/syntax.hpp"
#include "sim/imap/verbs.hpp"

namespace mailscope::imap {

// 0 stands for "*"; a range may be reversed (4:2).
struct SeqRange {
    std::uint32_t first = 0, last = 0;
};

struct SequenceSet {
    std::vector<SeqRange> ranges;
    // "$": the messages the last SEARCH RETURN (SAVE) kept (RFC 5182 2.1);
    // no ranges then, and contains() knows none of them.
    bool saved = false;
    // `star` is the value "*" stands for (the highest number in use).
    bool contains(std::uint32_t n, std::uint32_t star) const;
    std::string to_string() const;
    static std::optional<SequenceSet> parse(std::string_view text);
    // Ascending numbers as a set with runs: 1,3:5.
    static SequenceSet of_ascending(const std::vector<std::uint32_t>& numbers);
};

struct SectionSpec {
    std::vector<std::uint32_t> part;  // 1.2.3
    enum class Text : std::uint8_t { None, Header, HeaderFields, HeaderFieldsNot, Text, Mime };
    Text text = Text::None;
    std::vector<std::string> fields;  // HEADER.FIELDS (..) / HEADER.FIELDS.NOT (..)
    std::string to_string() const;    // the text between [ and ]
};

struct FetchAtt {
    enum class Kind : std::uint8_t {
        Envelope,
        Flags,
        InternalDate,
        Rfc822,
        Rfc822Header,
        Rfc822Size,
        Rfc822Text,
        Body,  // non-extensible BODYSTRUCTURE
        BodyStructure,
        Uid,
        BodySection,  // BODY[..]
        Binary,       // BINARY[part]<partial>, decoded (RFC 3516 4.2, RFC 9051 6.4.5)
        BinarySize,   // BINARY.SIZE[part]
        ModSeq,       // MODSEQ (CONDSTORE, RFC 7162 3.1.4.2)
        Other,
    };
    Kind kind = Kind::Other;
    bool peek = false;
    SectionSpec section;
    std::optional<std::pair<std::uint32_t, std::uint32_t>> partial;  // <origin.count>
    std::string name;  // as written, for Other (with any [..]<..> that followed it)
};

// The canonical wire spelling of a fetch attribute: "RFC822.SIZE", "BODY.PEEK[1.MIME]<0.10>".
std::string fetch_att_name(const FetchAtt& att);
// Its wire nodes: the name, then [section] and <partial> when present.
std::vector<Node> fetch_att_nodes(const FetchAtt& att);
void add_fetch_att(std::vector<Node>& out, const FetchAtt& att);

// RFC 3501 6.4.4 search-key.
struct SearchKey {
    enum class Kind : std::uint8_t {
        All,
        Answered,
        Bcc,
        Before,
        Body,
        Cc,
        Deleted,
        Draft,
        Flagged,
        From,
        Header,
        Keyword,
        Larger,
        ModSeq,  // MODSEQ ["/flags/..." priv|shared|all] n (RFC 7162 3.1.5)
        New,
        Not,
        Old,
        On,
        Or,
        Recent,
        Seen,
        SentBefore,
        SentOn,
        SentSince,
        Since,
        Smaller,
        Subject,
        Text,
        To,
        Uid,
        Unanswered,
        Undeleted,
        Undraft,
        Unflagged,
        Unkeyword,
        Unseen,
        SequenceSet,  // a bare sequence set
        Group,        // ( key *(SP key) )
    };
    Kind kind = Kind::All;
    std::string string;  // BCC/BODY/CC/FROM/SUBJECT/TEXT/TO value, HEADER field name, KEYWORD flag,
                         // date text
    std::string value;   // HEADER field value
    std::uint32_t number = 0;         // LARGER / SMALLER
    std::uint64_t modseq = 0;         // MODSEQ; `string` the entry name, `value` its type
    SequenceSet set;                  // SequenceSet / UID
    std::vector<SearchKey> children;  // NOT: 1, OR: 2, Group: 1 or more
};

std::string_view search_key_name(SearchKey::Kind kind);  // "SENTBEFORE"...

struct LoginArgs {
    std::string user;
    std::string password;
};
struct AuthenticateArgs {
    std::string mechanism;
    std::optional<std::string> initial_response;  // SASL-IR (RFC 4959), base64 or "="
};
// An option of an extended LIST or SEARCH, upper case, with the items of its
// value: STATUS (MESSAGES UNSEEN) is {"STATUS", {"MESSAGES", "UNSEEN"}, true}
// (RFC 9051 9 option-extension, search-ret-opt-ext).
struct CommandOption {
    std::string name;
    std::vector<std::string> values;
    bool has_value = false;
};
using CommandOptions = std::vector<CommandOption>;
// `options` holds one named `name` (upper case).
bool has_option(const CommandOptions& options, std::string_view name);
// The QRESYNC parameter of SELECT and EXAMINE (RFC 7162 3.2.5): what the
// client knew when it last had the mailbox open. No set holds "*".
struct QresyncParams {
    std::uint32_t uidvalidity = 0;
    std::uint64_t modseq = 0;
    std::optional<SequenceSet> known_uids;
    // seq-match-data: message numbers and the UIDs they had, pair by pair.
    std::optional<std::pair<SequenceSet, SequenceSet>> seq_match;
};
// SELECT EXAMINE CREATE DELETE SUBSCRIBE UNSUBSCRIBE GETACL MYRIGHTS GETQUOTAROOT
struct MailboxArgs {
    std::string mailbox;
    // SELECT and EXAMINE parameters (RFC 4466 2.1): (CONDSTORE) (RFC 7162
    // 3.1.8); QRESYNC is listed here without values and read into `qresync`.
    std::optional<CommandOptions> select_params;
    std::optional<QresyncParams> qresync;
};
struct AclArgs {  // SETACL, DELETEACL and LISTRIGHTS (RFC 4314 3.1, 3.2, 3.4)
    std::string mailbox;
    std::string identifier;
    std::string rights;  // SETACL's mod-rights as written: "+lr", "-w", "lrs"
};
// A resource and its limit, or its usage and limit (RFC 9208 7).
struct QuotaResource {
    std::string name;  // as written: STORAGE, MESSAGE, MAILBOX, ANNOTATION-STORAGE or another atom
    std::uint64_t usage = 0;  // QUOTA responses only
    std::uint64_t limit = 0;
};
struct QuotaArgs {                      // GETQUOTA and SETQUOTA (RFC 9208 4.1.1, 4.1.3)
    std::string root;                   // an opaque astring, not a mailbox name (RFC 9208 3.2)
    std::vector<QuotaResource> limits;  // SETQUOTA; empty: no limits at all
};
struct RenameArgs {
    std::string from, to;
};

struct ListArgs {  // LIST and LSUB
    std::string reference, pattern;
    // LIST-EXTENDED (RFC 5258 3, RFC 9051 6.3.9): selection options before
    // the reference, patterns as a parenthesised list (`pattern` the first,
    // `more_patterns` the rest) and return options after them.
    std::optional<CommandOptions> select_options;
    std::vector<std::string> more_patterns;
    bool pattern_list = false;
    std::optional<CommandOptions> return_options;

    bool extended() const { return select_options || pattern_list || return_options; }
};
struct StatusArgs {
    std::string mailbox;
    std::vector<std::string> items;
};
// A piece of a CATENATE message (RFC 4469 5 cat-part): octets the client
// sends, or the URL of a message or part the server already holds, whose
// octets the server copies in.
struct CatenatePart {
    // Utf8: octets sent as UTF8 (~{n}), allowed where UTF8=ACCEPT is (RFC
    // 6855 4 cat-part); Text takes a plain literal only (RFC 4469 5).
    enum class Kind : std::uint8_t { Text, Url, Utf8 };
    Kind kind = Kind::Text;
    std::string value;  // the literal's octets, or the URL as sent
};
// One message of APPEND: its flags, date and octets. MULTIAPPEND (RFC 3502
// 6) sends several in one command.
struct AppendMessage {
    std::vector<std::string> flags;
    bool has_flags = false;
    std::optional<std::string> date_time;  // "17-Jul-1996 02:44:25 -0700"
    std::string message;  // empty for a CATENATE message, which the server assembles
    // How the message went: a literal8 ~{n} (BINARY, RFC 3516 4.4), or
    // UTF8 (~{n}) for a message with UTF-8 headers (UTF8=ACCEPT, RFC 6855 4).
    bool binary = false;
    bool utf8 = false;
    // CATENATE (...) in place of the message (RFC 4469 3): at least one part.
    std::vector<CatenatePart> catenate;

    // UTF8 (~{n}) for the whole message or for a part of it (RFC 6855 4).
    bool sends_utf8() const;
};
struct AppendArgs {
    std::string mailbox;
    std::vector<AppendMessage> messages;  // at least one
};
struct SearchArgs {
    // RETURN (MIN MAX ...): the answer comes as one ESEARCH (RFC 4731 3.1,
    // RFC 9051 6.4.4); RETURN () asks for ALL.
    std::optional<CommandOptions> return_options;
    std::optional<std::string> charset;
    std::vector<SearchKey> keys;  // ANDed
};
// SORT and THREAD (RFC 5256 3): the sort criteria or the threading
// algorithm, then search criteria whose charset is not optional.
struct SortCriterion {
    bool reverse = false;
    std::string key;  // upper case: ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO
};
struct SortArgs {
    // SORT RETURN (...): answered by one ESEARCH in the sort order (RFC 5267 3).
    std::optional<CommandOptions> return_options;
    std::vector<SortCriterion> criteria;  // SORT
    std::string algorithm;                // THREAD, upper case: ORDEREDSUBJECT, REFERENCES...
    std::string charset;
    std::vector<SearchKey> keys;  // ANDed
};
struct FetchArgs {
    SequenceSet set;
    std::vector<FetchAtt> atts;
    std::string macro;  // ALL, FAST or FULL as written (expanded into `atts`)
    // (CHANGEDSINCE n): only messages changed since n, with their MODSEQ
    // (CONDSTORE, RFC 7162 3.1.4.1).
    std::optional<std::uint64_t> changed_since;
    // VANISHED with CHANGEDSINCE in a UID FETCH: expunged UIDs too (QRESYNC,
    // RFC 7162 3.2.6).
    bool vanished = false;
};
struct StoreArgs {
    SequenceSet set;
    enum class Mode : std::uint8_t { Replace, Add, Remove } mode = Mode::Replace;
    bool silent = false;
    std::vector<std::string> flags;
    // (UNCHANGEDSINCE n): only messages not changed since n (CONDSTORE,
    // RFC 7162 3.1.3); the others come back in a MODIFIED response code.
    std::optional<std::uint64_t> unchanged_since;
};
struct CopyArgs {  // COPY and MOVE
    SequenceSet set;
    std::string mailbox;
};
struct IdArgs {  // empty for NIL
    std::vector<std::pair<std::string, std::optional<std::string>>> fields;
};
struct EnableArgs {
    std::vector<std::string> capabilities;
};
struct ExpungeArgs {  // UID EXPUNGE sequence-set (RFC 4315 2.1)
    SequenceSet set;
};
struct CancelUpdateArgs {  // the tags of the searching commands (RFC 5267 4.3.5)
    std::vector<std::string> tags;
};
// NOTIFY (RFC 5465 8). Keywords keep their spelling as written, so the
// writer gives back the client's bytes: the RFC's examples mix cases.
struct NotifyEvent {
    enum class Kind : std::uint8_t {
        MessageNew,
        MessageExpunge,
        FlagChange,
        AnnotationChange,
        MailboxName,
        SubscriptionChange,
        MailboxMetadataChange,
        ServerMetadataChange,
        Other,  // event-ext: an atom of a later extension
    };
    Kind kind = Kind::Other;
    std::string name;                                 // as written
    std::optional<std::vector<FetchAtt>> fetch_atts;  // MessageNew (fetch-att ...)
};
struct NotifyEventGroup {
    enum class Filter : std::uint8_t {
        Selected,
        SelectedDelayed,
        Inboxes,
        Personal,
        Subscribed,
        Subtree,
        Mailboxes,
    };
    Filter filter = Filter::Selected;
    std::string filter_word;               // as written
    std::vector<std::string> mailboxes;    // subtree and mailboxes
    bool mailbox_list = false;             // the mailboxes came in parentheses
    std::optional<std::string> none_word;  // events NONE, as written
    std::vector<NotifyEvent> events;

    bool selected() const {
        return filter == Filter::Selected || filter == Filter::SelectedDelayed;
    }
    bool has(NotifyEvent::Kind kind) const;
};
struct NotifyArgs {
    std::string mode_word;                   // SET or NONE, as written
    bool replaces = false;                   // SET: the events below replace those asked for before
    std::optional<std::string> status_word;  // the STATUS indicator, as written
    std::vector<NotifyEventGroup> groups;    // NOTIFY SET only
};
// The canonical spelling of an event name, as RFC 5465 8 writes it.
std::string_view notify_event_name(NotifyEvent::Kind kind);

using CommandArgs = std::variant<std::monostate, LoginArgs, AuthenticateArgs, MailboxArgs,
                                 RenameArgs, ListArgs, StatusArgs, AppendArgs, SearchArgs,
                                 FetchArgs, StoreArgs, CopyArgs, IdArgs, EnableArgs, ExpungeArgs,
                                 AclArgs, QuotaArgs, SortArgs, CancelUpdateArgs, NotifyArgs>;

struct Command {
    std::string tag;
    std::string name;  // verb as written ("login"; for "UID FETCH" only "FETCH")
    Verb verb = Verb::Unknown;
    bool uid = false;        // UID COPY / FETCH / STORE / SEARCH / MOVE / EXPUNGE
    std::string uid_word;    // "UID" as written when uid
    std::vector<Node> args;  // generic tree of the arguments (exact wire form)
    CommandArgs typed;
};

struct CommandParse {
    std::optional<Command> command;
    std::optional<ParseError> error;
    std::string tag;  // set whenever it could be read, so the server can answer `tag BAD`
};

// Parses one complete message from a client. Strict: missing or extra spaces
// or arguments are errors (RFC 3501 2.2.1). An unknown verb with a valid tag
// parses as Verb::Unknown with generic args.
CommandParse parse_command(const Frame& frame, const Limits& limits = {});
CommandParse parse_command(std::string_view bytes, const Limits& limits = {});

// A section as written between FETCH's brackets ("1.2.MIME", "HEADER.FIELDS
// (From To)"), or nothing when it is none: the form an IMAP URL's
// ";SECTION=" takes once percent-decoded (RFC 5092 enc-section).
std::optional<SectionSpec> parse_section_text(std::string_view text);

std::string serialize(const Command& command);  // exact wire form incl. CRLF and literals

// Builds a command and its wire tree from typed arguments, choosing atom,
// quoted or literal forms (literal for 8-bit or CR/LF content; `non_sync`
// picks {n+}).
Command make_command(std::string tag, Verb verb, CommandArgs args = {}, bool uid = false,
                     bool non_sync = false);

// Byte ranges [begin, end) inside the frame that hold secrets (LOGIN password,
// AUTHENTICATE initial response), for redaction.
std::vector<std::pair<std::size_t, std::size_t>> secret_ranges(const Frame& frame,
                                                               const Command& command);

}  // namespace mailscope::imap
