#include "gui/app_controller.hpp"

#include <imgui.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "gui/export.hpp"
#include "gui/sequence_svg.hpp"
#include "lessons/lesson_catalog.hpp"
#include "lessons/lesson_loader.hpp"
#ifdef MAILSCOPE_WITH_NET
#include "gui/virtual_display.hpp"
#include "net/server_url.hpp"
#include "server_mock/assignment_loader.hpp"
#endif
#include "sim/core/protocol.hpp"
#include "sim/core/transcript.hpp"

namespace mailscope::gui {

namespace {

bool parse_size(const std::string& text, int& width, int& height) {
    const std::size_t x = text.find('x');
    if (x == std::string::npos) return false;
    width = std::atoi(text.substr(0, x).c_str());
    height = std::atoi(text.substr(x + 1).c_str());
    return width >= 320 && height >= 240 && width <= 8192 && height <= 8192;
}

std::variant<lessons::Lesson, std::string> load_lesson(const std::string& wanted,
                                                       sim::Language language) {
    std::optional<std::filesystem::path> file;
    if (wanted.empty()) {
        const auto all = lessons::find_all_lessons();
        if (all.empty()) {
            return std::string(
                "no lessons were found; set MAILSCOPE_LESSONS to the lessons directory or pass "
                "--lesson FILE.");
        }
        file = all.front();
    } else {
        sim::Said error;
        file = lessons::find_lesson(wanted, error);
        if (!file) return sim::render(error, language);
    }
    auto loaded = lessons::load_lesson_file(*file);
    if (!loaded.lesson) return lessons::to_string(*loaded.error, language);
    return std::move(*loaded.lesson);
}

// The client a lesson step drove before the runner's pump_all() gave every
// client its turn in lesson order; a wait and a server event drive none.
std::optional<std::size_t> driven_client(const lessons::Step& step) {
    if (!step.action || std::holds_alternative<lessons::WaitAction>(*step.action) ||
        std::holds_alternative<lessons::ServerEventAction>(*step.action)) {
        return std::nullopt;
    }
    return step.client;
}

std::size_t index_of(const std::vector<std::unique_ptr<SessionSource>>& sources,
                     const SessionSource* source) {
    for (std::size_t i = 0; i < sources.size(); ++i) {
        if (sources[i].get() == source) return i;
    }
    return sources.size();
}

}  // namespace

std::variant<std::unique_ptr<AppController>, std::string> AppController::create(
    const AppOptions& options) {
    const auto language = options.lang.empty() ? std::optional(sim::language_from_locale())
                                               : sim::language_from_name(options.lang);
    if (!language) return fmt::format("the language is ru or en, not \"{}\".", options.lang);
    int width = 0;
    int height = 0;
    if (!parse_size(options.size, width, height)) {
        return fmt::format(
            "the size must look like 1600x1000 (from 320x240 to 8192x8192), not \"{}\".",
            options.size);
    }
    if (!options.screen_json.empty() && options.screenshot.empty()) {
        return std::string("--screen-json describes a screenshot; add --screenshot FILE.");
    }
    if (!options.trace_dir.empty() && options.serve.empty() && options.serve_pop3.empty() &&
        options.serve_smtp.empty()) {
        return std::string(
            "--trace-dir keeps the lab's sessions: give --serve, --serve-pop3 or --serve-smtp "
            "too.");
    }
    if (!options.class_report.empty() && options.serve.empty() && options.serve_pop3.empty() &&
        options.serve_smtp.empty()) {
        return std::string(
            "--class-report reports on the lab's sessions: give --serve, --serve-pop3 or "
            "--serve-smtp too.");
    }
    if (!options.assignment.empty() && options.class_report.empty()) {
        return std::string("--assignment is checked in the class report: give --class-report too.");
    }
    auto loaded = load_lesson(options.lesson, *language);
    if (auto* error = std::get_if<std::string>(&loaded)) return *error;
    auto& lesson = std::get<lessons::Lesson>(loaded);
    const bool lab =
        !options.serve.empty() || !options.serve_pop3.empty() || !options.serve_smtp.empty();
    if (options.exchanges == "all-clients" && lesson.clients.size() < 2 && !lab) {
        return std::string(
            "--exchanges all-clients puts several clients side by side: choose a lesson with "
            "two or more clients, or give --serve.");
    }
    if (options.step && *options.step > lesson.steps.size()) {
        return fmt::format("the lesson has {} steps; --step {} is past its end.",
                           lesson.steps.size(), *options.step);
    }

    std::unique_ptr<AppController> app(
        new AppController(options, *language, width, height, std::move(lesson)));
    LessonSession& session = app->lesson();
    if (!options.client.empty()) {
        bool found = false;
        for (std::size_t c = 0; c < session.runner().client_count(); ++c) {
            if (session.runner().client_name(c) == options.client) {
                session.select_client(c);
                found = true;
            }
        }
        if (!found) return fmt::format("the lesson has no client called \"{}\".", options.client);
    }
    if (options.step) session.jump_to(*options.step);
    for (std::size_t i = 0; i < options.back; ++i)
        session.back();
    return app;
}

AppController::AppController(const AppOptions& options, Language language, int width, int height,
                             lessons::Lesson lesson)
    : m_options(options), m_language(language), m_width(width), m_height(height) {
    auto lesson_source = std::make_unique<LessonSource>(std::move(lesson));
    auto free_play = std::make_unique<FreePlaySource>();
    m_lesson = lesson_source.get();
    m_free_play = free_play.get();
    m_sources.push_back(std::move(lesson_source));
    m_sources.push_back(std::move(free_play));
#ifdef MAILSCOPE_WITH_NET
    auto live = std::make_unique<LiveSource>();
    m_live = live.get();
    m_sources.push_back(std::move(live));
#endif
}

#ifdef MAILSCOPE_WITH_NET
void AppController::add_recorded(std::string label, std::unique_ptr<sim::SessionTrace> trace,
                                 bool show) {
    const auto at = index_of(m_sources, m_live);
    m_sources.insert(m_sources.begin() + static_cast<std::ptrdiff_t>(at),
                     std::make_unique<RecordedSource>(std::move(label), std::move(trace)));
    if (show) m_shown = at;
}
#endif

std::optional<std::string> AppController::start_sessions(
    [[maybe_unused]] const PasswordPrompt& password) {
    if (m_options.free_play || !m_options.type.empty()) {
        if (auto error = m_free_play->open()) return sim::render(*error, m_language);
        m_shown = index_of(m_sources, m_free_play);
        for (const std::string& line : m_options.type) {
            if (auto error = m_free_play->send(line, "")) {
                return sim::render(sim::say(Text::LineNotSent, line, *error), m_language);
            }
        }
    }
#ifdef MAILSCOPE_WITH_NET
    if (!m_options.serve.empty() || !m_options.serve_pop3.empty() ||
        !m_options.serve_smtp.empty()) {
        LabClassReport class_report{m_options.class_report, std::nullopt};
        if (!m_options.assignment.empty()) {
            auto loaded = server::load_assignment_file(m_options.assignment);
            if (auto* error = std::get_if<sim::Said>(&loaded))
                return sim::render(*error, m_language);
            class_report.assignment = std::move(std::get<server::Assignment>(loaded));
        }
        auto made = LabServer::start({m_options.serve, m_options.serve_pop3, m_options.serve_smtp},
                                     classroom_fixture(), m_options.trace_dir, m_language,
                                     std::move(class_report));
        if (auto* error = std::get_if<std::string>(&made)) return *error;
        m_lab = std::move(std::get<std::unique_ptr<LabServer>>(made));
    }
    if (!m_options.connect.empty()) {
        if (auto error = start_live(password)) return error;
        m_shown = index_of(m_sources, m_live);
    }
    m_follow_lab = m_lab && m_sources[m_shown].get() == m_lesson && !m_options.step;
#endif
    return std::nullopt;
}

#ifdef MAILSCOPE_WITH_NET
std::optional<std::string> AppController::start_live(const PasswordPrompt& password) {
    auto url = transport::parse_server_url(m_options.connect);
    if (auto* error = std::get_if<sim::Said>(&url)) {
        return sim::render(sim::say(sim::Phrase::CliLine, "--connect", *error), m_language);
    }
    const auto& server = std::get<transport::ServerUrl>(url);
    LiveOptions live;
    live.protocol = server.protocol;
    live.host = server.host;
    live.port = server.port;
    live.mode = server.implicit_tls  ? LiveMode::Imaps
                : m_options.starttls ? LiveMode::StartTls
                                     : LiveMode::Plain;
    live.user = server.user;
    if (!m_options.ca_file.empty()) live.tls.ca_file = m_options.ca_file;
    live.tls.insecure = m_options.insecure;
    if (!server.user.empty()) {
        auto answer = password(sim::render(
            sim::say(sim::Phrase::CliPasswordPrompt, server.user, server.host), m_language));
        if (!answer.password) return sim::render(answer.error, m_language);
        live.password = std::move(*answer.password);
    }
    auto made = LiveSession::start(std::move(live));
    if (auto* error = std::get_if<sim::Said>(&made)) return sim::render(*error, m_language);
    m_live->replace(std::move(std::get<std::unique_ptr<LiveSession>>(made)));
    return std::nullopt;
}

bool AppController::settled() const {
    const LiveSession* live = m_live->session();
    if (!live) return true;
    const LivePhase phase = live->status().phase;
    return live->status().ready || phase == LivePhase::Failed || phase == LivePhase::Closed;
}
#endif

void AppController::begin_frame(GuiModel& model, ViewState& view, float dt) {
#ifdef MAILSCOPE_WITH_NET
    // The lab's and the live session's new events reach the UI's own traces
    // here, before the model syncs.
    if (m_lab) m_lab->drain();
    if (LiveSession* live = m_live->session()) live->drain();
    follow_lab_connections(model, view);
#endif
    if (m_sources[m_shown].get() == m_lesson) lesson().tick(dt);
    const SessionSource& shown = *m_sources[m_shown];
    if (&shown.trace() != m_bound_trace || shown.generation() != m_bound_generation) {
        rebind(model, view);
    }
    if (m_first_frame) {
        m_first_frame = false;
        view.open.composer = shown.takes_lines();
        view.open.lesson = &shown == m_lesson;
        if (m_options.exchanges == "log") view.select_exchange_tab = ExchangeTab::Log;
        if (m_options.exchanges == "all-clients")
            view.select_exchange_tab = ExchangeTab::AllClients;
        for (const std::uint64_t seq : m_options.expand) {
            if (seq < model.trace().size()) model.display().toggle_expanded(seq);
        }
    }
    describe(model, view);
}

void AppController::apply(const FrameIntents& intents, GuiModel& model, ViewState& view) {
    if (intents.choose_session) {
        const std::size_t wanted = *intents.choose_session;
        if (wanted != m_shown && wanted < m_sources.size()) {
            SessionSource& source = *m_sources[wanted];
            // Only the live entry can lack a session: choosing it means connecting.
            if (!source.available()) {
                view.connect.open = true;
            } else if (auto error = source.open()) {
                view.status = sim::render(*error, view.language);
            } else {
                show(wanted, model, view);
            }
        }
    }
#ifdef MAILSCOPE_WITH_NET
    if (intents.choose_session) m_follow_lab = false;
    if (intents.connect) connect(model, view);
    if (intents.disconnect && m_live->session()) m_live->session()->close();
#endif
    if (intents.composer_send) send_typed(view);
    if (m_sources[m_shown].get() == m_lesson && lesson().apply(intents.lesson)) {
        rebind(model, view);
    }
    if (intents.chosen_event) {
        set_cursor(view, *intents.chosen_event, shown_trace().size());
        view.scroll_to_cursor = true;
    }
    describe(model, view);
}

void AppController::show(std::size_t entry, GuiModel& model, ViewState& view) {
    m_shown = entry;
    view.open.composer = m_sources[entry]->takes_lines();
    view.open.lesson = m_sources[entry].get() == m_lesson;
    rebind(model, view);
}

void AppController::rebind(GuiModel& model, ViewState& view) {
    const SessionSource& shown = *m_sources[m_shown];
    model = GuiModel(shown.trace());
    m_bound_trace = &shown.trace();
    m_bound_generation = shown.generation();
    view.live = true;
    view.playing = false;
}

#ifdef MAILSCOPE_WITH_NET
// Each new connection to the lab becomes an entry of the Session menu.
void AppController::follow_lab_connections(GuiModel& model, ViewState& view) {
    if (!m_lab) return;
    const std::size_t known = m_sources.size() - first_lab_entry();
    if (m_lab->sessions().size() == known) return;
    for (std::size_t i = known; i < m_lab->sessions().size(); ++i) {
        m_sources.push_back(std::make_unique<LabConnectionSource>(*m_lab, i));
    }
    if (m_follow_lab) show(m_sources.size() - 1, model, view);
}

std::size_t AppController::first_lab_entry() const {
    return index_of(m_sources, m_live) + 1;
}
#endif

void AppController::sync_lanes() {
    if (m_sources[m_shown].get() == m_lesson) {
        sync_lesson_lanes();
#ifdef MAILSCOPE_WITH_NET
    } else if (m_lab && m_shown >= first_lab_entry()) {
        sync_lab_lanes();
#endif
    } else {
        m_lanes_of = LanesOf::None;
    }
}

// A lesson's clients share a virtual clock that stands still within a step,
// so the order comes from the runner: in each step the client it drove
// first (its command and the answers), then every client in lesson order,
// as its pump_all() moves them.
void AppController::sync_lesson_lanes() {
    const lessons::LessonRunner& runner = lesson().runner();
    std::vector<const sim::SessionTrace*> traces;
    for (std::size_t c = 0; c < runner.client_count(); ++c)
        traces.push_back(&runner.client_trace(c));
    const auto& results = runner.results();
    // A step back replays the lesson into new traces: start over.
    bool replayed =
        m_lanes_of != LanesOf::Lesson || traces != m_lane_traces || results.size() < m_lane_steps;
    for (std::size_t c = 0; c < traces.size() && !replayed; ++c)
        replayed = traces[c]->end_seq() < m_lanes.merged_end(c);
    if (replayed) {
        m_lanes.clear();
        for (const sim::SessionTrace* trace : traces)
            m_lanes.add_lane(*trace);
        m_lane_traces = traces;
        m_lanes_of = LanesOf::Lesson;
        m_lane_steps = 0;
    }
    for (; m_lane_steps < results.size(); ++m_lane_steps) {
        const lessons::StepResult& result = results[m_lane_steps];
        const auto driven = driven_client(runner.lesson().steps[result.index]);
        if (driven && *driven < traces.size()) {
            m_lanes.append_through(*driven, result.client_events[*driven].end);
        }
        for (std::size_t c = 0; c < traces.size(); ++c)
            m_lanes.append_through(c, result.client_events[c].end);
    }
}

#ifdef MAILSCOPE_WITH_NET
// The lab's connections are served by one I/O thread on one steady clock,
// and their events reach the UI in the order it posted them: times order them.
void AppController::sync_lab_lanes() {
    if (m_lanes_of != LanesOf::Lab) {
        m_lanes.clear();
        m_lane_traces.clear();
        m_lanes_of = LanesOf::Lab;
    }
    for (std::size_t i = m_lane_traces.size(); i < m_lab->sessions().size(); ++i) {
        m_lane_traces.push_back(m_lab->sessions()[i].trace.get());
        m_lanes.add_lane(*m_lane_traces.back());
    }
    m_lanes.merge_by_time();
}
#endif

void AppController::describe(GuiModel& model, const ViewState& view) {
    sync_lanes();
    model.lanes = {};
    if (m_lanes_of != LanesOf::None) {
        model.lanes.merge = &m_lanes;
        model.lanes.traces = m_lane_traces;
        model.lanes.lab = m_lanes_of == LanesOf::Lab;
#ifdef MAILSCOPE_WITH_NET
        if (model.lanes.lab) {
            model.lanes.first_entry = first_lab_entry();
            model.lanes.chosen = m_shown - model.lanes.first_entry;
            for (const LabSession& session : m_lab->sessions()) {
                model.lanes.names.push_back(fmt::format(
                    "#{} {}", session.id, session.user.empty() ? session.peer : session.user));
            }
        }
#endif
        if (!model.lanes.lab) {
            model.lanes.chosen = lesson().client();
            for (std::size_t c = 0; c < m_lane_traces.size(); ++c)
                model.lanes.names.push_back(lesson().runner().client_name(c));
        }
    }
    model.lesson = m_lesson->session().view(view.language);
    // A lesson step's outlines point at its own session.
    if (m_sources[m_shown].get() != m_lesson) model.lesson.highlights.clear();
    model.sessions.labels.clear();
    for (const auto& source : m_sources) {
        model.sessions.labels.push_back(source.get() == m_lesson ? model.lesson.title
                                                                 : source->label(view.language));
    }
    model.sessions.active = m_shown;
    model.sessions.caption.clear();
    model.class_table = {};
    model.live = {};
#ifdef MAILSCOPE_WITH_NET
    if (m_lab) {
        model.sessions.caption =
            fmt::format(fmt::runtime(tr(view.language, Text::LabListening)), m_lab->address());
        model.class_table.lab = true;
        model.class_table.rows = m_lab->class_rows();
        model.class_table.open_sessions = static_cast<std::size_t>(
            std::count_if(m_lab->sessions().begin(), m_lab->sessions().end(),
                          [](const LabSession& session) { return !session.closed; }));
    }
    if (const LiveSession* live = m_live->session()) {
        model.live.active = true;
        model.live.insecure = live->status().insecure || live->options().tls.insecure;
        model.live.status = live_status_text(live->status(), view.language);
    }
    model.live.error = sim::render(m_live_error, view.language);
#endif
    model.composer = {};
    const SessionSource& shown = *m_sources[m_shown];
    model.store_truth = shown.store_truth();
    if (!shown.takes_lines()) return;
    model.composer.active = true;
    model.composer.protocol = shown.protocol();
    model.composer.free_play = &shown == m_free_play;
    model.composer.state = shown.state_name();
    model.composer.verbs = shown.allowed_verbs();
    model.composer.error =
        sim::render(sim::is_empty(m_composer_error) ? shown.later_send_error() : m_composer_error,
                    view.language);
}

#ifdef MAILSCOPE_WITH_NET
void AppController::connect(GuiModel& model, ViewState& view) {
    m_live_error = {};
    auto options = live_options_from_form(view.connect);
    if (auto* error = std::get_if<sim::Said>(&options)) {
        m_live_error = *error;
        return;
    }
    auto made = LiveSession::start(std::get<LiveOptions>(std::move(options)));
    if (auto* error = std::get_if<sim::Said>(&made)) {
        m_live_error = *error;
        return;
    }
    m_live->replace(std::move(std::get<std::unique_ptr<LiveSession>>(made)));
    view.connect.password.fill('\0');
    view.connect.open = false;
    show(index_of(m_sources, m_live), model, view);
}
#endif

void AppController::send_typed(ViewState& view) {
    SessionSource& shown = *m_sources[m_shown];
    if (!shown.takes_lines()) return;
    const auto error = shown.send(view.composer_input.data(), view.composer_literal.data());
    m_composer_error = error.value_or(sim::Said{});
    if (error) return;
    view.composer_input.fill('\0');
    view.composer_literal.fill('\0');
    view.live = true;
}

#ifdef MAILSCOPE_WITH_NET
std::optional<std::string> AppController::export_files() const {
    const sim::SessionTrace& trace = m_lesson->session().trace();
    const std::string title = m_lesson->session().view(m_language).title;
    const std::uint64_t through = trace.empty() ? 0 : trace.end_seq() - 1;
    const std::pair<const std::string&, ExportKind> files[] = {
        {m_options.export_svg, ExportKind::Svg},
        {m_options.export_html, ExportKind::Html},
        {m_options.export_mermaid, ExportKind::Mermaid}};
    for (const auto& [path, kind] : files) {
        if (path.empty()) continue;
        const std::string error = write_export(kind, trace, through, m_language, title, path);
        if (!error.empty()) return error;
    }
    return std::nullopt;
}

int AppController::run(const PasswordPrompt& password) {
    const auto fail = [](const std::string& error) {
        std::cerr << fmt::format("mailscope gui: {}\n", error);
        return app_exit_failed;
    };
    const bool files_only = m_options.screenshot.empty() && m_options.export_png.empty();
    if (!m_options.export_svg.empty() || !m_options.export_html.empty() ||
        !m_options.export_mermaid.empty()) {
        if (auto error = export_files()) return fail(*error);
        if (files_only) return app_exit_ok;
    }
    // Before any session starts: the process may be replaced.
    if ((!m_options.screenshot.empty() || !m_options.export_png.empty()) && !has_display()) {
        rerun_under_xvfb(m_width, m_height);
    }
    if (auto error = start_sessions(password)) return fail(*error);
    if (m_lab) {
        for (const auto& listener : m_lab->listeners()) {
            std::cout << fmt::format("lab: the mock {} server listens on {}",
                                     sim::protocol_name(listener.protocol), listener.address)
                      << std::endl;
        }
    }

    const int status = run_gui(window_options());
    if (LiveSession* live = m_live->session()) {
        live->drain();
        std::cout << fmt::format("live session: {}; state {}\n",
                                 live_status_text(live->status(), m_language),
                                 live->state().name());
    }
    if (!m_options.transcript.empty()) {
        const bool json = m_options.transcript.ends_with(".jsonl");
        const std::string error =
            write_file(m_options.transcript,
                       json ? sim::export_jsonl(shown_trace()) : sim::export_text(shown_trace()));
        if (!error.empty()) return fail(error);
    }
    switch (status) {
        case gui_ok:
            return app_exit_ok;
        case gui_no_display:
        case gui_no_opengl:
            return app_exit_no_display;
        default:
            return app_exit_failed;
    }
}
#endif

GuiOptions AppController::window_options() {
    GuiOptions window;
    window.width = m_width;
    window.height = m_height;
    window.language = m_language;
    window.large_text = m_options.large_text;
    window.projector = m_options.projector;
    window.class_table = m_options.class_table;
    window.screenshot_path = m_options.screenshot;
    window.screen_json_path = m_options.screen_json;
    window.sequence_png_path = m_options.export_png;
    window.sequence_title = m_sources[m_shown].get() == m_lesson
                                ? m_lesson->session().view(m_language).title
                                : shown_trace().label();
    window.trace = &shown_trace();
    window.lesson = m_lesson->session().view(m_language);
    m_bound_trace = &shown_trace();
    m_bound_generation = m_sources[m_shown]->generation();
#ifdef MAILSCOPE_WITH_NET
    if (m_options.screenshot.empty()) window.ini_path = default_layout_file();
    window.settled = [this] { return settled(); };
    window.settle_timeout = live_settle_timeout;
#endif
    window.on_frame = [this](GuiModel& model, ViewState& view) {
        begin_frame(model, view, ImGui::GetIO().DeltaTime);
    };
    window.on_intents = [this](const FrameIntents& intents, GuiModel& model, ViewState& view) {
        apply(intents, model, view);
    };
    return window;
}

}  // namespace mailscope::gui
