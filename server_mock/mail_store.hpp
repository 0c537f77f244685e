// MailStore: the mailboxes and messages behind the mock servers.
//
// One store serves every session of a run (the TCP server drives all of them
// from one Asio thread, so there is no locking). It knows nothing of the wire:
// sessions turn IMAP/POP3 commands into these calls and turn the results and
// the change log (change_log.hpp) into responses. It never reads a clock;
// internal dates come from the caller.
//
// Names given to the store are as the client sent them (wire form, modified
// UTF-7), relative to the user's view: "Archive/2024" is the user's own,
// "#news.comp.mail" lives in a shared namespace, "#users/bob/INBOX" is bob's
// (namespaces.hpp). Internally each mailbox belongs to a tree: a user's
// personal tree or a shared namespace's tree, keyed by owner.
//
// Every operation that takes a user checks that user's rights (RFC 4314,
// access_control.hpp) and refuses what the mailbox's ACL does not grant; a
// mailbox the user may not even know of is reported as missing, in the same
// words as one that does not exist. Operations that take a MailboxId act for
// whoever already passed that check (access(), rights()): the sessions, or
// the server itself for fixtures and delivery.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "server_mock/access_control.hpp"
#include "server_mock/change_log.hpp"
#include "server_mock/internal_date.hpp"
#include "server_mock/message_flags.hpp"
#include "server_mock/namespaces.hpp"
#include "server_mock/store_result.hpp"
#include "server_mock/users.hpp"

namespace mailscope::server {

// A Maildir keeps keywords as the letters a-z in file names (maildir_store.hpp);
// the same bound keeps a hostile client from growing FLAGS without end.
inline constexpr std::size_t kMaxKeywordsPerMailbox = 26;
inline constexpr std::size_t kMaxMessageSize = 64 * 1024 * 1024;

struct FetchFacts;

struct Message {
    Uid uid = 0;
    // The RFC 5322 octets with CRLF line ends, shared by every copy of the
    // message and never changed once stored. Sessions that need the parsed
    // form (BODYSTRUCTURE, ENVELOPE) parse these octets with sim/mime and may
    // keep the result keyed by this pointer: it identifies the content.
    std::shared_ptr<const std::string> octets;
    FlagSet flags;
    InternalDate internal_date;
    // \Recent (RFC 3501 2.3.2) belongs to one session: the one in
    // `recent_session`, or the next one to claim it while `recent_pending`.
    SessionId recent_session = kNoSession;
    bool recent_pending = false;
    ModSeq modseq = 0;  // the last change to this message
    // What FETCH ENVELOPE, BODY and BODYSTRUCTURE say of the octets
    // (fetch_responder.hpp): worked out the first time any session asks and
    // kept with the message, shared by the copies made after, since the
    // octets never change. Without it a FETCH of a mailbox larger than a
    // session's ParsedCache parsed every message again each time.
    mutable std::shared_ptr<FetchFacts> fetch_facts;

    std::uint64_t size() const { return octets ? octets->size() : 0; }
};

// A message that left a mailbox and the mod-sequence its removal took
// (RFC 7162 3.2.7): what QRESYNC tells a client that was away.
struct Tombstone {
    Uid uid = 0;
    ModSeq modseq = 0;
};
// Each mailbox remembers this many removals; past them the oldest are
// forgotten and a client that asks from before then is told every UID of its
// set that is not in the mailbox (RFC 7162 3.2.6).
inline constexpr std::size_t kMaxTombstones = 10000;

struct Mailbox {
    MailboxId id = 0;
    std::string owner;  // a user name, or a shared namespace's prefix
    std::string name;   // within the owner's tree, wire form
    char delimiter = kPersonalDelimiter;
    bool selectable = true;  // false: \Noselect, a level that only holds others
    std::uint32_t uidvalidity = 0;
    Uid uidnext = 1;
    std::vector<Message> messages;      // ascending UID
    std::vector<std::string> keywords;  // every keyword used here: FLAGS and PERMANENTFLAGS
    AccessList acl;                     // who else may do what (RFC 4314); see MailStore::rights
    std::deque<Tombstone> tombstones;   // ascending mod-sequence, at most kMaxTombstones
    // Removals with a mod-sequence above this are all in `tombstones`.
    ModSeq tombstones_complete_after = 0;

    const Message* find(Uid uid) const;
    Message* find(Uid uid);
    // The same, looking first at the `position`th message (0-based): where a
    // session's view still matches the store, a walk in order finds each
    // message without a search.
    const Message* find(Uid uid, std::size_t position) const;
    Message* find(Uid uid, std::size_t position);
    // 1-based message sequence number in the store's current view.
    std::optional<std::uint32_t> sequence_of(Uid uid) const;
    std::uint32_t unseen() const;
    // The highest mod-sequence of its messages and removals (RFC 7162
    // 3.1.2.1, 3.2.7), at least 1, the smallest mod-sequence there is.
    ModSeq highest_modseq() const;
    // The UIDs removed after `modseq`, ascending; nothing when removals that
    // old are forgotten.
    std::optional<std::vector<Uid>> removed_since(ModSeq modseq) const;
};

// The limits of a quota root (RFC 9208 5.1, 5.2); nothing: not limited.
struct QuotaLimits {
    std::optional<std::uint64_t> storage_kib;  // STORAGE, in units of 1024 octets
    std::optional<std::uint64_t> messages;     // MESSAGE
    bool operator==(const QuotaLimits&) const = default;
};

struct QuotaUsage {
    std::uint64_t octets = 0;
    std::uint64_t messages = 0;
    // STORAGE's usage: 1024-octet units, a part of one counting as one.
    std::uint64_t storage_kib() const { return (octets + 1023) / 1024; }
};

struct QuotaState {
    std::string root;
    QuotaUsage usage;
    QuotaLimits limits;
};

struct ListEntry {
    std::string name;  // as the user sees it
    char delimiter = kPersonalDelimiter;
    bool noselect = false;
    bool exists = true;  // false: subscribed (LSUB) or a level implied by others
    bool has_children = false;

    // \Noselect, \HasChildren / \HasNoChildren (RFC 3348).
    std::vector<std::string> attributes() const;
};

struct StatusInfo {
    std::uint32_t messages = 0;
    std::uint32_t recent = 0;
    std::uint32_t unseen = 0;
    Uid uidnext = 1;
    std::uint32_t uidvalidity = 0;
    // \Deleted messages and their RFC822.SIZE: what an EXPUNGE would free
    // (RFC 9208 4.1.4 allows the size sum for DELETED-STORAGE).
    std::uint32_t deleted = 0;
    std::uint64_t deleted_octets = 0;
    std::uint64_t octets = 0;   // SIZE: every message's RFC822.SIZE together (RFC 8438 3)
    ModSeq highest_modseq = 1;  // HIGHESTMODSEQ (RFC 7162 3.1.7)
};

// What COPY and MOVE report in COPYUID (RFC 4315 3): pairs in the same order.
struct CopyResult {
    std::uint32_t destination_uidvalidity = 0;
    std::vector<Uid> source;
    std::vector<Uid> destination;
};

struct FlagUpdate {
    Uid uid = 0;
    FlagSet flags;  // after the operation
    bool changed = false;
};

// Where a user-visible name lives.
struct MailboxLocation {
    std::string owner;
    std::string name;
    char delimiter = kPersonalDelimiter;
};

// One <identifier, rights> pair of GETACL's answer (RFC 4314 3.6).
struct AclEntry {
    std::string identifier;
    Rights rights;
};

// LISTRIGHTS (RFC 4314 3.7): what the identifier always holds, and the
// rights it can be granted on top, each on its own (none are tied).
struct GrantableRights {
    Rights required;
    Rights optional;
};

// Identifies a batch of message files a backend writes ahead (stage()).
using StageTicket = std::uint64_t;

// Messages and their flags after a STORE, as the backend rewrites them.
struct FlagRewrite {
    const Message* before = nullptr;
    const Message* after = nullptr;
};

// Persistence hook (maildir_store.hpp). The store calls it before changing
// its memory and reports failure to the client when it fails, so nothing a
// client was told is stored can be lost by a restart.
class StoreBackend {
  public:
    virtual ~StoreBackend() = default;
    virtual StoreResult<Done> save_counter(std::uint32_t next_uidvalidity) = 0;
    // A new mailbox, or its UIDVALIDITY/UIDNEXT/keywords/\Noselect changed.
    virtual StoreResult<Done> save_mailbox(const Mailbox& mailbox) = 0;
    // Removes the messages and state; keeps the level when inferiors remain.
    virtual StoreResult<Done> remove_mailbox(const Mailbox& mailbox, bool keep_level) = 0;
    // Moves the mailbox and all its inferiors.
    virtual StoreResult<Done> rename_mailbox(const Mailbox& mailbox, std::string_view new_name) = 0;
    // A new message; `mailbox.uidnext` is already past its UID.
    virtual StoreResult<Done> save_message(const Mailbox& mailbox, const Message& message) = 0;
    // Every rewrite is on disk, or none is.
    virtual StoreResult<Done> update_flags(const Mailbox& mailbox,
                                           const std::vector<FlagRewrite>& rewrites) = 0;
    virtual StoreResult<Done> remove_messages(const Mailbox& mailbox,
                                              const std::vector<const Message*>& messages) = 0;
    virtual StoreResult<Done> save_subscriptions(std::string_view user,
                                                 const std::set<std::string>& names) = 0;
    // The mailbox's ACL changed (also for a \Noselect level).
    virtual StoreResult<Done> save_acl(const Mailbox& mailbox) = 0;

    // Writing many messages (COPY, MOVE) without holding up the caller:
    // stage() starts writing the octets ahead, somewhere of the backend's
    // own, and returns at once; staged() says whether they are durable yet
    // (nothing while not, with `wait` blocking until they are); save_staged()
    // then files them as `messages` of `mailbox`, all or none, after
    // reserve_uids() has put UIDNEXT past every UID the copy may use;
    // drop_staged() gives up a batch. By default nothing is written ahead
    // and save_staged() saves the messages one by one.
    virtual StoreResult<Done> reserve_uids(const Mailbox& mailbox, Uid uidnext);
    virtual StageTicket stage(std::vector<std::shared_ptr<const std::string>> octets);
    virtual std::optional<StoreResult<Done>> staged(StageTicket ticket, bool wait);
    virtual StoreResult<Done> save_staged(StageTicket ticket, const Mailbox& mailbox,
                                          const std::vector<const Message*>& messages);
    virtual void drop_staged(StageTicket ticket);
};

// A COPY or MOVE under way (MailStore::begin_copy). The messages go over in
// chunks of kCopyChunk: the backend writes a chunk's files ahead, and the
// chunk becomes part of the destination, with its UIDs, at once, when they
// are on disk. Other sessions run between chunks.
inline constexpr std::size_t kCopyChunk = 128;

enum class CopyProgress : std::uint8_t {
    Waiting,   // the next chunk is not on disk yet
    Advanced,  // a chunk was added; more follow
    Finished,  // every message is copied (or moved)
};

struct PendingCopy {
    MailboxId from = 0;
    MailboxId to = 0;
    bool move = false;
    // The messages as they were when the command began, ascending UID, with
    // only the flags the copies may keep.
    std::vector<Message> originals;
    // One per chunk; none without a backend.
    std::vector<StageTicket> tickets;
    std::size_t chunks_done = 0;
    CopyResult result;  // what the chunks added so far
};

class MailStore {
  public:
    explicit MailStore(std::uint32_t uidvalidity_seed = 1);

    // --- configuration -------------------------------------------------
    // Adds a user with an empty INBOX; returns a sentence on failure.
    std::optional<std::string> add_user(std::string name, std::string password);
    const UserDirectory& users() const { return m_users; }
    std::optional<std::string> set_oauth_token(std::string_view user, std::string token) {
        return m_users.set_oauth_token(user, std::move(token));
    }
    // Creates the user's INBOX if it is missing (after loading a data directory).
    StoreResult<MailboxId> ensure_inbox(std::string_view user);
    std::optional<std::string> set_namespaces(NamespaceConfig config);
    const NamespaceConfig& namespaces() const { return m_namespaces; }
    // Not owned; nullptr detaches. See attach_data_dir in maildir_store.hpp.
    void set_backend(StoreBackend* backend) { m_backend = backend; }
    std::uint32_t next_uidvalidity() const { return m_next_uidvalidity; }
    void set_next_uidvalidity(std::uint32_t value);

    // --- names ------------------------------------------------------------
    StoreResult<MailboxLocation> locate(std::string_view user, std::string_view name) const;
    std::string visible_name(std::string_view user, const Mailbox& mailbox) const;
    // The mailbox a name resolves to, whoever may see it: for loaders and
    // tests. Sessions ask access() instead.
    const Mailbox* find(std::string_view user, std::string_view name) const;
    const Mailbox* mailbox(MailboxId id) const;
    const std::map<MailboxId, Mailbox>& mailboxes() const { return m_mailboxes; }
    // The user's own INBOX (the POP3 maildrop, the SMTP destination); never
    // anybody else's, whatever the name looks like.
    const Mailbox* inbox_of(std::string_view user) const;

    // --- access control (RFC 4314) ----------------------------------------
    // What `user` may do with `mailbox`: every right for the owner of a
    // personal mailbox, else the union of the ACL entries for the user and
    // for "anyone"; the anonymous login never more than lookup and read.
    Rights rights(std::string_view user, const Mailbox& mailbox) const;
    // The single check the sessions make before touching a mailbox by name:
    // the mailbox when `user` may know it exists (one of kExistenceRights)
    // and holds every right in `needed`, else the refusal to report
    // (NoSuchMailbox for a mailbox the user may not know of, RFC 4314 6;
    // NoPermission otherwise).
    StoreResult<const Mailbox*> access(std::string_view user, std::string_view name,
                                       Rights needed) const;
    // What a new mailbox of a tree starts with when no parent passes it an
    // ACL: its namespace's default for a shared tree, nothing for a user's.
    AccessList default_acl(std::string_view owner) const;
    // SETACL, DELETEACL, GETACL, LISTRIGHTS and MYRIGHTS (RFC 4314 3.1-3.5).
    StoreResult<Done> set_acl(std::string_view user, std::string_view name,
                              std::string_view identifier, const RightsChange& change,
                              SessionId by = kNoSession);
    StoreResult<Done> delete_acl(std::string_view user, std::string_view name,
                                 std::string_view identifier, SessionId by = kNoSession);
    StoreResult<std::vector<AclEntry>> get_acl(std::string_view user, std::string_view name) const;
    StoreResult<GrantableRights> list_rights(std::string_view user, std::string_view name,
                                             std::string_view identifier) const;
    StoreResult<Rights> my_rights(std::string_view user, std::string_view name) const;

    // --- quotas (RFC 9208) --------------------------------------------------
    // Each user's personal mailboxes share one quota root, "#user/NAME";
    // shared trees have none. Roots without limits of their own have
    // `set_default_quota`'s. Limits hold against APPEND, COPY, MOVE into
    // another root and delivery; loading (fixtures, mbox, Maildir) may
    // exceed them.
    void set_default_quota(QuotaLimits limits) { m_default_quota = limits; }
    std::optional<std::string> quota_root(const Mailbox& mailbox) const;
    // GETQUOTA: the root's usage and limits, for its owner or a user who may
    // read one of its mailboxes (RFC 9208 6).
    StoreResult<QuotaState> quota(std::string_view user, std::string_view root) const;
    // GETQUOTAROOT: the roots of a mailbox `user` may read, or of a name in
    // the user's own tree that does not exist yet (RFC 9208 4.1.2).
    StoreResult<std::vector<QuotaState>> quota_roots(std::string_view user,
                                                     std::string_view name) const;
    // SETQUOTA: on the user's own root only; every limit not named is
    // removed (RFC 9208 4.1.3).
    StoreResult<QuotaState> set_quota(std::string_view user, std::string_view root,
                                      QuotaLimits limits);

    // --- mailbox operations (RFC 3501 6.3) --------------------------------
    StoreResult<MailboxId> create_mailbox(std::string_view user, std::string_view name,
                                          SessionId by = kNoSession,
                                          std::optional<std::uint32_t> uidvalidity = {});
    StoreResult<Done> delete_mailbox(std::string_view user, std::string_view name,
                                     SessionId by = kNoSession);
    StoreResult<Done> rename_mailbox(std::string_view user, std::string_view from,
                                     std::string_view to, SessionId by = kNoSession);
    StoreResult<Done> subscribe(std::string_view user, std::string_view name);
    StoreResult<Done> unsubscribe(std::string_view user, std::string_view name);
    std::set<std::string> subscriptions(std::string_view user) const;
    std::vector<ListEntry> list(std::string_view user, std::string_view reference,
                                std::string_view pattern) const;
    std::vector<ListEntry> lsub(std::string_view user, std::string_view reference,
                                std::string_view pattern) const;
    // The special use (RFC 6154 2) of a mailbox `user` names `name`: the
    // user's own top-level Sent, Drafts, Trash, Junk and Archive have the
    // attribute of that name; no other mailbox has one (special uses are
    // the user's, so a mailbox shared by another shows none).
    std::optional<std::string_view> special_use(std::string_view user, std::string_view name) const;
    // RECENT counts what `asking` would see as \Recent if it selected now.
    StoreResult<StatusInfo> status(std::string_view user, std::string_view name,
                                   SessionId asking = kNoSession) const;

    // --- message operations ----------------------------------------------
    StoreResult<Uid> append(MailboxId mailbox, std::string octets, FlagSet flags,
                            InternalDate internal_date, SessionId by = kNoSession);
    struct NewMessage {
        std::string octets;
        FlagSet flags;
        InternalDate internal_date;
    };
    // MULTIAPPEND (RFC 3502 6.3.11): every message or none, the quota
    // checked for all of them at once; their UIDs, in order.
    StoreResult<std::vector<Uid>> append_all(MailboxId mailbox, std::vector<NewMessage> messages,
                                             SessionId by = kNoSession);
    // UIDs not in the source are skipped (RFC 3501 6.4.8 UID COPY). The
    // copies keep only the flags `flag_rights` may set in the destination
    // (RFC 4314 4).
    StoreResult<CopyResult> copy(MailboxId from, const std::vector<Uid>& uids, MailboxId to,
                                 SessionId by = kNoSession, Rights flag_rights = Rights::all());
    // RFC 6851: copy, then expunge the originals.
    StoreResult<CopyResult> move(MailboxId from, const std::vector<Uid>& uids, MailboxId to,
                                 SessionId by = kNoSession, Rights flag_rights = Rights::all());
    // copy() and move() a chunk at a time, for a caller that serves others
    // in between: begin_copy() checks the mailboxes and starts the writes;
    // continue_copy() adds the next chunk when it is on disk (every chunk at
    // once without a backend; with `wait`, it waits for the disk); a failed
    // or abandoned COPY takes back what it added (RFC 3501 6.4.7), a MOVE
    // keeps the chunks that moved, each message in exactly one mailbox
    // (RFC 6851 3.3).
    StoreResult<PendingCopy> begin_copy(MailboxId from, const std::vector<Uid>& uids, MailboxId to,
                                        bool move, SessionId by = kNoSession,
                                        Rights flag_rights = Rights::all());
    StoreResult<CopyProgress> continue_copy(PendingCopy& job, SessionId by, bool wait = false);
    void abandon_copy(PendingCopy& job, SessionId by);
    // Flags `rights` may not change are left as they are (RFC 4314 4).
    StoreResult<std::vector<FlagUpdate>> store_flags(MailboxId mailbox,
                                                     const std::vector<Uid>& uids,
                                                     FlagOperation operation, const FlagSet& flags,
                                                     SessionId by = kNoSession,
                                                     Rights rights = Rights::all());
    // Removes the messages marked \Deleted; with `only`, just those among them
    // (UID EXPUNGE, RFC 4315 2.1). Returns the expunged UIDs, ascending.
    StoreResult<std::vector<Uid>> expunge(MailboxId mailbox,
                                          std::optional<std::vector<Uid>> only = {},
                                          SessionId by = kNoSession);

    // --- sessions -------------------------------------------------------------
    SessionId open_session();
    void close_session(SessionId session);
    // SELECT / EXAMINE: a read-write watcher receives \Recent for messages that
    // arrive while it has the mailbox selected. One mailbox per session.
    void watch(SessionId session, MailboxId mailbox, bool read_write);
    void unwatch(SessionId session);
    // Gives `session` every message of `mailbox` nobody has seen as \Recent
    // yet and returns their UIDs. SELECT calls it; EXAMINE must not (RFC 3501
    // 6.3.2).
    std::vector<Uid> claim_recent(MailboxId mailbox, SessionId session);
    static bool is_recent(const Message& message, SessionId session) {
        return session != kNoSession && message.recent_session == session;
    }
    // Changes after the session's cursor, oldest first; all mailboxes.
    std::vector<Change> pending_changes(SessionId session) const;
    // The session has reported everything up to `modseq`.
    void acknowledge(SessionId session, ModSeq modseq);
    const ChangeLog& change_log() const { return m_log; }
    // RFC 1939 8: one POP3 session at a time holds a user's maildrop. False
    // when another session holds it; close_session() releases it.
    bool lock_maildrop(std::string_view user, SessionId session);
    void unlock_maildrop(std::string_view user, SessionId session);

    // --- configuration by the server itself: no rights are checked ----------
    // A fixture's mailbox, with its superiors, as `user` would name it.
    StoreResult<MailboxId> provision_mailbox(std::string_view user, std::string_view name,
                                             std::optional<std::uint32_t> uidvalidity = {});
    // Replaces the rights of `identifier` on the mailbox (none removes it).
    StoreResult<Done> grant(MailboxId mailbox, std::string_view identifier, Rights rights);

    // --- loading (fixtures, data directories): no backend call, no log -------
    void clear_mailboxes();
    StoreResult<MailboxId> restore_mailbox(Mailbox mailbox);
    // Adds a message that already has its UID (Mailbox::uidnext must be past it).
    StoreResult<Done> restore_message(MailboxId mailbox, Message message);
    void restore_subscriptions(std::string_view user, std::set<std::string> names);

  private:
    using Tree = std::map<std::string, MailboxId, std::less<>>;

    struct SessionInfo {
        MailboxId watched = 0;
        bool read_write = false;
    };

    Mailbox* find_mutable(MailboxId id);
    Mailbox* find_mutable(const MailboxLocation& location);
    const Mailbox* find_location(const MailboxLocation& location) const;
    bool is_personal(std::string_view owner) const;
    const Mailbox* nearest_superior(const MailboxLocation& location) const;
    // Rights on the nearest existing superior of `location`, or on the root
    // of its tree (all for the tree's owner, none for anybody else): what
    // CREATE and the target of RENAME need "k" in (RFC 4314 4).
    Rights parent_rights(std::string_view user, const MailboxLocation& location) const;
    std::optional<StoreError> refusal(std::string_view user, const Mailbox& mailbox,
                                      std::string_view name, Rights needed) const;
    // Why `identifier` cannot hold `rights` on the mailbox, or nothing.
    std::optional<StoreError> entry_error(const Mailbox& mailbox, std::string_view identifier,
                                          Rights rights) const;
    StoreResult<Done> set_entry(Mailbox& mailbox, std::string_view identifier, Rights rights,
                                SessionId by);
    StoreResult<Done> replace_acl(Mailbox& mailbox, AccessList acl, SessionId by);
    StoreResult<MailboxId> create_at(const MailboxLocation& location, std::string_view name,
                                     SessionId by, std::optional<std::uint32_t> uidvalidity);
    char tree_delimiter(std::string_view owner) const;
    bool has_inferiors(const MailboxLocation& location) const;
    std::uint32_t take_uidvalidity();
    StoreResult<MailboxId> add_mailbox(const MailboxLocation& location, bool selectable,
                                       std::optional<std::uint32_t> uidvalidity, SessionId by);
    StoreResult<Done> create_superiors(const MailboxLocation& location, SessionId by);
    StoreResult<Done> add_keywords(Mailbox& mailbox, const FlagSet& flags, SessionId by);
    StoreResult<Done> remove_messages(Mailbox& mailbox, const std::vector<Uid>& uids, SessionId by);
    StoreResult<Done> add_chunk(PendingCopy& job, SessionId by);
    StoreResult<CopyResult> copy_to_end(MailboxId from, const std::vector<Uid>& uids, MailboxId to,
                                        bool move, SessionId by, Rights flag_rights);
    void assign_recent(const Mailbox& mailbox, Message& message) const;
    QuotaState quota_state(std::string_view owner) const;
    // Why adding `messages` messages of `octets` octets to `mailbox` would
    // pass its root's limits, or nothing.
    std::optional<StoreError> over_quota(const Mailbox& mailbox, std::uint64_t messages,
                                         std::uint64_t octets) const;
    ModSeq record(Change change);
    void forget_mailbox(MailboxId id);

    UserDirectory m_users;
    NamespaceConfig m_namespaces;
    StoreBackend* m_backend = nullptr;
    std::uint32_t m_next_uidvalidity;
    MailboxId m_next_mailbox_id = 1;
    std::map<MailboxId, Mailbox> m_mailboxes;
    std::map<std::string, Tree, std::less<>> m_trees;
    std::map<std::string, std::set<std::string>, std::less<>> m_subscriptions;
    SessionId m_next_session = 1;
    std::map<SessionId, SessionInfo> m_sessions;
    std::map<MailboxId, std::vector<SessionId>> m_watchers;  // in selection order
    std::map<std::string, SessionId, std::less<>> m_maildrop_locks;
    ChangeLog m_log;
    QuotaLimits m_default_quota;
    std::map<std::string, QuotaLimits, std::less<>> m_quota_limits;  // by owner
};

}  // namespace mailscope::server
