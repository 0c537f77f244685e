// RFC 5322 address lists, shaped the way IMAP's ENVELOPE sends them
// (RFC 3501 7.4.2).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailscope::mime {

// One IMAP address structure. Strings stay as sent (RFC 2047 words are not
// decoded). A group is a start marker {nullopt, nullopt, group name, nullopt},
// its members, then an end marker with all four members nullopt.
struct AddressData {
    std::optional<std::string> name;     // display name, quotes removed; or a trailing comment
    std::optional<std::string> adl;      // obsolete source route "@a,@b"
    std::optional<std::string> mailbox;  // local part
    std::optional<std::string> host;     // domain; "" when the address had none

    bool is_group_start() const { return mailbox && !host; }
    bool is_group_end() const { return !name && !adl && !mailbox && !host; }
    bool operator==(const AddressData&) const = default;
};

// Addresses beyond this many in one list are dropped, so hostile input
// cannot blow up memory; real lists are far shorter.
inline constexpr std::size_t max_addresses = 10000;

// Parses an address-list header value (From, To, Cc...). Never fails: what
// cannot be understood is skipped up to the next comma.
std::vector<AddressData> parse_address_list(std::string_view value);

}  // namespace mailscope::mime
