#include "sim/imap/command.hpp"
#include "sim/core/ascii.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <utility>

namespace mailscope::imap {

namespace {

struct KeyName {
    SearchKey::Kind kind;
    std::string_view name;
};

using K = SearchKey::Kind;
constexpr std::array<KeyName, 36> key_names{{
    {K::All, "ALL"},
    {K::Answered, "ANSWERED"},
    {K::Bcc, "BCC"},
    {K::Before, "BEFORE"},
    {K::Body, "BODY"},
    {K::Cc, "CC"},
    {K::Deleted, "DELETED"},
    {K::Draft, "DRAFT"},
    {K::Flagged, "FLAGGED"},
    {K::From, "FROM"},
    {K::Header, "HEADER"},
    {K::Keyword, "KEYWORD"},
    {K::Larger, "LARGER"},
    {K::ModSeq, "MODSEQ"},
    {K::New, "NEW"},
    {K::Not, "NOT"},
    {K::Old, "OLD"},
    {K::On, "ON"},
    {K::Or, "OR"},
    {K::Recent, "RECENT"},
    {K::Seen, "SEEN"},
    {K::SentBefore, "SENTBEFORE"},
    {K::SentOn, "SENTON"},
    {K::SentSince, "SENTSINCE"},
    {K::Since, "SINCE"},
    {K::Smaller, "SMALLER"},
    {K::Subject, "SUBJECT"},
    {K::Text, "TEXT"},
    {K::To, "TO"},
    {K::Uid, "UID"},
    {K::Unanswered, "UNANSWERED"},
    {K::Undeleted, "UNDELETED"},
    {K::Undraft, "UNDRAFT"},
    {K::Unflagged, "UNFLAGGED"},
    {K::Unkeyword, "UNKEYWORD"},
    {K::Unseen, "UNSEEN"},
}};

enum class KeyArg : std::uint8_t { None, String, Date, Flag, Header, Number, ModSeq, Set, Not, Or };

KeyArg key_arg(K kind) {
    switch (kind) {
        case K::Bcc:
        case K::Body:
        case K::Cc:
        case K::From:
        case K::Subject:
        case K::Text:
        case K::To:
            return KeyArg::String;
        case K::Before:
        case K::On:
        case K::Since:
        case K::SentBefore:
        case K::SentOn:
        case K::SentSince:
            return KeyArg::Date;
        case K::Keyword:
        case K::Unkeyword:
            return KeyArg::Flag;
        case K::Header:
            return KeyArg::Header;
        case K::Larger:
        case K::Smaller:
            return KeyArg::Number;
        case K::Uid:
            return KeyArg::Set;
        case K::ModSeq:
            return KeyArg::ModSeq;
        case K::Not:
            return KeyArg::Not;
        case K::Or:
            return KeyArg::Or;
        default:
            return KeyArg::None;
    }
}

constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool all_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// date-text = date-day "-" date-month "-" date-year (RFC 3501 9)
bool is_date_text(std::string_view s) {
    std::size_t dash = s.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash > 2) return false;
    if (!all_digits(s.substr(0, dash))) return false;
    std::string_view rest = s.substr(dash + 1);
    if (rest.size() != 8 || rest[3] != '-') return false;
    bool month = false;
    for (auto m : months)
        month = month || iequals(rest.substr(0, 3), m);
    return month && all_digits(rest.substr(4));
}

// date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
bool is_date_time(std::string_view s) {
    if (s.size() != 26) return false;
    if (!((s[0] == ' ' || (s[0] >= '0' && s[0] <= '9')) && s[1] >= '0' && s[1] <= '9'))
        return false;
    std::string date(s.substr(0, 11));
    if (date[0] == ' ') date.erase(0, 1);
    if (!is_date_text(date) || s[11] != ' ') return false;
    std::string_view time = s.substr(12, 8);
    if (!(all_digits(time.substr(0, 2)) && time[2] == ':' && all_digits(time.substr(3, 2)) &&
          time[5] == ':' && all_digits(time.substr(6, 2))))
        return false;
    return s[20] == ' ' && (s[21] == '+' || s[21] == '-') && all_digits(s.substr(22, 4));
}

bool is_list_mailbox_atom(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (!(is_astring_char(c) || c == '%' || c == '*')) return false;
    }
    return true;
}

std::optional<std::uint32_t> parse_nz(std::string_view s) {
    if (!all_digits(s) || s[0] == '0' || s.size() > 10) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : s)
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    if (n > UINT32_MAX) return std::nullopt;
    return static_cast<std::uint32_t>(n);
}

std::optional<std::uint32_t> parse_u32(std::string_view s) {
    if (!all_digits(s) || s.size() > 10) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : s)
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    if (n > UINT32_MAX) return std::nullopt;
    return static_cast<std::uint32_t>(n);
}

// RFC 5267 5: partial-range = nz-number ":" nz-number; RFC 9394 3.1 counts
// from the end with a minus sign on both.
bool is_partial_range(std::string_view s) {
    const auto colon = s.find(':');
    if (colon == std::string_view::npos) return false;
    auto first = s.substr(0, colon);
    auto last = s.substr(colon + 1);
    const bool from_end = first.starts_with('-');
    if (from_end != last.starts_with('-')) return false;
    if (from_end) {
        first.remove_prefix(1);
        last.remove_prefix(1);
    }
    return parse_nz(first) && parse_nz(last);
}

// Reads typed arguments out of a node list, remembering the first error.
class CommandReader {
  public:
    CommandReader(const std::vector<Node>& nodes, std::size_t end_offset, const Limits& limits)
        : m_nodes(nodes), m_end(end_offset), m_limits(limits) {}

    std::optional<ParseError> error;

    bool fail(const Node* at, sim::Said message) {
        if (!error) error = parse_error(at ? at->offset : m_end, std::move(message));
        return false;
    }
    bool done() const { return m_i >= m_nodes.size(); }
    const Node* peek() const { return done() ? nullptr : &m_nodes[m_i]; }
    const Node* take() { return done() ? nullptr : &m_nodes[m_i++]; }

    bool finish(std::string_view verb) {
        if (!done()) return fail(peek(), sim::say(sim::Phrase::TooManyArgumentsFor, verb));
        return true;
    }

    bool astring(std::string& out, sim::Phrase what) {
        const Node* n = take();
        if (!n) return fail(nullptr, sim::say(sim::Phrase::MissingArgument, what));
        return node_astring(*n, out, what);
    }

    bool node_astring(const Node& n, std::string& out, sim::Phrase what) {
        if (n.kind == Node::Kind::Literal && n.binary) {
            return fail(&n, sim::say(sim::Phrase::ArgNotLiteral8, what));
        }
        if (!n.is_string()) return fail(&n, sim::say(sim::Phrase::ExpectedAtomOrString, what));
        if (n.kind == Node::Kind::Atom && !is_astring_atom(n.value)) {
            return fail(&n, sim::say(sim::Phrase::ArgAtomCharacters, what, n.value));
        }
        out = n.value;
        return true;
    }

    bool list_mailbox(std::string& out) { return list_mailbox_value(take(), out); }

    bool list_mailbox_value(const Node* n, std::string& out) {
        if (!n) return fail(nullptr, sim::say(sim::Phrase::MissingListPattern));
        if (!n->is_string()) return fail(n, sim::say(sim::Phrase::ExpectedListPattern));
        if (n->kind == Node::Kind::Atom && !is_list_mailbox_atom(n->value)) {
            return fail(n, sim::say(sim::Phrase::ListPatternCharacters, n->value));
        }
        out = n->value;
        return true;
    }

    // RETURN (options) at nodes[i] of SEARCH or SORT, if there; `i` ends
    // after it (RFC 4731 3.1, RFC 5267 3 and 4.4).
    bool search_return_options(const std::vector<Node>& nodes, std::size_t& i,
                               std::optional<CommandOptions>& out) {
        if (i >= nodes.size() || !nodes[i].is_atom("RETURN")) return true;
        if (i + 1 >= nodes.size() || !nodes[i + 1].is_list()) {
            return fail(i + 1 >= nodes.size() ? nullptr : &nodes[i + 1],
                        sim::say(sim::Phrase::SearchReturnNeedsList));
        }
        auto& parsed = out.emplace();
        if (!options(nodes[i + 1], parsed, sim::Phrase::ArgResultOption)) return false;
        int ranges = 0;
        for (const auto& option : parsed) {
            if (option.name == "ALL") ++ranges;
            if (option.name != "PARTIAL") continue;
            ++ranges;
            if (option.values.size() != 1 || !is_partial_range(option.values[0])) {
                return fail(&nodes[i + 1], sim::say(sim::Phrase::PartialNeedsRange));
            }
        }
        if (ranges > 1) {
            return fail(&nodes[i + 1], sim::say(sim::Phrase::PartialOrAllOnce));
        }
        i += 2;
        return true;
    }

    // The options of an extended LIST or SEARCH: atoms, each maybe followed
    // by its value in parentheses (RFC 9051 9 option-extension); in SEARCH,
    // PARTIAL's value is a range without them (RFC 9394 3.1).
    bool options(const Node& list, CommandOptions& out, sim::Phrase what) {
        const auto& items = list.children;
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (!option(items, i, out, what)) return false;
        }
        return true;
    }

    // The option at items[i] and its value, if one follows; `i` ends on
    // the last node taken.
    bool option(const std::vector<Node>& items, std::size_t& i, CommandOptions& out,
                sim::Phrase what) {
        const Node& item = items[i];
        if (item.kind != Node::Kind::Atom || !is_atom_text(item.value))
            return fail(&item, sim::say(sim::Phrase::ExpectedWhat, what));
        CommandOption option{to_upper(item.value), {}, false};
        const Node* value = i + 1 < items.size() ? &items[i + 1] : nullptr;
        if (value && value->is_list()) {
            for (const Node& part : value->children) {
                if (!part.is_string()) {
                    return fail(&part, sim::say(sim::Phrase::OptionNestedLists, option.name));
                }
                option.values.push_back(part.value);
            }
            option.has_value = true;
            ++i;
        } else if (option.name == "PARTIAL" && value && value->kind == Node::Kind::Atom) {
            option.values.push_back(value->value);
            option.has_value = true;
            ++i;
        }
        if (option.name == "STATUS" && option.values.empty()) {
            return fail(&item, sim::say(sim::Phrase::StatusOptionNeedsList));
        }
        out.push_back(std::move(option));
        return true;
    }

    // "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP
    // seq-match-data] ")" (RFC 7162 7); no set may hold "*".
    bool qresync_params(const Node& list, QresyncParams& out) {
        const auto& items = list.children;
        if (items.size() < 2 || items.size() > 4)
            return fail(&list, sim::say(sim::Phrase::QresyncParamForm));
        const auto validity = items[0].as_number();
        if (!validity || *validity == 0)
            return fail(&items[0], sim::say(sim::Phrase::QresyncUidvalidity));
        out.uidvalidity = *validity;
        if (!modseq(items[1], out.modseq, "QRESYNC")) return false;
        if (out.modseq == 0)
            return fail(&items[1], sim::say(sim::Phrase::ModseqFromOne, "QRESYNC"));
        std::size_t i = 2;
        if (i < items.size() && !items[i].is_list()) {
            if (!starless_set(items[i], out.known_uids.emplace(), "known-uids")) return false;
            ++i;
        }
        if (i < items.size()) {
            const Node& match = items[i];
            if (!match.is_list() || match.children.size() != 2 || i + 1 != items.size())
                return fail(&match, sim::say(sim::Phrase::QresyncParamForm));
            auto& [numbers, uids] = out.seq_match.emplace();
            if (!starless_set(match.children[0], numbers, "known-sequence-set") ||
                !starless_set(match.children[1], uids, "known-uid-set")) {
                return false;
            }
        }
        return true;
    }

    bool starless_set(const Node& n, SequenceSet& out, std::string_view what) {
        if (!node_set(n, out)) return false;
        const bool starred =
            out.saved || std::any_of(out.ranges.begin(), out.ranges.end(),
                                     [](const SeqRange& r) { return r.first == 0 || r.last == 0; });
        if (starred) return fail(&n, sim::say(sim::Phrase::SetNoStar, what));
        return true;
    }

    bool atom(std::string& out, sim::Phrase what) {
        const Node* n = take();
        if (!n) return fail(nullptr, sim::say(sim::Phrase::MissingArgument, what));
        if (!(n->kind == Node::Kind::Atom || n->kind == Node::Kind::Number ||
              n->kind == Node::Kind::Nil) ||
            !is_atom_text(n->value)) {
            return fail(n, sim::say(sim::Phrase::ExpectedAtomArg, what));
        }
        out = n->value;
        return true;
    }

    // "(" cat-part *(SP cat-part) ")", cat-part = "TEXT" SP literal / "URL" SP
    // astring (RFC 4469 5) / "UTF8" SP "(" literal8 ")" (RFC 6855 4).
    bool catenate_parts(const Node* list, std::vector<CatenatePart>& out) {
        if (!list || !list->is_list() || list->children.empty()) {
            return fail(list, sim::say(sim::Phrase::CatenateNeedsParts));
        }
        const auto& items = list->children;
        for (std::size_t i = 0; i < items.size(); i += 2) {
            const Node& kind = items[i];
            const Node* value = i + 1 < items.size() ? &items[i + 1] : nullptr;
            CatenatePart part;
            if (kind.is_atom("TEXT")) {
                if (!value || value->kind != Node::Kind::Literal || value->binary) {
                    return fail(value ? value : &kind, sim::say(sim::Phrase::CatenateTextLiteral));
                }
                part.kind = CatenatePart::Kind::Text;
                part.value = value->value;
            } else if (kind.is_atom("URL")) {
                if (!value) return fail(&kind, sim::say(sim::Phrase::CatenateUrlNeeds));
                part.kind = CatenatePart::Kind::Url;
                if (!node_astring(*value, part.value, sim::Phrase::ArgCatenateUrl)) return false;
            } else if (kind.is_atom("UTF8")) {
                if (!value || !value->is_list() || value->children.size() != 1 ||
                    value->children[0].kind != Node::Kind::Literal || !value->children[0].binary) {
                    return fail(value ? value : &kind, sim::say(sim::Phrase::CatenateUtf8Literal8));
                }
                part.kind = CatenatePart::Kind::Utf8;
                part.value = value->children[0].value;
            } else {
                return fail(&kind, sim::say(sim::Phrase::CatenatePartForm));
            }
            out.push_back(std::move(part));
        }
        return true;
    }

    // append-message = [flag-list SP] [date-time SP] (literal / literal8 /
    // "UTF8" SP "(" literal8 ")" / "CATENATE" SP "(" cat-part *(SP cat-part)
    // ")") (RFC 3501 9, RFC 3502 6, RFC 3516 4.4, RFC 6855 4, RFC 4469 5).
    bool append_message(AppendMessage& out) {
        const Node* n = peek();
        if (n && n->is_list()) {
            out.has_flags = true;
            if (!flag_list(*take(), out.flags)) return false;
            n = peek();
        }
        if (n && n->kind == Node::Kind::Quoted) {
            if (!is_date_time(n->value)) {
                return fail(n, sim::say(sim::Phrase::NotDateTime, n->value));
            }
            out.date_time = take()->value;
            n = peek();
        }
        if (n && n->is_atom("UTF8")) {
            take();
            n = take();
            if (!n || !n->is_list() || n->children.size() != 1 ||
                n->children[0].kind != Node::Kind::Literal || !n->children[0].binary) {
                return fail(n, sim::say(sim::Phrase::AppendUtf8Literal8));
            }
            out.utf8 = true;
            out.message = n->children[0].value;
            return true;
        }
        if (n && n->is_atom("CATENATE")) {
            take();
            return catenate_parts(take(), out.catenate);
        }
        if (!n || n->kind != Node::Kind::Literal) {
            return fail(n, sim::say(sim::Phrase::AppendNeedsLiteral));
        }
        out.binary = n->binary;
        out.message = take()->value;
        return true;
    }

    // sort-criteria = "(" sort-criterion *(SP sort-criterion) ")",
    // sort-criterion = ["REVERSE" SP] sort-key (RFC 5256 5).
    bool sort_criteria(const Node& list, std::vector<SortCriterion>& out) {
        static constexpr std::array<std::string_view, 7> keys{"ARRIVAL", "CC",      "DATE", "FROM",
                                                              "SIZE",    "SUBJECT", "TO"};
        const auto& items = list.children;
        for (std::size_t i = 0; i < items.size(); ++i) {
            SortCriterion criterion;
            if (items[i].is_atom("REVERSE")) {
                criterion.reverse = true;
                if (++i == items.size())
                    return fail(&items[i - 1], sim::say(sim::Phrase::ReverseNeedsKey));
            }
            const Node& key = items[i];
            const bool known = key.kind == Node::Kind::Atom &&
                               std::any_of(keys.begin(), keys.end(),
                                           [&](auto name) { return iequals(key.value, name); });
            if (!known) {
                return fail(&key, sim::say(sim::Phrase::NotSortKey, key.value.substr(0, 64)));
            }
            criterion.key = to_upper(key.value);
            out.push_back(std::move(criterion));
        }
        return true;
    }

    // setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")",
    // setquota-resource = resource-name SP resource-limit (RFC 9208 7).
    bool quota_limits(std::vector<QuotaResource>& out) {
        const Node* list = take();
        if (!list || !list->is_list()) {
            return fail(list, sim::say(sim::Phrase::SetquotaNeedsList));
        }
        const auto& items = list->children;
        for (std::size_t i = 0; i < items.size(); i += 2) {
            const Node& name = items[i];
            if (name.kind != Node::Kind::Atom || !is_atom_text(name.value))
                return fail(&name, sim::say(sim::Phrase::ExpectedResourceName));
            const auto limit = i + 1 < items.size() ? items[i + 1].as_number64() : std::nullopt;
            if (!limit || *limit > kMaxNumber64) {
                return fail(i + 1 < items.size() ? &items[i + 1] : &name,
                            sim::say(sim::Phrase::ResourceNeedsLimit, name.value));
            }
            out.push_back({name.value, 0, *limit});
        }
        return true;
    }

    bool sequence_set(SequenceSet& out) {
        const Node* n = take();
        if (!n) return fail(nullptr, sim::say(sim::Phrase::MissingMessageSet));
        return node_set(*n, out);
    }

    bool node_set(const Node& n, SequenceSet& out) {
        if (n.kind != Node::Kind::Atom && n.kind != Node::Kind::Number) {
            return fail(&n, sim::say(sim::Phrase::ExpectedMessageSet));
        }
        auto set = SequenceSet::parse(n.value);
        if (!set) {
            return fail(&n, sim::say(sim::Phrase::BadMessageSet, n.value));
        }
        out = std::move(*set);
        return true;
    }

    // NIL is an atom like any other here: flag-keyword = atom (RFC 3501 9).
    bool flag(const Node& n, std::string& out, bool allow_star) {
        bool ok =
            n.kind == Node::Kind::Atom || n.kind == Node::Kind::Number || n.kind == Node::Kind::Nil;
        std::string_view v = n.value;
        if (ok && !v.empty() && v[0] == '\\') {
            if (v == "\\*") {
                ok = allow_star;
                if (!ok) return fail(&n, sim::say(sim::Phrase::StarFlagOnlyPermanent));
            } else {
                ok = is_atom_text(v.substr(1));
            }
        } else {
            ok = ok && is_atom_text(v);
        }
        if (!ok) return fail(&n, sim::say(sim::Phrase::NotValidFlag, n.value));
        out = n.value;
        return true;
    }

    bool flag_list(const Node& n, std::vector<std::string>& out) {
        if (!n.is_list()) return fail(&n, sim::say(sim::Phrase::ExpectedFlagList));
        for (const Node& child : n.children) {
            std::string f;
            if (!flag(child, f, false)) return false;
            out.push_back(std::move(f));
        }
        return true;
    }

    bool date(const Node& n, std::string& out) {
        if ((n.kind != Node::Kind::Atom && n.kind != Node::Kind::Quoted) ||
            !is_date_text(n.value)) {
            return fail(&n, sim::say(sim::Phrase::NotDateText, n.value));
        }
        out = n.value;
        return true;
    }

    bool search_key(const std::vector<Node>& nodes, std::size_t& i, SearchKey& key,
                    std::size_t depth) {
        if (depth > m_limits.max_nesting) {
            return fail(&nodes[i], sim::say(sim::Phrase::SearchKeysTooDeep, m_limits.max_nesting));
        }
        const Node& n = nodes[i++];
        if (n.is_list()) {
            if (n.children.empty()) return fail(&n, sim::say(sim::Phrase::EmptySearchKeyGroup));
            key.kind = K::Group;
            for (std::size_t j = 0; j < n.children.size();) {
                SearchKey child;
                if (!search_key(n.children, j, child, depth + 1)) return false;
                key.children.push_back(std::move(child));
            }
            return true;
        }
        if (n.kind != Node::Kind::Atom && n.kind != Node::Kind::Number) {
            return fail(&n, sim::say(sim::Phrase::ExpectedSearchKey));
        }
        if (n.value.find_first_not_of("0123456789:,*") == std::string::npos || n.value == "$") {
            key.kind = K::SequenceSet;
            return node_set(n, key.set);
        }
        const KeyName* found = nullptr;
        for (const auto& k : key_names) {
            if (iequals(k.name, n.value)) found = &k;
        }
        if (!found) return fail(&n, sim::say(sim::Phrase::NotSearchKey, n.value));
        key.kind = found->kind;
        auto need = [&](sim::Phrase what) -> const Node* {
            if (i >= nodes.size()) {
                fail(nullptr, sim::say(sim::Phrase::SearchKeyNeeds, found->name, what));
                return nullptr;
            }
            return &nodes[i++];
        };
        switch (key_arg(key.kind)) {
            case KeyArg::None:
                return true;
            case KeyArg::String: {
                const Node* a = need(sim::Phrase::ArgString);
                return a && node_astring(*a, key.string, sim::Phrase::ArgSearchString);
            }
            case KeyArg::Date: {
                const Node* a = need(sim::Phrase::ArgDate);
                return a && date(*a, key.string);
            }
            case KeyArg::Flag: {
                const Node* a = need(sim::Phrase::ArgKeyword);
                if (!a) return false;
                const bool atom = a->kind == Node::Kind::Atom || a->kind == Node::Kind::Nil;
                if (!atom || !is_atom_text(a->value)) {
                    return fail(a, sim::say(sim::Phrase::NotKeyword, a->value));
                }
                key.string = a->value;
                return true;
            }
            case KeyArg::Header: {
                const Node* a = need(sim::Phrase::ArgHeaderAndValue);
                if (!a || !node_astring(*a, key.string, sim::Phrase::WhatHeaderFieldName))
                    return false;
                const Node* b = need(sim::Phrase::ArgHeaderAndValue);
                return b && node_astring(*b, key.value, sim::Phrase::ArgHeaderValue);
            }
            case KeyArg::Number: {
                const Node* a = need(sim::Phrase::ArgOctets);
                if (!a) return false;
                auto v = a->as_number();
                if (!v) return fail(a, sim::say(sim::Phrase::NotANumber, a->value));
                key.number = *v;
                return true;
            }
            case KeyArg::ModSeq:
                return modseq_key(key, need(sim::Phrase::ArgModseq), need);
            case KeyArg::Set: {
                const Node* a = need(sim::Phrase::ArgUidSet);
                return a && node_set(*a, key.set);
            }
            case KeyArg::Not: {
                if (i >= nodes.size()) return fail(nullptr, sim::say(sim::Phrase::NotNeedsKey));
                SearchKey child;
                if (!search_key(nodes, i, child, depth + 1)) return false;
                key.children.push_back(std::move(child));
                return true;
            }
            case KeyArg::Or: {
                for (int k = 0; k < 2; ++k) {
                    if (i >= nodes.size()) return fail(nullptr, sim::say(sim::Phrase::OrNeedsKeys));
                    SearchKey child;
                    if (!search_key(nodes, i, child, depth + 1)) return false;
                    key.children.push_back(std::move(child));
                }
                return true;
            }
        }
        return true;
    }

    // search-modsequence = "MODSEQ" [SP entry-name SP entry-type-req] SP
    // mod-sequence-valzer, entry-name = DQUOTE "/flags/" attr-flag DQUOTE
    // (RFC 7162 7).
    template <typename Need>
    bool modseq_key(SearchKey& key, const Node* a, Need& need) {
        if (!a) return false;
        if (a->kind == Node::Kind::Quoted) {
            if (!ascii::istarts_with(a->value, "/flags/") || a->value.size() == 7) {
                return fail(a, sim::say(sim::Phrase::NotMetadataEntry, a->value.substr(0, 64)));
            }
            key.string = a->value;
            const Node* type = need(sim::Phrase::ArgEntryType);
            if (!type) return false;
            if (!type->is_atom("priv") && !type->is_atom("shared") && !type->is_atom("all")) {
                return fail(type, sim::say(sim::Phrase::NotEntryType, type->value.substr(0, 64)));
            }
            key.value = ascii::lower(type->value);
            a = need(sim::Phrase::ArgModseq);
            if (!a) return false;
        }
        return modseq(*a, key.modseq, "MODSEQ");
    }

    // mod-sequence-valzer = "0" / mod-sequence-value, at most 2^63-1 (RFC 7162 7).
    bool modseq(const Node& n, std::uint64_t& out, std::string_view what) {
        const auto value = n.as_number64();
        if (!value || *value > kMaxNumber64) {
            return fail(&n, sim::say(sim::Phrase::NeedsModseq, what));
        }
        out = *value;
        return true;
    }

    const std::vector<Node>& nodes() const { return m_nodes; }
    std::size_t index() const { return m_i; }
    void set_index(std::size_t i) { m_i = i; }

  private:
    const std::vector<Node>& m_nodes;
    std::size_t m_i = 0;
    std::size_t m_end;
    const Limits& m_limits;
};

bool parse_section_spec(CommandReader& r, const Node& section, SectionSpec& out,
                        bool allow_fields) {
    const auto& c = section.children;
    if (c.empty()) return true;
    const Node& first = c[0];
    if (first.kind != Node::Kind::Atom && first.kind != Node::Kind::Number) {
        return r.fail(&first, sim::say(sim::Phrase::ExpectedSectionSpec));
    }
    std::string_view text = first.value;
    while (!text.empty()) {
        std::size_t dot = text.find('.');
        std::string_view seg = text.substr(0, dot);
        if (!all_digits(seg)) break;
        auto n = parse_nz(seg);
        if (!n) return r.fail(&first, sim::say(sim::Phrase::SectionPartNotNumber, seg));
        out.part.push_back(*n);
        text = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
        if (dot != std::string_view::npos && text.empty())
            return r.fail(&first, sim::say(sim::Phrase::SectionPartDot));
    }
    using T = SectionSpec::Text;
    if (text.empty()) {
        out.text = T::None;
    } else if (iequals(text, "HEADER")) {
        out.text = T::Header;
    } else if (iequals(text, "HEADER.FIELDS")) {
        out.text = T::HeaderFields;
    } else if (iequals(text, "HEADER.FIELDS.NOT")) {
        out.text = T::HeaderFieldsNot;
    } else if (iequals(text, "TEXT")) {
        out.text = T::Text;
    } else if (iequals(text, "MIME") && !out.part.empty()) {
        out.text = T::Mime;
    } else {
        return r.fail(&first, sim::say(sim::Phrase::NotSectionText, first.value));
    }
    bool fields = out.text == T::HeaderFields || out.text == T::HeaderFieldsNot;
    if (!fields) {
        if (c.size() != 1) return r.fail(&c[1], sim::say(sim::Phrase::SectionExtraData));
        return true;
    }
    if (!allow_fields) return r.fail(&first, sim::say(sim::Phrase::UnexpectedFieldList));
    if (c.size() != 2 || !c[1].is_list() || c[1].children.empty()) {
        return r.fail(&first, sim::say(sim::Phrase::HeaderFieldsNeedsList));
    }
    for (const Node& f : c[1].children) {
        std::string name;
        if (!r.node_astring(f, name, sim::Phrase::WhatHeaderFieldName)) return false;
        out.fields.push_back(std::move(name));
    }
    return true;
}

bool parse_fetch_att(CommandReader& r, const std::vector<Node>& nodes, std::size_t& i,
                     FetchAtt& att) {
    const Node& n = nodes[i++];
    if (n.kind != Node::Kind::Atom) return r.fail(&n, sim::say(sim::Phrase::ExpectedFetchAtt));
    using FK = FetchAtt::Kind;
    struct Simple {
        std::string_view name;
        FK kind;
    };
    static constexpr std::array<Simple, 10> simple{{{"ENVELOPE", FK::Envelope},
                                                    {"FLAGS", FK::Flags},
                                                    {"INTERNALDATE", FK::InternalDate},
                                                    {"RFC822", FK::Rfc822},
                                                    {"RFC822.HEADER", FK::Rfc822Header},
                                                    {"RFC822.SIZE", FK::Rfc822Size},
                                                    {"RFC822.TEXT", FK::Rfc822Text},
                                                    {"BODYSTRUCTURE", FK::BodyStructure},
                                                    {"UID", FK::Uid},
                                                    {"MODSEQ", FK::ModSeq}}};
    bool has_section = i < nodes.size() && nodes[i].kind == Node::Kind::Section;
    for (const auto& s : simple) {
        if (iequals(n.value, s.name)) {
            att.kind = s.kind;
            return true;
        }
    }
    bool body = iequals(n.value, "BODY");
    bool peek = iequals(n.value, "BODY.PEEK");
    if (body && !has_section) {
        att.kind = FK::Body;
        return true;
    }
    auto partial = [&]() {
        if (i >= nodes.size() || nodes[i].kind != Node::Kind::Partial) return true;
        const Node& p = nodes[i++];
        std::string_view v = p.value;
        std::size_t dot = v.find('.');
        auto origin = dot == std::string_view::npos ? std::nullopt : parse_u32(v.substr(0, dot));
        auto count = dot == std::string_view::npos ? std::nullopt : parse_nz(v.substr(dot + 1));
        if (!origin || !count) return r.fail(&p, sim::say(sim::Phrase::PartialRangeForm));
        att.partial = std::make_pair(*origin, *count);
        return true;
    };
    if (body || peek) {
        if (!has_section) return r.fail(&n, sim::say(sim::Phrase::NeedsSection, "BODY.PEEK"));
        att.kind = FK::BodySection;
        att.peek = peek;
        if (!parse_section_spec(r, nodes[i++], att.section, true)) return false;
        return partial();
    }
    // RFC 3516 4.2 (RFC 9051 6.4.5): section-binary = "[" [section-part] "]",
    // and BINARY.SIZE takes no partial range.
    const bool binary = iequals(n.value, "BINARY") || iequals(n.value, "BINARY.PEEK");
    const bool binary_size = iequals(n.value, "BINARY.SIZE");
    if (binary || binary_size) {
        if (!has_section) return r.fail(&n, sim::say(sim::Phrase::NeedsSection, n.value));
        att.kind = binary ? FK::Binary : FK::BinarySize;
        att.peek = iequals(n.value, "BINARY.PEEK");
        const Node& section = nodes[i++];
        if (!parse_section_spec(r, section, att.section, false)) return false;
        if (att.section.text != SectionSpec::Text::None)
            return r.fail(&section, sim::say(sim::Phrase::PartNumbersOnly, n.value));
        if (!binary_size) return partial();
        if (i < nodes.size() && nodes[i].kind == Node::Kind::Partial)
            return r.fail(&nodes[i], sim::say(sim::Phrase::BinarySizeNoPartial));
        return true;
    }
    if (!is_atom_text(n.value)) return r.fail(&n, sim::say(sim::Phrase::NotFetchAtt, n.value));
    att.kind = FK::Other;
    att.name = n.value;
    while (i < nodes.size() && !nodes[i].space_before)
        write_node(att.name, nodes[i++]);
    return true;
}

void expand_macro(std::string_view macro, std::vector<FetchAtt>& atts) {
    using FK = FetchAtt::Kind;
    std::vector<FK> kinds{FK::Flags, FK::InternalDate, FK::Rfc822Size};
    if (iequals(macro, "ALL") || iequals(macro, "FULL")) kinds.push_back(FK::Envelope);
    if (iequals(macro, "FULL")) kinds.push_back(FK::Body);
    for (FK k : kinds) {
        FetchAtt att;
        att.kind = k;
        atts.push_back(std::move(att));
    }
}

// fetch-modifier = "CHANGEDSINCE" SP mod-sequence-value / "VANISHED"
// (RFC 7162 7, RFC 4466 2.4).
bool fetch_modifiers(CommandReader& r, const Node& list, FetchArgs& a) {
    const auto& items = list.children;
    if (items.empty()) return r.fail(&list, sim::say(sim::Phrase::FetchModifiersEmpty));
    for (std::size_t i = 0; i < items.size(); ++i) {
        const Node& name = items[i];
        if (name.is_atom("CHANGEDSINCE") && !a.changed_since) {
            if (i + 1 == items.size())
                return r.fail(&name, sim::say(sim::Phrase::ChangedsinceNeedsModseq));
            if (!r.modseq(items[++i], a.changed_since.emplace(), "CHANGEDSINCE")) return false;
            if (*a.changed_since == 0)
                return r.fail(&items[i], sim::say(sim::Phrase::ModseqFromOne, "CHANGEDSINCE"));
        } else if (name.is_atom("VANISHED") && !a.vanished) {
            a.vanished = true;
        } else {
            return r.fail(&name, sim::say(sim::Phrase::NotFetchModifier, name.value.substr(0, 64)));
        }
    }
    if (a.vanished && !a.changed_since) {
        return r.fail(&list, sim::say(sim::Phrase::VanishedNeedsChangedsince));
    }
    return true;
}

// store-modifier = "UNCHANGEDSINCE" SP mod-sequence-valzer (RFC 7162 7,
// RFC 4466 2.5).
bool store_modifiers(CommandReader& r, const Node& list, StoreArgs& a) {
    const auto& items = list.children;
    if (items.size() != 2 || !items[0].is_atom("UNCHANGEDSINCE")) {
        return r.fail(&list, sim::say(sim::Phrase::StoreModifierForm));
    }
    return r.modseq(items[1], a.unchanged_since.emplace(), "UNCHANGEDSINCE");
}

// RFC 5465 8 event names, in the order of NotifyEvent::Kind.
constexpr std::array<std::string_view, 8> notify_event_names{
    "MessageNew",
    "MessageExpunge",
    "FlagChange",
    "AnnotationChange",
    "MailboxName",
    "SubscriptionChange",
    "MailboxMetadataChange",
    "ServerMetadataChange",
};

struct NotifyFilterName {
    std::string_view name;
    NotifyEventGroup::Filter filter;
};
constexpr std::array<NotifyFilterName, 7> notify_filter_names{{
    {"selected", NotifyEventGroup::Filter::Selected},
    {"selected-delayed", NotifyEventGroup::Filter::SelectedDelayed},
    {"inboxes", NotifyEventGroup::Filter::Inboxes},
    {"personal", NotifyEventGroup::Filter::Personal},
    {"subscribed", NotifyEventGroup::Filter::Subscribed},
    {"subtree", NotifyEventGroup::Filter::Subtree},
    {"mailboxes", NotifyEventGroup::Filter::Mailboxes},
}};

bool is_message_event(NotifyEvent::Kind kind) {
    using enum NotifyEvent::Kind;
    return kind == MessageNew || kind == MessageExpunge || kind == FlagChange ||
           kind == AnnotationChange;
}

bool parse_notify_event(CommandReader& r, const std::vector<Node>& items, std::size_t& i,
                        NotifyEvent& out) {
    const Node& n = items[i];
    if (n.kind != Node::Kind::Atom || !is_atom_text(n.value)) {
        return r.fail(&n, sim::say(sim::Phrase::ExpectedEventName));
    }
    out.name = n.value;
    const auto found = std::find_if(notify_event_names.begin(), notify_event_names.end(),
                                    [&](std::string_view name) { return iequals(name, n.value); });
    out.kind = found == notify_event_names.end()
                   ? NotifyEvent::Kind::Other
                   : static_cast<NotifyEvent::Kind>(found - notify_event_names.begin());
    ++i;
    if (i < items.size() && items[i].is_list()) {
        if (out.kind != NotifyEvent::Kind::MessageNew) {
            return r.fail(&items[i], sim::say(sim::Phrase::OnlyMessageNewFetch, out.name));
        }
        const auto& atts = items[i].children;
        if (atts.empty()) return r.fail(&items[i], sim::say(sim::Phrase::MessageNewFetchEmpty));
        auto& parsed = out.fetch_atts.emplace();
        for (std::size_t j = 0; j < atts.size();) {
            FetchAtt att;
            if (!parse_fetch_att(r, atts, j, att)) return false;
            parsed.push_back(std::move(att));
        }
        ++i;
    }
    return true;
}

// Which events go together and where (RFC 5465 5, 6.1 and 8).
bool check_notify_group(CommandReader& r, const Node& at, const NotifyEventGroup& group) {
    using enum NotifyEvent::Kind;
    const bool has_new = group.has(MessageNew);
    const bool has_expunge = group.has(MessageExpunge);
    if (has_new != has_expunge) {
        return r.fail(
            &at, sim::say(sim::Phrase::NotifyPairMissing, has_new ? "MessageNew" : "MessageExpunge",
                          has_new ? "MessageExpunge" : "MessageNew"));
    }
    for (const auto kind : {FlagChange, AnnotationChange}) {
        if (group.has(kind) && !has_new) {
            return r.fail(&at,
                          sim::say(sim::Phrase::NotifyNeedsNewExpunge, notify_event_name(kind)));
        }
    }
    for (const auto& event : group.events) {
        if (group.selected() && !is_message_event(event.kind)) {
            return r.fail(&at,
                          sim::say(sim::Phrase::NotMessageEvent, event.name, group.filter_word));
        }
        if (!group.selected() && event.fetch_atts) {
            return r.fail(&at,
                          sim::say(sim::Phrase::MessageNewFetchSelectedOnly, group.filter_word));
        }
    }
    return true;
}

bool parse_notify_group(CommandReader& r, const Node& list, NotifyEventGroup& out) {
    const auto& items = list.children;
    if (items.empty() || items[0].kind != Node::Kind::Atom) {
        return r.fail(&list, sim::say(sim::Phrase::EventGroupForm));
    }
    const auto filter =
        std::find_if(notify_filter_names.begin(), notify_filter_names.end(),
                     [&](const NotifyFilterName& f) { return iequals(f.name, items[0].value); });
    if (filter == notify_filter_names.end()) {
        return r.fail(&items[0], sim::say(sim::Phrase::NotMailboxFilter, items[0].value));
    }
    out.filter = filter->filter;
    out.filter_word = items[0].value;
    std::size_t i = 1;
    if (out.filter == NotifyEventGroup::Filter::Subtree ||
        out.filter == NotifyEventGroup::Filter::Mailboxes) {
        if (i >= items.size())
            return r.fail(&list, sim::say(sim::Phrase::FilterNeedsMailboxes, out.filter_word));
        if (items[i].is_list()) {
            out.mailbox_list = true;
            if (items[i].children.empty())
                return r.fail(&items[i], sim::say(sim::Phrase::NotifyMailboxListEmpty));
            for (const Node& name : items[i].children) {
                if (!r.node_astring(name, out.mailboxes.emplace_back(),
                                    sim::Phrase::ArgMailboxName))
                    return false;
            }
        } else if (!r.node_astring(items[i], out.mailboxes.emplace_back(),
                                   sim::Phrase::ArgMailboxName)) {
            return false;
        }
        ++i;
    }
    if (i >= items.size()) {
        return r.fail(&list, sim::say(sim::Phrase::EventGroupNeedsEvents));
    }
    const Node& events = items[i];
    if (events.is_atom("NONE")) {
        out.none_word = events.value;
    } else if (events.is_list() && !events.children.empty()) {
        for (std::size_t j = 0; j < events.children.size();) {
            if (!parse_notify_event(r, events.children, j, out.events.emplace_back())) return false;
        }
    } else {
        return r.fail(&events, sim::say(sim::Phrase::EventsForm));
    }
    if (i + 1 < items.size()) {
        return r.fail(&items[i + 1], sim::say(sim::Phrase::EventGroupEnds));
    }
    return check_notify_group(r, list, out);
}

bool parse_notify(CommandReader& r, NotifyArgs& out) {
    const Node* mode = r.take();
    if (!mode || !(mode->is_atom("SET") || mode->is_atom("NONE"))) {
        return r.fail(mode, sim::say(sim::Phrase::NotifyMode));
    }
    out.mode_word = mode->value;
    out.replaces = mode->is_atom("SET");
    if (!out.replaces) return r.finish("NOTIFY NONE");
    if (r.peek() && r.peek()->is_atom("STATUS")) out.status_word = r.take()->value;
    if (r.done()) {
        return r.fail(nullptr, sim::say(sim::Phrase::NotifySetNeedsGroup));
    }
    const Node* selected = nullptr;
    while (const Node* n = r.take()) {
        if (!n->is_list()) {
            return r.fail(n, sim::say(sim::Phrase::EventGroupInParens));
        }
        auto& group = out.groups.emplace_back();
        if (!parse_notify_group(r, *n, group)) return false;
        if (!group.selected()) continue;
        if (selected) {
            return r.fail(n, sim::say(sim::Phrase::SelectedOnce));
        }
        selected = n;
    }
    return true;
}

bool parse_typed(Command& cmd, CommandReader& r) {
    std::string_view verb = verb_name(cmd.verb);
    auto no_args = [&]() -> bool {
        if (!r.done()) return r.fail(r.peek(), sim::say(sim::Phrase::TakesNoArguments, verb));
        return true;
    };
    switch (cmd.verb) {
        case Verb::Capability:
        case Verb::Noop:
        case Verb::Logout:
        case Verb::Starttls:
        case Verb::Check:
        case Verb::Close:
        case Verb::Idle:
        case Verb::Namespace:
        case Verb::Unselect:
            return no_args();
        case Verb::Expunge: {
            if (!cmd.uid) return no_args();
            ExpungeArgs a;
            if (!r.sequence_set(a.set) || !r.finish("UID EXPUNGE")) return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Login: {
            LoginArgs a;
            if (!r.astring(a.user, sim::Phrase::ArgUserName) ||
                !r.astring(a.password, sim::Phrase::ArgPassword) || !r.finish(verb))
                return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Authenticate: {
            AuthenticateArgs a;
            if (!r.atom(a.mechanism, sim::Phrase::ArgSaslMechanism)) return false;
            if (!r.done()) {
                const Node* n = r.take();
                bool base64 =
                    n->kind != Node::Kind::Quoted && n->kind != Node::Kind::Literal &&
                    !n->value.empty() &&
                    n->value.find_first_not_of(
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
                        std::string::npos;
                if (!base64) return r.fail(n, sim::say(sim::Phrase::InitialResponseBase64));
                a.initial_response = n->value;
            }
            if (!r.finish(verb)) return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Select:
        case Verb::Examine: {
            // select-params = "(" select-param *(SP select-param) ")" (RFC 4466 2.1).
            MailboxArgs a;
            if (!r.astring(a.mailbox, sim::Phrase::ArgMailboxName)) return false;
            const Node* n = r.peek();
            if (n && n->is_list()) {
                r.take();
                if (n->children.empty()) return r.fail(n, sim::say(sim::Phrase::SelectParamsEmpty));
                auto& params = a.select_params.emplace();
                const auto& items = n->children;
                for (std::size_t i = 0; i < items.size(); ++i) {
                    if (!items[i].is_atom("QRESYNC")) {
                        if (!r.option(items, i, params, sim::Phrase::ArgSelectParam)) return false;
                        continue;
                    }
                    if (a.qresync) return r.fail(&items[i], sim::say(sim::Phrase::QresyncOnce));
                    if (i + 1 == items.size() || !items[i + 1].is_list()) {
                        return r.fail(&items[i], sim::say(sim::Phrase::QresyncNeedsList));
                    }
                    if (!r.qresync_params(items[++i], a.qresync.emplace())) return false;
                    params.push_back({"QRESYNC", {}, true});
                }
            }
            if (!r.finish(verb)) return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Create:
        case Verb::Delete:
        case Verb::Subscribe:
        case Verb::Unsubscribe:
        case Verb::Getacl:
        case Verb::Myrights:
        case Verb::Getquotaroot: {
            MailboxArgs a;
            if (!r.astring(a.mailbox, sim::Phrase::ArgMailboxName) || !r.finish(verb)) return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Setacl:
        case Verb::Deleteacl:
        case Verb::Listrights: {
            AclArgs a;
            if (!r.astring(a.mailbox, sim::Phrase::ArgMailboxName) ||
                !r.astring(a.identifier, sim::Phrase::ArgIdentifier))
                return false;
            if (cmd.verb == Verb::Setacl && !r.astring(a.rights, sim::Phrase::ArgRights))
                return false;
            if (!r.finish(verb)) return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Getquota:
        case Verb::Setquota: {
            QuotaArgs a;
            if (!r.astring(a.root, sim::Phrase::ArgQuotaRoot)) return false;
            if (cmd.verb == Verb::Setquota && !r.quota_limits(a.limits)) return false;
            if (!r.finish(verb)) return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Rename: {
            RenameArgs a;
            if (!r.astring(a.from, sim::Phrase::ArgExistingMailbox) ||
                !r.astring(a.to, sim::Phrase::ArgNewMailbox) || !r.finish(verb))
                return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::List:
        case Verb::Lsub: {
            ListArgs a;
            const bool list = cmd.verb == Verb::List;
            const Node* n = r.peek();
            if (list && n && n->is_list()) {
                r.take();
                if (!r.options(*n, a.select_options.emplace(), sim::Phrase::ArgSelectionOption)) {
                    return false;
                }
                const auto& chosen = *a.select_options;
                const bool base = std::any_of(chosen.begin(), chosen.end(), [](const auto& o) {
                    return o.name != "RECURSIVEMATCH" && o.name != "REMOTE";
                });
                if (has_option(chosen, "RECURSIVEMATCH") && !base) {
                    return r.fail(n, sim::say(sim::Phrase::RecursivematchNeedsBase));
                }
            }
            if (!r.astring(a.reference, sim::Phrase::ArgReferenceName)) return false;
            n = r.peek();
            if (list && n && n->is_list()) {
                r.take();
                if (n->children.empty()) return r.fail(n, sim::say(sim::Phrase::PatternListEmpty));
                a.pattern_list = true;
                for (const Node& pattern : n->children) {
                    std::string& out = &pattern == &n->children.front()
                                           ? a.pattern
                                           : a.more_patterns.emplace_back();
                    if (!r.list_mailbox_value(&pattern, out)) return false;
                }
            } else if (!r.list_mailbox(a.pattern)) {
                return false;
            }
            n = r.peek();
            if (list && n && n->is_atom("RETURN")) {
                r.take();
                const Node* options = r.take();
                if (!options || !options->is_list()) {
                    return r.fail(options, sim::say(sim::Phrase::ListReturnNeedsList));
                }
                if (!r.options(*options, a.return_options.emplace(),
                               sim::Phrase::ArgReturnOption)) {
                    return false;
                }
            }
            if (!r.finish(verb)) return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Status: {
            StatusArgs a;
            if (!r.astring(a.mailbox, sim::Phrase::ArgMailboxName)) return false;
            const Node* n = r.take();
            if (!n || !n->is_list() || n->children.empty()) {
                return r.fail(n, sim::say(sim::Phrase::StatusNeedsItems));
            }
            for (const Node& item : n->children) {
                if (item.kind != Node::Kind::Atom || !is_atom_text(item.value)) {
                    return r.fail(&item, sim::say(sim::Phrase::ExpectedStatusItem));
                }
                a.items.push_back(item.value);
            }
            if (!r.finish(verb)) return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Append: {
            // RFC 3502 6: append = "APPEND" SP mailbox 1*append-message, each
            // [SP flag-list] [SP date-time] SP the message.
            AppendArgs a;
            if (!r.astring(a.mailbox, sim::Phrase::ArgMailboxName)) return false;
            do {
                if (!r.append_message(a.messages.emplace_back())) return false;
            } while (!r.done());
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Search: {
            SearchArgs a;
            const auto& nodes = r.nodes();
            std::size_t i = 0;
            if (!r.search_return_options(nodes, i, a.return_options)) return false;
            if (i < nodes.size() && nodes[i].is_atom("CHARSET")) {
                if (nodes.size() < i + 2)
                    return r.fail(nullptr, sim::say(sim::Phrase::CharsetNeedsName));
                std::string cs;
                if (!r.node_astring(nodes[i + 1], cs, sim::Phrase::ArgCharsetName)) return false;
                a.charset = std::move(cs);
                i += 2;
            }
            if (i >= nodes.size()) return r.fail(nullptr, sim::say(sim::Phrase::SearchNeedsKey));
            while (i < nodes.size()) {
                SearchKey key;
                if (!r.search_key(nodes, i, key, 0)) return false;
                a.keys.push_back(std::move(key));
            }
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Sort:
        case Verb::Thread: {
            // RFC 5256 5: sort-criteria / thread-alg, then search-criteria =
            // charset 1*(SP search-key).
            // RFC 5267 5: extended-sort = ["UID" SP] "SORT" search-return-opts SP
            // sort-criteria SP search-criteria.
            SortArgs a;
            const auto& nodes = r.nodes();
            if (nodes.empty())
                return r.fail(nullptr, sim::say(sim::Phrase::NeedsItsArguments, verb));
            std::size_t i = 0;
            if (cmd.verb == Verb::Sort) {
                if (!r.search_return_options(nodes, i, a.return_options)) return false;
                if (i >= nodes.size() || !nodes[i].is_list() || nodes[i].children.empty()) {
                    return r.fail(i < nodes.size() ? &nodes[i] : nullptr,
                                  sim::say(sim::Phrase::SortNeedsCriteria));
                }
                if (!r.sort_criteria(nodes[i], a.criteria)) return false;
            } else {
                if (nodes[0].kind != Node::Kind::Atom || !is_atom_text(nodes[0].value)) {
                    return r.fail(&nodes[0], sim::say(sim::Phrase::ThreadNeedsAlgorithm));
                }
                a.algorithm = to_upper(nodes[0].value);
            }
            ++i;
            if (nodes.size() <= i)
                return r.fail(nullptr, sim::say(sim::Phrase::NeedsCharset, verb));
            if (nodes[i].kind != Node::Kind::Atom && nodes[i].kind != Node::Kind::Quoted)
                return r.fail(&nodes[i], sim::say(sim::Phrase::CharsetForm));
            a.charset = nodes[i].value;
            ++i;
            if (i >= nodes.size()) {
                return r.fail(nullptr, sim::say(sim::Phrase::NeedsKeyAfterCharset, verb));
            }
            while (i < nodes.size()) {
                SearchKey key;
                if (!r.search_key(nodes, i, key, 0)) return false;
                a.keys.push_back(std::move(key));
            }
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Fetch: {
            FetchArgs a;
            if (!r.sequence_set(a.set)) return false;
            const Node* n = r.peek();
            if (!n) return r.fail(nullptr, sim::say(sim::Phrase::FetchNeedsItems));
            if (n->is_list()) {
                r.take();
                if (n->children.empty()) return r.fail(n, sim::say(sim::Phrase::FetchAttsEmpty));
                for (std::size_t i = 0; i < n->children.size();) {
                    FetchAtt att;
                    if (!parse_fetch_att(r, n->children, i, att)) return false;
                    a.atts.push_back(std::move(att));
                }
            } else if (n->is_atom("ALL") || n->is_atom("FAST") || n->is_atom("FULL")) {
                a.macro = r.take()->value;
                expand_macro(a.macro, a.atts);
            } else {
                std::size_t i = r.index();
                FetchAtt att;
                if (!parse_fetch_att(r, r.nodes(), i, att)) return false;
                r.set_index(i);
                a.atts.push_back(std::move(att));
            }
            n = r.peek();
            if (n && n->is_list() && !fetch_modifiers(r, *r.take(), a)) return false;
            if (!r.finish(verb)) return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Store: {
            StoreArgs a;
            if (!r.sequence_set(a.set)) return false;
            if (r.peek() && r.peek()->is_list() && !store_modifiers(r, *r.take(), a)) return false;
            const Node* n = r.take();
            if (!n) return r.fail(nullptr, sim::say(sim::Phrase::StoreNeedsItem));
            std::string_view item = n->value;
            if (n->kind == Node::Kind::Atom && !item.empty() &&
                (item[0] == '+' || item[0] == '-')) {
                a.mode = item[0] == '+' ? StoreArgs::Mode::Add : StoreArgs::Mode::Remove;
                item.remove_prefix(1);
            }
            if (n->kind == Node::Kind::Atom && iequals(item, "FLAGS.SILENT")) {
                a.silent = true;
            } else if (n->kind != Node::Kind::Atom || !iequals(item, "FLAGS")) {
                return r.fail(n, sim::say(sim::Phrase::NotStoreItem, n->value));
            }
            const Node* f = r.peek();
            if (!f) return r.fail(nullptr, sim::say(sim::Phrase::StoreNeedsFlags));
            if (f->is_list()) {
                if (!r.flag_list(*r.take(), a.flags)) return false;
            } else {
                while (!r.done()) {
                    std::string flag;
                    if (!r.flag(*r.take(), flag, false)) return false;
                    a.flags.push_back(std::move(flag));
                }
            }
            if (!r.finish(verb)) return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Copy:
        case Verb::Move: {
            CopyArgs a;
            if (!r.sequence_set(a.set) || !r.astring(a.mailbox, sim::Phrase::ArgMailboxName) ||
                !r.finish(verb))
                return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Id: {
            IdArgs a;
            const Node* n = r.take();
            if (!n) return r.fail(nullptr, sim::say(sim::Phrase::IdNeedsList));
            if (n->is_list()) {
                if (n->children.size() % 2 != 0) return r.fail(n, sim::say(sim::Phrase::IdPairs));
                for (std::size_t i = 0; i < n->children.size(); i += 2) {
                    const Node& key = n->children[i];
                    const Node& value = n->children[i + 1];
                    if (key.kind != Node::Kind::Quoted && key.kind != Node::Kind::Literal) {
                        return r.fail(&key, sim::say(sim::Phrase::IdNameString));
                    }
                    if (value.kind == Node::Kind::Nil) {
                        a.fields.emplace_back(key.value, std::nullopt);
                    } else if (value.kind == Node::Kind::Quoted ||
                               value.kind == Node::Kind::Literal) {
                        a.fields.emplace_back(key.value, value.value);
                    } else {
                        return r.fail(&value, sim::say(sim::Phrase::IdValueString));
                    }
                }
            } else if (n->kind != Node::Kind::Nil) {
                return r.fail(n, sim::say(sim::Phrase::IdNeedsList));
            }
            if (!r.finish(verb)) return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Cancelupdate: {
            // RFC 5267 5: "CANCELUPDATE" 1*(SP quoted).
            CancelUpdateArgs a;
            if (r.done()) {
                return r.fail(nullptr, sim::say(sim::Phrase::CancelupdateNeedsTag));
            }
            while (const Node* n = r.take()) {
                if (n->kind != Node::Kind::Quoted) {
                    return r.fail(n, sim::say(sim::Phrase::CancelupdateQuoted));
                }
                a.tags.push_back(n->value);
            }
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Notify: {
            NotifyArgs a;
            if (!parse_notify(r, a)) return false;
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Enable: {
            EnableArgs a;
            if (r.done()) return r.fail(nullptr, sim::say(sim::Phrase::EnableNeedsCapability));
            while (!r.done()) {
                std::string cap;
                if (!r.atom(cap, sim::Phrase::ArgCapability)) return false;
                a.capabilities.push_back(std::move(cap));
            }
            cmd.typed = std::move(a);
            return true;
        }
        case Verb::Unknown:
            return true;
    }
    return true;
}

// --- builders ---------------------------------------------------------------

Node list_mailbox_node(std::string_view pattern) {
    if (is_list_mailbox_atom(pattern) && !iequals(pattern, "NIL"))
        return make_atom(std::string(pattern));
    return make_string(pattern);
}

}  // namespace

void add_fetch_att(std::vector<Node>& out, const FetchAtt& att) {
    using FK = FetchAtt::Kind;
    if (att.kind == FK::Other) {
        out.push_back(make_atom(att.name));
        return;
    }
    switch (att.kind) {
        case FK::BodySection:
            out.push_back(make_atom(att.peek ? "BODY.PEEK" : "BODY"));
            break;
        case FK::Binary:
            out.push_back(make_atom(att.peek ? "BINARY.PEEK" : "BINARY"));
            break;
        case FK::BinarySize:
            out.push_back(make_atom("BINARY.SIZE"));
            break;
        default:
            out.push_back(make_atom(fetch_att_name(att)));
            return;
    }
    std::vector<Node> inner;
    std::string head;
    for (std::size_t i = 0; i < att.section.part.size(); ++i) {
        if (i) head += '.';
        head += fmt::format("{}", att.section.part[i]);
    }
    SectionSpec only_text = att.section;
    only_text.part.clear();
    only_text.fields.clear();
    std::string text = only_text.to_string();
    if (!text.empty()) {
        if (!head.empty()) head += '.';
        head += text;
    }
    if (!head.empty()) inner.push_back(make_atom(head));
    if (!att.section.fields.empty()) {
        std::vector<Node> fields;
        for (const auto& f : att.section.fields)
            fields.push_back(make_astring(f));
        inner.push_back(make_list(std::move(fields)));
    }
    out.push_back(make_section(std::move(inner)));
    if (att.partial) {
        out.push_back(make_partial(fmt::format("{}.{}", att.partial->first, att.partial->second)));
    }
}

std::vector<Node> fetch_att_nodes(const FetchAtt& att) {
    std::vector<Node> out;
    add_fetch_att(out, att);
    return out;
}

namespace {

Node options_node(const CommandOptions& options) {
    std::vector<Node> items;
    for (const auto& option : options) {
        items.push_back(make_atom(option.name));
        if (!option.has_value) continue;
        std::vector<Node> values;
        for (const auto& value : option.values)
            values.push_back(make_astring(value));
        if (option.name == "PARTIAL" && values.size() == 1) {
            items.push_back(std::move(values[0]));
        } else {
            items.push_back(make_list(std::move(values)));
        }
    }
    return make_list(std::move(items));
}

Node qresync_node(const QresyncParams& q) {
    std::vector<Node> items{make_number(q.uidvalidity), make_number(q.modseq)};
    if (q.known_uids) items.push_back(make_atom(q.known_uids->to_string()));
    if (q.seq_match) {
        items.push_back(make_list({make_atom(q.seq_match->first.to_string()),
                                   make_atom(q.seq_match->second.to_string())}));
    }
    return make_list(std::move(items));
}

Node select_params_node(const MailboxArgs& a) {
    std::vector<Node> items;
    for (const auto& option : *a.select_params) {
        if (option.name == "QRESYNC" && a.qresync) {
            items.push_back(make_atom("QRESYNC"));
            items.push_back(qresync_node(*a.qresync));
        } else {
            auto one = options_node({option});
            for (auto& node : one.children)
                items.push_back(std::move(node));
        }
    }
    return make_list(std::move(items));
}

Node flag_list_node(const std::vector<std::string>& flags) {
    std::vector<Node> items;
    for (const auto& f : flags)
        items.push_back(make_atom(f));
    return make_list(std::move(items));
}

// URLs go as quoted strings, as RFC 4469's examples write them, though most
// could pass as atoms.
Node catenate_node(const std::vector<CatenatePart>& parts, bool non_sync) {
    std::vector<Node> items;
    for (const auto& part : parts) {
        switch (part.kind) {
            case CatenatePart::Kind::Text:
                items.push_back(make_atom("TEXT"));
                items.push_back(make_literal(part.value, !non_sync));
                break;
            case CatenatePart::Kind::Url:
                items.push_back(make_atom("URL"));
                items.push_back(make_string(part.value, non_sync));
                break;
            case CatenatePart::Kind::Utf8:
                items.push_back(make_atom("UTF8"));
                items.push_back(make_list({make_literal8(part.value, !non_sync)}));
                break;
        }
    }
    return make_list(std::move(items));
}

Node notify_group_node(const NotifyEventGroup& group, bool non_sync) {
    std::vector<Node> items;
    items.push_back(make_atom(group.filter_word));
    if (group.mailbox_list) {
        std::vector<Node> names;
        for (const auto& name : group.mailboxes)
            names.push_back(make_astring(name, non_sync));
        items.push_back(make_list(std::move(names)));
    } else if (!group.mailboxes.empty()) {
        items.push_back(make_astring(group.mailboxes.front(), non_sync));
    }
    if (group.none_word) {
        items.push_back(make_atom(*group.none_word));
    } else {
        std::vector<Node> events;
        for (const auto& event : group.events) {
            events.push_back(make_atom(event.name));
            if (event.fetch_atts) {
                std::vector<Node> atts;
                for (const auto& att : *event.fetch_atts)
                    add_fetch_att(atts, att);
                // A section and a partial stick to the name before them.
                Node list = make_list({});
                for (auto& node : atts) {
                    if (node.kind != Node::Kind::Section && node.kind != Node::Kind::Partial)
                        node.space_before = !list.children.empty();
                    list.children.push_back(std::move(node));
                }
                events.push_back(std::move(list));
            }
        }
        items.push_back(make_list(std::move(events)));
    }
    return make_list(std::move(items));
}

void add_search_key(std::vector<Node>& out, const SearchKey& key) {
    if (key.kind == K::Group) {
        std::vector<Node> inner;
        for (const auto& c : key.children)
            add_search_key(inner, c);
        out.push_back(make_list(std::move(inner)));
        return;
    }
    if (key.kind == K::SequenceSet) {
        out.push_back(make_atom(key.set.to_string()));
        return;
    }
    out.push_back(make_atom(std::string(search_key_name(key.kind))));
    switch (key_arg(key.kind)) {
        case KeyArg::None:
            break;
        case KeyArg::String:
            out.push_back(make_astring(key.string));
            break;
        case KeyArg::Date:
        case KeyArg::Flag:
            out.push_back(make_atom(key.string));
            break;
        case KeyArg::Header:
            out.push_back(make_astring(key.string));
            out.push_back(make_astring(key.value));
            break;
        case KeyArg::Number:
            out.push_back(make_number(key.number));
            break;
        case KeyArg::ModSeq:
            if (!key.string.empty()) {
                out.push_back(make_quoted(key.string));
                out.push_back(make_atom(key.value));
            }
            out.push_back(make_number(key.modseq));
            break;
        case KeyArg::Set:
            out.push_back(make_atom(key.set.to_string()));
            break;
        case KeyArg::Not:
        case KeyArg::Or:
            for (const auto& c : key.children)
                add_search_key(out, c);
            break;
    }
}

std::vector<Node> build_args(const CommandArgs& typed, Verb verb, bool non_sync) {
    std::vector<Node> out;
    auto astr = [&](std::string_view s) { out.push_back(make_astring(s, non_sync)); };
    std::visit(
        [&](const auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, LoginArgs>) {
                astr(a.user);
                astr(a.password);
            } else if constexpr (std::is_same_v<T, AuthenticateArgs>) {
                out.push_back(make_atom(a.mechanism));
                if (a.initial_response) {
                    out.push_back(
                        make_atom(a.initial_response->empty() ? "=" : *a.initial_response));
                }
            } else if constexpr (std::is_same_v<T, MailboxArgs>) {
                astr(a.mailbox);
                if (a.select_params) out.push_back(select_params_node(a));
            } else if constexpr (std::is_same_v<T, RenameArgs>) {
                astr(a.from);
                astr(a.to);
            } else if constexpr (std::is_same_v<T, CancelUpdateArgs>) {
                for (const auto& tag : a.tags)
                    out.push_back(make_quoted(tag));
            } else if constexpr (std::is_same_v<T, NotifyArgs>) {
                out.push_back(make_atom(a.mode_word));
                if (a.status_word) out.push_back(make_atom(*a.status_word));
                for (const auto& group : a.groups)
                    out.push_back(notify_group_node(group, non_sync));
            } else if constexpr (std::is_same_v<T, SortArgs>) {
                if (a.return_options) {
                    out.push_back(make_atom("RETURN"));
                    out.push_back(options_node(*a.return_options));
                }
                if (verb == Verb::Sort) {
                    std::vector<Node> criteria;
                    for (const auto& criterion : a.criteria) {
                        if (criterion.reverse) criteria.push_back(make_atom("REVERSE"));
                        criteria.push_back(make_atom(criterion.key));
                    }
                    out.push_back(make_list(std::move(criteria)));
                } else {
                    out.push_back(make_atom(a.algorithm));
                }
                out.push_back(make_astring(a.charset));
                for (const auto& key : a.keys)
                    add_search_key(out, key);
            } else if constexpr (std::is_same_v<T, QuotaArgs>) {
                astr(a.root);
                if (verb == Verb::Setquota) {
                    std::vector<Node> limits;
                    for (const auto& resource : a.limits) {
                        limits.push_back(make_atom(resource.name));
                        limits.push_back(make_number(resource.limit));
                    }
                    out.push_back(make_list(std::move(limits)));
                }
            } else if constexpr (std::is_same_v<T, AclArgs>) {
                astr(a.mailbox);
                astr(a.identifier);
                if (verb == Verb::Setacl) astr(a.rights);
            } else if constexpr (std::is_same_v<T, ListArgs>) {
                if (a.select_options) out.push_back(options_node(*a.select_options));
                astr(a.reference);
                if (a.pattern_list) {
                    std::vector<Node> patterns{list_mailbox_node(a.pattern)};
                    for (const auto& pattern : a.more_patterns)
                        patterns.push_back(list_mailbox_node(pattern));
                    out.push_back(make_list(std::move(patterns)));
                } else {
                    out.push_back(list_mailbox_node(a.pattern));
                }
                if (a.return_options) {
                    out.push_back(make_atom("RETURN"));
                    out.push_back(options_node(*a.return_options));
                }
            } else if constexpr (std::is_same_v<T, StatusArgs>) {
                astr(a.mailbox);
                std::vector<Node> items;
                for (const auto& i : a.items)
                    items.push_back(make_atom(i));
                out.push_back(make_list(std::move(items)));
            } else if constexpr (std::is_same_v<T, AppendArgs>) {
                astr(a.mailbox);
                for (const auto& m : a.messages) {
                    if (m.has_flags || !m.flags.empty()) out.push_back(flag_list_node(m.flags));
                    if (m.date_time) out.push_back(make_quoted(*m.date_time));
                    if (!m.catenate.empty()) {
                        out.push_back(make_atom("CATENATE"));
                        out.push_back(catenate_node(m.catenate, non_sync));
                    } else if (m.utf8) {
                        out.push_back(make_atom("UTF8"));
                        out.push_back(make_list({make_literal8(m.message, !non_sync)}));
                    } else if (m.binary) {
                        out.push_back(make_literal8(m.message, !non_sync));
                    } else {
                        out.push_back(make_literal(m.message, !non_sync));
                    }
                }
            } else if constexpr (std::is_same_v<T, SearchArgs>) {
                if (a.return_options) {
                    out.push_back(make_atom("RETURN"));
                    out.push_back(options_node(*a.return_options));
                }
                if (a.charset) {
                    out.push_back(make_atom("CHARSET"));
                    astr(*a.charset);
                }
                for (const auto& k : a.keys)
                    add_search_key(out, k);
            } else if constexpr (std::is_same_v<T, FetchArgs>) {
                out.push_back(make_atom(a.set.to_string()));
                if (!a.macro.empty()) {
                    out.push_back(make_atom(a.macro));
                } else if (a.atts.size() == 1) {
                    add_fetch_att(out, a.atts[0]);
                } else {
                    std::vector<Node> items;
                    for (const auto& att : a.atts)
                        add_fetch_att(items, att);
                    Node list = make_list({});
                    for (std::size_t i = 0; i < items.size(); ++i) {
                        if (items[i].kind != Node::Kind::Section &&
                            items[i].kind != Node::Kind::Partial) {
                            items[i].space_before = !list.children.empty();
                        }
                        list.children.push_back(std::move(items[i]));
                    }
                    out.push_back(std::move(list));
                }
                if (a.changed_since) {
                    std::vector<Node> modifiers{make_atom("CHANGEDSINCE"),
                                                make_number(*a.changed_since)};
                    if (a.vanished) modifiers.push_back(make_atom("VANISHED"));
                    out.push_back(make_list(std::move(modifiers)));
                }
            } else if constexpr (std::is_same_v<T, StoreArgs>) {
                out.push_back(make_atom(a.set.to_string()));
                if (a.unchanged_since) {
                    out.push_back(
                        make_list({make_atom("UNCHANGEDSINCE"), make_number(*a.unchanged_since)}));
                }
                std::string item = a.mode == StoreArgs::Mode::Add      ? "+FLAGS"
                                   : a.mode == StoreArgs::Mode::Remove ? "-FLAGS"
                                                                       : "FLAGS";
                if (a.silent) item += ".SILENT";
                out.push_back(make_atom(item));
                out.push_back(flag_list_node(a.flags));
            } else if constexpr (std::is_same_v<T, CopyArgs>) {
                out.push_back(make_atom(a.set.to_string()));
                astr(a.mailbox);
            } else if constexpr (std::is_same_v<T, IdArgs>) {
                if (a.fields.empty()) {
                    out.push_back(make_nil());
                } else {
                    std::vector<Node> items;
                    for (const auto& [k, v] : a.fields) {
                        items.push_back(make_string(k));
                        items.push_back(make_nstring(v));
                    }
                    out.push_back(make_list(std::move(items)));
                }
            } else if constexpr (std::is_same_v<T, EnableArgs>) {
                for (const auto& c : a.capabilities)
                    out.push_back(make_atom(c));
            } else if constexpr (std::is_same_v<T, ExpungeArgs>) {
                out.push_back(make_atom(a.set.to_string()));
            }
        },
        typed);
    for (Node& n : out)
        n.space_before = true;
    return out;
}

std::string command_prefix(const Command& command) {
    std::string out = command.tag;
    out.push_back(' ');
    if (command.uid) {
        out += command.uid_word.empty() ? "UID" : command.uid_word;
        out.push_back(' ');
    }
    out += command.name;
    return out;
}

}  // namespace

std::string_view search_key_name(SearchKey::Kind kind) {
    for (const auto& k : key_names) {
        if (k.kind == kind) return k.name;
    }
    return kind == K::Group ? "()" : "";
}

std::string_view notify_event_name(NotifyEvent::Kind kind) {
    const auto index = static_cast<std::size_t>(kind);
    return index < notify_event_names.size() ? notify_event_names[index] : "event-ext";
}

bool NotifyEventGroup::has(NotifyEvent::Kind kind) const {
    return std::any_of(events.begin(), events.end(),
                       [&](const NotifyEvent& event) { return event.kind == kind; });
}

bool SequenceSet::contains(std::uint32_t n, std::uint32_t star) const {
    for (const auto& r : ranges) {
        std::uint32_t a = r.first == 0 ? star : r.first;
        std::uint32_t b = r.last == 0 ? star : r.last;
        if (a > b) std::swap(a, b);
        if (n >= a && n <= b) return true;
    }
    return false;
}

bool has_option(const CommandOptions& options, std::string_view name) {
    return std::any_of(options.begin(), options.end(),
                       [&](const CommandOption& option) { return option.name == name; });
}

std::string SequenceSet::to_string() const {
    if (saved) return "$";
    std::string out;
    auto num = [](std::uint32_t v) { return v == 0 ? std::string("*") : fmt::format("{}", v); };
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        if (i) out.push_back(',');
        out += num(ranges[i].first);
        if (ranges[i].last != ranges[i].first) {
            out.push_back(':');
            out += num(ranges[i].last);
        }
    }
    return out;
}

SequenceSet SequenceSet::of_ascending(const std::vector<std::uint32_t>& numbers) {
    SequenceSet set;
    for (const std::uint32_t n : numbers) {
        if (!set.ranges.empty() && set.ranges.back().last + 1 == n) {
            set.ranges.back().last = n;
        } else {
            set.ranges.push_back({n, n});
        }
    }
    return set;
}

std::optional<SequenceSet> SequenceSet::parse(std::string_view text) {
    SequenceSet set;
    if (text.empty()) return std::nullopt;
    // RFC 5182 3: seq-last-command = "$", a whole sequence-set on its own.
    if (text == "$") {
        set.saved = true;
        return set;
    }
    auto number = [](std::string_view s) -> std::optional<std::uint32_t> {
        if (s == "*") return 0u;
        return parse_nz(s);
    };
    while (true) {
        std::size_t comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        std::size_t colon = item.find(':');
        auto first = number(item.substr(0, colon));
        if (!first) return std::nullopt;
        SeqRange range{*first, *first};
        if (colon != std::string_view::npos) {
            auto last = number(item.substr(colon + 1));
            if (!last) return std::nullopt;
            range.last = *last;
        }
        set.ranges.push_back(range);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return set;
}

std::string SectionSpec::to_string() const {
    std::string out;
    for (std::size_t i = 0; i < part.size(); ++i) {
        if (i) out.push_back('.');
        out += fmt::format("{}", part[i]);
    }
    std::string_view word;
    switch (text) {
        case Text::None:
            break;
        case Text::Header:
            word = "HEADER";
            break;
        case Text::HeaderFields:
            word = "HEADER.FIELDS";
            break;
        case Text::HeaderFieldsNot:
            word = "HEADER.FIELDS.NOT";
            break;
        case Text::Text:
            word = "TEXT";
            break;
        case Text::Mime:
            word = "MIME";
            break;
    }
    if (!word.empty()) {
        if (!out.empty()) out.push_back('.');
        out += word;
    }
    if (!fields.empty()) {
        std::vector<Node> items;
        for (const auto& f : fields)
            items.push_back(make_astring(f));
        out.push_back(' ');
        write_node(out, make_list(std::move(items)));
    }
    return out;
}

std::string fetch_att_name(const FetchAtt& att) {
    using FK = FetchAtt::Kind;
    switch (att.kind) {
        case FK::Envelope:
            return "ENVELOPE";
        case FK::Flags:
            return "FLAGS";
        case FK::InternalDate:
            return "INTERNALDATE";
        case FK::Rfc822:
            return "RFC822";
        case FK::Rfc822Header:
            return "RFC822.HEADER";
        case FK::Rfc822Size:
            return "RFC822.SIZE";
        case FK::Rfc822Text:
            return "RFC822.TEXT";
        case FK::Body:
            return "BODY";
        case FK::BodyStructure:
            return "BODYSTRUCTURE";
        case FK::Uid:
            return "UID";
        case FK::ModSeq:
            return "MODSEQ";
        case FK::Other:
            return att.name;
        case FK::BodySection:
        case FK::Binary:
        case FK::BinarySize: {
            std::vector<Node> nodes;
            add_fetch_att(nodes, att);
            nodes[0].space_before = false;
            return to_wire(nodes);
        }
    }
    return att.name;
}

CommandParse parse_command(const Frame& frame, const Limits& limits) {
    return parse_command(std::string_view(frame.bytes), limits);
}

bool AppendMessage::sends_utf8() const {
    return utf8 || std::any_of(catenate.begin(), catenate.end(), [](const CatenatePart& part) {
               return part.kind == CatenatePart::Kind::Utf8;
           });
}

std::optional<SectionSpec> parse_section_text(std::string_view text) {
    // Read as the same section inside a FETCH is, so that both accept and
    // refuse the same spellings.
    const std::string line = fmt::format(" BODY[{}]", text);
    const Limits limits;
    std::vector<Node> nodes;
    std::size_t pos = 0;
    if (lex_nodes(line, pos, nodes, limits) || pos != line.size() || nodes.size() != 2 ||
        nodes[1].kind != Node::Kind::Section) {
        return std::nullopt;
    }
    CommandReader reader(nodes, line.size(), limits);
    SectionSpec section;
    if (!parse_section_spec(reader, nodes[1], section, true)) return std::nullopt;
    return section;
}

CommandParse parse_command(std::string_view bytes, const Limits& limits) {
    CommandParse result;
    auto fail = [&](std::size_t offset, sim::Said message) {
        result.error = parse_error(offset, std::move(message));
        return result;
    };
    std::size_t pos = 0;
    while (pos < bytes.size() && bytes[pos] != ' ' && bytes[pos] != '\r' && bytes[pos] != '\n')
        ++pos;
    std::string_view tag = bytes.substr(0, pos);
    if (tag.empty()) return fail(0, sim::say(sim::Phrase::CommandStartsWithTag));
    for (std::size_t i = 0; i < tag.size(); ++i) {
        if (!is_astring_char(tag[i]) || tag[i] == '+') {
            return fail(i, sim::say(sim::Phrase::TagBadCharacter, tag));
        }
    }
    result.tag.assign(tag);
    if (auto nul = find_nul(bytes)) {
        result.error = std::move(nul);
        return result;
    }
    // After the tag, or after UID.
    auto read_word = [&](bool after_uid) -> std::optional<std::string_view> {
        if (pos >= bytes.size() || bytes[pos] != ' ') {
            fail(pos, sim::say(after_uid ? sim::Phrase::ExpectedSpAfterUid
                                         : sim::Phrase::ExpectedSpAfterTag));
            return std::nullopt;
        }
        ++pos;
        std::size_t begin = pos;
        while (pos < bytes.size() && is_atom_char(bytes[pos]))
            ++pos;
        if (pos == begin) {
            fail(pos, sim::say(pos < bytes.size() && bytes[pos] == ' ' ? sim::Phrase::TwoSpaces
                               : after_uid ? sim::Phrase::ExpectedCommandAfterUid
                                           : sim::Phrase::ExpectedCommandAfterTag));
            return std::nullopt;
        }
        return bytes.substr(begin, pos - begin);
    };
    Command cmd;
    cmd.tag.assign(tag);
    auto word = read_word(false);
    if (!word) return result;
    if (iequals(*word, "UID")) {
        cmd.uid = true;
        cmd.uid_word.assign(*word);
        word = read_word(true);
        if (!word) return result;
    }
    cmd.name.assign(*word);
    cmd.verb = verb_from_name(cmd.name);
    if (cmd.uid && !has_uid_form(cmd)) {
        return fail(pos - word->size(),
                    sim::say(sim::Phrase::UidNeedsUidForm,
                             fmt::format("{}", fmt::join(uid_form_names(), ", "))));
    }
    if (auto err = lex_nodes(bytes, pos, cmd.args, limits)) {
        result.error = std::move(err);
        return result;
    }
    if (auto err = expect_line_end(bytes, pos)) {
        result.error = std::move(err);
        return result;
    }
    CommandReader reader(cmd.args, pos, limits);
    if (!parse_typed(cmd, reader)) {
        result.error = reader.error;
        return result;
    }
    result.command = std::move(cmd);
    return result;
}

std::string serialize(const Command& command) {
    std::string out = command_prefix(command);
    write_nodes(out, command.args);
    out += "\r\n";
    return out;
}

Command make_command(std::string tag, Verb verb, CommandArgs args, bool uid, bool non_sync) {
    Command cmd;
    cmd.tag = std::move(tag);
    cmd.verb = verb;
    cmd.name = std::string(verb_name(verb));
    cmd.uid = uid;
    if (uid) cmd.uid_word = "UID";
    if (auto* fetch = std::get_if<FetchArgs>(&args);
        fetch && !fetch->macro.empty() && fetch->atts.empty()) {
        expand_macro(fetch->macro, fetch->atts);
    }
    cmd.args = build_args(args, verb, non_sync);
    cmd.typed = std::move(args);
    return cmd;
}

std::vector<std::pair<std::size_t, std::size_t>> secret_ranges(const Frame& frame,
                                                               const Command& command) {
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    // LOGIN's password and AUTHENTICATE's initial response are both the second argument.
    if (!has_flag(command.verb, VerbFlag::Credentials)) return ranges;
    const std::size_t secret_from = 1;
    if (command.args.size() <= secret_from) return ranges;
    if (frame.bare_lf) {
        // Offsets shift where a bare LF replaced CRLF: hide everything from the secret on.
        std::size_t begin = command.args[secret_from].offset;
        std::size_t end = frame.bytes.size();
        while (end > begin && (frame.bytes[end - 1] == '\n' || frame.bytes[end - 1] == '\r'))
            --end;
        if (begin < end) ranges.emplace_back(begin, end);
        return ranges;
    }
    std::string out = command_prefix(command);
    for (std::size_t i = 0; i < command.args.size(); ++i) {
        const Node& n = command.args[i];
        if (n.space_before) out.push_back(' ');
        std::size_t begin = out.size();
        Node bare = n;
        bare.space_before = false;
        write_node(out, bare);
        std::size_t end = out.size();
        if (i < secret_from) continue;
        if (n.kind == Node::Kind::Quoted) {
            ++begin;
            --end;
        } else if (n.kind == Node::Kind::Literal) {
            begin = end - n.value.size();
        }
        if (begin < end && end <= frame.bytes.size()) ranges.emplace_back(begin, end);
    }
    return ranges;
}

}  // namespace mailscope::imap
