// Fixtures: the users, namespaces, mailboxes and messages a mock server
// starts with, read from YAML; plus importers for mbox files and Maildirs.
//
//   uidvalidity_seed: 1700000000          # first UIDVALIDITY handed out
//   default_date: "15-Jan-2024 10:00:00 +0000"
//   namespaces:
//     other_users: {prefix: "#users/", delimiter: "/"}
//     shared:
//       - {prefix: "#news.", delimiter: ".", mailboxes: [...]}
//         # acl: what its mailboxes grant when they list none; default {anyone: lr}
//   users:
//     - name: alice
//       password: wonderland
//       mailboxes:
//         - name: INBOX                     # wire form (modified UTF-7)
//           subscribed: true
//           uidvalidity: 42                 # optional
//           acl: {bob: lr}                  # optional: RFC 4314 rights of others, on top
//                                           # of what it inherits ("" takes them away)
//           mbox: inbox.mbox                # optional, relative to the fixture
//           maildir: some/Maildir           # optional, likewise
//           messages:
//             - raw: "full RFC 5322 text"
//             - from: ...                   # or fields to assemble a message:
//               to: ...                     # from, to, cc, subject, date,
//               subject: ...                # message_id, headers, body
//               body: ...
//               flags: [\Seen, $Important]
//               internal_date: "15-Jan-2024 09:30:00 +0100"
//
// Unknown fields are errors, and every error names the file and line.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "server_mock/mail_store.hpp"
#include "server_mock/mbox_splitter.hpp"

namespace mailscope::server {

// Largest fixture (YAML) read, to bound memory. An mbox is read a block at a
// time and may be of any size; a message, in an mbox or a Maildir, may have up
// to kMaxMessageSize octets.
inline constexpr std::size_t kMaxFixtureFileSize = 64 * 1024 * 1024;

// Fills a fresh store. `label` names the source in errors; relative mbox and
// maildir paths are resolved against `base_dir`.
StoreResult<Done> load_fixture_text(MailStore& store, std::string_view yaml, std::string_view label,
                                    const std::filesystem::path& base_dir);
StoreResult<Done> load_fixture(MailStore& store, const std::filesystem::path& file);

// Appends every message of an mbox (From_ separated, mboxrd ">From "
// unquoting) to `mailbox`, each as soon as it is read; the From_ line's date
// becomes the internal date, `fallback` when it has none. Returns the new
// UIDs. After an error the messages before it stay appended.
StoreResult<std::vector<Uid>> import_mbox(MailStore& store, MailboxId mailbox,
                                          std::string_view mbox, InternalDate fallback,
                                          const MboxLimits& limits = {});
StoreResult<std::vector<Uid>> import_mbox_file(MailStore& store, MailboxId mailbox,
                                               const std::filesystem::path& file,
                                               InternalDate fallback,
                                               const MboxLimits& limits = {});

// Appends the files of a Maildir's cur/ and new/ (in name order), reading
// system flags from the ":2," suffix and the internal date from the file's
// modification time. One file is read at a time.
StoreResult<std::vector<Uid>> import_maildir(MailStore& store, MailboxId mailbox,
                                             const std::filesystem::path& dir);

// Bare LF and lone CR become CRLF: IMAP and RFC 5322 octets end lines in CRLF.
std::string to_crlf(std::string_view text);

}  // namespace mailscope::server
