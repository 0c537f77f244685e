// What a frame of the window shows, in words: the state filled in the state
// diagram and the transition highlighted, the exchange rows drawn and the
// last one's text, the lesson step with the question shown. Built from the
// model and view the panels drew from, so a screenshot's content can be
// checked (gui --screen-json FILE) without reading pixels.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gui/gui_model.hpp"
#include "gui/view_state.hpp"

namespace mailscope::gui {

struct ScreenSummary {
    std::vector<std::string> panels;      // the open panels, in drawing order
    std::vector<std::string> highlights;  // the panels the lesson step outlines
    std::string exchange_tab;             // "sequence", "log" or "all-clients"
    std::string protocol;                 // "imap", "pop3", "smtp"
    std::size_t events = 0;               // events drawn: those up to the cursor
    std::string state;                    // the state filled in the diagram
    std::optional<int> transition;        // the number of the edge highlighted (0: unnumbered)
    std::size_t rows = 0;                 // exchange rows drawn
    std::string last_row;                 // the text of the last one
    std::size_t step = 0;                 // lesson steps run
    std::size_t steps = 0;                // of so many (0: no lesson shown)
    std::string quiz;                     // the question of the step about to run, if any
    std::string answered_quiz;            // the question of the step just run, with its verdict
    std::optional<bool> answered_right;
    std::vector<std::string> failures;  // the failed checks shown, "file:line: sentence"
    std::string client;                 // the lesson client shown
    // The side-by-side view of every client, when shown: its lanes, the rows
    // drawn and the last one as "lane: text".
    std::vector<std::string> lanes;
    std::size_t lane_rows = 0;
    std::string last_lane_row;
    // Where the tiling put each open panel, by name, in pixels (x, y, width,
    // height), and what the frame found cut off (empty when everything fits).
    std::vector<std::pair<std::string, PanelRect>> layout;
    std::vector<std::string> layout_problems;
    float diagram_scale = 1;  // the state diagram's text size, shrunk to fit
    // What the mailbox panel shows: "imap" (the selected mailbox), "pop3"
    // (the maildrop), "smtp" (the mail transactions); its rows, and those
    // holding the store's values greyed where the client has not learned them.
    MailboxShown mailbox;
    bool projector = false;
    // Where the frame drew the controls a script may click (ViewState::controls).
    std::vector<std::pair<std::string, PanelRect>> controls;
};

ScreenSummary summarize_screen(const GuiModel& model, const ViewState& view);

// One JSON object, keys as in ScreenSummary.
std::string screen_summary_json(const ScreenSummary& summary);

}  // namespace mailscope::gui
