// StoreTruth: what the mock server's store holds for the mailbox a client
// has selected, beside what that client has learned (MailboxSnapshot).
//
// The rows follow the client's own numbering (the server session's view of
// the mailbox, RFC 3501 2.3.1.2): row i is what the server knows of the
// client's message i + 1 now, or that another session has expunged it and
// the client has not been told. Messages that arrived since the client was
// last told (another client's APPEND, a delivery) follow as unannounced.
//
// TruthHistory keeps one StoreTruth per lesson step (or free-play command),
// keyed by the length of the client's trace when it was taken, so the panel
// shows the one that was true at the cursor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "server_mock/mail_store.hpp"
#include "server_mock/server_session_base.hpp"

namespace mailscope::gui {

struct TruthRow {
    std::uint32_t uid = 0;
    bool in_store = true;  // false: expunged by another session; this client has not heard
    std::vector<std::string> flags;
    std::uint64_t size = 0;
    std::string subject;  // RFC 2047 words decoded

    bool operator==(const TruthRow&) const = default;
};

struct StoreTruth {
    // Rows past this are counted, not kept: a history holds one per step.
    static constexpr std::size_t max_rows = 2000;

    std::string mailbox;  // as the client named it (wire form); empty: nothing selected
    std::uint32_t uid_validity = 0;
    std::uint32_t uid_next = 0;
    std::uint32_t store_count = 0;  // messages in the store's mailbox
    std::vector<TruthRow> rows;
    std::vector<TruthRow> unannounced;
    std::size_t not_listed = 0;  // rows and unannounced messages past max_rows

    bool operator==(const StoreTruth&) const = default;
};

// `view` is the client's numbering: the UIDs it knows, in sequence order.
StoreTruth store_truth(const server::Mailbox& mailbox, std::string name,
                       const std::vector<server::Uid>& view);
// A POP3 maildrop: numbered as the store holds it.
StoreTruth maildrop_truth(const server::Mailbox& inbox);
// What the store holds now for the client behind `session`: its selected
// mailbox (IMAP) or its maildrop (POP3, once logged in); an empty truth
// otherwise.
StoreTruth truth_of(const server::MailStore& store, const server::ServerSessionBase* session);

class TruthHistory {
  public:
    // What the store held once `step` steps had run and the client's trace
    // had `trace_size` events. A truth equal to the last one is not kept again.
    void record(std::size_t step, std::uint64_t trace_size, StoreTruth truth);
    // Forgets what was recorded after `steps` steps (the lesson stepped back).
    void keep_steps(std::size_t steps);
    // The latest truth taken at or before the cursor's event; nullptr before
    // the first, or when nothing was selected then.
    const StoreTruth* at(std::uint64_t cursor) const;
    std::size_t size() const { return m_entries.size(); }

  private:
    struct Entry {
        std::size_t step = 0;
        std::uint64_t trace_size = 0;
        std::shared_ptr<const StoreTruth> truth;
    };
    std::vector<Entry> m_entries;  // ascending step and trace size
};

}  // namespace mailscope::gui
