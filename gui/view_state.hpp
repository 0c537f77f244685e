// ViewState: what only the views care about (which panels are open, the
// cursor, playback, hover). The model never reads it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gui/i18n.hpp"
#include "gui/view_model/panel_layout.hpp"
#include "gui/view_model/truth_beside.hpp"

namespace mailscope::gui {

struct OpenPanels {
    bool state_diagram = true;
    bool exchanges = true;
    bool timeline = true;
    bool mailbox = true;
    bool lesson = true;
    bool composer = false;
};

// The Session menu's "Connect…" dialog, as typed. The password stays here
// only until a session takes it.
struct ConnectForm {
    bool open = false;
    std::array<char, 256> host{};
    int port = 0;      // 0: the usual port of the mode
    int protocol = 0;  // in sim::Protocol order: IMAP, POP3, SMTP
    int mode = 0;      // in LiveMode order: plain, STARTTLS, implicit TLS
    std::array<char, 128> user{};
    std::array<char, 256> password{};
    int credential = 0;  // 0: the password, 1: an OAuth 2.0 token
    // Prints the token (net/oauth_token_source.hpp); empty: MAILSCOPE_OAUTH_TOKEN.
    std::array<char, 512> token_command{};
    int oauth_mechanism = 0;  // 0: the one the server offers, 1: XOAUTH2, 2: OAUTHBEARER
    std::array<char, 512> ca_file{};
    bool insecure = false;
};

// AllClients: every session of a lesson or the lab side by side (LanesView).
enum class ExchangeTab : std::uint8_t { Sequence, Log, AllClients };

struct ViewState {
    Language language = Language::Ru;
    bool large_text = false;
    // The projector preset: large text, strong contrast, only the panels a
    // room reads from afar (set_projector).
    bool projector = false;
    float dpi_scale = 1.0f;
    OpenPanels open;
    // The tiles the panels were last put in, and what they were laid for;
    // `arrange_panels` lays them again on the next frame (View menu).
    std::optional<LayoutRequest> tiled_for;
    PanelLayout layout;
    bool arrange_panels = false;
    // What the last frame found cut off: "mailbox: title cut", for the
    // screenshot tests and --screen-json. Empty when everything fits.
    std::vector<std::string> layout_problems;
    float diagram_scale = 1;     // the state diagram's text, shrunk to fit its panel
    MailboxShown mailbox_shown;  // what the mailbox panel drew last

    // The moment shown: every view draws events [0, cursor]. While `live`,
    // the cursor follows the newest event.
    std::uint64_t cursor = 0;
    bool live = true;
    bool playing = false;
    float speed = 8.0f;  // events per second while playing
    double play_budget = 0;

    // The event under the mouse: `hovered` is filled while drawing a frame
    // and becomes `hovered_before` for the next one, so every panel of a
    // frame highlights the same thing.
    std::optional<std::uint64_t> hovered;
    std::optional<std::uint64_t> hovered_before;

    // The state diagram's animation of the transition just taken: which
    // transition event it shows and for how long it has (seconds). With
    // `animate` off (screenshots) every animation is drawn at its final frame.
    bool animate = true;
    std::optional<std::uint64_t> animated_transition;
    double transition_age = 0;
    bool animating = false;  // a panel animated this frame: the window keeps redrawing

    std::optional<ExchangeTab> select_exchange_tab;  // a tab to bring forward on the next frame
    ExchangeTab shown_exchange_tab = ExchangeTab::Sequence;
    bool scroll_to_cursor = true;   // the exchange views bring the cursor row into sight
    std::size_t rows_seen = 0;      // display rows at the last frame, to follow new ones
    float applied_style_scale = 0;  // the style scale currently applied, 0 before the first frame
    bool applied_high_contrast = false;

    // Text being typed: a quiz answer and a free-play command.
    std::array<char, 256> quiz_input{};
    std::array<char, 1024> composer_input{};
    std::array<char, 4096> composer_literal{};
    ConnectForm connect;
    bool class_table_open = false;  // the lab's class table window
    // A line the File menu or an export left for the status bar.
    std::string status;
    // Where the last frame drew the controls a script may click (the
    // lesson's Previous and Next, the File menu and its exports), by name.
    std::vector<std::pair<std::string, PanelRect>> controls;
};

// Moves the cursor, leaves live mode unless it lands on the newest event.
void set_cursor(ViewState& view, std::uint64_t cursor, std::size_t event_count);

// Turns the projector preset on (large text, no timeline or composer) or off
// (normal text, the timeline back).
void set_projector(ViewState& view, bool on);

// Start-of-frame bookkeeping: follows the newest event when live, advances
// playback by `dt` seconds, rotates the hover state.
void begin_view_frame(ViewState& view, std::size_t event_count, float dt);

}  // namespace mailscope::gui
