#include "sim/imap/sections.hpp"

#include "sim/imap/syntax.hpp"

namespace mailscope::imap {

std::string_view response_section(const Response& response) {
    if (response.kind == ResponseKind::Continuation) return "RFC 3501 7.5";
    if (response.code) {
        const std::string& code = response.code->name;
        if (iequals(code, "APPENDUID") || iequals(code, "COPYUID")) return "RFC 4315 3";
        if (iequals(code, "OVERQUOTA")) return "RFC 9208 4.3.1";
        if (iequals(code, "BADURL")) return "RFC 4469 4.1";
        if (iequals(code, "TOOBIG")) return "RFC 4469 4.2";
        if (iequals(code, "BADEVENT")) return "RFC 5465 3.1";
        if (iequals(code, "NOTIFICATIONOVERFLOW")) return "RFC 5465 5.8";
        if (iequals(code, "HIGHESTMODSEQ")) return "RFC 7162 3.1.2.1";
        if (iequals(code, "NOMODSEQ")) return "RFC 7162 3.1.2.2";
        if (iequals(code, "MODIFIED")) return "RFC 7162 3.1.3";
        if (iequals(code, "CLOSED")) return "RFC 7162 3.2.11";
    }
    switch (response.status) {
        case Status::Ok:
            return "RFC 3501 7.1.1";
        case Status::No:
            return "RFC 3501 7.1.2";
        case Status::Bad:
            return "RFC 3501 7.1.3";
        case Status::Preauth:
            return "RFC 3501 7.1.4";
        case Status::Bye:
            return "RFC 3501 7.1.5";
        case Status::None:
            break;
    }
    struct Entry {
        std::string_view name, section;
    };
    static constexpr Entry table[] = {
        {"CAPABILITY", "RFC 3501 7.2.1"}, {"LIST", "RFC 3501 7.2.2"},
        {"LSUB", "RFC 3501 7.2.3"},       {"STATUS", "RFC 3501 7.2.4"},
        {"SEARCH", "RFC 3501 7.2.5"},     {"FLAGS", "RFC 3501 7.2.6"},
        {"EXISTS", "RFC 3501 7.3.1"},     {"RECENT", "RFC 3501 7.3.2"},
        {"EXPUNGE", "RFC 3501 7.4.1"},    {"FETCH", "RFC 3501 7.4.2"},
        {"NAMESPACE", "RFC 2342 5"},      {"ID", "RFC 2971 3.2"},
        {"ENABLED", "RFC 5161 3.2"},      {"ACL", "RFC 4314 3.6"},
        {"LISTRIGHTS", "RFC 4314 3.7"},   {"MYRIGHTS", "RFC 4314 3.8"},
        {"ESEARCH", "RFC 4731 3.1"},      {"QUOTA", "RFC 9208 4.2.1"},
        {"QUOTAROOT", "RFC 9208 4.2.2"},  {"SORT", "RFC 5256 4"},
        {"THREAD", "RFC 5256 4"},
    };
    if (response.vanished)
        return response.vanished->earlier ? "RFC 7162 3.2.10.1" : "RFC 7162 3.2.10.2";
    for (const auto& e : table) {
        if (response.name == e.name) return e.section;
    }
    // An experimental command's untagged responses carry its X prefix.
    if (!response.name.empty() && (response.name[0] == 'X' || response.name[0] == 'x')) {
        return "RFC 3501 6.5.1";
    }
    return "RFC 3501 7";
}

std::string imap4rev2_section(std::string_view section) {
    struct Moved {
        std::string_view from, to;
    };
    static constexpr Moved moved[] = {
        {"RFC 3501 6.3.1", "RFC 9051 6.3.2"},   {"RFC 3501 6.3.2", "RFC 9051 6.3.3"},
        {"RFC 3501 6.3.3", "RFC 9051 6.3.4"},   {"RFC 3501 6.3.4", "RFC 9051 6.3.5"},
        {"RFC 3501 6.3.5", "RFC 9051 6.3.6"},   {"RFC 3501 6.3.6", "RFC 9051 6.3.7"},
        {"RFC 3501 6.3.7", "RFC 9051 6.3.8"},   {"RFC 3501 6.3.8", "RFC 9051 6.3.9"},
        {"RFC 3501 6.3.10", "RFC 9051 6.3.11"}, {"RFC 3501 6.3.11", "RFC 9051 6.3.12"},
        {"RFC 3501 6.4.2", "RFC 9051 6.4.1"},   {"RFC 3501 6.4.8", "RFC 9051 6.4.9"},
        {"RFC 3501 6.5.1", "RFC 9051 6.5"},     {"RFC 3501 7.2.1", "RFC 9051 7.2.2"},
        {"RFC 3501 7.2.2", "RFC 9051 7.3.1"},   {"RFC 3501 7.2.4", "RFC 9051 7.3.3"},
        {"RFC 3501 7.2.6", "RFC 9051 7.3.5"},   {"RFC 3501 7.3.1", "RFC 9051 7.4.1"},
        {"RFC 3501 7.4.1", "RFC 9051 7.5.1"},   {"RFC 3501 7.4.2", "RFC 9051 7.5.2"},
        {"RFC 3501 7.5", "RFC 9051 7.6"},       {"RFC 5161 3.1", "RFC 9051 6.3.1"},
        {"RFC 5161 3.2", "RFC 9051 7.2.1"},     {"RFC 2177 3", "RFC 9051 6.3.13"},
        {"RFC 2342 5", "RFC 9051 7.3.2"},       {"RFC 3691 2", "RFC 9051 6.4.2"},
        {"RFC 6851 3.1", "RFC 9051 6.4.8"},     {"RFC 4315 2.1", "RFC 9051 6.4.9"},
        {"RFC 4731 3.1", "RFC 9051 7.3.4"},     {"RFC 6851 3.2", "RFC 9051 6.4.9"},
        {"RFC 4315 3", "RFC 9051 7.1"},         {"RFC 7162 3.2.11", "RFC 9051 7.1"},
    };
    for (const auto& m : moved) {
        if (section == m.from) return std::string(m.to);
    }
    // Modified UTF-7 is IMAP4rev1's; RFC 9051 keeps it in an appendix for
    // compatibility only.
    if (section.starts_with("RFC 3501 5.1.3")) return std::string(section);
    // Sections that kept their number: the overview, states, data formats,
    // operational rules, the commands of any state and before login, the
    // selected-state commands from EXPUNGE to COPY, status responses and
    // the formal syntax.
    static constexpr std::string_view same[] = {
        "RFC 3501 2",     "RFC 3501 3",     "RFC 3501 4",     "RFC 3501 5",     "RFC 3501 6.1.",
        "RFC 3501 6.2.",  "RFC 3501 6.4.3", "RFC 3501 6.4.4", "RFC 3501 6.4.5", "RFC 3501 6.4.6",
        "RFC 3501 6.4.7", "RFC 3501 7.1",   "RFC 3501 9",
    };
    for (const auto prefix : same) {
        if (section.starts_with(prefix) &&
            (section.size() == prefix.size() || prefix.back() == '.' ||
             section[prefix.size()] == '.')) {
            return "RFC 9051" + std::string(section.substr(std::string_view("RFC 3501").size()));
        }
    }
    return std::string(section);
}

}  // namespace mailscope::imap
