// GuiModel: everything the panels read, derived from one SessionTrace.
//
// The trace is the only source; the indices here are projections of it that
// grow as it grows (sync() costs O(new events)). Panels never read an engine.
#pragma once

#include "gui/view_model/display_index.hpp"
#include "gui/view_model/envelope_snapshot.hpp"
#include "gui/view_model/lane_merge.hpp"
#include "gui/view_model/lesson_view.hpp"
#include "gui/view_model/mailbox_snapshot.hpp"
#include "gui/view_model/maildrop_snapshot.hpp"
#include "gui/view_model/session_view.hpp"
#include "gui/view_model/state_timeline.hpp"
#include "gui/view_model/store_truth.hpp"
#include "gui/view_model/trace_index.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::gui {

class GuiModel {
  public:
    explicit GuiModel(const sim::SessionTrace& trace) : m_trace(&trace) {}

    // Catches the indices up with the trace. Call once per frame, before drawing.
    void sync();

    const sim::SessionTrace& trace() const { return *m_trace; }
    const TraceIndex& index() const { return m_index; }
    DisplayIndex& display() { return m_display; }
    const DisplayIndex& display() const { return m_display; }
    const StateTimeline& states() const { return m_states; }
    MailboxTimeline& mailbox() { return m_mailbox; }
    MaildropTimeline& maildrop() { return m_maildrop; }
    EnvelopeTimeline& envelopes() { return m_envelopes; }
    // Whether the mailbox panel has nothing to show by the trace's end: no
    // IMAP mailbox or folder, no POP3 maildrop, no SMTP transaction.
    bool mailbox_empty();

    LessonView lesson;
    ComposerView composer;
    // The live session to a real server, when there is one.
    struct Live {
        bool active = false;
        bool insecure = false;  // shown in red in the menu bar while it lasts
        std::string status;     // live_status_text()
        std::string error;      // why the last Connect did not start
    } live;
    SessionList sessions;
    ClassTable class_table;
    LanesView lanes;
    // The store beside the client's view, when the session runs against the
    // embedded server; set every frame with the rest of what is described.
    const TruthHistory* store_truth = nullptr;

  private:
    const sim::SessionTrace* m_trace;
    TraceIndex m_index;
    DisplayIndex m_display;
    StateTimeline m_states;
    MailboxTimeline m_mailbox;
    MaildropTimeline m_maildrop;
    EnvelopeTimeline m_envelopes;
};

}  // namespace mailscope::gui
