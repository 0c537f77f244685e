#include "server_mock/users.hpp"

#include "sim/text/utf8.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace mailscope::server {

std::optional<std::string> user_name_error(std::string_view name) {
    if (name.empty()) return std::string("a user name cannot be empty");
    if (name.size() > 64) return std::string("a user name can have at most 64 octets");
    if (name.front() == '.') return std::string("a user name cannot start with \".\"");
    // Letters of any script are welcome (a class may log in as "борис"), as
    // long as the name is valid UTF-8: it also names a directory on disk.
    if (!text::is_valid_utf8(name)) {
        return std::string("a user name must be valid UTF-8");
    }
    for (const char c : name) {
        const auto octet = static_cast<unsigned char>(c);
        const bool allowed =
            octet >= 0x80 || std::isalnum(octet) || c == '.' || c == '_' || c == '-' || c == '@';
        if (!allowed) {
            return fmt::format(
                "the user name \"{}\" may only use letters, digits, \".\", \"_\", \"-\" and "
                "\"@\"",
                name);
        }
    }
    return std::nullopt;
}

std::optional<std::string> UserDirectory::add(std::string name, std::string password) {
    if (auto error = user_name_error(name)) return error;
    if (m_users.contains(name)) return fmt::format("the user \"{}\" is defined twice", name);
    User user{name, std::move(password), {}};
    m_users.emplace(std::move(name), std::move(user));
    return std::nullopt;
}

const User* UserDirectory::find(std::string_view name) const {
    const auto it = m_users.find(name);
    return it == m_users.end() ? nullptr : &it->second;
}

namespace {

// No early exit on the first difference, so timing does not reveal the
// length of the matching prefix.
bool same_secret(std::string_view expected, std::string_view given) {
    unsigned difference = expected.size() == given.size() ? 0U : 1U;
    for (std::size_t i = 0; i < given.size(); ++i) {
        const char want = i < expected.size() ? expected[i] : '\0';
        difference |= static_cast<unsigned char>(want ^ given[i]);
    }
    return difference == 0;
}

}  // namespace

bool UserDirectory::check_password(std::string_view name, std::string_view password) const {
    const User* user = find(name);
    return user != nullptr && same_secret(user->password, password);
}

std::optional<std::string> UserDirectory::set_oauth_token(std::string_view name,
                                                          std::string token) {
    const auto it = m_users.find(name);
    if (it == m_users.end()) return fmt::format("there is no user called \"{}\"", name);
    const bool printable = std::all_of(token.begin(), token.end(), [](char c) {
        return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
    });
    if (token.empty() || !printable) {
        return std::string("a bearer token is one word of printable ASCII (RFC 6750 2.1)");
    }
    it->second.oauth_token = std::move(token);
    return std::nullopt;
}

std::optional<std::string> UserDirectory::check_oauth_token(std::string_view name,
                                                            std::string_view token) const {
    if (!name.empty()) {
        const User* user = find(name);
        if (user == nullptr || user->oauth_token.empty() ||
            !same_secret(user->oauth_token, token)) {
            return std::nullopt;
        }
        return user->name;
    }
    for (const auto& [owner, user] : m_users) {
        if (!user.oauth_token.empty() && same_secret(user.oauth_token, token)) return owner;
    }
    return std::nullopt;
}

std::optional<std::string> UserDirectory::secret(std::string_view name) const {
    const User* user = find(name);
    if (user == nullptr) return std::nullopt;
    return user->password;
}

std::vector<std::string> UserDirectory::names() const {
    std::vector<std::string> out;
    for (const auto& [name, user] : m_users)
        out.push_back(name);
    return out;
}

}  // namespace mailscope::server
