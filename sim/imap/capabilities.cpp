#include "sim/imap/capabilities.hpp"

#include <algorithm>

#include "sim/imap/syntax.hpp"

namespace mailscope::imap {

namespace {

// Asked on every response a session sees, so without building an upper-case copy.
bool contains(const std::vector<std::string>& names, std::string_view name) {
    const bool family = !name.empty() && name.back() == '=';
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
        const std::string_view listed =
            family ? std::string_view(n).substr(0, name.size()) : std::string_view(n);
        return iequals(listed, name);
    });
}

std::vector<std::string> upper_all(const std::vector<std::string>& names) {
    std::vector<std::string> out;
    out.reserve(names.size());
    for (const auto& name : names)
        out.push_back(to_upper(name));
    return out;
}

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

}  // namespace mailscope::imap
