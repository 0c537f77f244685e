// Mailbox-level commands of ImapServerSession (RFC 3501 6.3 and the
// NAMESPACE, ID and ENABLE extensions), and the messages APPEND builds from
// parts with CATENATE (RFC 4469).
#include <fmt/format.h>

#include <algorithm>
#include <type_traits>

#include "server_mock/imap_server_session.hpp"
#include "server_mock/mailbox_name.hpp"
#include "sim/core/ascii.hpp"
#include "sim/imap/message_url.hpp"
#include "sim/mime/section.hpp"
#include "sim/text/mutf7.hpp"

namespace mailscope::server {

using imap::Command;
using imap::Status;
using imap::Verb;

namespace {

std::vector<std::string> system_flag_names() {
    std::vector<std::string> out;
    for (auto flag : kSystemFlags)
        out.emplace_back(flag_name(flag));
    return out;
}

}  // namespace

void ImapServerSession::no_from_store(const std::string& tag, const StoreError& error,
                                      bool trycreate) {
    std::optional<imap::ResponseCode> code;
    switch (error.kind) {
        case StoreErrorKind::NoSuchMailbox:
            code = imap::make_code(trycreate ? "TRYCREATE" : "NONEXISTENT");
            break;
        case StoreErrorKind::AlreadyExists:
            code = imap::make_code("ALREADYEXISTS");
            break;
        case StoreErrorKind::InvalidName:
        case StoreErrorKind::NotPermitted:
        case StoreErrorKind::HasInferiors:
            code = imap::make_code("CANNOT");
            break;
        case StoreErrorKind::NoPermission:
            code = imap::make_code("NOPERM");
            break;
        case StoreErrorKind::LimitReached:
            code = imap::make_code("LIMIT");
            break;
        case StoreErrorKind::OverQuota:
            code = imap::make_code("OVERQUOTA");
            break;
        case StoreErrorKind::Storage:
        case StoreErrorKind::StorageFull:
            // RFC 5530: a subsystem failed and the command may work later;
            // the path stays in the trace, out of the client's answer.
            code = imap::make_code("UNAVAILABLE");
            if (!error.detail.empty()) {
                m_imap.note(sim::Direction::ServerToClient,
                            sim::say(sim::Phrase::ServerDiskRefusedWrite, error.detail), m_now);
            }
            break;
        default:
            break;
    }
    no(tag, error.message, std::move(code));
}

std::optional<std::string> ImapServerSession::mailbox_argument_error(const Command& command) const {
    auto name_error = [](std::string_view name) -> std::optional<std::string> {
        if (auto error = mailbox_encoding_error(name)) {
            return fmt::format("Mailbox name \"{}\": {}", name.substr(0, 100), *error);
        }
        return std::nullopt;
    };
    return std::visit(
        [&](const auto& args) -> std::optional<std::string> {
            using Args = std::decay_t<decltype(args)>;
            if constexpr (std::is_same_v<Args, imap::MailboxArgs> ||
                          std::is_same_v<Args, imap::StatusArgs> ||
                          std::is_same_v<Args, imap::AppendArgs> ||
                          std::is_same_v<Args, imap::CopyArgs>) {
                return name_error(args.mailbox);
            } else if constexpr (std::is_same_v<Args, imap::RenameArgs>) {
                if (auto error = name_error(args.from)) return error;
                return name_error(args.to);
            } else if constexpr (std::is_same_v<Args, imap::ListArgs>) {
                std::vector<const std::string*> texts{&args.reference, &args.pattern};
                for (const auto& pattern : args.more_patterns)
                    texts.push_back(&pattern);
                for (const auto* text : texts) {
                    if (auto error = list_pattern_encoding_error(*text)) {
                        return fmt::format("\"{}\": {}", text->substr(0, 100), *error);
                    }
                }
                return std::nullopt;
            } else {
                return std::nullopt;
            }
        },
        command.typed);
}

bool ImapServerSession::refuse_read_only_user(const std::string& tag) {
    if (!m_read_only_user) return false;
    no(tag, "Anonymous access is read-only", imap::make_code("NOPERM"));
    return true;
}

void ImapServerSession::deselect() {
    if (m_selected != 0 && m_session != kNoSession) m_store.unwatch(m_session);
    m_selected = 0;
    m_read_only = false;
    m_examined = false;
    m_view.clear();
    // RFC 5182 2.1: "$" is empty again once the mailbox is closed.
    m_saved_result.clear();
    // RFC 5267 4.3: "Updates will cease when the mailbox is no longer selected".
    m_search_contexts.clear();
    m_keywords_known = 0;
}

void ImapServerSession::cmd_select(const Command& command) {
    const bool examine = command.verb == Verb::Examine;
    const auto& args = std::get<imap::MailboxArgs>(command.typed);
    const auto& name = args.mailbox;
    // RFC 4466 2.1: an unknown SELECT parameter is a BAD, before anything
    // changes; CONDSTORE and QRESYNC were checked against the capability
    // and ENABLE already.
    for (const auto& param : args.select_params.value_or(imap::CommandOptions{})) {
        if (param.name != "CONDSTORE" && param.name != "QRESYNC") {
            bad(command.tag, fmt::format("Unknown {} parameter {}; this server knows CONDSTORE "
                                         "and QRESYNC (RFC 4466 2.1)",
                                         imap::verb_name(command.verb), param.name));
            return;
        }
    }
    // RFC 7162 3.2.11: a server with CONDSTORE marks where the responses of
    // the mailbox it closes end; RFC 3501 6.3.1: a failed SELECT leaves no
    // mailbox selected either.
    if (m_selected != 0 && m_config.capabilities.condstore) {
        send(imap::make_status("*", Status::Ok, imap::make_code("CLOSED"),
                               "Previous mailbox closed"));
    }
    deselect();
    auto accessed = m_store.access(m_user, name, Right::Read);
    if (!accessed) {
        no_from_store(command.tag, accessed.error());
        return;
    }
    const Mailbox* mailbox = accessed.value();
    if (!mailbox->selectable) {
        no(command.tag,
           fmt::format("\"{}\" only holds other mailboxes (\\Noselect) and cannot be selected",
                       name),
           imap::make_code("CANNOT"));
        return;
    }
    // What happened before this SELECT is in the snapshot below.
    m_store.acknowledge(m_session, m_store.change_log().last());
    m_selected = mailbox->id;
    // RFC 4314 5.2: READ-ONLY when the rights allow no change at all.
    const Rights rights = m_store.rights(m_user, *mailbox);
    m_examined = examine;
    m_read_only = examine || m_read_only_user ||
                  !rights.intersects(kFlagRights | Right::Insert | Right::Expunge);
    m_store.watch(m_session, m_selected, !m_read_only);
    if (!m_read_only) m_store.claim_recent(m_selected, m_session);
    mailbox = m_store.mailbox(m_selected);
    for (const auto& message : mailbox->messages)
        m_view.push_back(message.uid);
    m_keywords_known = mailbox->keywords.size();

    auto flags = system_flag_names();
    flags.insert(flags.end(), mailbox->keywords.begin(), mailbox->keywords.end());
    send(imap::make_flags(flags));
    send(imap::make_untagged_number(static_cast<std::uint32_t>(m_view.size()), "EXISTS"));
    std::uint32_t recent = 0;
    std::optional<std::uint32_t> first_unseen;
    for (std::size_t i = 0; i < mailbox->messages.size(); ++i) {
        const auto& message = mailbox->messages[i];
        if (is_recent(message.uid)) ++recent;
        if (!first_unseen && !message.flags.has(SystemFlag::Seen))
            first_unseen = static_cast<std::uint32_t>(i + 1);
    }
    m_recent_announced = recent;
    // IMAP4rev2 has no \Recent and no RECENT, and deprecates UNSEEN here
    // (RFC 9051 appendix E); it names the mailbox in a LIST instead.
    if (imap4rev2()) {
        send_selected_list(name);
        first_unseen.reset();
    } else {
        send(imap::make_untagged_number(recent, "RECENT"));
    }
    if (first_unseen) {
        send(imap::make_status("*", Status::Ok, imap::make_code_number("UNSEEN", *first_unseen),
                               fmt::format("Message {} is the first unseen", *first_unseen)));
    }
    send(imap::make_status("*", Status::Ok,
                           imap::make_code_number("UIDVALIDITY", mailbox->uidvalidity),
                           "UIDs valid"));
    send(imap::make_status("*", Status::Ok, imap::make_code_number("UIDNEXT", mailbox->uidnext),
                           "Predicted next UID"));
    m_permanent_flags = permanent_flags(*mailbox);
    send(imap::make_status("*", Status::Ok,
                           imap::make_code_list("PERMANENTFLAGS", m_permanent_flags),
                           m_read_only ? "No permanent flags permitted" : "Limited"));
    // RFC 7162 3.1.2: after a CONDSTORE enabling command, every SELECT.
    if (m_condstore_aware) announce_highest_modseq();
    if (args.qresync) resynchronise(*args.qresync);
    ok(command.tag, fmt::format("{} completed", examine ? "EXAMINE" : "SELECT"),
       imap::make_code(m_read_only ? "READ-ONLY" : "READ-WRITE"));
}

void ImapServerSession::cmd_create(const Command& command) {
    if (refuse_read_only_user(command.tag)) return;
    std::string name = std::get<imap::MailboxArgs>(command.typed).mailbox;
    // RFC 3501 6.3.3: a trailing delimiter only says inferiors may follow.
    if (auto where = m_store.locate(m_user, name);
        where && name.size() > 1 && name.back() == where.value().delimiter) {
        name.pop_back();
    }
    auto created = m_store.create_mailbox(m_user, name, m_session);
    if (!created) {
        no_from_store(command.tag, created.error());
        return;
    }
    ok(command.tag, "CREATE completed");
}

void ImapServerSession::cmd_delete(const Command& command) {
    if (refuse_read_only_user(command.tag)) return;
    const auto& name = std::get<imap::MailboxArgs>(command.typed).mailbox;
    auto deleted = m_store.delete_mailbox(m_user, name, m_session);
    if (!deleted) {
        no_from_store(command.tag, deleted.error());
        return;
    }
    ok(command.tag, "DELETE completed");
}

void ImapServerSession::cmd_rename(const Command& command) {
    if (refuse_read_only_user(command.tag)) return;
    const auto& args = std::get<imap::RenameArgs>(command.typed);
    auto renamed = m_store.rename_mailbox(m_user, args.from, args.to, m_session);
    if (!renamed) {
        no_from_store(command.tag, renamed.error());
        return;
    }
    ok(command.tag, "RENAME completed");
}

void ImapServerSession::cmd_subscribe(const Command& command) {
    const bool subscribe = command.verb == Verb::Subscribe;
    if (refuse_read_only_user(command.tag)) return;
    const auto& name = std::get<imap::MailboxArgs>(command.typed).mailbox;
    auto result = subscribe ? m_store.subscribe(m_user, name) : m_store.unsubscribe(m_user, name);
    if (!result) {
        no_from_store(command.tag, result.error());
        return;
    }
    // RFC 5465 5: no SubscriptionChange for what this client did itself.
    if (m_notify) m_notify_subscriptions = m_store.subscriptions(m_user);
    ok(command.tag, subscribe ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed");
}

void ImapServerSession::cmd_list(const Command& command) {
    const bool lsub = command.verb == Verb::Lsub;
    const auto& args = std::get<imap::ListArgs>(command.typed);
    const char* verb = lsub ? "LSUB" : "LIST";
    if (!lsub && args.extended()) {
        cmd_list_extended(command);
        return;
    }
    if (!lsub && args.pattern.empty()) {
        // RFC 3501 6.3.8: the hierarchy delimiter and the root of the reference.
        imap::ListData data;
        data.attributes = {"\\Noselect"};
        data.delimiter = kPersonalDelimiter;
        for (const auto& shared : m_store.namespaces().shared) {
            if (args.reference.starts_with(shared.prefix)) {
                data.delimiter = shared.delimiter;
                data.mailbox = shared.prefix;
            }
        }
        if (const auto& other = m_store.namespaces().other_users;
            other && args.reference.starts_with(other->prefix)) {
            data.delimiter = other->delimiter;
            data.mailbox = other->prefix;
        }
        send(imap::make_list("LIST", data));
        ok(command.tag, "LIST completed");
        return;
    }
    auto entries = lsub ? m_store.lsub(m_user, args.reference, args.pattern)
                        : m_store.list(m_user, args.reference, args.pattern);
    for (const auto& entry : entries) {
        imap::ListData data;
        data.delimiter = entry.delimiter;
        data.mailbox = entry.name;
        for (auto& attribute : entry.attributes()) {
            const bool child_attribute = attribute != "\\Noselect";
            if (child_attribute && (lsub || !m_config.capabilities.children)) continue;
            data.attributes.push_back(attribute);
        }
        send(imap::make_list(verb, data));
    }
    ok(command.tag, fmt::format("{} completed", verb));
}

std::optional<std::string> ImapServerSession::unknown_status_item(
    const std::vector<std::string>& items) {
    for (const auto& item : items) {
        const std::string name = imap::to_upper(item);
        // DELETED and DELETED-STORAGE come with QUOTA=RES-MESSAGE and
        // QUOTA=RES-STORAGE (RFC 9208 4.1.4); execute() refuses them first
        // when those are switched off.
        if (name != "MESSAGES" && name != "RECENT" && name != "UIDNEXT" && name != "UIDVALIDITY" &&
            name != "UNSEEN" && name != "DELETED" && name != "DELETED-STORAGE" &&
            name != "HIGHESTMODSEQ" && name != "SIZE") {
            return item;
        }
    }
    return std::nullopt;
}

imap::StatusData ImapServerSession::status_data(std::string mailbox,
                                                const std::vector<std::string>& items,
                                                const StatusInfo& info) const {
    imap::StatusData data;
    data.mailbox = std::move(mailbox);
    for (const auto& item : items) {
        const std::string name = imap::to_upper(item);
        std::uint64_t value = name == "MESSAGES"          ? info.messages
                              : name == "RECENT"          ? info.recent
                              : name == "UIDNEXT"         ? info.uidnext
                              : name == "UIDVALIDITY"     ? info.uidvalidity
                              : name == "DELETED"         ? info.deleted
                              : name == "DELETED-STORAGE" ? info.deleted_octets
                              : name == "HIGHESTMODSEQ"   ? info.highest_modseq
                              : name == "SIZE"            ? info.octets
                                                          : info.unseen;
        data.items.emplace_back(name, value);
    }
    return data;
}

void ImapServerSession::cmd_status(const Command& command) {
    const auto& args = std::get<imap::StatusArgs>(command.typed);
    if (const auto unknown = unknown_status_item(args.items)) {
        bad(command.tag, fmt::format("Unknown STATUS item {}; use MESSAGES, RECENT, UIDNEXT, "
                                     "UIDVALIDITY, UNSEEN, DELETED, DELETED-STORAGE, "
                                     "HIGHESTMODSEQ or SIZE",
                                     *unknown));
        return;
    }
    auto status = m_store.status(m_user, args.mailbox, m_session);
    if (!status) {
        no_from_store(command.tag, status.error());
        return;
    }
    send(imap::make_status_data(status_data(args.mailbox, args.items, status.value())));
    ok(command.tag, "STATUS completed");
}

namespace {

// Octets above 0x7F before the blank line that ends the header.
bool has_8bit_header(std::string_view message) {
    std::size_t end = message.find("\r\n\r\n");
    if (end == std::string_view::npos) end = message.find("\n\n");
    const std::string_view header = message.substr(0, end);
    return std::any_of(header.begin(), header.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// One answer for a mailbox that does not exist and one this user may not
// read, so that a URL cannot probe for other users' mailboxes (RFC 4314 6).
constexpr std::string_view kUnreadableUrlMailbox =
    "The URL names no mailbox you may read (RFC 4469 4.1)";

// RFC 5092 writes mailbox names in UTF-8; the store keeps modified UTF-7
// (RFC 3501 5.1.3), which is all ASCII.
std::optional<std::string> url_mailbox_store_name(const std::string& decoded) {
    const bool ascii = std::all_of(decoded.begin(), decoded.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii) return decoded;
    return text::mutf7_encode_strict(decoded);
}

// BADURL names the URL as sent, but url-resp-text holds no ']', CR, LF or
// NUL (RFC 4469 5): those, blanks and octets outside printable ASCII go
// %-escaped, as a URL may write any octet (RFC 5092), and an empty URL,
// which url-resp-text cannot be, goes as "".
std::string badurl_text(std::string_view url) {
    if (url.empty()) return "\"\"";
    std::string out;
    for (const char c : url) {
        const auto octet = static_cast<unsigned char>(c);
        if (octet <= 0x20 || octet >= 0x7F || c == ']') {
            out += fmt::format("%{:02X}", octet);
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

std::variant<std::string, ImapServerSession::AppendRefusal> ImapServerSession::url_octets(
    const std::string& url) {
    const auto refused = [&](std::string text) {
        return AppendRefusal{std::move(text), imap::make_code_badurl(badurl_text(url))};
    };
    auto parsed = imap::parse_message_url(url);
    if (auto* why = std::get_if<std::string>(&parsed)) {
        return refused(fmt::format("The URL names no message: {}", *why));
    }
    const auto& target = std::get<imap::MessageUrl>(parsed);
    if (target.absolute) {
        // RFC 4469 3: URLs are relative to this session; another user's or
        // server's, or even this one's spelled out, are left to other
        // extensions.
        return refused(
            "Only URLs relative to this session are read, such as "
            "/INBOX;UIDVALIDITY=n/;UID=n; an absolute imap:// URL is beyond CATENATE (RFC 4469 "
            "3)");
    }
    const Mailbox* mailbox = nullptr;
    if (target.mailbox) {
        const auto name = url_mailbox_store_name(*target.mailbox);
        if (!name) return refused(std::string(kUnreadableUrlMailbox));
        auto accessed = m_store.access(m_user, *name, Right::Read);
        if (!accessed) return refused(std::string(kUnreadableUrlMailbox));
        mailbox = accessed.value();
    } else {
        // RFC 4469 3: without a mailbox the base is the selected one.
        mailbox = selected();
        if (!mailbox) {
            return refused(
                "The URL names no mailbox and none is selected for it to be relative to "
                "(RFC 4469 3)");
        }
        if (!m_store.rights(m_user, *mailbox).has(Right::Read))
            return refused(std::string(kUnreadableUrlMailbox));
    }
    if (target.uidvalidity && *target.uidvalidity != mailbox->uidvalidity) {
        return refused(fmt::format(
            "The mailbox's UIDVALIDITY is {}, not {}: the URL's UIDs may name other messages "
            "now (RFC 4469 4.1)",
            mailbox->uidvalidity, *target.uidvalidity));
    }
    const Message* message = mailbox->find(target.uid);
    if (!message || !message->octets) {
        return refused(
            fmt::format("There is no message with UID {} there (RFC 4469 4.1)", target.uid));
    }
    const std::string_view raw = *message->octets;
    std::string octets;
    if (target.section) {
        auto section = body_section_octets(m_cache.get(*message), raw, *target.section);
        if (!section) {
            return refused(fmt::format("Message UID {} has no section {} (RFC 4469 4.1)",
                                       target.uid, target.section->to_string()));
        }
        octets = std::move(*section);
    } else {
        octets.assign(raw);
    }
    if (target.partial) {
        const auto [origin, length] = *target.partial;
        octets = std::string(mime::partial_octets(octets, origin, length));
    }
    return octets;
}

std::variant<std::string, ImapServerSession::AppendRefusal> ImapServerSession::catenated_message(
    const std::vector<imap::CatenatePart>& parts) {
    std::string message;
    for (const imap::CatenatePart& part : parts) {
        std::string fetched;
        if (part.kind == imap::CatenatePart::Kind::Url) {
            auto resolved = url_octets(part.value);
            if (auto* refusal = std::get_if<AppendRefusal>(&resolved)) return std::move(*refusal);
            fetched = std::move(std::get<std::string>(resolved));
        }
        const std::string& octets =
            part.kind == imap::CatenatePart::Kind::Url ? fetched : part.value;
        // RFC 4469 4.2: URLs can name far more than any literal could carry;
        // the limit holds for the sum, checked before it is built.
        if (octets.size() > m_config.max_append_size - message.size()) {
            return AppendRefusal{
                fmt::format("The catenated message would be larger than this server accepts ({} "
                            "octets) (RFC 4469 4.2)",
                            m_config.max_append_size),
                imap::make_code("TOOBIG")};
        }
        message += octets;
    }
    return message;
}

void ImapServerSession::cmd_append(const Command& command) {
    if (refuse_read_only_user(command.tag)) return;
    const auto& args = std::get<imap::AppendArgs>(command.typed);
    // RFC 6855 3: a client enables UTF8=ACCEPT before it uses it, for a
    // whole message or for a part of a catenated one.
    if (!utf8_names() && std::any_of(args.messages.begin(), args.messages.end(),
                                     [](const imap::AppendMessage& m) { return m.sends_utf8(); })) {
        bad(command.tag, "APPEND with UTF8 (~{n}) needs ENABLE UTF8=ACCEPT first (RFC 6855 3)");
        return;
    }
    auto accessed = m_store.access(m_user, args.mailbox, Right::Insert);
    if (!accessed) {
        // RFC 3501 6.3.11: TRYCREATE tells the client a CREATE may help.
        no_from_store(command.tag, accessed.error(), true);
        return;
    }
    const Mailbox* mailbox = accessed.value();
    // RFC 4314 4: flags the user may not set are dropped, not refused.
    const Rights rights = m_store.rights(m_user, *mailbox);
    std::vector<MailStore::NewMessage> messages;
    for (const imap::AppendMessage& message : args.messages) {
        // RFC 4469 3: a catenated message is assembled first, then checked
        // and stored like any other; a refused part refuses every message.
        std::string catenated;
        if (!message.catenate.empty()) {
            auto assembled = catenated_message(message.catenate);
            if (auto* refusal = std::get_if<AppendRefusal>(&assembled)) {
                no(command.tag, std::move(refusal->text), std::move(refusal->code));
                return;
            }
            catenated = std::move(std::get<std::string>(assembled));
        }
        const std::string& octets = message.catenate.empty() ? message.message : catenated;
        if (octets.empty()) {
            // RFC 3502 6.3.11: "A zero-length message literal argument is an
            // error, and MUST return a NO. This can be used to cancel".
            no(command.tag, "APPEND cancelled by an empty message; nothing was stored");
            return;
        }
        // RFC 6855 4: a client that has not enabled UTF8=ACCEPT sends no
        // 8-bit header fields; IMAP4rev2 allows them (RFC 9051 2.4).
        if (!utf8_names() && m_config.capabilities.utf8_accept && has_8bit_header(octets)) {
            no(command.tag,
               "The message has 8-bit header fields: ENABLE UTF8=ACCEPT first, and send it as "
               "UTF8 (~{n}) (RFC 6855 4)");
            return;
        }
        if (octets.size() > m_config.max_append_size) {
            no(command.tag, "The message is larger than this server accepts",
               imap::make_code("TOOBIG"));
            return;
        }
        FlagSet flags;
        for (const auto& flag : message.flags) {
            if (auto error = flags.add_name(flag)) {
                bad(command.tag, *error);
                return;
            }
        }
        InternalDate date =
            m_config.clock ? m_config.clock() : *make_internal_date(2024, 1, 15, 12, 0, 0, 0);
        if (message.date_time) {
            auto parsed = parse_date_time(*message.date_time);
            if (!parsed) {
                bad(command.tag,
                    fmt::format("\"{}\" is not a date-time such as \"17-Jul-1996 02:44:25 -0700\"",
                                *message.date_time));
                return;
            }
            date = *parsed;
        }
        messages.push_back({octets, permitted_flags(flags, rights), date});
    }
    const MailboxId id = mailbox->id;
    auto appended = m_store.append_all(id, std::move(messages), m_session);
    if (!appended) {
        no_from_store(command.tag, appended.error(), true);
        return;
    }
    std::optional<imap::ResponseCode> code;
    if (m_config.capabilities.uidplus) {
        // RFC 3502: with UIDPLUS, APPENDUID names every UID, in order.
        imap::SequenceSet uids;
        uids.ranges.push_back({appended.value().front(), appended.value().back()});
        code = imap::make_code_appenduid(m_store.mailbox(id)->uidvalidity, std::move(uids));
    }
    ok(command.tag, "APPEND completed", std::move(code));
}

void ImapServerSession::cmd_namespace(const Command& command) {
    // RFC 2342 5: personal, other users, shared; each NIL or a list of
    // (prefix delimiter) pairs.
    auto one = [](const std::string& prefix, char delimiter) {
        return imap::make_list(
            {imap::make_quoted(prefix), imap::make_quoted(std::string(1, delimiter))});
    };
    std::vector<imap::Node> data;
    // An anonymous login without an account of that name owns no mailboxes:
    // "NIL for any namespace class that is not available" (RFC 2342 5).
    if (m_user == kAnonymous && !m_store.users().contains(kAnonymous)) {
        data.push_back(imap::make_nil());
    } else {
        data.push_back(imap::make_list({one("", kPersonalDelimiter)}));
    }
    if (const auto& other = m_store.namespaces().other_users) {
        data.push_back(imap::make_list({one(other->prefix, other->delimiter)}));
    } else {
        data.push_back(imap::make_nil());
    }
    if (m_store.namespaces().shared.empty()) {
        data.push_back(imap::make_nil());
    } else {
        std::vector<imap::Node> shared;
        for (const auto& space : m_store.namespaces().shared)
            shared.push_back(one(space.prefix, space.delimiter));
        data.push_back(imap::make_list(std::move(shared)));
    }
    send(imap::make_untagged("NAMESPACE", std::move(data)));
    ok(command.tag, "NAMESPACE completed");
}

void ImapServerSession::cmd_id(const Command& command) {
    std::vector<imap::Node> fields{imap::make_quoted("name"), imap::make_quoted("mailscope"),
                                   imap::make_quoted("version"),
                                   imap::make_quoted(m_config.version)};
    send(imap::make_untagged("ID", {imap::make_list(std::move(fields))}));
    ok(command.tag, "ID completed");
}

void ImapServerSession::cmd_enable(const Command& command) {
    // RFC 5161 3.1: ENABLED lists what this command enabled, once each; of
    // what this server offers IMAP4rev2, UTF8=ACCEPT, CONDSTORE and QRESYNC
    // are enabled so (RFC 9051 6.3.1, RFC 6855 3, RFC 7162 3.1, 3.2.3).
    // Those enabled before, but CONDSTORE, are not listed again.
    std::vector<std::string> enabled;
    for (const auto& name : std::get<imap::EnableArgs>(command.typed).capabilities) {
        if (ascii::iequals(name, "IMAP4rev2") && m_config.capabilities.imap4rev2 && !imap4rev2()) {
            m_imap4rev2 = true;
            enabled.emplace_back("IMAP4rev2");
        }
        if (ascii::iequals(name, "UTF8=ACCEPT") && m_config.capabilities.utf8_accept &&
            !m_utf8_accept) {
            m_utf8_accept = true;
            enabled.emplace_back("UTF8=ACCEPT");
        }
        if (ascii::iequals(name, "QRESYNC") && m_config.capabilities.condstore && !m_qresync) {
            m_qresync = true;
            enabled.emplace_back("QRESYNC");
        }
    }
    for (const auto& name : std::get<imap::EnableArgs>(command.typed).capabilities) {
        if (ascii::iequals(name, "CONDSTORE") && m_config.capabilities.condstore &&
            std::find(enabled.begin(), enabled.end(), "CONDSTORE") == enabled.end())
            enabled.emplace_back("CONDSTORE");
    }
    send(imap::make_enabled(std::move(enabled)));
    ok(command.tag, "ENABLE completed");
}

}  // namespace mailscope::server
