// Commands on the selected mailbox (RFC 3501 6.4, RFC 4315 UIDPLUS,
// RFC 6851 MOVE, RFC 2177 IDLE) and the reporting of other sessions'
// changes (RFC 3501 5.2, 7.4.1; RFC 2180 4).
#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "server_mock/fetch_responder.hpp"
#include "server_mock/imap_server_session.hpp"
#include "server_mock/search_evaluator.hpp"
#include "server_mock/search_results.hpp"

namespace mailscope::server {

using imap::Command;
using imap::Status;
using imap::Verb;

namespace {

// RFC 2180 4.1.2 choice: a message another session expunged, that this
// client still sees, is not answered from stale data; FETCH and STORE
// answer NO for it after serving the others.
constexpr const char* kGoneText =
    "Some of the requested messages were expunged by another session (RFC 2180 4.1.2)";

// How much of a FETCH's answer one step makes before the transport takes it.
// Large enough that a step costs little next to the octets it writes, small
// enough that a session holds little while its client reads slowly.
constexpr std::size_t kFetchChunkOctets = 256 * 1024;

}  // namespace

const Mailbox* ImapServerSession::selected() const {
    return m_selected == 0 ? nullptr : m_store.mailbox(m_selected);
}

Rights ImapServerSession::selected_rights() const {
    const Mailbox* mailbox = selected();
    return mailbox == nullptr ? Rights{} : m_store.rights(m_user, *mailbox);
}

std::vector<std::string> ImapServerSession::permanent_flags(const Mailbox& mailbox) const {
    std::vector<std::string> out;
    if (m_read_only) return out;
    const Rights rights = m_store.rights(m_user, mailbox);
    for (auto flag : kSystemFlags) {
        if (may_change_flag(rights, flag_name(flag))) out.emplace_back(flag_name(flag));
    }
    if (rights.has(Right::Write)) {
        out.insert(out.end(), mailbox.keywords.begin(), mailbox.keywords.end());
        if (mailbox.keywords.size() < kMaxKeywordsPerMailbox) out.emplace_back("\\*");
    }
    return out;
}

std::string ImapServerSession::read_only_text(std::string_view consequence) const {
    const std::string_view why = m_examined ? "EXAMINE"
                                 : m_read_only_user
                                     ? "anonymous access"
                                     : "your rights here allow no change, RFC 4314 5.2";
    return fmt::format("The mailbox is read-only ({}){}", why, consequence);
}

void ImapServerSession::announce_keywords_if_changed() {
    const Mailbox* mailbox = selected();
    if (mailbox == nullptr || mailbox->keywords.size() == m_keywords_known) return;
    m_keywords_known = mailbox->keywords.size();
    std::vector<std::string> flags;
    for (auto flag : kSystemFlags)
        flags.emplace_back(flag_name(flag));
    flags.insert(flags.end(), mailbox->keywords.begin(), mailbox->keywords.end());
    send(imap::make_flags(flags));
    announce_permanent_flags_if_changed(*mailbox);
}

void ImapServerSession::announce_permanent_flags_if_changed(const Mailbox& mailbox) {
    auto permanent = permanent_flags(mailbox);
    if (m_read_only || permanent == m_permanent_flags) return;
    m_permanent_flags = std::move(permanent);
    send(imap::make_status("*", Status::Ok,
                           imap::make_code_list("PERMANENTFLAGS", m_permanent_flags),
                           "Flags permitted"));
}

bool ImapServerSession::is_recent(Uid uid) const {
    const Mailbox* mailbox = selected();
    const Message* message = mailbox ? mailbox->find(uid) : nullptr;
    return message != nullptr && is_recent(*message);
}

bool ImapServerSession::is_recent(const Message& message) const {
    // RFC 9051 appendix E: IMAP4rev2 has no \Recent to show.
    if (imap4rev2()) return false;
    if (MailStore::is_recent(message, m_session)) return true;
    // RFC 3501 2.3.2: a read-only session sees \Recent on messages no
    // read-write session has been told about, without taking it from them.
    return m_read_only && message.recent_pending && message.recent_session == kNoSession;
}

std::uint32_t ImapServerSession::count_recent() const {
    std::uint32_t recent = 0;
    for (Uid uid : m_view)
        recent += is_recent(uid) ? 1 : 0;
    return recent;
}

void ImapServerSession::announce_recent_if_changed() {
    // A selected mailbox that was deleted has nothing left to count: the
    // session ends with BYE instead (RFC 2180 3.3).
    if (m_selected == 0 || selected() == nullptr) return;
    auto recent = count_recent();
    if (recent == m_recent_announced) return;
    m_recent_announced = recent;
    send(imap::make_untagged_number(recent, "RECENT"));
}

imap::SequenceSet ImapServerSession::concrete(const imap::SequenceSet& set, bool uid) const {
    if (!set.saved) return set;
    std::vector<std::uint32_t> named;
    for (std::size_t i = 0; i < m_view.size(); ++i) {
        if (std::binary_search(m_saved_result.begin(), m_saved_result.end(), m_view[i]))
            named.push_back(uid ? m_view[i] : static_cast<std::uint32_t>(i + 1));
    }
    return imap::SequenceSet::of_ascending(named);
}

std::vector<std::pair<std::uint32_t, Uid>> ImapServerSession::resolve(
    const imap::SequenceSet& given, bool uid) const {
    const imap::SequenceSet set = concrete(given, uid);
    std::vector<std::pair<std::uint32_t, Uid>> out;
    const std::uint32_t count = static_cast<std::uint32_t>(m_view.size());
    const std::uint32_t star = uid ? (m_view.empty() ? 0 : m_view.back()) : count;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (set.contains(uid ? m_view[i] : i + 1, star)) out.emplace_back(i + 1, m_view[i]);
    }
    return out;
}

namespace {

// RFC 3501 9: a message sequence number above the count is an error.
std::optional<std::string> sequence_error(const imap::SequenceSet& set, std::size_t count) {
    for (const auto& range : set.ranges) {
        for (auto n : {range.first, range.last}) {
            if ((n == 0 && count == 0) || n > count) {
                if (count == 0)
                    return std::string("The mailbox is empty: no sequence number is valid");
                return fmt::format("Message sequence number {} is beyond the last message ({})",
                                   n == 0 ? std::string("*") : std::to_string(n), count);
            }
        }
    }
    return std::nullopt;
}

}  // namespace

// The view is in sequence order, which is ascending UID order (RFC 3501
// 2.3.1.1), so a COPY of thousands of messages is reported in O(n log n).
std::vector<Uid>::iterator ImapServerSession::find_in_view(Uid uid) {
    auto position = std::lower_bound(m_view.begin(), m_view.end(), uid);
    return position != m_view.end() && *position == uid ? position : m_view.end();
}

void ImapServerSession::report_changes(Report report) {
    if (report == Report::None || m_session == kNoSession) return;
    if (m_selected == 0 && !m_notify) return;
    const auto changes = m_store.pending_changes(m_session);
    m_notify_named.clear();
    if (changes.empty()) {
        send_notifications();
        return;
    }
    // RFC 5267 4.3.4: REMOVEFROM by message number comes before the EXPUNGE
    // that renumbers; one update before the first covers every message gone.
    bool contexts_before_expunge = false;
    ModSeq acknowledged = m_store.change_log().cursor(m_session);
    std::size_t announced = m_view.size();
    auto announce_exists = [&] {
        if (announced == m_view.size()) return;
        announced = m_view.size();
        send(imap::make_untagged_number(static_cast<std::uint32_t>(m_view.size()), "EXISTS"));
        m_recent_announced = count_recent();
        if (!imap4rev2()) send(imap::make_untagged_number(m_recent_announced, "RECENT"));
    };
    bool held = false;
    // A set: another session's STORE of the whole mailbox logs a change
    // per message.
    std::unordered_set<Uid> flags_told;
    std::vector<Uid> arrived;
    for (const auto& change : changes) {
        const bool mailbox_event = change.kind == ChangeKind::MailboxCreated ||
                                   change.kind == ChangeKind::MailboxDeleted ||
                                   change.kind == ChangeKind::MailboxRenamed;
        if (m_notify && (mailbox_event || change.mailbox != m_selected)) notify_change(change);
        if (m_selected == 0 || change.mailbox != m_selected) {
            acknowledged = change.modseq;
            continue;
        }
        if (report == Report::OtherMailboxes) {
            // Held for the next command, which tells it as before NOTIFY.
            held = true;
            break;
        }
        if (change.kind == ChangeKind::FlagsChanged && change.by == m_session) {
            // Its own STORE answered already; a STORE of the whole mailbox
            // logs one such change per message.
            acknowledged = change.modseq;
            continue;
        }
        auto position = find_in_view(change.uid);
        const auto seq = static_cast<std::uint32_t>(position - m_view.begin() + 1);
        switch (change.kind) {
            case ChangeKind::Appended:
                if (position == m_view.end()) m_view.push_back(change.uid);
                // RFC 5465 5.2: not for what this client appended itself.
                if (m_notify && change.by != m_session) arrived.push_back(change.uid);
                break;
            case ChangeKind::FlagsChanged: {
                if (position == m_view.end()) break;
                // The last FLAGS a client reads must be the message's flags now
                // (RFC 3501 7.4.2): a logged change may be older than what this
                // session's own STORE just answered, so tell the present flags,
                // once per message.
                if (!flags_told.insert(change.uid).second) break;
                announce_exists();
                const Mailbox* mailbox = selected();
                const Message* message = mailbox ? mailbox->find(change.uid, seq - 1) : nullptr;
                auto flags = message ? message->flags.names() : change.flags.names();
                if (message && is_recent(*message)) flags.emplace_back("\\Recent");
                std::vector<imap::FetchItem> items;
                // RFC 7162 3.2.4 after ENABLE QRESYNC, and RFC 9051 7.5.2:
                // with the UID.
                if (m_qresync || imap4rev2()) items.push_back(imap::fetch_uid(change.uid));
                items.push_back(imap::fetch_flags(std::move(flags)));
                // RFC 7162 3.1: a CONDSTORE-aware client hears the mod-sequence too.
                // A message expunged since has the mod-sequence of this change.
                if (m_condstore_aware)
                    items.push_back(imap::fetch_modseq(message ? message->modseq : change.modseq));
                send_fetch(seq, std::move(items));
                break;
            }
            case ChangeKind::Expunged:
                if (change.by == m_session || position == m_view.end()) break;
                if (report == Report::NoExpunge) {
                    // Held back: acknowledging stops before it, so it comes again.
                    held = true;
                    break;
                }
                if (static_cast<std::size_t>(position - m_view.begin()) >= announced) {
                    // The client never heard of it: drop it quietly.
                    m_view.erase(position);
                    announced = std::min(announced, m_view.size());
                    break;
                }
                announce_exists();
                if (!contexts_before_expunge) {
                    update_search_contexts();
                    contexts_before_expunge = true;
                }
                // RFC 7162 3.2.10.2: after ENABLE QRESYNC, VANISHED instead.
                if (m_qresync) {
                    send_vanished(imap::SequenceSet::of_ascending({change.uid}), false);
                } else {
                    send(imap::make_untagged_number(seq, "EXPUNGE"));
                }
                m_view.erase(position);
                announced = m_view.size();
                break;
            case ChangeKind::KeywordsChanged:
                announce_keywords_if_changed();
                break;
            case ChangeKind::AclChanged:
                // RFC 4314 5.1.1: rights checked on every command, so a changed
                // PERMANENTFLAGS is told.
                if (const Mailbox* mailbox = selected())
                    announce_permanent_flags_if_changed(*mailbox);
                break;
            default:
                break;
        }
        if (held) break;
        acknowledged = change.modseq;
    }
    if (m_selected != 0) {
        announce_exists();
        notify_new_messages(arrived);
        // While an EXPUNGE is held back the count would describe messages the
        // client has not been told are gone.
        if (!held) announce_recent_if_changed();
    }
    m_store.acknowledge(m_session, acknowledged);
    if (m_selected != 0) update_search_contexts();
    send_notifications();
}

void ImapServerSession::announce_expunged(const std::vector<Uid>& uids) {
    // RFC 5267 4.3.4: REMOVEFROM by message number comes before the EXPUNGE.
    update_search_contexts();
    // In ascending order each EXPUNGE moves the later messages down by one,
    // so the k-th one leaves from its old position minus k; the view is then
    // compacted once, not once per message.
    std::vector<Uid> leaving = uids;
    std::sort(leaving.begin(), leaving.end());
    std::vector<char> gone(m_view.size(), 0);
    std::size_t removed = 0;
    std::vector<Uid> vanished;
    for (Uid uid : leaving) {
        auto position = find_in_view(uid);
        if (position == m_view.end()) continue;
        const auto index = static_cast<std::size_t>(position - m_view.begin());
        if (gone[index]) continue;
        // RFC 7162 3.2.10.2: after ENABLE QRESYNC, one VANISHED for them all.
        if (m_qresync) {
            vanished.push_back(uid);
        } else {
            send(imap::make_untagged_number(static_cast<std::uint32_t>(index - removed + 1),
                                            "EXPUNGE"));
        }
        gone[index] = 1;
        ++removed;
    }
    send_vanished(imap::SequenceSet::of_ascending(vanished), false);
    std::size_t kept = 0;
    for (std::size_t i = 0; i < m_view.size(); ++i) {
        if (!gone[i]) m_view[kept++] = m_view[i];
    }
    m_view.resize(kept);
    announce_recent_if_changed();
}

void ImapServerSession::inject_unsolicited(const FaultRule& rule) {
    auto words = std::string_view(rule.untagged);
    const std::string upper = imap::to_upper(words);
    auto number_after = [&](std::size_t skip) -> std::uint32_t {
        std::uint32_t n = 0;
        for (std::size_t i = skip; i < upper.size(); ++i) {
            if (upper[i] >= '0' && upper[i] <= '9' && n < 100000000) n = n * 10 + (upper[i] - '0');
        }
        return n;
    };
    if (upper.starts_with("EXISTS")) {
        send(imap::make_untagged_number(static_cast<std::uint32_t>(m_view.size()), "EXISTS"));
    } else if (upper.starts_with("EXPUNGE")) {
        // The message leaves this client's view only; the store keeps it.
        const std::uint32_t n = number_after(7);
        if (n >= 1 && n <= m_view.size()) {
            m_view.erase(m_view.begin() + (n - 1));
            send(imap::make_untagged_number(n, "EXPUNGE"));
        }
    } else if (upper.starts_with("FETCH")) {
        std::uint32_t n = number_after(11);
        if (n == 0) n = 1;
        const Mailbox* mailbox = selected();
        const Message* message =
            mailbox && n <= m_view.size() ? mailbox->find(m_view[n - 1]) : nullptr;
        if (message) {
            send_fetch(n, {flags_item(*message, is_recent(*message))});
        }
    }
}

void ImapServerSession::cmd_close(const Command& command) {
    // UNSELECT is CLOSE without the expunge (RFC 3691 2).
    const bool expunge = command.verb == Verb::Close;
    // RFC 4314 4: without "e" the expunge is skipped and CLOSE still succeeds.
    if (expunge && !m_read_only && selected_rights().has(Right::Expunge)) {
        // RFC 3501 6.4.2: removed silently, no EXPUNGE responses.
        auto removed = m_store.expunge(m_selected, std::nullopt, m_session);
        if (!removed) {
            no_from_store(command.tag, removed.error());
            return;
        }
    }
    deselect();
    ok(command.tag, expunge ? "CLOSE completed" : "UNSELECT completed");
}

void ImapServerSession::cmd_expunge(const Command& command) {
    if (m_read_only) {
        no(command.tag, read_only_text(""), imap::make_code("READ-ONLY"));
        return;
    }
    if (!selected_rights().has(Right::Expunge)) {
        no(command.tag, "EXPUNGE needs the \"e\" right on this mailbox (RFC 4314 4)",
           imap::make_code("NOPERM"));
        return;
    }
    std::optional<std::vector<Uid>> only;
    if (command.uid) {
        only.emplace();
        for (auto [seq, uid] : resolve(std::get<imap::ExpungeArgs>(command.typed).set, true))
            only->push_back(uid);
    }
    auto removed = m_store.expunge(m_selected, std::move(only), m_session);
    if (!removed) {
        no_from_store(command.tag, removed.error());
        return;
    }
    announce_expunged(removed.value());
    // RFC 7162 3.2.7, 3.2.9: the mailbox's new mod-sequence goes with the
    // completion when something left.
    std::optional<imap::ResponseCode> code;
    if (m_condstore_aware && !removed.value().empty()) {
        if (const Mailbox* mailbox = selected())
            code = imap::make_code_highestmodseq(mailbox->highest_modseq());
    }
    ok(command.tag, "EXPUNGE completed", std::move(code));
}

void ImapServerSession::cmd_search(const Command& command) {
    const auto& args = std::get<imap::SearchArgs>(command.typed);
    if (args.return_options && !check_return_options(command, *args.return_options, false)) return;
    // RFC 6855 3: after ENABLE UTF8=ACCEPT the strings are UTF-8 and a
    // CHARSET would contradict it.
    if (m_utf8_accept && args.charset) {
        bad(command.tag,
            "SEARCH takes no CHARSET after ENABLE UTF8=ACCEPT: its strings are "
            "UTF-8 (RFC 6855 3)");
        return;
    }
    // RFC 5182 2.1: SAVE keeps the result as "$" (a "$" in these criteria
    // is still the one before); a SEARCH that fails leaves "$" empty.
    const bool save = args.return_options && imap::has_option(*args.return_options, "SAVE");
    const auto matches = search_matches(command, args.charset, args.keys);
    if (save) m_saved_result.clear();
    if (!matches) return;
    std::vector<std::uint32_t> found;
    for (const MessageContext& match : *matches)
        found.push_back(command.uid ? match.message.uid : match.seq);
    const std::optional<ModSeq> modseq = found_modseq(args.keys, *matches);
    const imap::CommandOptions asked = args.return_options.value_or(imap::CommandOptions{});
    if (save && !matches->empty()) {
        // RFC 5182 2.4: with MIN and/or MAX but neither ALL nor COUNT, "$"
        // holds only the messages those items name.
        const bool min = imap::has_option(asked, "MIN");
        const bool max = imap::has_option(asked, "MAX");
        if ((min || max) && !imap::has_option(asked, "ALL") && !imap::has_option(asked, "COUNT")) {
            if (min) m_saved_result.push_back(matches->front().message.uid);
            if (max && (!min || matches->size() > 1))
                m_saved_result.push_back(matches->back().message.uid);
        } else {
            for (const MessageContext& match : *matches)
                m_saved_result.push_back(match.message.uid);
        }
    }
    // RFC 5267 4.3: UPDATE asks for later changes, not for results now.
    const bool update = imap::has_option(asked, "UPDATE");
    if (update) {
        std::vector<Uid> uids;
        for (const MessageContext& match : *matches)
            uids.push_back(match.message.uid);
        start_search_context(command, {}, args.keys, std::move(uids));
    }
    if (save && asked.size() == 1) {
        // RFC 5182 2.1: SAVE alone answers with no ESEARCH at all.
        ok(command.tag, command.uid ? "UID SEARCH completed" : "SEARCH completed");
        return;
    }
    // RFC 9051 6.4.4: IMAP4rev2 answers every SEARCH with ESEARCH, ALL
    // when no RETURN option asks for anything else.
    if (args.return_options || imap4rev2()) {
        auto answer = search_results(command.tag, command.uid, asked, found);
        // RFC 4731 3.2, RFC 7162 3.1.10: the highest mod-sequence found.
        if (modseq) answer.results.emplace_back("MODSEQ", fmt::format("{}", *modseq));
        send(imap::make_esearch(std::move(answer)));
    } else {
        send(imap::make_search(std::move(found), modseq));
    }
    ok(command.tag, command.uid ? "UID SEARCH completed" : "SEARCH completed");
}

namespace {

// The keys with every "$" made concrete (RFC 5182 2.1): a sequence set key
// by message numbers, a UID key by UIDs.
template <typename Concrete>
std::vector<imap::SearchKey> with_saved_sets(std::vector<imap::SearchKey> keys,
                                             const Concrete& concrete) {
    for (imap::SearchKey& key : keys) {
        if (key.kind == imap::SearchKey::Kind::SequenceSet ||
            key.kind == imap::SearchKey::Kind::Uid) {
            key.set = concrete(key.set, key.kind == imap::SearchKey::Kind::Uid);
        }
        key.children = with_saved_sets(std::move(key.children), concrete);
    }
    return keys;
}

}  // namespace

std::optional<std::vector<MessageContext>> ImapServerSession::search_matches(
    const Command& command, const std::optional<std::string>& charset,
    const std::vector<imap::SearchKey>& given) {
    const std::vector<imap::SearchKey> keys = with_saved_sets(
        given, [this](const imap::SequenceSet& set, bool uid) { return concrete(set, uid); });
    if (charset && !imap::iequals(*charset, "UTF-8") && !imap::iequals(*charset, "US-ASCII")) {
        no(command.tag, fmt::format("The charset {} is not supported", *charset),
           imap::make_code_list("BADCHARSET", {"UTF-8", "US-ASCII"}));
        return std::nullopt;
    }
    if (auto error = search_error(keys)) {
        bad(command.tag, *error);
        return std::nullopt;
    }
    return evaluate_search(keys);
}

std::vector<MessageContext> ImapServerSession::evaluate_search(
    const std::vector<imap::SearchKey>& keys) {
    const Mailbox* mailbox = selected();
    std::vector<MessageContext> found;
    const auto max_seq = static_cast<std::uint32_t>(m_view.size());
    const Uid max_uid = m_view.empty() ? 0 : m_view.back();
    for (std::uint32_t i = 0; i < m_view.size(); ++i) {
        const Message* message = mailbox ? mailbox->find(m_view[i]) : nullptr;
        if (message == nullptr) continue;
        MessageContext context{*message, i + 1, is_recent(*message)};
        if (matches_search(keys, context, m_cache, max_seq, max_uid)) found.push_back(context);
    }
    return found;
}

void ImapServerSession::cmd_fetch(const Command& command) {
    const auto& args = std::get<imap::FetchArgs>(command.typed);
    // An item outside RFC 3501's fetch-att is a syntax error, not something to skip.
    for (const auto& att : args.atts) {
        if (att.kind == imap::FetchAtt::Kind::Other) {
            bad(command.tag, fmt::format("Unknown FETCH item {}", att.name));
            return;
        }
    }
    if (!command.uid) {
        if (auto error = sequence_error(args.set, m_view.size())) {
            bad(command.tag, *error);
            return;
        }
    }
    // RFC 7162 3.2.6: the removed UIDs of the set first, then the FETCHes.
    if (args.vanished) {
        if (const Mailbox* mailbox = selected())
            send_vanished(removed_uids(*mailbox, *args.changed_since, args.set), true);
    }
    PendingFetch fetch;
    fetch.atts = args.atts;
    fetch.changed_since = args.changed_since;
    fetch.targets = resolve(args.set, command.uid);
    // RFC 4314 4: without "s" a FETCH of BODY[] leaves \Seen alone.
    fetch.may_set_seen = !m_read_only && selected_rights().has(Right::KeepSeen);
    m_long = LongCommand{command.tag, command.uid, std::move(fetch), {}, Report::All, false};
    step_long();
}

bool ImapServerSession::step_fetch() {
    auto& fetch = std::get<PendingFetch>(m_long->work);
    const bool uid_command = m_long->uid;
    std::vector<std::pair<std::uint32_t, Uid>> seen_now;
    while (fetch.next < fetch.targets.size() && !fetch.unknown_encoding &&
           m_imap.outgoing_octets() < kFetchChunkOctets) {
        const auto [seq, uid] = fetch.targets[fetch.next++];
        const Mailbox* mailbox = selected();
        const Message* message = mailbox ? mailbox->find(uid, seq - 1) : nullptr;
        if (message == nullptr) {
            fetch.gone = true;
            continue;
        }
        // RFC 7162 3.1.4.1: only messages changed since, each with MODSEQ.
        if (fetch.changed_since && message->modseq <= *fetch.changed_since) continue;
        FetchEffects effects;
        MessageContext context{*message, seq, is_recent(*message)};
        auto items = build_fetch_items(context, fetch.atts, m_cache, uid_command, effects);
        const bool has_modseq = std::any_of(items.begin(), items.end(), [](const auto& item) {
            return item.kind == imap::FetchAtt::Kind::ModSeq;
        });
        if (fetch.changed_since && !has_modseq)
            items.push_back(imap::fetch_modseq(message->modseq));
        if (effects.unknown_encoding) {
            fetch.unknown_encoding = std::move(effects.unknown_encoding);
            break;
        }
        if (effects.replaced_nuls > 0) {
            m_imap.note(sim::Direction::ServerToClient,
                        sim::say(effects.replaced_nuls == 1 ? sim::Phrase::ServerImapNulOne
                                                            : sim::Phrase::ServerImapNulMany,
                                 uid, effects.replaced_nuls),
                        m_now);
        }
        // RFC 3501 6.4.5: BODY[] without .PEEK sets \Seen, and the new flags
        // go out with the data.
        if (effects.sets_seen && fetch.may_set_seen) {
            seen_now.emplace_back(seq, uid);
            Message updated = *message;
            updated.flags.set(SystemFlag::Seen, true);
            auto flags = flags_item(updated, is_recent(*message));
            auto existing = std::find_if(items.begin(), items.end(), [](const auto& item) {
                return item.kind == imap::FetchAtt::Kind::Flags;
            });
            if (existing != items.end()) {
                *existing = std::move(flags);
            } else {
                items.push_back(std::move(flags));
            }
        }
        send_fetch(seq, std::move(items));
    }
    // The flags of a chunk are written before the chunk leaves the server.
    mark_fetched_seen(seen_now);
    if (fetch.next < fetch.targets.size() && !fetch.unknown_encoding) {
        m_long->ready = true;
        return false;
    }
    LongCommand done = std::move(*m_long);
    m_long.reset();
    const auto& finished = std::get<PendingFetch>(done.work);
    if (finished.unknown_encoding) {
        no(done.tag,
           fmt::format("cannot decode the Content-Transfer-Encoding {} (RFC 3516 4.3)",
                       *finished.unknown_encoding),
           imap::make_code("UNKNOWN-CTE"));
    } else if (finished.gone) {
        no(done.tag, kGoneText, imap::make_code("EXPUNGEISSUED"));
    } else {
        ok(done.tag, done.uid ? "UID FETCH completed" : "FETCH completed");
    }
    return true;
}

void ImapServerSession::mark_fetched_seen(
    const std::vector<std::pair<std::uint32_t, Uid>>& seen_now) {
    if (seen_now.empty()) return;
    std::vector<Uid> uids;
    uids.reserve(seen_now.size());
    for (const auto& [seq, uid] : seen_now)
        uids.push_back(uid);
    FlagSet seen;
    seen.set(SystemFlag::Seen, true);
    if (m_store.store_flags(m_selected, uids, FlagOperation::Add, seen, m_session)) return;
    const Mailbox* mailbox = selected();
    for (const auto& [seq, uid] : seen_now) {
        if (const Message* message = mailbox ? mailbox->find(uid) : nullptr) {
            send_fetch(seq, {flags_item(*message, is_recent(*message))});
        }
    }
}

void ImapServerSession::cmd_store(const Command& command) {
    const auto& args = std::get<imap::StoreArgs>(command.typed);
    if (!command.uid) {
        if (auto error = sequence_error(args.set, m_view.size())) {
            bad(command.tag, *error);
            return;
        }
    }
    if (m_read_only) {
        no(command.tag, read_only_text(": flags cannot be changed"), imap::make_code("READ-ONLY"));
        return;
    }
    FlagSet flags;
    for (const auto& name : args.flags) {
        if (auto error = flags.add_name(name)) {
            bad(command.tag, *error);
            return;
        }
    }
    // RFC 4314 4: \Seen needs "s", \Deleted "t", the others "w". A STORE
    // that may change at least one of its flags goes ahead with those.
    const Rights rights = selected_rights();
    const Rights needed = flags.empty() ? kFlagRights : rights_for_flags(flags);
    const bool nothing_asked = flags.empty() && args.mode != imap::StoreArgs::Mode::Replace;
    if (!nothing_asked && !rights.intersects(needed)) {
        const std::string letters = needed.letters();
        no(command.tag,
           fmt::format("Changing these flags needs {} \"{}\" on this mailbox (RFC 4314 4)",
                       letters.size() == 1 ? "the right" : "one of the rights", letters),
           imap::make_code("NOPERM"));
        return;
    }
    const Mailbox* mailbox = selected();
    std::vector<Uid> uids;
    std::vector<std::uint32_t> seqs;
    std::vector<std::uint32_t> modified;  // failed UNCHANGEDSINCE: numbers or UIDs
    bool gone = false;
    for (auto [seq, uid] : resolve(args.set, command.uid)) {
        const Message* message = mailbox->find(uid, seq - 1);
        if (message == nullptr) {
            gone = true;
            continue;
        }
        // RFC 7162 3.1.3: a message changed after UNCHANGEDSINCE is left as
        // it is and named in MODIFIED.
        if (args.unchanged_since && message->modseq > *args.unchanged_since) {
            modified.push_back(command.uid ? uid : seq);
            continue;
        }
        uids.push_back(uid);
        seqs.push_back(seq);
    }
    const FlagOperation operation = args.mode == imap::StoreArgs::Mode::Add ? FlagOperation::Add
                                    : args.mode == imap::StoreArgs::Mode::Remove
                                        ? FlagOperation::Remove
                                        : FlagOperation::Replace;
    auto updated = m_store.store_flags(m_selected, uids, operation, flags, m_session, rights);
    if (!updated) {
        no_from_store(command.tag, updated.error());
        return;
    }
    // A keyword this STORE created is introduced by FLAGS and PERMANENTFLAGS
    // before any FETCH carries it (RFC 3501 7.2.6: FLAGS names the flags
    // that apply in the mailbox).
    announce_keywords_if_changed();
    // A conditional STORE answers with MODSEQ even when .SILENT (RFC 7162
    // 3.1.3); a CONDSTORE-aware client hears MODSEQ with every FLAGS.
    const bool tell_modseq = args.unchanged_since || m_condstore_aware;
    if (!args.silent || args.unchanged_since) {
        for (const auto& update : updated.value()) {
            // `uids` ascend, as resolve() walks the view in order: a linear
            // search here made a STORE of the whole mailbox quadratic.
            const auto index =
                std::lower_bound(uids.begin(), uids.end(), update.uid) - uids.begin();
            const auto seq = seqs[static_cast<std::size_t>(index)];
            const Message* message = selected()->find(update.uid, seq - 1);
            std::vector<imap::FetchItem> items;
            items.reserve(3);
            // RFC 7162 3.2.4: after ENABLE QRESYNC every STORE answer has the UID.
            if (command.uid || m_qresync) items.push_back(imap::fetch_uid(update.uid));
            if (!args.silent) {
                auto names = update.flags.names();
                if (message && is_recent(*message)) names.emplace_back("\\Recent");
                items.push_back(imap::fetch_flags(std::move(names)));
            }
            if (tell_modseq && message) items.push_back(imap::fetch_modseq(message->modseq));
            send_fetch(seq, std::move(items));
        }
    }
    if (!modified.empty()) {
        std::sort(modified.begin(), modified.end());
        const auto code = imap::make_code_modified(imap::SequenceSet::of_ascending(modified));
        if (gone) {
            no(command.tag, kGoneText, code);
        } else {
            ok(command.tag, "Conditional STORE failed for some messages", code);
        }
        return;
    }
    if (gone) {
        no(command.tag, kGoneText, imap::make_code("EXPUNGEISSUED"));
        return;
    }
    ok(command.tag, command.uid ? "UID STORE completed" : "STORE completed");
}

void ImapServerSession::cmd_copy(const Command& command) {
    const bool move = command.verb == Verb::Move;
    const auto& args = std::get<imap::CopyArgs>(command.typed);
    if (!command.uid) {
        if (auto error = sequence_error(args.set, m_view.size())) {
            bad(command.tag, *error);
            return;
        }
    }
    if (move && m_read_only) {
        no(command.tag, read_only_text(": messages cannot be moved out"),
           imap::make_code("READ-ONLY"));
        return;
    }
    if (refuse_read_only_user(command.tag)) return;
    auto accessed = m_store.access(m_user, args.mailbox, Right::Insert);
    if (!accessed) {
        no_from_store(command.tag, accessed.error(), true);
        return;
    }
    const Mailbox* target = accessed.value();
    // RFC 6851 4.2: MOVE also needs what STORE \Deleted and EXPUNGE need here.
    if (move && !selected_rights().contains(Right::DeleteMessages | Right::Expunge)) {
        no(command.tag,
           "MOVE takes messages out of this mailbox: that needs the \"t\" and \"e\" rights "
           "here (RFC 6851 4.2)",
           imap::make_code("NOPERM"));
        return;
    }
    std::vector<Uid> uids;
    for (auto [seq, uid] : resolve(args.set, command.uid))
        uids.push_back(uid);
    // RFC 4314 4: the copies keep only the flags the user may set there.
    const Rights target_rights = m_store.rights(m_user, *target);
    auto job = m_store.begin_copy(m_selected, uids, target->id, move, m_session, target_rights);
    if (!job) {
        no_from_store(command.tag, job.error(), true);
        return;
    }
    m_long = LongCommand{command.tag, command.uid, std::move(job.value()), {}, Report::All, false};
    step_long();
}

bool ImapServerSession::step_long() {
    return std::holds_alternative<PendingFetch>(m_long->work) ? step_fetch() : step_copy();
}

// One step of a COPY or MOVE: the next chunk if the disk has written it.
// Without --data-dir the first step does everything and the command
// answers at once. True when the command has answered.
bool ImapServerSession::step_copy() {
    auto progress = m_store.continue_copy(std::get<PendingCopy>(m_long->work), m_session);
    if (progress && progress.value() != CopyProgress::Finished) {
        m_long->ready = progress.value() == CopyProgress::Advanced;
        return false;
    }
    LongCommand done = std::move(*m_long);
    m_long.reset();
    if (!progress) m_store.abandon_copy(std::get<PendingCopy>(done.work), m_session);
    finish_copy(done, progress);
    return true;
}

void ImapServerSession::finish_copy(LongCommand& done, const StoreResult<CopyProgress>& progress) {
    const auto& copy = std::get<PendingCopy>(done.work);
    const bool move = copy.move;
    const auto& copied = copy.result;
    std::optional<imap::ResponseCode> code;
    if (m_config.capabilities.uidplus && !copied.source.empty()) {
        code = imap::make_code_copyuid(copied.destination_uidvalidity,
                                       imap::SequenceSet::of_ascending(copied.source),
                                       imap::SequenceSet::of_ascending(copied.destination));
    }
    const char* verb = move ? (done.uid ? "UID MOVE" : "MOVE") : (done.uid ? "UID COPY" : "COPY");
    if (!move) {
        if (!progress) {
            no_from_store(done.tag, progress.error(), true);
            return;
        }
        ok(done.tag, fmt::format("{} completed", verb), std::move(code));
        return;
    }
    // RFC 6851 4.3: COPYUID travels in an untagged OK before the EXPUNGEs;
    // after a failure it covers the messages that did move.
    if (code) send(imap::make_status("*", Status::Ok, std::move(code), "Moved UIDs"));
    announce_expunged(copied.source);
    if (!progress) {
        no_from_store(done.tag, progress.error(), true);
        return;
    }
    // RFC 6851 4.4: the mailbox's new mod-sequence after a MOVE.
    std::optional<imap::ResponseCode> modseq;
    if (m_condstore_aware && !copied.source.empty()) {
        if (const Mailbox* mailbox = selected())
            modseq = imap::make_code_highestmodseq(mailbox->highest_modseq());
    }
    ok(done.tag, fmt::format("{} completed", verb), std::move(modseq));
}

void ImapServerSession::cmd_idle(const Command& command) {
    m_idle_tag = command.tag;
    m_last_poll = m_now;
    send(imap::make_continuation("idling"));
    report_changes(Report::All);
}

}  // namespace mailscope::server
