// The IMAP client of the mock server tests, and the store they start from.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "server_mock/imap_server_session.hpp"
#include "tests/server_mock/raw_client.hpp"

namespace mailscope::server::testing {

inline const InternalDate kTestDate = *make_internal_date(2024, 1, 15, 9, 30, 0, 60);

// alice/wonderland with three INBOX messages (the first \Seen), bob/builder.
inline void fill_store(MailStore& store) {
    REQUIRE_FALSE(store.add_user("alice", "wonderland").has_value());
    REQUIRE_FALSE(store.add_user("bob", "builder").has_value());
    const MailboxId inbox = store.find("alice", "INBOX")->id;
    const char* subjects[] = {"first", "second", "third"};
    for (int i = 0; i < 3; ++i) {
        FlagSet flags;
        if (i == 0) flags.set(SystemFlag::Seen, true);
        std::string text = std::string("From: bob@example.org\r\nSubject: ") + subjects[i] +
                           "\r\n\r\nbody " + subjects[i] + "\r\n";
        REQUIRE(store.append(inbox, std::move(text), std::move(flags), kTestDate).ok());
    }
    REQUIRE(store.create_mailbox("alice", "Archive").ok());
}

// A TEST_CASE_FIXTURE: the store of fill_store(), its UIDVALIDITY counting
// from 100.
struct FilledStore {
    FilledStore() { fill_store(store); }
    MailStore store{100};
};

struct Client : RawClient<ImapServerSession, sim::Protocol::Imap> {
    using RawClient::RawClient;

    void login(std::string_view user = "alice", std::string_view password = "wonderland") {
        auto answer = send(std::string("L1 LOGIN ") + std::string(user) + " " +
                           std::string(password) + "\r\n");
        REQUIRE(answer == "L1 OK LOGIN completed\r\n");
    }
    void select(std::string_view mailbox = "INBOX") {
        auto answer = send(std::string("S1 SELECT ") + std::string(mailbox) + "\r\n");
        REQUIRE(answer.find("S1 OK [READ-WRITE]") != std::string::npos);
    }
};

// TEST_CASE_FIXTUREs: a client `c` of the FilledStore logged in as alice, and
// one that has also selected her INBOX.
struct LoggedInClient : FilledStore {
    LoggedInClient() { c.login(); }
    Client c{store};
};

struct SelectedClient : LoggedInClient {
    SelectedClient() { c.select(); }
};

// A TEST_CASE_FIXTURE: two sessions on the FilledStore, both logged in as
// alice with INBOX selected, `a` first, so that `a` holds the \Recent flags.
struct TwoSelected : FilledStore {
    TwoSelected() {
        a.login();
        b.login();
        a.select();
        b.select();
    }
    Client a{store};
    Client b{store};
};

}  // namespace mailscope::server::testing
