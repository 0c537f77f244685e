// An IMAP observer whose server greeted with PREAUTH and listed the given
// capabilities: the start of the tests of extensions, which must be listed
// before a client may use them.
#pragma once

#include <string>
#include <string_view>

#include "sim/imap/session.hpp"
#include "tests/sim/observer.hpp"

namespace mailscope::test {

struct ListedImap : Observer<imap::ImapSession, sim::Protocol::Imap> {
    enum class Mailbox : bool { None, Selected };

    // With Mailbox::Selected, INBOX (20 messages) is selected too.
    explicit ListedImap(std::string_view capabilities, Mailbox mailbox = Mailbox::None) {
        server("* PREAUTH [CAPABILITY " + std::string(capabilities) + "] ready\r\n");
        if (mailbox == Mailbox::None) return;
        client("s1 SELECT INBOX\r\n");
        server("* 20 EXISTS\r\ns1 OK [READ-WRITE] done\r\n");
    }
};

}  // namespace mailscope::test
