// UserDirectory: who may log in to the mock server, and with which secret.
//
// Passwords are kept in the clear on purpose: CRAM-MD5 (RFC 2195) needs the
// plain secret to compute the expected digest, and this is a teaching server
// whose fixtures are public anyway.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailscope::server {

struct User {
    std::string name;
    std::string password;
    // An OAuth 2.0 bearer token that XOAUTH2 and OAUTHBEARER accept for
    // this user (RFC 7628); empty: none.
    std::string oauth_token;
};

class UserDirectory {
  public:
    // Returns a sentence when the name is unusable or already taken.
    std::optional<std::string> add(std::string name, std::string password);

    const User* find(std::string_view name) const;
    bool contains(std::string_view name) const { return find(name) != nullptr; }

    // LOGIN and AUTHENTICATE PLAIN. Compares every byte, whatever matches.
    bool check_password(std::string_view name, std::string_view password) const;

    // Gives `name` a bearer token; a sentence when that is impossible.
    std::optional<std::string> set_oauth_token(std::string_view name, std::string token);
    // XOAUTH2 and OAUTHBEARER: is `token` this user's? Compares like
    // check_password(). An empty `name` (OAUTHBEARER without an authzid)
    // gives the user whose token it is; nothing when no user matches.
    std::optional<std::string> check_oauth_token(std::string_view name,
                                                 std::string_view token) const;

    // The plain secret for CRAM-MD5, or nothing for an unknown user.
    std::optional<std::string> secret(std::string_view name) const;

    std::vector<std::string> names() const;
    std::size_t size() const { return m_users.size(); }

  private:
    std::map<std::string, User, std::less<>> m_users;
};

// Why a user name cannot be used, or nothing. Names become directory names
// in a data directory, so they are limited to letters, digits, ".", "_",
// "-" and "@", and do not start with ".".
std::optional<std::string> user_name_error(std::string_view name);

}  // namespace mailscope::server
