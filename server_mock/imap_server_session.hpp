// ImapServerSession: one IMAP4rev1 connection of the mock server.
//
// It turns what the shared session engine (sim/imap/session.hpp, server
// role) hears from the client into mail store calls and responses, and
// implements the transport contract (connection_handler.hpp), so the same
// object runs over the in-process link of a lesson or a real TCP/TLS socket.
//
// Other sessions' changes (new mail, flags, expunges) reach the client only
// at the moments RFC 3501 5.2 and 7.4.1 allow: after a command completes,
// on NOOP/CHECK, and while idling (RFC 2177); never an EXPUNGE during
// FETCH, STORE or SEARCH.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "server_mock/fault_injection.hpp"
#include "server_mock/fetch_responder.hpp"
#include "server_mock/parsed_cache.hpp"
#include "server_mock/server_session_base.hpp"
#include "sim/core/oauth_sasl.hpp"
#include "sim/core/trace.hpp"
#include "sim/imap/session.hpp"

namespace mailscope::server {

// The command a defer rule runs now and completes later (see
// fault_injection.hpp): its tagged completion waits for the next
// command's, or for `until`.
struct DeferredCompletion {
    std::string tag;
    imap::Verb verb = imap::Verb::Unknown;
    bool holds_expunges = false;  // while it is in progress, no EXPUNGE (RFC 3501 7.4.1)
    std::optional<imap::Response> completion;  // empty while the command runs
    transport::Micros limit = 0;               // the rule's longest wait for a next command
    transport::Micros until = 0;               // set when the completion is held
};

class ImapServerSession : public ServerSessionBase {
  public:
    // `store`, `config` and `trace` must outlive the session.
    ImapServerSession(MailStore& store, const ServerConfig& config, sim::SessionTrace& trace);
    ~ImapServerSession() override;

    void on_open(transport::Micros now, bool tls) override;
    void on_timer(transport::Micros now) override;
    void on_server_shutdown(transport::Micros now) override;

    bool reading_paused() const override { return m_stalled || m_long.has_value(); }
    std::optional<transport::Micros> next_deadline() const override;

    // For views and tests.
    const imap::ImapSession& engine() const { return m_imap; }
    // A view that pulls the session's events as they come (next_event()).
    sim::Engine& events() { return m_imap; }
    bool read_only() const { return m_read_only; }
    SessionId store_session() const { return m_session; }
    // UIDs of the selected mailbox as this client knows them, in sequence order.
    const std::vector<Uid>& view() const { return m_view; }
    // The selected mailbox as the store has it now; nullptr when none is.
    const Mailbox* selected() const;

  private:
    // --- ServerSessionBase --------------------------------------------------
    sim::Engine& wire_engine() override { return m_imap; }
    void process_inputs() override;
    // Read with the line in hand, so sent before any answer to it.
    void read_ahead(std::uint64_t octets) override { m_received_ahead = octets; }
    // After a stall the rest is dropped unread.
    bool discards_input() const override { return m_stalled; }
    void connection_ended() override { finish(); }
    void close_overloaded(std::string_view reason) override;

    struct Sasl {
        std::string tag;
        std::string mechanism;  // uppercase
        int step = 0;
        std::string user;       // AUTHENTICATE LOGIN: the name from step 1
        std::string challenge;  // CRAM-MD5
    };
    // When the changes of other sessions may be told (RFC 3501 7.4.1).
    // OtherMailboxes: between commands after a NOTIFY without SELECTED,
    // which wants no message events of the selected mailbox (RFC 5465 3.1).
    enum class Report : std::uint8_t { None, All, NoExpunge, OtherMailboxes };
    // A FETCH answered a chunk at a time: the next messages are read only
    // once the transport has taken the chunk before, so a client that reads
    // slowly holds one chunk of the server's memory, not its whole answer.
    struct PendingFetch {
        std::vector<imap::FetchAtt> atts;
        std::optional<std::uint64_t> changed_since;
        std::vector<std::pair<std::uint32_t, Uid>> targets;  // (seq, UID), ascending
        std::size_t next = 0;
        bool may_set_seen = false;
        bool gone = false;  // a message was expunged by another session
        std::optional<std::string> unknown_encoding;
    };
    // A command that runs in steps while the session reads nothing more and
    // other sessions go on: a COPY or MOVE whose messages go over chunk by
    // chunk while the disk writes them (MailStore::begin_copy), or a FETCH
    // whose answer goes out chunk by chunk.
    struct LongCommand {
        std::string tag;
        bool uid = false;
        std::variant<PendingCopy, PendingFetch> work;
        std::vector<FaultRule> fired;
        Report report = Report::All;
        bool ready = false;  // the last step made progress: look again at once
    };

    // --- driving ----------------------------------------------------------
    void on_input(imap::ServerInput& input);
    void execute(const imap::Command& command);
    void dispatch(const imap::Command& command);
    bool apply_faults_before(const imap::Command& command, std::vector<FaultRule>& fired);
    // Starts holding back the completion of `command` for a defer rule,
    // unless later commands depend on its completion.
    void defer_completion(const imap::Command& command, const FaultRule& rule);
    // Why `next` must wait for the deferred command to complete (RFC 3501
    // 5.5), if it must.
    std::optional<sim::Phrase> completion_order_needed(const DeferredCompletion& deferred,
                                                       const imap::Command& next) const;
    // Sends the held completion, with `note` (its argument the tag) in the trace.
    void release_deferred(sim::Said note);
    // Queues what the engine wrote, with the fault rules that fired; true
    // when there was something to queue.
    bool flush(const std::vector<FaultRule>& fired = {});
    // flush() for a command that may still be under way.
    void flush_long_step(const std::vector<FaultRule>& fired);
    // Every response goes through here; a deferred completion is held back.
    void send(const imap::Response& response);
    // "* seq FETCH (items)", written without building its tree: FETCH and
    // STORE send one per message.
    void send_fetch(std::uint32_t seq, std::vector<imap::FetchItem> items);
    void write(const imap::Response& response);
    void ok(const std::string& tag, std::string text,
            std::optional<imap::ResponseCode> code = std::nullopt);
    void no(const std::string& tag, std::string text,
            std::optional<imap::ResponseCode> code = std::nullopt);
    void bad(const std::string& tag, std::string text);
    void bye_and_close(std::string text);
    void finish();
    // The BAD text for a command, or a form of one (extended_forms.hpp),
    // that needs a capability this server does not list.
    std::optional<std::string> unoffered(const imap::Command& command) const;
    bool capability_on(std::string_view name) const;
    std::vector<std::string> capabilities() const;

    void cmd_capability(const imap::Command& command);
    void cmd_noop(const imap::Command& command);  // and CHECK
    void cmd_logout(const imap::Command& command);

    // --- authentication (imap_auth.cpp) -------------------------------------
    void cmd_starttls(const imap::Command& command);
    void cmd_login(const imap::Command& command);
    void cmd_authenticate(const imap::Command& command);
    void on_sasl_line(const imap::SaslReceived& line);
    void sasl_step(const std::string& payload);
    void sasl_finish(const std::string& user, const std::string& password);
    void bearer_step(sim::OAuthMechanism mechanism, const std::string& encoded);
    void log_in(const std::string& tag, const std::string& user, bool read_only,
                std::string_view how);
    bool plaintext_refused() const;

    // --- mailboxes (imap_mailbox_commands.cpp) ---------------------------------
    void cmd_select(const imap::Command& command);  // and EXAMINE
    void cmd_create(const imap::Command& command);
    void cmd_delete(const imap::Command& command);
    void cmd_rename(const imap::Command& command);
    void cmd_subscribe(const imap::Command& command);  // and UNSUBSCRIBE
    void cmd_list(const imap::Command& command);       // and LSUB
    // LIST-EXTENDED and LIST-STATUS (RFC 5258, RFC 5819): imap_list_extended.cpp.
    void cmd_list_extended(const imap::Command& command);
    void cmd_status(const imap::Command& command);
    // The first item of `items` this server does not know, if any.
    static std::optional<std::string> unknown_status_item(const std::vector<std::string>& items);
    imap::StatusData status_data(std::string mailbox, const std::vector<std::string>& items,
                                 const StatusInfo& info) const;
    void cmd_append(const imap::Command& command);
    // CATENATE (RFC 4469).
    // Why an APPEND fails before anything is stored: a tagged NO and its code.
    struct AppendRefusal {
        std::string text;
        imap::ResponseCode code;
    };
    // The message `parts` make (RFC 4469 3), or the refusal of the whole
    // APPEND: [BADURL] for the first URL that names nothing this user may
    // read, [TOOBIG] past the size this server accepts.
    std::variant<std::string, AppendRefusal> catenated_message(
        const std::vector<imap::CatenatePart>& parts);
    // The octets a CATENATE URL names, or why it names none.
    std::variant<std::string, AppendRefusal> url_octets(const std::string& url);
    void cmd_namespace(const imap::Command& command);
    void cmd_id(const imap::Command& command);
    void cmd_enable(const imap::Command& command);
    // --- IMAP4rev2 (imap4rev2.cpp) ---------------------------------------------
    // RFC 9051 rules hold: after ENABLE IMAP4rev2, or always with --imap4rev2-only.
    bool imap4rev2() const { return m_imap4rev2 || m_config.imap4rev2_only; }
    // Mailbox names travel in UTF-8: IMAP4rev2, or ENABLE UTF8=ACCEPT (RFC 6855 3).
    bool utf8_names() const { return imap4rev2() || m_utf8_accept; }
    // The client's UTF-8 mailbox names and LIST patterns as the store keeps
    // them; why one cannot be, for a BAD.
    std::optional<std::string> store_mailbox_names(imap::Command& command) const;
    // `response` with the store's mailbox names in UTF-8.
    imap::Response with_utf8_names(const imap::Response& response) const;
    // The LIST response SELECT and EXAMINE send in IMAP4rev2 (RFC 9051 6.3.2).
    void send_selected_list(const std::string& name);

    // --- CONDSTORE and QRESYNC (imap_condstore.cpp) ------------------------------
    // RFC 7162 3.1: the first "CONDSTORE enabling command" makes this client
    // CONDSTORE-aware for the rest of the connection.
    void note_condstore_enabling(const imap::Command& command);
    // The BAD text for a QRESYNC form before ENABLE QRESYNC, or for VANISHED
    // in a FETCH without UID (RFC 7162 3.2.3, 3.2.6).
    std::optional<std::string> qresync_refusal(const imap::Command& command) const;
    // SELECT (QRESYNC ...): what changed since the client's mod-sequence, as
    // VANISHED (EARLIER) and FETCH (RFC 7162 3.2.5.1, 3.2.5.2).
    void resynchronise(const imap::QresyncParams& params);
    // The UIDs of `uids` removed after `since`, at or above `lowest`, for
    // VANISHED (EARLIER); when removals that old are forgotten, every UID of
    // `uids` not in the mailbox (RFC 7162 3.2.6).
    imap::SequenceSet removed_uids(const Mailbox& mailbox, ModSeq since,
                                   const imap::SequenceSet& uids, Uid lowest = 1) const;
    void send_vanished(imap::SequenceSet uids, bool earlier);
    // "* OK [HIGHESTMODSEQ n]" for the selected mailbox.
    void announce_highest_modseq();
    // The highest mod-sequence of `found`, which SEARCH and SORT append when
    // the criteria held MODSEQ (RFC 7162 3.1.6, 3.1.9).
    std::optional<ModSeq> found_modseq(const std::vector<imap::SearchKey>& keys,
                                       const std::vector<MessageContext>& found) const;
    void deselect();
    // The selected mailbox is gone (DELETE here or in another session):
    // BYE and close. True when it did.
    bool leave_if_selected_deleted();
    void no_from_store(const std::string& tag, const StoreError& error, bool trycreate = false);
    // Why a mailbox name or LIST pattern in the arguments is not canonical
    // modified UTF-7 (answered BAD before anything else happens).
    std::optional<std::string> mailbox_argument_error(const imap::Command& command) const;
    bool refuse_read_only_user(const std::string& tag);

    // --- access control (imap_acl_commands.cpp) ---------------------------------
    void cmd_setacl(const imap::Command& command);
    void cmd_deleteacl(const imap::Command& command);
    void cmd_getacl(const imap::Command& command);
    void cmd_listrights(const imap::Command& command);
    void cmd_myrights(const imap::Command& command);

    // --- quotas (imap_quota_commands.cpp) --------------------------------------
    void cmd_getquota(const imap::Command& command);
    void cmd_getquotaroot(const imap::Command& command);
    void cmd_setquota(const imap::Command& command);

    // --- SORT and THREAD (imap_sort_commands.cpp) ------------------------------
    void cmd_sort(const imap::Command& command);
    void cmd_thread(const imap::Command& command);
    // `matches` (mailbox order) by SORT criteria: indexes into it.
    std::vector<std::size_t> sort_order(const std::vector<MessageContext>& matches,
                                        const std::vector<imap::SortCriterion>& criteria);

    // RETURN (UPDATE) of SEARCH and SORT (RFC 5267 4.3): imap_search_contexts.cpp.
    // A context starts with the UIDs `ordered` in the command's order;
    // over the limit the client is told NOUPDATE instead (4.3.1).
    void start_search_context(const imap::Command& command,
                              std::vector<imap::SortCriterion> criteria,
                              const std::vector<imap::SearchKey>& keys, std::vector<Uid> ordered);
    // Evaluates each context again over the client's view and sends what
    // left (REMOVEFROM) and what joined (ADDTO). Called before expunges
    // are announced, so message numbers still hold, and after new
    // messages are.
    void update_search_contexts();
    void cmd_cancelupdate(const imap::Command& command);
    // --- NOTIFY (imap_notify.cpp) ------------------------------------------------
    void cmd_notify(const imap::Command& command);
    char notify_delimiter(std::string_view name) const;
    char data_delimiter(const Mailbox* mailbox) const;
    // RFC 5465 5.4: the LIST of a created or deleted mailbox's parent.
    void notify_parent(const std::string& name, char delimiter);
    // RFC 5465 5.4: "l" granted or revoked, told as creation or deletion.
    void notify_lookup_change(const Mailbox* mailbox);
    // A NOTIFY SET is in force and no command is in progress: the timer
    // looks for changes to tell (RFC 5465 3.1).
    bool notify_polls() const;
    // What of the selected mailbox a poll between commands tells.
    Report notify_report() const;
    // Does the NOTIFY in force ask for `event` on the mailbox `name`
    // (not the selected one) of `owner`?
    bool notify_watches(std::string_view owner, std::string_view name,
                        imap::NotifyEvent::Kind event) const;
    // Another session's change outside the selected mailbox, as NOTIFY asked
    // (RFC 5465 5.2 to 5.4): message changes make the mailbox's STATUS due,
    // mailbox events a LIST at once.
    void notify_change(const Change& change);
    // The STATUS of each mailbox made due, then SubscriptionChange's LIST
    // responses (RFC 5465 5.5); past kNotifyPendingLimit, NOTIFICATIONOVERFLOW.
    void send_notifications();
    imap::StatusData notify_status(const Mailbox& mailbox, bool initial) const;
    // After their EXISTS, a FETCH of MessageNew's attributes for each of
    // `uids` that arrived in the selected mailbox (RFC 5465 5.2).
    void notify_new_messages(const std::vector<Uid>& uids);
    // Counts one more notification of this pass; false (and the overflow
    // told, RFC 5465 5.8) past the bound.
    bool notify_room();
    // The RETURN options this server takes for SEARCH or SORT: BAD and
    // false for another (RFC 4466 2.6.1).
    bool check_return_options(const imap::Command& command, const imap::CommandOptions& options,
                              bool sort);

    // --- the selected mailbox (imap_message_commands.cpp) -----------------------
    void cmd_close(const imap::Command& command);  // and UNSELECT
    void cmd_expunge(const imap::Command& command);
    void cmd_search(const imap::Command& command);
    // The selected messages that match `keys`, in mailbox order; nothing
    // when the command is answered already (NO [BADCHARSET], BAD).
    std::optional<std::vector<MessageContext>> search_matches(
        const imap::Command& command, const std::optional<std::string>& charset,
        const std::vector<imap::SearchKey>& keys);
    // The messages of the view that match keys without "$", in mailbox order.
    std::vector<MessageContext> evaluate_search(const std::vector<imap::SearchKey>& keys);
    void cmd_fetch(const imap::Command& command);
    void cmd_store(const imap::Command& command);
    void cmd_copy(const imap::Command& command);  // and MOVE
    // One step of the long command; true when it has answered.
    bool step_long();
    bool step_copy();
    void finish_copy(LongCommand& done, const StoreResult<CopyProgress>& progress);
    bool step_fetch();
    // \Seen for the messages a step of a FETCH read with BODY[] (RFC 3501
    // 6.4.5); when the store refuses, the client learns the flags as they are.
    void mark_fetched_seen(const std::vector<std::pair<std::uint32_t, Uid>>& seen_now);
    void cmd_idle(const imap::Command& command);
    // "$" as the messages the last SEARCH RETURN (SAVE) kept that are still
    // here (RFC 5182 2.1), by UID or by sequence number; any other set as it is.
    imap::SequenceSet concrete(const imap::SequenceSet& set, bool uid) const;
    // The messages a set names: (sequence number, UID) pairs, ascending.
    std::vector<std::pair<std::uint32_t, Uid>> resolve(const imap::SequenceSet& set,
                                                       bool uid) const;
    // This user's rights on the selected mailbox now (RFC 4314 4).
    Rights selected_rights() const;
    // PERMANENTFLAGS: the flags those rights let this session change (RFC
    // 4314 5.1.1); none when read-only.
    std::vector<std::string> permanent_flags(const Mailbox& mailbox) const;
    // "* FLAGS" and PERMANENTFLAGS when the selected mailbox gained keywords.
    void announce_keywords_if_changed();
    void announce_permanent_flags_if_changed(const Mailbox& mailbox);
    // "The mailbox is read-only (why)" and what that forbids, for [READ-ONLY].
    std::string read_only_text(std::string_view consequence) const;
    bool is_recent(Uid uid) const;
    bool is_recent(const Message& message) const;
    std::uint32_t count_recent() const;
    // RFC 3501 7.3.2: RECENT follows every change of the mailbox's size.
    void announce_recent_if_changed();
    void report_changes(Report report);
    std::vector<Uid>::iterator find_in_view(Uid uid);
    void announce_expunged(const std::vector<Uid>& uids);
    void inject_unsolicited(const FaultRule& rule);

    imap::ImapSession m_imap;
    ParsedCache m_cache;
    FaultInjector m_faults;
    SessionId m_session = kNoSession;
    // Octets of the current read after the line being handled: a client that
    // sent them did not wait for an answer to that line.
    std::uint64_t m_received_ahead = 0;
    transport::Micros m_last_poll = 0;
    transport::Micros m_last_not_before = 0;
    bool m_stalled = false;
    std::optional<LongCommand> m_long;
    std::optional<DeferredCompletion> m_deferred;
    bool m_read_only_user = false;
    std::optional<Sasl> m_sasl;
    std::optional<std::string> m_idle_tag;
    // The NOTIFY SET in force (RFC 5465 3.1); the mailboxes whose STATUS is
    // due; the subscriptions as last told; notifications of this pass.
    std::optional<imap::NotifyArgs> m_notify;
    std::set<MailboxId> m_notify_due;
    std::set<std::string> m_notify_subscriptions;
    std::set<MailboxId> m_notify_listable;  // other users' mailboxes this user may list
    // Names told by LIST in the current report: CREATE a/b/c makes a, a/b
    // and a/b/c, and each level is also the next one's parent.
    std::set<std::string> m_notify_named;
    std::size_t m_notify_sent = 0;
    std::uint64_t m_challenges = 0;
    Report m_report = Report::All;

    MailboxId m_selected = 0;
    bool m_read_only = false;
    bool m_examined = false;
    bool m_condstore_aware = false;
    // ENABLE QRESYNC answered: VANISHED instead of EXPUNGE, UID and MODSEQ in
    // every FETCH the server sends unasked (RFC 7162 3.2.4, 3.2.10).
    bool m_qresync = false;
    bool m_imap4rev2 = false;    // ENABLE IMAP4rev2 answered
    bool m_utf8_accept = false;  // ENABLE UTF8=ACCEPT answered (RFC 6855 3)
    std::vector<Uid> m_view;
    std::vector<Uid> m_saved_result;  // SEARCH RETURN (SAVE), ascending (RFC 5182)
    struct SearchContext {
        std::string tag;
        bool uid = false;
        std::vector<imap::SortCriterion> criteria;  // none: a SEARCH, in mailbox order
        // Message numbers and "$" as the UIDs they named when the command
        // came (RFC 5267 4.3: evaluated "at the time the command is received").
        std::vector<imap::SearchKey> keys;
        std::vector<Uid> results;  // in the command's order
    };
    std::vector<SearchContext> m_search_contexts;
    std::size_t m_keywords_known = 0;
    std::vector<std::string> m_permanent_flags;
    std::uint32_t m_recent_announced = 0;
};

// For `mailscope serve` and the lab: a session behind the transport interface.
std::unique_ptr<transport::ConnectionHandler> make_imap_session(MailStore& store,
                                                                const ServerConfig& config,
                                                                sim::SessionTrace& trace);

}  // namespace mailscope::server
