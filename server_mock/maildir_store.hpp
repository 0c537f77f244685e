// MaildirBackend: keeps a MailStore on disk (`mailscope serve --data-dir DIR`).
//
// Layout, readable with ls and any Maildir tool:
//
//   DIR/mailscope-state                 "next-uidvalidity N": the store-wide counter
//   DIR/tmp/                            message files a COPY is writing (staging_writer.hpp)
//   DIR/users/<user>/subscriptions      one subscribed name per line
//   DIR/users/<user>/mail/_INBOX/       a user's personal tree
//   DIR/users/<user>/mail/_Archive/_2024/
//   DIR/shared/%23news%2E/_comp/_mail/  a shared namespace's tree ("#news.")
//
// Each hierarchy level is a directory named "_" + the level's name in wire
// form (modified UTF-7 is printable ASCII and levels never contain the
// delimiter, so every level is a valid file name; the "_" keeps levels such
// as "cur" or ".." from meaning anything to the file system). Nesting the
// levels makes RENAME of a mailbox with inferiors a single rename(2). A level
// directory with a `mailscope-uidlist` file is a selectable mailbox with the
// usual cur/ new/ tmp/; one without is a \Noselect level.
//
//   mailscope-uidlist    "mailscope-uidlist 1", "uidvalidity N", "uidnext M"
//   mailscope-keywords   one keyword per line: line i is the letter 'a' + i
//   mailscope-acl        "identifier rights" per line (RFC 4314); without the
//                        file the level has its tree's default ACL
//   cur/<uid>.<utc seconds><+hhmm>:2,<flags>
//
// The file name carries the UID, the internal date with its zone and the
// flags (Maildir letters D F R S T, then keyword letters), so a flag change
// is one rename and no index has to be rewritten. Every write goes to a
// temporary file, is fsync'ed and renamed into place, and the directory is
// fsync'ed, before the store reports success. A write that fails (a full
// disk) removes what it began. Files left in tmp/ and "*.tmp" state files
// left by a crash are removed on load; files other programs drop into new/ or
// cur/ get the next UIDs.
//
// Errors say what failed for the client without naming a path; the path is
// in StoreError::detail for the operator.
#pragma once

#include <filesystem>
#include <map>
#include <memory>

#include "server_mock/mail_store.hpp"
#include "server_mock/staging_writer.hpp"

namespace mailscope::server {

class MaildirBackend final : public StoreBackend {
  public:
    explicit MaildirBackend(std::filesystem::path root);

    const std::filesystem::path& root() const { return m_root; }

    // Replaces the store's mailboxes, messages and subscriptions with the
    // directory's (users and namespaces stay as configured).
    StoreResult<Done> load_into(MailStore& store);
    // Writes every mailbox, message and subscription of the store.
    StoreResult<Done> save_all(const MailStore& store);

    StoreResult<Done> save_counter(std::uint32_t next_uidvalidity) override;
    StoreResult<Done> save_mailbox(const Mailbox& mailbox) override;
    StoreResult<Done> remove_mailbox(const Mailbox& mailbox, bool keep_level) override;
    StoreResult<Done> rename_mailbox(const Mailbox& mailbox, std::string_view new_name) override;
    StoreResult<Done> save_message(const Mailbox& mailbox, const Message& message) override;
    StoreResult<Done> update_flags(const Mailbox& mailbox,
                                   const std::vector<FlagRewrite>& rewrites) override;
    StoreResult<Done> remove_messages(const Mailbox& mailbox,
                                      const std::vector<const Message*>& messages) override;
    StoreResult<Done> save_subscriptions(std::string_view user,
                                         const std::set<std::string>& names) override;
    StoreResult<Done> save_acl(const Mailbox& mailbox) override;

    // Message files of a COPY or MOVE are written by a StagingWriter into
    // DIR/tmp/ and synced in batches; save_staged() renames them into cur/,
    // under the UIDNEXT reserve_uids() wrote once for the whole copy.
    StoreResult<Done> reserve_uids(const Mailbox& mailbox, Uid uidnext) override;
    StageTicket stage(std::vector<std::shared_ptr<const std::string>> octets) override;
    std::optional<StoreResult<Done>> staged(StageTicket ticket, bool wait) override;
    StoreResult<Done> save_staged(StageTicket ticket, const Mailbox& mailbox,
                                  const std::vector<const Message*>& messages) override;
    void drop_staged(StageTicket ticket) override;

  private:
    std::filesystem::path tree_root(std::string_view owner, bool personal) const;
    std::filesystem::path mailbox_dir(const Mailbox& mailbox) const;
    std::filesystem::path mailbox_dir(std::string_view owner, std::string_view name,
                                      char delimiter) const;
    StoreResult<Done> load_tree(MailStore& store, const std::string& owner,
                                const std::filesystem::path& root, char delimiter);
    StoreResult<Done> write_mailbox(const Mailbox& mailbox, const std::filesystem::path& dir);
    void remove_interrupted_writes() const;

    std::filesystem::path m_root;
    Uid reserved_uidnext(const Mailbox& mailbox) const;

    std::unique_ptr<StagingWriter> m_writer;  // started by the first stage()
    // UIDNEXT written ahead of the store's for a copy under way: every
    // uidlist written keeps at least this, so no UID a copy hands out is
    // ever below UIDNEXT on disk.
    std::map<MailboxId, Uid> m_reserved;
};

// Connects `store` to DIR: an initialised DIR is loaded into the store,
// an empty or missing one receives the store's current contents (usually
// the fixture's). From then on every change is written before it succeeds.
// The returned backend must outlive the store's use of it.
StoreResult<std::unique_ptr<MaildirBackend>> attach_data_dir(MailStore& store,
                                                             const std::filesystem::path& dir);

// "<uid>.<seconds><zone>:2,<flags>" for a message; `keywords` is the
// mailbox's keyword list, which gives each keyword its letter.
std::string maildir_file_name(const Message& message, const std::vector<std::string>& keywords);

}  // namespace mailscope::server
