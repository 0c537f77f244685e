// Update contexts (RFC 5267 4.3): a SEARCH or SORT with RETURN (UPDATE)
// keeps its results, and the session tells the client each change to them
// as ESEARCH ADDTO and REMOVEFROM under the command's tag, until CANCELUPDATE
// or until the mailbox is no longer selected.
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <unordered_set>

#include "server_mock/imap_server_session.hpp"
#include "server_mock/search_results.hpp"

namespace mailscope::server {

using imap::Command;

namespace {

// RFC 5267 4.3.1: "Servers MUST provide at least one updating context per
// client"; a few more cost little, and the bound keeps a session's work
// after each change small.
constexpr std::size_t kMaxSearchContexts = 4;

// Consecutive runs of `positions` (ascending, from 1), each with the
// numbers at those positions in order: "p set" pairs.
std::string position_pairs(const std::vector<std::pair<std::size_t, std::uint32_t>>& at,
                           bool descending_runs) {
    std::vector<std::string> pairs;
    for (std::size_t i = 0; i < at.size();) {
        std::size_t j = i;
        std::vector<std::uint32_t> numbers{at[i].second};
        while (j + 1 < at.size() && at[j + 1].first == at[j].first + 1) {
            numbers.push_back(at[++j].second);
        }
        pairs.push_back(fmt::format("{} {}", at[i].first, ordered_set_text(numbers)));
        i = j + 1;
    }
    // Removals go from the end, so the positions of earlier runs still hold.
    if (descending_runs) std::reverse(pairs.begin(), pairs.end());
    return fmt::format("({})", fmt::join(pairs, " "));
}

}  // namespace

void ImapServerSession::start_search_context(const Command& command,
                                             std::vector<imap::SortCriterion> criteria,
                                             const std::vector<imap::SearchKey>& keys,
                                             std::vector<Uid> ordered) {
    if (m_search_contexts.size() >= kMaxSearchContexts) {
        imap::ResponseCode refused = imap::make_code("NOUPDATE");
        refused.args.push_back(imap::make_quoted(command.tag));
        send(imap::make_status(
            "*", imap::Status::No, std::move(refused),
            fmt::format("This session already has {} searches kept up to date; CANCELUPDATE "
                        "one first",
                        kMaxSearchContexts)));
        return;
    }
    // Message numbers name the messages they named now, not later ones.
    std::function<std::vector<imap::SearchKey>(std::vector<imap::SearchKey>)> frozen =
        [&](std::vector<imap::SearchKey> given) {
            for (imap::SearchKey& key : given) {
                if (key.kind == imap::SearchKey::Kind::SequenceSet) {
                    std::vector<Uid> uids;
                    for (const auto& [seq, uid] : resolve(concrete(key.set, false), false))
                        uids.push_back(uid);
                    key.kind = imap::SearchKey::Kind::Uid;
                    key.set = imap::SequenceSet::of_ascending(uids);
                } else if (key.kind == imap::SearchKey::Kind::Uid && key.set.saved) {
                    key.set = concrete(key.set, true);
                }
                key.children = frozen(std::move(key.children));
            }
            return given;
        };
    m_search_contexts.push_back(
        {command.tag, command.uid, std::move(criteria), frozen(keys), std::move(ordered)});
}

void ImapServerSession::update_search_contexts() {
    for (SearchContext& context : m_search_contexts) {
        const auto matches = evaluate_search(context.keys);
        std::vector<Uid> now;
        now.reserve(matches.size());
        if (context.criteria.empty()) {
            for (const MessageContext& match : matches)
                now.push_back(match.message.uid);
        } else {
            for (std::size_t index : sort_order(matches, context.criteria))
                now.push_back(matches[index].message.uid);
        }
        if (now == context.results) continue;
        const auto number = [&](Uid uid) -> std::uint32_t {
            if (context.uid) return uid;
            return static_cast<std::uint32_t>(find_in_view(uid) - m_view.begin() + 1);
        };
        const std::unordered_set<Uid> before(context.results.begin(), context.results.end());
        const std::unordered_set<Uid> after(now.begin(), now.end());
        std::vector<std::pair<std::size_t, std::uint32_t>> removed, added;
        for (std::size_t i = 0; i < context.results.size(); ++i) {
            if (!after.contains(context.results[i]))
                removed.emplace_back(i + 1, number(context.results[i]));
        }
        for (std::size_t i = 0; i < now.size(); ++i) {
            if (!before.contains(now[i])) added.emplace_back(i + 1, number(now[i]));
        }
        imap::EsearchData data;
        data.tag = context.tag;
        data.uid = context.uid;
        // A SEARCH's results are in mailbox order, so position 0 lets the
        // client place them (RFC 5267 4.3.3, 4.3.4); a SORT's need theirs.
        // Sort keys never change, so the messages that stay keep their order.
        const auto in_mailbox_order = [](std::vector<std::pair<std::size_t, std::uint32_t>> at) {
            std::vector<std::uint32_t> numbers;
            for (const auto& [position, n] : at)
                numbers.push_back(n);
            std::sort(numbers.begin(), numbers.end());
            return fmt::format("(0 {})", imap::SequenceSet::of_ascending(numbers).to_string());
        };
        if (!removed.empty()) {
            data.results.emplace_back("REMOVEFROM", context.criteria.empty()
                                                        ? in_mailbox_order(removed)
                                                        : position_pairs(removed, true));
        }
        if (!added.empty()) {
            data.results.emplace_back("ADDTO", context.criteria.empty()
                                                   ? in_mailbox_order(added)
                                                   : position_pairs(added, false));
        }
        context.results = std::move(now);
        send(imap::make_esearch(std::move(data)));
    }
}

void ImapServerSession::cmd_cancelupdate(const Command& command) {
    const auto& args = std::get<imap::CancelUpdateArgs>(command.typed);
    for (const auto& tag : args.tags) {
        const bool known = std::any_of(m_search_contexts.begin(), m_search_contexts.end(),
                                       [&](const SearchContext& c) { return c.tag == tag; });
        if (!known) {
            bad(command.tag,
                fmt::format("No search with the tag \"{}\" is kept up to date here", tag));
            return;
        }
    }
    std::erase_if(m_search_contexts, [&](const SearchContext& context) {
        return std::find(args.tags.begin(), args.tags.end(), context.tag) != args.tags.end();
    });
    ok(command.tag, "No further updates");
}

bool ImapServerSession::check_return_options(const Command& command,
                                             const imap::CommandOptions& options, bool sort) {
    const bool contexts = capability_on(sort ? "CONTEXT=SORT" : "CONTEXT=SEARCH");
    for (const auto& option : options) {
        const auto& name = option.name;
        if (name == "MIN" || name == "MAX" || name == "ALL" || name == "COUNT") continue;
        if (name == "SAVE" && !sort) continue;
        if (contexts && (name == "CONTEXT" || name == "UPDATE" || name == "PARTIAL")) continue;
        // RFC 4466 2.6.1: an unknown search return option is a BAD.
        bad(command.tag,
            fmt::format("Unknown RETURN option {}; this server knows MIN, MAX, ALL, COUNT{}{} "
                        "(RFC 4731 3.1{}{})",
                        name, sort ? "" : ", SAVE", contexts ? ", CONTEXT, UPDATE, PARTIAL" : "",
                        sort ? ", RFC 5267 3.1" : ", RFC 5182 2", contexts ? ", RFC 5267 4" : ""));
        return false;
    }
    return true;
}

}  // namespace mailscope::server
