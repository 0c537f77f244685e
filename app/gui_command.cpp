#include "app/gui_command.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <thread>
#include <vector>

#include "lessons/lesson_catalog.hpp"
#include "lessons/lesson_loader.hpp"

#if MAILSCOPE_WITH_GUI
#include <imgui.h>

#include "app/password_prompt.hpp"
#include "gui/app_window.hpp"
#include "gui/export.hpp"
#include "gui/free_play.hpp"
#include "gui/lab_server.hpp"
#include "gui/lesson_session.hpp"
#include "gui/live_session.hpp"
#include "gui/sequence_svg.hpp"
#include "net/client_options.hpp"
#include "sim/core/transcript.hpp"
#endif

namespace mailscope::app {

void add_gui_options(CLI::App& command, GuiCommandOptions& options) {
    command.add_option("--lesson", options.lesson,
                       "the lesson: an id or a lesson file (default: the first lesson)");
    command.add_option("--step", options.step, "run this many steps before showing");
    command.add_option("--back", options.back,
                       "after --step, undo this many steps (shows step back's exact replay)");
    command.add_option("--lang", options.lang, "language of the interface and lesson: ru or en")
        ->check(CLI::IsMember({"ru", "en"}));
    command.add_option("--size", options.size, "window size WxH (default 1600x1000)");
    command.add_option("--screenshot", options.screenshot,
                       "draw one frame, save it as a PNG file and exit (uses Xvfb without a "
                       "display)");
    command.add_option("--screen-json", options.screen_json,
                       "with --screenshot: also write what the frame shows as JSON (the state "
                       "filled in the diagram, the exchange rows and the last one's text, the "
                       "lesson step and its question)");
    command.add_flag("--large-text", options.large_text, "projector mode: large fonts");
    command.add_option("--export-svg", options.export_svg,
                       "write the exchange so far as a sequence diagram SVG and exit");
    command.add_option("--export-png", options.export_png,
                       "write the exchange so far as a sequence diagram PNG and exit (uses Xvfb "
                       "without a display)");
    command.add_option("--transcript", options.transcript,
                       "when the window closes (or the screenshot is saved), write the session "
                       "shown: FILE.jsonl as JSON Lines, anything else as C:/S: text; "
                       "credentials stay masked");
    command.add_option("--client", options.client, "the client shown in a multi-client lesson");
    command.add_flag("--free-play", options.free_play,
                     "start in free play: type IMAP commands against the classroom mail");
    command.add_option("--type", options.type,
                       "a free-play command sent before the window opens (repeatable)");
    command.add_option("--serve", options.serve,
                       "[ADDR:]PORT: run the mock IMAP server on TCP in the window's process; "
                       "each connection is listed in the Session menu");
    command.add_option("--serve-pop3", options.serve_pop3,
                       "[ADDR:]PORT: run the mock POP3 server there too, on the lab's mail");
    command.add_option("--serve-smtp", options.serve_smtp,
                       "[ADDR:]PORT: run the mock SMTP server there too, on the lab's mail");
    command.add_option("--connect", options.connect,
                       "imap://[USER@]HOST[:PORT] or imaps://...: open a live session to a real "
                       "server (the password from MAILSCOPE_PASSWORD or asked for)");
    command.add_flag("--starttls", options.starttls,
                     "with --connect imap://: upgrade to TLS before LOGIN");
    command.add_option("--ca-file", options.ca_file, "with --connect: trust this CA (PEM)");
    command.add_flag("--insecure", options.insecure,
                     "with --connect: do not verify the certificate (shown in red)");
    command.add_option("--expand", options.expand,
                       "show this literal event expanded, raw and decoded (repeatable)");
}

#if MAILSCOPE_WITH_GUI

namespace {

bool parse_size(const std::string& text, int& width, int& height) {
    const std::size_t x = text.find('x');
    if (x == std::string::npos) return false;
    width = std::atoi(text.substr(0, x).c_str());
    height = std::atoi(text.substr(x + 1).c_str());
    return width >= 320 && height >= 240 && width <= 8192 && height <= 8192;
}

std::optional<lessons::Lesson> load(const GuiCommandOptions& options) {
    std::optional<std::filesystem::path> file;
    if (options.lesson.empty()) {
        const auto all = lessons::find_all_lessons();
        if (all.empty()) {
            std::cerr << "mailscope gui: no lessons were found; set MAILSCOPE_LESSONS to the "
                         "lessons directory or pass --lesson FILE.\n";
            return std::nullopt;
        }
        file = all.front();
    } else {
        std::string error;
        file = lessons::find_lesson(options.lesson, error);
        if (!file) {
            std::cerr << fmt::format("mailscope gui: {}\n", error);
            return std::nullopt;
        }
    }
    auto loaded = lessons::load_lesson_file(*file);
    if (!loaded.lesson) {
        std::cerr << fmt::format("mailscope gui: {}\n", lessons::to_string(*loaded.error));
        return std::nullopt;
    }
    return std::move(loaded.lesson);
}

bool has_display() {
    const char* x11 = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    return (x11 && *x11) || (wayland && *wayland);
}

// A screenshot needs no screen: without one, run this very command again
// inside a virtual X server. Returns only when that is impossible.
void rerun_under_xvfb(int width, int height) {
    if (std::getenv("MAILSCOPE_IN_XVFB")) return;
    std::ifstream cmdline("/proc/self/cmdline", std::ios::binary);
    const std::string all{std::istreambuf_iterator<char>(cmdline), {}};
    std::vector<std::string> words;
    for (std::size_t start = 0; start < all.size();) {
        const std::size_t end = all.find('\0', start);
        words.push_back(all.substr(start, end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (words.empty() || error) return;
    words[0] = self.string();
    const std::string screen = fmt::format("-screen 0 {}x{}x24", width, height);
    std::vector<std::string> command{"xvfb-run", "-a", "-s", screen};
    command.insert(command.end(), words.begin(), words.end());
    std::vector<char*> argv;
    for (auto& word : command)
        argv.push_back(word.data());
    argv.push_back(nullptr);
    setenv("MAILSCOPE_IN_XVFB", "1", 1);
    std::cout.flush();
    execvp("xvfb-run", argv.data());
    unsetenv("MAILSCOPE_IN_XVFB");
}

// $XDG_CONFIG_HOME/mailscope/imgui.ini, else ~/.config/mailscope/imgui.ini;
// empty when neither can be made.
std::string layout_file() {
    std::filesystem::path base;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
        base = xdg;
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        base = std::filesystem::path(home) / ".config";
    } else {
        return {};
    }
    std::error_code error;
    std::filesystem::create_directories(base / "mailscope", error);
    if (error) return {};
    return (base / "mailscope" / "imgui.ini").string();
}

}  // namespace

int run_gui_command(const GuiCommandOptions& options) {
    const auto language = gui::language_from_code(options.lang);
    int width = 0;
    int height = 0;
    if (!language) {
        std::cerr << fmt::format("mailscope gui: the language is ru or en, not \"{}\".\n",
                                 options.lang);
        return gui_command_failed;
    }
    if (!parse_size(options.size, width, height)) {
        std::cerr << fmt::format(
            "mailscope gui: the size must look like 1600x1000 (from 320x240 to 8192x8192), "
            "not \"{}\".\n",
            options.size);
        return gui_command_failed;
    }
    if (!options.screen_json.empty() && options.screenshot.empty()) {
        std::cerr
            << "mailscope gui: --screen-json describes a screenshot; add --screenshot FILE.\n";
        return gui_command_failed;
    }
    auto lesson = load(options);
    if (!lesson) return gui_command_failed;
    if (options.step && *options.step > lesson->steps.size()) {
        std::cerr << fmt::format(
            "mailscope gui: the lesson has {} steps; --step {} is past its end.\n",
            lesson->steps.size(), *options.step);
        return gui_command_failed;
    }

    auto session = std::make_unique<gui::LessonSession>(std::move(*lesson));
    if (!options.client.empty()) {
        bool found = false;
        for (std::size_t c = 0; c < session->runner().client_count(); ++c) {
            if (session->runner().client_name(c) == options.client) {
                session->select_client(c);
                found = true;
            }
        }
        if (!found) {
            std::cerr << fmt::format("mailscope gui: the lesson has no client called \"{}\".\n",
                                     options.client);
            return gui_command_failed;
        }
    }
    if (options.step) session->jump_to(*options.step);
    for (std::size_t i = 0; i < options.back; ++i)
        session->back();

    if (!options.export_svg.empty()) {
        gui::SvgOptions svg;
        svg.language = *language;
        svg.title = session->view(*language).title;
        const std::string error =
            gui::write_file(options.export_svg, gui::sequence_svg(session->trace(), svg));
        if (!error.empty()) {
            std::cerr << fmt::format("mailscope gui: {}\n", error);
            return gui_command_failed;
        }
        if (options.screenshot.empty() && options.export_png.empty()) return gui_command_ok;
    }

    const bool screenshot = !options.screenshot.empty();
    if ((screenshot || !options.export_png.empty()) && !has_display()) {
        rerun_under_xvfb(width, height);
    }

    // Free play is made on first use; the lesson stays as it is meanwhile.
    std::unique_ptr<gui::FreePlay> free_play;
    std::string composer_error;
    std::string live_error;
    const auto start_free_play = [&]() -> bool {
        if (free_play) return true;
        auto made = gui::FreePlay::from_fixture(gui::classroom_fixture());
        if (auto* error = std::get_if<std::string>(&made)) {
            std::cerr << fmt::format("mailscope gui: {}\n", *error);
            return false;
        }
        free_play = std::move(std::get<std::unique_ptr<gui::FreePlay>>(made));
        return true;
    };
    // A session with a real server, opened from the connect dialog.
    std::unique_ptr<gui::LiveSession> live;
    // The Session menu: the lesson, free play, the live session, then the
    // lab's connections.
    constexpr std::size_t lesson_entry = 0;
    constexpr std::size_t free_play_entry = 1;
    constexpr std::size_t live_entry = 2;
    constexpr std::size_t first_lab_entry = 3;
    std::size_t shown = lesson_entry;
    if (options.free_play || !options.type.empty()) {
        if (!start_free_play()) return gui_command_failed;
        shown = free_play_entry;
        for (const std::string& line : options.type) {
            if (auto error = free_play->send(line, "")) {
                std::cerr << fmt::format("mailscope gui: \"{}\" was not sent: {}\n", line, *error);
                return gui_command_failed;
            }
        }
    }
    std::unique_ptr<gui::LabServer> lab;
    if (!options.serve.empty() || !options.serve_pop3.empty() || !options.serve_smtp.empty()) {
        auto made = gui::LabServer::start({options.serve, options.serve_pop3, options.serve_smtp},
                                          gui::classroom_fixture());
        if (auto* error = std::get_if<std::string>(&made)) {
            std::cerr << fmt::format("mailscope gui: {}\n", *error);
            return gui_command_failed;
        }
        lab = std::move(std::get<std::unique_ptr<gui::LabServer>>(made));
        for (const auto& listener : lab->listeners()) {
            std::cout << fmt::format("lab: the mock {} server listens on {}",
                                     sim::protocol_name(listener.protocol), listener.address)
                      << std::endl;
        }
    }
    if (!options.connect.empty()) {
        auto url = transport::parse_server_url(options.connect);
        if (auto* error = std::get_if<std::string>(&url)) {
            std::cerr << fmt::format("mailscope gui: --connect: {}\n", *error);
            return gui_command_failed;
        }
        const auto& server = std::get<transport::ServerUrl>(url);
        gui::LiveOptions live_options;
        live_options.protocol = server.protocol;
        live_options.host = server.host;
        live_options.port = server.port;
        live_options.mode = server.implicit_tls ? gui::LiveMode::Imaps
                            : options.starttls  ? gui::LiveMode::StartTls
                                                : gui::LiveMode::Plain;
        live_options.user = server.user;
        if (!options.ca_file.empty()) live_options.tls.ca_file = options.ca_file;
        live_options.tls.insecure = options.insecure;
        if (!server.user.empty()) {
            auto password = obtain_password(fmt::format("password for {}: ", server.user));
            if (!password.password) {
                std::cerr << fmt::format("mailscope gui: {}\n", password.error);
                return gui_command_failed;
            }
            live_options.password = *password.password;
        }
        auto made = gui::LiveSession::start(std::move(live_options));
        if (auto* error = std::get_if<std::string>(&made)) {
            std::cerr << fmt::format("mailscope gui: {}\n", *error);
            return gui_command_failed;
        }
        live = std::move(std::get<std::unique_ptr<gui::LiveSession>>(made));
        shown = live_entry;
        // A screenshot shows the session once it settled: the login done, or failed.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (std::chrono::steady_clock::now() < deadline) {
            live->drain();
            const auto phase = live->status().phase;
            if (phase == gui::LivePhase::Failed || phase == gui::LivePhase::Closed) break;
            if (live->status().ready) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    // With a lab and nothing else asked for, the window follows the newest
    // connection (the one a learner just opened) until a session is chosen.
    bool follow_lab = lab && shown == lesson_entry && !options.step;
    const auto shown_trace = [&]() -> const sim::SessionTrace& {
        if (shown == free_play_entry) return free_play->trace();
        if (shown == live_entry) return live->trace();
        if (shown >= first_lab_entry) return *lab->sessions()[shown - first_lab_entry].trace;
        return session->trace();
    };
    const auto show_panels = [&](gui::ViewState& view) {
        view.open.composer = shown == free_play_entry || shown == live_entry;
        view.open.lesson = shown == lesson_entry;
    };

    gui::GuiOptions gui_options;
    gui_options.width = width;
    gui_options.height = height;
    gui_options.language = *language;
    gui_options.large_text = options.large_text;
    gui_options.screenshot_path = options.screenshot;
    gui_options.screen_json_path = options.screen_json;
    gui_options.sequence_png_path = options.export_png;
    gui_options.sequence_title =
        shown == lesson_entry ? session->view(*language).title : shown_trace().label();
    if (!screenshot) gui_options.ini_path = layout_file();
    gui_options.trace = &shown_trace();
    gui_options.lesson = session->view(*language);

    std::uint64_t bound = session->generation();
    auto rebind = [&](gui::GuiModel& model, gui::ViewState& view) {
        gui::GuiModel fresh(shown_trace());
        model = std::move(fresh);
        bound = session->generation();
        view.live = true;
        view.playing = false;
    };
    // What the menus and the composer show, refreshed after every change.
    auto describe = [&](gui::GuiModel& model, const gui::ViewState& view) {
        model.lesson = session->view(view.language);
        // A lesson step's outlines point at its own session.
        if (shown != lesson_entry) model.lesson.highlights.clear();
        model.sessions.labels = {
            model.lesson.title, gui::tr(view.language, gui::Text::WindowComposer),
            live ? fmt::format("{} {}:{}", gui::tr(view.language, gui::Text::Live),
                               live->options().host, live->options().port)
                 : std::string(gui::tr(view.language, gui::Text::MenuConnect))};
        model.live = {};
        if (live) {
            model.live.active = true;
            model.live.insecure = live->status().insecure || live->options().tls.insecure;
            model.live.status = gui::live_status_text(live->status());
        }
        model.live.error = live_error;
        if (lab) {
            for (const auto& connection : lab->sessions()) {
                model.sessions.labels.push_back(gui::lab_session_label(connection));
            }
            model.sessions.caption = fmt::format(
                fmt::runtime(gui::tr(view.language, gui::Text::LabListening)), lab->address());
        }
        model.sessions.active = shown;
        model.composer = {};
        if (shown == live_entry) {
            model.composer.active = true;
            model.composer.state = std::string(live->state().name());
            model.composer.verbs = live->allowed_verbs();
            model.composer.error = composer_error.empty() ? live->send_error() : composer_error;
            return;
        }
        if (shown != free_play_entry) return;
        model.composer.active = true;
        model.composer.state = std::string(imap::state_name(free_play->state()));
        model.composer.verbs = free_play->allowed_verbs();
        model.composer.error = composer_error;
    };
    bool first_frame = true;
    gui_options.on_frame = [&](gui::GuiModel& model, gui::ViewState& view) {
        if (first_frame) {
            first_frame = false;
            show_panels(view);
            for (const std::uint64_t seq : options.expand) {
                if (seq < model.trace().size()) model.display().toggle_expanded(seq);
            }
        }
        // The lab's and the live session's new events reach the UI's own
        // traces here, before the model syncs.
        if (lab) lab->drain();
        if (live) live->drain();
        if (follow_lab && !lab->sessions().empty() &&
            shown != first_lab_entry + lab->sessions().size() - 1) {
            shown = first_lab_entry + lab->sessions().size() - 1;
            show_panels(view);
            rebind(model, view);
        }
        if (shown == lesson_entry &&
            (session->tick(ImGui::GetIO().DeltaTime) || bound != session->generation())) {
            rebind(model, view);
        }
        describe(model, view);
    };
    gui_options.on_intents = [&](const gui::FrameIntents& intents, gui::GuiModel& model,
                                 gui::ViewState& view) {
        if (intents.choose_session) follow_lab = false;
        if (intents.choose_session && *intents.choose_session != shown) {
            const std::size_t wanted = *intents.choose_session;
            if (wanted == live_entry && !live) view.connect.open = true;
            const bool available = wanted == lesson_entry ||
                                   (wanted == free_play_entry && start_free_play()) ||
                                   (wanted == live_entry && live) ||
                                   (lab && wanted >= first_lab_entry &&
                                    wanted - first_lab_entry < lab->sessions().size());
            if (available) {
                shown = wanted;
                show_panels(view);
                rebind(model, view);
            }
        }
        if (intents.connect) {
            auto options = gui::live_options_from_form(view.connect);
            live_error.clear();
            if (auto* error = std::get_if<std::string>(&options)) {
                live_error = *error;
            } else {
                if (live) live->close();
                auto made = gui::LiveSession::start(std::get<gui::LiveOptions>(std::move(options)));
                if (auto* error = std::get_if<std::string>(&made)) {
                    live_error = *error;
                } else {
                    live = std::move(std::get<std::unique_ptr<gui::LiveSession>>(made));
                    view.connect.password.fill('\0');
                    view.connect.open = false;
                    shown = live_entry;
                    show_panels(view);
                    rebind(model, view);
                }
            }
        }
        if (intents.disconnect && live) live->close();
        if (intents.composer_send && (shown == free_play_entry || shown == live_entry)) {
            const auto error =
                shown == live_entry
                    ? live->send(view.composer_input.data(), view.composer_literal.data())
                    : free_play->send(view.composer_input.data(), view.composer_literal.data());
            composer_error = error.value_or(std::string());
            if (!error) {
                view.composer_input.fill('\0');
                view.composer_literal.fill('\0');
                view.live = true;
            }
        }
        if (shown == lesson_entry && session->apply(intents.lesson)) rebind(model, view);
        describe(model, view);
    };

    const int status = gui::run_gui(gui_options);
    if (live) {
        live->drain();
        std::cout << fmt::format("live session: {}; state {}\n",
                                 gui::live_status_text(live->status()), live->state().name());
    }
    if (!options.transcript.empty()) {
        const bool json = options.transcript.ends_with(".jsonl");
        const std::string error =
            gui::write_file(options.transcript, json ? sim::export_jsonl(shown_trace())
                                                     : sim::export_text(shown_trace()));
        if (!error.empty()) {
            std::cerr << fmt::format("mailscope gui: {}\n", error);
            return gui_command_failed;
        }
    }
    switch (status) {
        case gui::gui_ok:
            return gui_command_ok;
        case gui::gui_no_display:
        case gui::gui_no_opengl:
            return gui_command_no_display;
        default:
            return gui_command_failed;
    }
}

#else

int run_gui_command(const GuiCommandOptions&) {
    std::cerr << "mailscope gui: this mailscope was built without the GUI; use the text mode.\n";
    return gui_command_no_display;
}

#endif

}  // namespace mailscope::app
