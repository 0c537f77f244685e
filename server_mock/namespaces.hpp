// The namespaces a user sees (RFC 2342), as the NAMESPACE command reports them.
//
// Every user has a personal namespace with prefix "" and delimiter "/". A
// fixture may add one "other users" namespace (e.g. "#users/" with "/":
// "#users/bob/Archive" is bob's "Archive") and shared namespaces (e.g.
// "#news." with "."), each holding its own mailbox tree.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server_mock/access_control.hpp"

namespace mailscope::server {

inline constexpr char kPersonalDelimiter = '/';

struct NamespaceDefinition {
    std::string prefix;
    char delimiter = kPersonalDelimiter;
    // The ACL of a mailbox of a shared namespace that was given none:
    // everyone may look it up and read it, nobody may change it.
    AccessList acl = {{std::string(kAnyone), Right::Lookup | Right::Read}};
};

struct NamespaceConfig {
    std::optional<NamespaceDefinition> other_users;
    std::vector<NamespaceDefinition> shared;
};

}  // namespace mailscope::server
