// What `mailscope gui` was asked for, as the command line gives it. Plain
// standard types only, so the command line declares these options even in a
// build without the GUI; gui/app_controller.hpp checks and applies them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mailscope::gui {

struct AppOptions {
    std::string lesson;                 // an id or a lesson file; empty: the catalogue's first
    std::optional<std::size_t> step;    // steps run before the window opens
    std::size_t back = 0;               // then steps undone (the exact replay of step back)
    std::string lang;                   // "ru" or "en"; empty: the locale's
    std::string size = "1600x1000";     // WxH of the window
    std::string screenshot;             // draw one frame, save it as PNG here and exit
    std::string screen_json;            // with screenshot: what that frame shows, as JSON
    bool large_text = false;            // bigger fonts and widgets
    bool projector = false;             // large text, high contrast, fewer panels
    std::string export_svg;             // write the sequence diagram here and exit
    std::string export_html;            // write a handout page here and exit
    std::string export_mermaid;         // write a Mermaid sequence diagram here and exit
    std::string export_png;             // the same diagram as a PNG (needs a display or Xvfb)
    std::string transcript;             // the session shown, written when the window closes
    std::string client;                 // the client shown in a multi-client lesson
    std::string exchanges;              // the Exchanges tab shown first: sequence, log, all-clients
    bool free_play = false;             // start in free play instead of the lesson
    std::vector<std::string> type;      // free-play commands sent before the window opens
    std::vector<std::uint64_t> expand;  // literal events shown expanded at the start
    std::string serve;                  // "[ADDR:]PORT": run the lab's TCP mock IMAP server
    std::string serve_pop3;             // "[ADDR:]PORT": and its POP3 server
    std::string serve_smtp;             // "[ADDR:]PORT": and its SMTP server
    std::string trace_dir;              // with a lab: each session's files go here
    std::string class_report;           // with a lab: a CSV row per student (class_report.hpp)
    std::string assignment;             // with class_report: the steps each student is to do
    bool class_table = false;           // with a lab: open the class table window at start
    std::string connect;                // a server URL (imap://, imaps://, pop3://…): go live
    bool starttls = false;              // with a URL without implicit TLS: STARTTLS before login
    std::string ca_file;                // trust this CA for the live session
    bool insecure = false;              // no certificate verification (shown in red)
    std::string capture;                // a packet capture: its mail sessions in the Session menu
};

// How the application ends; `mailscope gui` exits with these codes.
inline constexpr int app_exit_ok = 0;
inline constexpr int app_exit_failed = 1;      // bad options, no lesson, a file not written
inline constexpr int app_exit_no_display = 2;  // no window could be opened: use the text mode

}  // namespace mailscope::gui
