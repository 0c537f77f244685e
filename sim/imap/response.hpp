// Typed IMAP server responses: parse, serialize and build (RFC 3501 7 and 9,
// plus the responses of the extensions the commands cover).
//
// The generic node tree (`Response::data`) after the name is the exact wire
// form and what serialize() writes; the typed fields are read from it, and the
// builders fill both.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/imap/command.hpp"
#include "sim/imap/framer.hpp"
#include "sim/imap/limits.hpp"
#include "sim/imap/syntax.hpp"

namespace mailscope::imap {

enum class ResponseKind : std::uint8_t { Tagged, Untagged, Continuation };
enum class Status : std::uint8_t { None, Ok, No, Bad, Bye, Preauth };

std::string_view status_name(Status status);  // "OK"...; "" for None

struct ResponseCode {
    // ALERT, BADCHARSET, CAPABILITY, PARSE, PERMANENTFLAGS, READ-ONLY, READ-WRITE,
    // TRYCREATE, UIDNEXT, UIDVALIDITY, UNSEEN, APPENDUID, COPYUID, or any atom
    std::string name;
    std::vector<Node> args;               // generic form (exact); Text for unknown codes
    std::optional<std::uint32_t> number;  // UIDNEXT / UIDVALIDITY / UNSEEN
    // CAPABILITY / PERMANENTFLAGS / BADCHARSET items; BADEVENT's events (RFC 5465 8)
    std::vector<std::string> list;
    // APPENDUID uidvalidity uid-set / COPYUID uidvalidity src-set dst-set (RFC 4315)
    std::optional<std::uint32_t> uidvalidity;
    SequenceSet set1, set2;               // and MODIFIED's set (RFC 7162 3.1.3)
    std::optional<std::uint64_t> modseq;  // HIGHESTMODSEQ (RFC 7162 3.1.2.1)
    // BADURL's URL, the text up to ']' as sent (RFC 4469 4.1, 5 url-resp-text).
    std::string url;
};

struct Address {
    std::optional<std::string> name, adl, mailbox, host;
};

struct Envelope {
    std::optional<std::string> date, subject;
    std::vector<Address> from, sender, reply_to, to, cc, bcc;
    std::optional<std::string> in_reply_to, message_id;
};

using BodyParams = std::vector<std::pair<std::string, std::string>>;

struct BodyDisposition {
    std::string type;  // "inline", "attachment"
    BodyParams params;
};

// RFC 3501 7.4.2 BODYSTRUCTURE: one part or a multipart, with the optional
// extension data.
struct BodyStructure {
    bool multipart = false;
    std::string type;     // as written: "TEXT"; "MULTIPART" for a multipart
    std::string subtype;  // "PLAIN", "MIXED"
    BodyParams params;    // body-fld-param (for a multipart: its extension parameters)
    std::optional<std::string> id, description;
    std::string encoding;
    std::uint32_t size = 0;
    std::optional<std::uint32_t> lines;  // text/* and message/rfc822
    std::optional<Envelope> envelope;    // message/rfc822
    std::vector<BodyStructure> parts;    // multipart children, or the body of a message/rfc822
    // Extension fields present after the basic fields (0: the non-extensible BODY form).
    // Single part: md5, disposition, language, location; multipart: params, disposition,
    // language, location; then `extensions`.
    std::size_t extension_count = 0;
    std::optional<std::string> md5;
    std::optional<BodyDisposition> disposition;
    std::vector<std::string> language;
    std::optional<std::string> location;
    std::vector<Node> extensions;  // anything after location, kept generic
};

struct FetchItem {
    // as written: FLAGS, UID, RFC822.SIZE, INTERNALDATE, ENVELOPE, BODY, BODYSTRUCTURE,
    // BODY[1.TEXT]<0>, RFC822, RFC822.HEADER, RFC822.TEXT
    std::string name;
    FetchAtt::Kind kind = FetchAtt::Kind::Other;
    SectionSpec section;
    std::optional<std::uint32_t> origin;  // BODY[..]<origin>
    std::vector<std::string> flags;       // FLAGS
    std::optional<std::uint32_t> number;  // UID, RFC822.SIZE
    std::optional<std::uint64_t> modseq;  // MODSEQ (n) (RFC 7162 3.1.4.2)
    std::optional<std::string>
        string;  // nstring payloads (BODY[..], RFC822*, INTERNALDATE); nullopt = NIL
    // Shared, not copied: a server keeps one per message and answers every
    // FETCH ENVELOPE of it with that one.
    std::shared_ptr<const Envelope> envelope;
    std::optional<BodyStructure> body;
};

struct ListData {  // LIST, LSUB
    std::vector<std::string> attributes;
    std::optional<char> delimiter;
    std::string mailbox;
};

struct StatusData {
    std::string mailbox;
    std::vector<std::pair<std::string, std::uint64_t>> items;
};

// ESEARCH (RFC 4731 3.1, RFC 9051 7.3.4): the tag of the command it answers
// when it names one, whether its numbers are UIDs, and each result pair, the
// name upper case and the value as written ("MIN" "2", "ALL" "2,10:11").
// ADDTO and REMOVEFROM (RFC 5267 4.3.3, 4.3.4) are also read into their
// position and set pairs, in the order the client must apply them.
struct EsearchUpdate {
    bool add = false;
    std::uint32_t position = 0;  // 0: wherever mailbox order puts them (SEARCH only)
    SequenceSet set;
};
struct EsearchData {
    std::optional<std::string> tag;
    bool uid = false;
    std::vector<std::pair<std::string, std::string>> results;
    std::vector<EsearchUpdate> updates;
};

// ACL, LISTRIGHTS and MYRIGHTS (RFC 4314 3.6-3.8). Rights strings stay as
// written, virtual "c" and "d" included.
struct AclData {
    std::string mailbox;
    std::vector<std::pair<std::string, std::string>> entries;  // ACL: identifier, rights
    std::string identifier;                                    // LISTRIGHTS
    // LISTRIGHTS: the rights always granted, then each group that can be
    // granted; MYRIGHTS: the one rights string.
    std::vector<std::string> rights;
};

// QUOTA and QUOTAROOT (RFC 9208 4.2.1, 4.2.2): QUOTA names one root and
// its resources (usage and limit each); QUOTAROOT names a mailbox and the
// roots that govern it, maybe none.
struct QuotaData {
    std::string root;                      // QUOTA
    std::vector<QuotaResource> resources;  // QUOTA
    std::string mailbox;                   // QUOTAROOT
    std::vector<std::string> roots;        // QUOTAROOT
};

// One message of a THREAD response and the messages under it (RFC 5256 4).
// Number 0, never a message's, is a dummy: a parent the response does not
// show, as when the answered messages share one that the search left out.
struct ThreadNode {
    std::uint32_t number = 0;
    std::vector<ThreadNode> children;
};

// VANISHED (RFC 7162 3.2.10): UIDs that left the mailbox. EARLIER: they
// left before the command that asked (no message number changes); without
// it they leave now, like EXPUNGE, one message each.
struct VanishedData {
    bool earlier = false;
    SequenceSet uids;
};

struct Response {
    ResponseKind kind = ResponseKind::Untagged;
    std::string tag;               // for Tagged
    Status status = Status::None;  // OK/NO/BAD/BYE/PREAUTH
    // canonical uppercase: "OK", "EXISTS", "RECENT", "EXPUNGE", "FETCH", "FLAGS", "LIST",
    // "LSUB", "STATUS", "SEARCH", "CAPABILITY", "NAMESPACE", "ID", "ENABLED", "ACL",
    // "LISTRIGHTS", "MYRIGHTS", "ESEARCH", "VANISHED", or the unknown atom
    std::string name;
    std::string word;  // the name as written on the wire (serialize() writes this one)
    std::optional<std::uint32_t> number;  // "* 23 EXISTS"
    std::optional<ResponseCode> code;
    std::string text;                    // human text (status responses, continuation)
    std::vector<Node> data;              // generic tree after the name (exact)
    std::vector<FetchItem> fetch;        // FETCH
    std::vector<std::string> flags;      // FLAGS, CAPABILITY, ENABLED atoms
    std::vector<std::uint32_t> numbers;  // SEARCH
    // SEARCH and SORT: the highest mod-sequence of the messages found, when
    // the command searched by MODSEQ (RFC 7162 3.1.6, 3.1.9).
    std::optional<std::uint64_t> modseq;
    std::optional<ListData> list;
    std::optional<StatusData> status_data;
    std::optional<AclData> acl;  // ACL, LISTRIGHTS, MYRIGHTS
    std::optional<EsearchData> esearch;
    std::optional<QuotaData> quota;  // QUOTA, QUOTAROOT
    std::optional<VanishedData> vanished;
};

struct ResponseParse {
    std::optional<Response> response;
    std::optional<ParseError> error;
};

ResponseParse parse_response(const Frame& frame, const Limits& limits = {});
ResponseParse parse_response(std::string_view bytes, const Limits& limits = {});
std::string serialize(const Response& response);  // exact wire form incl. CRLF

// --- builders ---------------------------------------------------------------
// `tag_or_star`: a tag for a completion, "*" for an untagged status.
Response make_status(std::string tag_or_star, Status status, std::optional<ResponseCode> code,
                     std::string text);
Response make_continuation(std::string text);
Response make_untagged_number(std::uint32_t number, std::string name);  // EXISTS/RECENT/EXPUNGE
Response make_untagged(std::string name, std::vector<Node> data);       // generic

// Codes: fills `args` from the typed fields.
ResponseCode make_code(std::string name);  // ALERT, READ-ONLY, TRYCREATE...
ResponseCode make_code_number(std::string name, std::uint32_t number);  // UIDNEXT, UNSEEN...
ResponseCode make_code_list(std::string name,
                            std::vector<std::string> items);  // PERMANENTFLAGS, CAPABILITY
ResponseCode make_code_appenduid(std::uint32_t uidvalidity, SequenceSet uids);
ResponseCode make_code_copyuid(std::uint32_t uidvalidity, SequenceSet from, SequenceSet to);
ResponseCode make_code_highestmodseq(std::uint64_t modseq);  // RFC 7162 3.1.2.1
ResponseCode make_code_modified(SequenceSet failed);         // RFC 7162 3.1.3
ResponseCode make_code_badurl(std::string url);              // RFC 4469 4.1

Response make_capability(std::vector<std::string> capabilities);
Response make_flags(std::vector<std::string> flags);
Response make_enabled(std::vector<std::string> capabilities);
Response make_search(std::vector<std::uint32_t> numbers,
                     std::optional<std::uint64_t> modseq = std::nullopt);
Response make_sort(std::vector<std::uint32_t> numbers,
                   std::optional<std::uint64_t> modseq = std::nullopt);  // * SORT 2 84 882
// * THREAD (2)(3 6 (4 23)(44 7 96)): each thread's members while it does
// not branch, then each branch as a list (RFC 5256 5 thread-list). A dummy's
// children stand in its place: ((3)(5)) is a thread of two branches.
Response make_thread(const std::vector<ThreadNode>& threads);
Response make_esearch(EsearchData data);              // the TAG as a quoted string
Response make_vanished(VanishedData data);            // * VANISHED (EARLIER) 41,43:116
Response make_list(std::string name, ListData data);  // name: "LIST" or "LSUB"
Response make_status_data(StatusData data);
// RFC 4314 3.6-3.8 from the typed fields that response uses.
Response make_acl(AclData data);
Response make_listrights(AclData data);
Response make_myrights(AclData data);
Response make_quota(QuotaData data);      // * QUOTA root (resource usage limit ...)
Response make_quotaroot(QuotaData data);  // * QUOTAROOT mailbox root...

// FETCH: the items are written from their typed fields (kind decides the form).
Response make_fetch(std::uint32_t seq, std::vector<FetchItem> items);
// What serialize(make_fetch(seq, items)) writes, appended to `out` without
// building the response's tree: a server answers a long FETCH this way,
// one such line per message. Gives each item its name as make_fetch does.
// Returns whether a quoted string in it holds an octet above 0x7F, which
// IMAP4rev1 allows only after UTF8=ACCEPT (RFC 3501 9, RFC 6855 3).
bool write_fetch(std::string& out, std::uint32_t seq, std::vector<FetchItem>& items);
FetchItem fetch_flags(std::vector<std::string> flags);
FetchItem fetch_uid(std::uint32_t uid);
FetchItem fetch_size(std::uint32_t size);
FetchItem fetch_modseq(std::uint64_t modseq);          // MODSEQ (n) (RFC 7162 3.1.4.2)
FetchItem fetch_internal_date(std::string date_time);  // "17-Jul-1996 02:44:25 -0700"
FetchItem fetch_envelope(Envelope envelope);
FetchItem fetch_envelope(std::shared_ptr<const Envelope> envelope);
FetchItem fetch_body_structure(BodyStructure body, bool extensible = true);  // BODYSTRUCTURE / BODY
// BODY[section]<origin> (and RFC822, RFC822.HEADER, RFC822.TEXT, and
// BINARY[part]<origin> with `kind`).
FetchItem fetch_section(SectionSpec section, std::optional<std::string> data,
                        std::optional<std::uint32_t> origin = std::nullopt,
                        FetchAtt::Kind kind = FetchAtt::Kind::BodySection);
FetchItem fetch_binary_size(SectionSpec section, std::uint32_t size);  // BINARY.SIZE[part]

Node envelope_node(const Envelope& envelope);
Node body_structure_node(const BodyStructure& body, bool extensible);
std::string fetch_item_name(const FetchItem& item);  // canonical "BODY[1.TEXT]<0>"

}  // namespace mailscope::imap
