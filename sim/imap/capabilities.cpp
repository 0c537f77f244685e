#include "sim/imap/capabilities.hpp"

#include <algorithm>
#include <array>

#include "sim/imap/syntax.hpp"

namespace mailscope::imap {

namespace {

bool contains(const std::vector<std::string>& names, std::string_view name) {
    const auto wanted = to_upper(name);
    if (!wanted.empty() && wanted.back() == '=') {
        return std::any_of(names.begin(), names.end(),
                           [&](const std::string& n) { return n.starts_with(wanted); });
    }
    return std::find(names.begin(), names.end(), wanted) != names.end();
}

std::vector<std::string> upper_all(const std::vector<std::string>& names) {
    std::vector<std::string> out;
    out.reserve(names.size());
    for (const auto& name : names)
        out.push_back(to_upper(name));
    return out;
}

struct NamedExtension {
    std::string_view command;
    ExtensionCommand extension;
};

// Extension commands the parser reads as unknown verbs, each with the section
// that defines it.
constexpr std::array<NamedExtension, 8> named_extensions{{
    {"GETQUOTA", {"QUOTA", "RFC 9208 4.1.1"}},
    {"GETQUOTAROOT", {"QUOTA", "RFC 9208 4.1.2"}},
    {"SETQUOTA", {"QUOTA", "RFC 9208 4.1.3"}},
    {"COMPRESS", {"COMPRESS=", "RFC 4978 3"}},
    {"SORT", {"SORT", "RFC 5256 3"}},
    {"THREAD", {"THREAD=", "RFC 5256 3"}},
    {"NOTIFY", {"NOTIFY", "RFC 5465 3.1"}},
    {"CANCELUPDATE", {"CONTEXT=", "RFC 5267 4.3.5"}},
}};

}  // namespace

void ServerCapabilities::listed(const std::vector<std::string>& names) {
    m_listed = upper_all(names);
    m_known = true;
    if (contains(m_listed, "IMAP4REV2") && !contains(m_listed, "IMAP4REV1")) {
        m_imap4rev2_only = true;
    }
}

void ServerCapabilities::enabled(const std::vector<std::string>& names) {
    for (auto& name : upper_all(names)) {
        if (!contains(m_enabled, name)) m_enabled.push_back(std::move(name));
    }
}

bool ServerCapabilities::lists(std::string_view name) const {
    return m_known && contains(m_listed, name);
}

bool ServerCapabilities::is_enabled(std::string_view name) const {
    return contains(m_enabled, name);
}

bool ServerCapabilities::utf8_quoted(sim::Direction dir) const {
    // A server that lists IMAP4rev2 without IMAP4rev1 speaks only IMAP4rev2;
    // with both, the client ENABLEs it (RFC 9051 appendix A).
    if (is_enabled("UTF8=ACCEPT") || is_enabled("IMAP4REV2") || m_imap4rev2_only) return true;
    // RFC 6855 3: "If the server supports "UTF8=ACCEPT", the client MAY use
    // extended quoted syntax"; the server waits for ENABLE.
    return dir == sim::Direction::ClientToServer && (lists("UTF8=ACCEPT") || lists("UTF8=ONLY"));
}

std::string_view ServerCapabilities::utf8_section() const {
    if (is_enabled("IMAP4REV2") || m_imap4rev2_only) return "RFC 9051 4.3";
    return "RFC 6855 3";
}

std::optional<ExtensionCommand> extension_command(const Command& command) {
    switch (command.verb) {
        case Verb::Move:
            return ExtensionCommand{"MOVE", "RFC 6851 1", true};
        case Verb::Idle:
            return ExtensionCommand{"IDLE", "RFC 2177 3", true};
        case Verb::Namespace:
            return ExtensionCommand{"NAMESPACE", "RFC 2342 4", true};
        case Verb::Unselect:
            return ExtensionCommand{"UNSELECT", "RFC 3691 1", true};
        case Verb::Id:
            return ExtensionCommand{"ID", "RFC 2971 3"};
        case Verb::Enable:
            return ExtensionCommand{"ENABLE", "RFC 5161 1", true};
        case Verb::Setacl:
        case Verb::Deleteacl:
        case Verb::Getacl:
        case Verb::Listrights:
        case Verb::Myrights:
            return ExtensionCommand{"ACL", "RFC 4314 2"};
        case Verb::Expunge:
            if (command.uid) return ExtensionCommand{"UIDPLUS", "RFC 4315 2.1", true};
            return std::nullopt;
        case Verb::Unknown:
            for (const auto& named : named_extensions) {
                if (iequals(command.name, named.command)) return named.extension;
            }
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

}  // namespace mailscope::imap
