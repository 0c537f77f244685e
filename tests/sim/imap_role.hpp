// The options of an IMAP engine in one role, every other option as it
// comes: what most engine tests need to build a client or a server.
#pragma once

#include "sim/imap/session.hpp"

namespace mailscope::test {

inline imap::SessionOptions imap_role(imap::Role role) {
    imap::SessionOptions options;
    options.role = role;
    return options;
}

}  // namespace mailscope::test
