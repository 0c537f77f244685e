// SORT and THREAD (RFC 5256) in the mock server: the search runs as for
// SEARCH, then the matches are ordered by the sort criteria, or grouped into
// threads by THREAD=ORDEREDSUBJECT or THREAD=REFERENCES. Keys that compare
// equal fall back to the order in the mailbox (RFC 5256 3).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "server_mock/base_subject.hpp"
#include "server_mock/imap_server_session.hpp"
#include "server_mock/search_evaluator.hpp"
#include "server_mock/search_results.hpp"
#include "server_mock/thread_references.hpp"
#include "sim/core/ascii.hpp"
#include "sim/mime/header.hpp"

namespace mailscope::server {

using imap::Command;

namespace {

// What the criteria compare, read once per message.
struct SortFacts {
    std::uint32_t seq = 0;
    Uid uid = 0;
    std::int64_t arrival = 0;  // INTERNALDATE, UTC seconds
    std::int64_t sent = 0;     // RFC 5256 2.2
    std::uint64_t size = 0;
    std::string subject;            // base subject (RFC 5256 2.1)
    bool reply_or_forward = false;  // as BaseSubject says, for THREAD=REFERENCES
    std::string from, to, cc;
};

// "[IMAP] addr-mailbox of the first" address, compared with
// i;ascii-casemap (RFC 5256 3): upper case here. The first address of the
// ENVELOPE, so a group's start, whose addr-mailbox is the group's name
// ("undisclosed-recipients"), counts (RFC 3501 7.4.2).
std::string first_mailbox(const std::vector<mime::AddressData>& addresses) {
    if (addresses.empty() || !addresses.front().mailbox) return {};
    std::string out = *addresses.front().mailbox;
    for (char& c : out)
        c = ascii::to_upper(c);
    return out;
}

SortFacts facts_of(const MessageContext& match, ParsedCache& cache) {
    const mime::ParsedMessage& parsed = cache.get(match.message);
    SortFacts facts;
    facts.seq = match.seq;
    facts.uid = match.message.uid;
    facts.arrival = match.message.internal_date.utc_seconds;
    const auto sent =
        parsed.envelope.date ? sent_date_seconds(*parsed.envelope.date) : std::nullopt;
    facts.sent = sent.value_or(facts.arrival);
    facts.size = match.message.size();
    BaseSubject subject = base_subject_of(parsed.envelope.subject.value_or(""));
    facts.subject = std::move(subject.text);
    facts.reply_or_forward = subject.reply_or_forward;
    facts.from = first_mailbox(parsed.envelope.from);
    facts.to = first_mailbox(parsed.envelope.to);
    facts.cc = first_mailbox(parsed.envelope.cc);
    return facts;
}

// <0, 0, >0 as `a` sorts before, with, after `b` by one key.
int compare_by(const SortFacts& a, const SortFacts& b, std::string_view key) {
    auto order = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
    if (key == "ARRIVAL") return order(a.arrival, b.arrival);
    if (key == "DATE") return order(a.sent, b.sent);
    if (key == "SIZE") return order(a.size, b.size);
    if (key == "SUBJECT") return order(a.subject, b.subject);
    if (key == "FROM") return order(a.from, b.from);
    if (key == "TO") return order(a.to, b.to);
    return order(a.cc, b.cc);
}

std::vector<SortFacts> facts_of_all(const std::vector<MessageContext>& matches,
                                    ParsedCache& cache) {
    std::vector<SortFacts> all;
    all.reserve(matches.size());
    for (const MessageContext& match : matches)
        all.push_back(facts_of(match, cache));
    return all;
}

// RFC 5256 3 ORDEREDSUBJECT: by base subject, then sent date; one thread
// per base subject, whose first message is the parent of all the others;
// the threads by the sent date of their first message.
std::vector<imap::ThreadNode> threads_by_ordered_subject(std::vector<SortFacts> facts, bool uid) {
    std::stable_sort(facts.begin(), facts.end(), [](const SortFacts& a, const SortFacts& b) {
        if (a.subject != b.subject) return a.subject < b.subject;
        return a.sent < b.sent;
    });
    std::vector<std::pair<const SortFacts*, imap::ThreadNode>> threads;
    for (const SortFacts& message : facts) {
        const std::uint32_t number = uid ? message.uid : message.seq;
        if (!threads.empty() && threads.back().first->subject == message.subject) {
            threads.back().second.children.push_back({number, {}});
        } else {
            threads.push_back({&message, {number, {}}});
        }
    }
    std::stable_sort(threads.begin(), threads.end(),
                     [](const auto& a, const auto& b) { return a.first->sent < b.first->sent; });
    std::vector<imap::ThreadNode> roots;
    roots.reserve(threads.size());
    for (auto& thread : threads)
        roots.push_back(std::move(thread.second));
    return roots;
}

// The first id of a field that should hold one, or "" (RFC 5256 3: an
// invalid Message-ID or In-Reply-To counts as none).
std::string first_message_id(const std::optional<std::string>& field_value) {
    if (!field_value) return {};
    auto ids = message_ids(*field_value);
    return ids.empty() ? std::string() : std::move(ids.front());
}

std::vector<imap::ThreadNode> threads_by_references(const std::vector<MessageContext>& matches,
                                                    ParsedCache& cache, bool uid) {
    std::vector<ThreadMessage> messages;
    messages.reserve(matches.size());
    for (const MessageContext& match : matches) {
        SortFacts facts = facts_of(match, cache);
        const mime::ParsedMessage& parsed = cache.get(match.message);
        const mime::HeaderField* references = mime::find_field(parsed.root.headers, "References");
        messages.push_back({
            .number = uid ? facts.uid : facts.seq,
            .message_id = first_message_id(parsed.envelope.message_id),
            .references = references ? message_ids(references->value) : std::vector<std::string>{},
            .in_reply_to = first_message_id(parsed.envelope.in_reply_to),
            .base_subject = std::move(facts.subject),
            .reply_or_forward = facts.reply_or_forward,
            .sent = facts.sent,
        });
    }
    return thread_by_references(messages);
}

}  // namespace

std::vector<std::size_t> ImapServerSession::sort_order(
    const std::vector<MessageContext>& matches, const std::vector<imap::SortCriterion>& criteria) {
    const std::vector<SortFacts> facts = facts_of_all(matches, m_cache);
    std::vector<std::size_t> order(matches.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    // The matches come in mailbox order, so a stable sort keeps it for ties.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        for (const auto& criterion : criteria) {
            const int by = compare_by(facts[a], facts[b], criterion.key);
            if (by != 0) return criterion.reverse ? by > 0 : by < 0;
        }
        return false;
    });
    return order;
}

void ImapServerSession::cmd_sort(const Command& command) {
    const auto& args = std::get<imap::SortArgs>(command.typed);
    if (args.return_options && !check_return_options(command, *args.return_options, true)) return;
    const auto matches = search_matches(command, args.charset, args.keys);
    if (!matches) return;
    const auto order = sort_order(*matches, args.criteria);
    std::vector<std::uint32_t> numbers;
    numbers.reserve(order.size());
    for (std::size_t index : order) {
        const MessageContext& match = (*matches)[index];
        numbers.push_back(command.uid ? match.message.uid : match.seq);
    }
    const auto modseq = found_modseq(args.keys, *matches);
    if (!args.return_options) {
        send(imap::make_sort(std::move(numbers), modseq));
        ok(command.tag, command.uid ? "UID SORT completed" : "SORT completed");
        return;
    }
    // RFC 5267 3: the extended SORT answers with ESEARCH, in sort order.
    const imap::CommandOptions& asked = *args.return_options;
    const bool update = imap::has_option(asked, "UPDATE");
    if (update) {
        std::vector<Uid> uids;
        for (std::size_t index : order)
            uids.push_back((*matches)[index].message.uid);
        start_search_context(command, args.criteria, args.keys, std::move(uids));
    }
    auto answer = search_results(command.tag, command.uid, asked, numbers);
    if (modseq) answer.results.emplace_back("MODSEQ", fmt::format("{}", *modseq));
    send(imap::make_esearch(std::move(answer)));
    ok(command.tag, command.uid ? "UID SORT completed" : "SORT completed");
}

void ImapServerSession::cmd_thread(const Command& command) {
    const auto& args = std::get<imap::SortArgs>(command.typed);
    const bool by_references = args.algorithm == "REFERENCES";
    if (!by_references && args.algorithm != "ORDEREDSUBJECT") {
        bad(command.tag, fmt::format("This server threads by ORDEREDSUBJECT or REFERENCES only "
                                     "(see CAPABILITY), not {} (RFC 5256 3)",
                                     args.algorithm.substr(0, 64)));
        return;
    }
    const auto matches = search_matches(command, args.charset, args.keys);
    if (!matches) return;
    if (by_references && matches->size() > kMaxThreadedMessages) {
        // RFC 5530 3: LIMIT, "the operation ran into an implementation limit".
        no(command.tag,
           fmt::format("THREAD REFERENCES takes at most {} messages here, and {} match; narrow "
                       "the search",
                       kMaxThreadedMessages, matches->size()),
           imap::make_code("LIMIT"));
        return;
    }
    send(imap::make_thread(
        by_references ? threads_by_references(*matches, m_cache, command.uid)
                      : threads_by_ordered_subject(facts_of_all(*matches, m_cache), command.uid)));
    ok(command.tag, command.uid ? "UID THREAD completed" : "THREAD completed");
}

}  // namespace mailscope::server
