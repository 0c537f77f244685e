// What the Session menu and the free-play composer draw. The program that
// owns the sessions (a lesson, free play, the lab's TCP clients) fills it;
// the panels only show it and report the learner's choice in FrameIntents.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "server_mock/class_report.hpp"
#include "sim/core/protocol.hpp"

namespace mailscope::gui {

// The sessions the learner can switch between, in menu order.
struct SessionList {
    std::vector<std::string> labels;
    std::size_t active = 0;
    std::string caption;  // shown under the list: where the lab listens
};

// The lab's class: a row per student as the class report counts them (each
// session once it ended), for the class table window.
struct ClassTable {
    bool lab = false;  // a lab runs: the Session menu offers the table
    std::vector<server::ClassRow> rows;
    std::size_t open_sessions = 0;  // connected now, not counted yet
};

struct ComposerView {
    bool active = false;     // the shown session takes typed lines (free play, live)
    bool free_play = false;  // against the in-process copy of the classroom mail, not a live server
    sim::Protocol protocol = sim::Protocol::Imap;
    std::string state;               // its protocol state, as in the RFC diagram
    std::vector<std::string> verbs;  // commands valid in that state
    std::string error;               // why the last command was not sent
};

}  // namespace mailscope::gui
