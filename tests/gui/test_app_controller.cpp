// AppController: the GUI application driven frame by frame through
// HeadlessGui, as the window drives it, with the learner's clicks given as
// the frame's intents.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "gui/app_controller.hpp"
#include "gui/headless_frame.hpp"
#include "sim/core/transcript.hpp"
#include "sim/pop3/session.hpp"
#include "tests/support/loopback_client.hpp"

using namespace mailscope;
using namespace mailscope::gui;

namespace {

const std::string two_clients =
    std::string(MAILSCOPE_TEST_DATA) + "/gui_screens/lessons/01-two-clients.yaml";

AppOptions lesson_options() {
    AppOptions options;
    options.lesson = two_clients;
    options.lang = "en";
    return options;
}

std::unique_ptr<AppController> make_app(const AppOptions& options) {
    auto made = AppController::create(options);
    if (auto* error = std::get_if<std::string>(&made)) FAIL(*error);
    return std::move(std::get<std::unique_ptr<AppController>>(made));
}

std::string refused(const AppOptions& options) {
    auto made = AppController::create(options);
    REQUIRE(std::holds_alternative<std::string>(made));
    return std::get<std::string>(made);
}

PasswordAnswer wonderland(const std::string&) {
    return {std::string("wonderland"), {}};
}

std::unique_ptr<LabServer> start_lab() {
    auto made = LabServer::start(
        "127.0.0.1:0", std::string(MAILSCOPE_SOURCE_DIR) + "/server_mock/fixtures/classroom.yaml");
    if (auto* error = std::get_if<std::string>(&made)) FAIL(*error);
    return std::move(std::get<std::unique_ptr<LabServer>>(made));
}

// The window's loop without a window: the controller's frame start, the
// panels, then what the learner asked for.
class Driver {
  public:
    explicit Driver(AppController& app) : m_app(app), m_model(app.shown_trace()) {
        view.language = Language::En;
    }

    void frame(const FrameIntents& asked = {}) {
        m_app.begin_frame(m_model, view, 1.0f / 60);
        FrameIntents intents = m_gui.frame(m_model, view);
        if (asked.choose_session) intents.choose_session = asked.choose_session;
        if (asked.lesson.action != LessonAction::None) intents.lesson = asked.lesson;
        intents.composer_send = intents.composer_send || asked.composer_send;
        intents.connect = intents.connect || asked.connect;
        intents.disconnect = intents.disconnect || asked.disconnect;
        m_app.apply(intents, m_model, view);
        CHECK(m_gui.last_vertex_count() > 0);
    }

    void choose(std::size_t entry) {
        FrameIntents intents;
        intents.choose_session = entry;
        frame(intents);
    }

    void lesson(LessonAction action) {
        FrameIntents intents;
        intents.lesson.action = action;
        frame(intents);
    }

    void type(const char* line) {
        std::snprintf(view.composer_input.data(), view.composer_input.size(), "%s", line);
        FrameIntents intents;
        intents.composer_send = true;
        frame(intents);
    }

    // Frames at the display's pace until `done` holds, for at most five seconds.
    template <typename Done>
    bool frames_until(Done done) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (std::chrono::steady_clock::now() < deadline) {
            frame();
            if (done()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(16));
        }
        return false;
    }

    const GuiModel& model() const { return m_model; }
    ViewState view;

  private:
    AppController& m_app;
    HeadlessGui m_gui{1600, 1000};
    GuiModel m_model;
};

bool server_said(const sim::SessionTrace& trace, std::string_view text) {
    for (const auto& event : trace.events()) {
        if (event.dir == sim::Direction::ServerToClient &&
            event.raw.find(text) != std::string::npos)
            return true;
    }
    return false;
}

}  // namespace

TEST_CASE("the options are checked before anything starts") {
    AppOptions options = lesson_options();
    options.lang = "de";
    CHECK(refused(options).find("ru or en") != std::string::npos);
    options = lesson_options();
    options.size = "100x100";
    CHECK(refused(options).find("1600x1000") != std::string::npos);
    options = lesson_options();
    options.screen_json = "shown.json";
    CHECK(refused(options).find("--screenshot") != std::string::npos);
    options = lesson_options();
    options.step = 1000;
    CHECK(refused(options).find("past its end") != std::string::npos);
    options = lesson_options();
    options.trace_dir = "traces";
    CHECK(refused(options).find("--serve") != std::string::npos);
    options = lesson_options();
    options.class_report = "class.csv";
    CHECK(refused(options).find("--serve") != std::string::npos);
    options = lesson_options();
    options.serve = "127.0.0.1:0";
    options.assignment = "lab.yaml";
    CHECK(refused(options).find("--class-report") != std::string::npos);
    options = lesson_options();
    options.client = "Z";
    CHECK(refused(options).find("\"Z\"") != std::string::npos);
    options = lesson_options();
    options.lesson = "no-such-lesson";
    CHECK_FALSE(refused(options).empty());

    options = lesson_options();
    options.client = "B";
    options.step = 3;
    auto app = make_app(options);
    CHECK(app->lesson().client() == 1);
    CHECK(app->lesson().runner().position() == 3);
}

TEST_CASE("the Session menu switches between the lesson, free play and the connect dialog") {
    auto app = make_app(lesson_options());
    REQUIRE_FALSE(app->start_sessions(wonderland));
    Driver driver(*app);
    driver.frame();
    CHECK(app->shown() == 0);
    CHECK(&driver.model().trace() == &app->lesson().trace());
    const auto& labels = driver.model().sessions.labels;
    REQUIRE(labels.size() == 3);
    CHECK(labels[0] == "Two clients, one mailbox");
    CHECK(labels[1] == tr(Language::En, Text::WindowComposer));
    CHECK(labels[2] == tr(Language::En, Text::MenuConnect));
    CHECK(driver.view.open.lesson);
    CHECK_FALSE(driver.view.open.composer);
    CHECK_FALSE(driver.model().composer.active);

    driver.choose(1);
    REQUIRE(app->shown() == 1);
    CHECK(&driver.model().trace() == &app->sources()[1]->trace());
    CHECK(server_said(driver.model().trace(), "* OK"));
    CHECK(driver.view.open.composer);
    CHECK_FALSE(driver.view.open.lesson);
    CHECK(driver.model().composer.active);
    CHECK(driver.model().composer.state == "Not Authenticated");
    CHECK(driver.model().composer.free_play);
    CHECK(driver.model().composer.protocol == sim::Protocol::Imap);
    CHECK(driver.model().sessions.active == 1);
    // The lesson's outlines belong to the lesson only.
    CHECK(driver.model().lesson.highlights.empty());

    // No live session yet: choosing it opens the connect dialog and keeps free play.
    driver.choose(2);
    CHECK(app->shown() == 1);
    CHECK(driver.view.connect.open);

    driver.choose(0);
    CHECK(app->shown() == 0);
    CHECK(&driver.model().trace() == &app->lesson().trace());
    CHECK(driver.view.open.lesson);
    CHECK_FALSE(driver.view.open.composer);
    CHECK_FALSE(driver.model().composer.active);
}

TEST_CASE("a recorded session (a capture's) comes before the live entry and can be shown first") {
    auto app = make_app(lesson_options());
    auto recorded = std::make_unique<sim::SessionTrace>(sim::Protocol::Pop3, "capture");
    pop3::Pop3Session observer(*recorded);
    observer.feed(sim::Direction::ServerToClient, "+OK ready\r\n");
    observer.feed(sim::Direction::ClientToServer, "STAT\r\n");
    app->add_recorded("#1 capture POP3", std::move(recorded), true);
    REQUIRE_FALSE(app->start_sessions(wonderland));
    Driver driver(*app);
    driver.frame();
    CHECK(app->shown() == 2);
    const auto& labels = driver.model().sessions.labels;
    REQUIRE(labels.size() == 4);
    CHECK(labels[2] == "#1 capture POP3");
    CHECK(labels[3] == tr(Language::En, Text::MenuConnect));
    CHECK(driver.model().trace().protocol() == sim::Protocol::Pop3);
    CHECK_FALSE(driver.model().composer.active);
    // The live entry moved, and choosing it still opens the connect dialog.
    driver.choose(3);
    CHECK(driver.view.connect.open);
}

TEST_CASE("a lesson steps forward and back, and the panels follow its trace") {
    AppOptions options = lesson_options();
    options.step = 2;
    auto app = make_app(options);
    REQUIRE_FALSE(app->start_sessions(wonderland));
    Driver driver(*app);
    driver.frame();
    const std::size_t at_two = driver.model().trace().size();
    CHECK(driver.model().lesson.step_index == 2);

    driver.lesson(LessonAction::Next);
    CHECK(app->lesson().runner().position() == 3);
    CHECK(driver.model().lesson.step_index == 3);
    driver.frame();
    CHECK(&driver.model().trace() == &app->lesson().trace());
    CHECK(driver.model().trace().size() > at_two);
    CHECK(driver.model().index().size() == driver.model().trace().size());

    driver.lesson(LessonAction::Previous);
    driver.frame();
    CHECK(app->lesson().runner().position() == 2);
    CHECK(driver.model().lesson.step_index == 2);
    CHECK(&driver.model().trace() == &app->lesson().trace());
    CHECK(driver.model().trace().size() == at_two);
    CHECK(driver.model().index().size() == at_two);

    // The other client's trace, chosen in the lesson panel.
    FrameIntents intents;
    intents.lesson.action = LessonAction::SelectClient;
    intents.lesson.answer = 1;
    driver.frame(intents);
    CHECK(app->lesson().client() == 1);
    CHECK(&driver.model().trace() == &app->lesson().trace());

    // Stepping is the lesson's: with free play shown it does nothing.
    driver.choose(1);
    driver.lesson(LessonAction::Next);
    CHECK(app->lesson().runner().position() == 2);
}

TEST_CASE("free play sends a typed line and shows the mock server's answer") {
    AppOptions options = lesson_options();
    options.type = {"CAPABILITY"};
    auto app = make_app(options);
    REQUIRE_FALSE(app->start_sessions(wonderland));
    CHECK(app->shown() == 1);
    CHECK(server_said(app->shown_trace(), "OK CAPABILITY"));

    Driver driver(*app);
    driver.frame();
    CHECK(driver.view.open.composer);
    driver.type("LOGIN alice wonderland");
    CHECK(driver.model().composer.error.empty());
    CHECK(driver.view.composer_input[0] == '\0');
    CHECK(driver.model().composer.state == "Authenticated");
    CHECK(server_said(driver.model().trace(), "OK LOGIN"));
    CHECK(sim::export_text(driver.model().trace()).find("wonderland") == std::string::npos);

    driver.type("SELECT");
    CHECK_FALSE(driver.model().composer.error.empty());
    CHECK(std::string(driver.view.composer_input.data()) == "SELECT");
    CHECK(driver.model().composer.state == "Authenticated");

    options.type = {"SELECT"};
    auto broken = make_app(options);
    const auto error = broken->start_sessions(wonderland);
    REQUIRE(error);
    CHECK(error->find("\"SELECT\" was not sent") != std::string::npos);
}

TEST_CASE("the connect dialog opens a live session that logs in") {
    auto server = start_lab();
    auto app = make_app(lesson_options());
    REQUIRE_FALSE(app->start_sessions(wonderland));
    Driver driver(*app);
    driver.frame();

    // A form without a host is refused in the dialog.
    FrameIntents connect;
    connect.connect = true;
    driver.frame(connect);
    CHECK_FALSE(driver.model().live.error.empty());
    CHECK(app->shown() == 0);
    CHECK_FALSE(app->live());

    ConnectForm& form = driver.view.connect;
    form.open = true;
    std::snprintf(form.host.data(), form.host.size(), "%s", "127.0.0.1");
    form.port = server->port();
    std::snprintf(form.user.data(), form.user.size(), "%s", "alice");
    std::snprintf(form.password.data(), form.password.size(), "%s", "wonderland");
    driver.frame(connect);
    REQUIRE(app->live());
    CHECK(app->shown() == 2);
    CHECK_FALSE(form.open);
    CHECK(form.password[0] == '\0');
    CHECK(driver.model().live.error.empty());
    CHECK(&driver.model().trace() == &app->live()->trace());

    REQUIRE(driver.frames_until([&] { return app->settled(); }));
    CHECK(app->live()->status().ready);
    driver.frame();
    CHECK(driver.model().live.active);
    CHECK(driver.model().live.status == "connected, no TLS");
    CHECK(driver.model().composer.state == "Authenticated");
    CHECK(driver.model().sessions.labels[2].find(fmt::format("127.0.0.1:{}", server->port())) !=
          std::string::npos);

    driver.type("SELECT INBOX");
    REQUIRE(driver.frames_until([&] { return driver.model().composer.state == "Selected"; }));
    CHECK(server_said(driver.model().trace(), "OK [READ-WRITE]"));
    CHECK(sim::export_text(driver.model().trace()).find("wonderland") == std::string::npos);

    FrameIntents disconnect;
    disconnect.disconnect = true;
    driver.frame(disconnect);
    REQUIRE(driver.frames_until(
        [&] { return app->live()->status().phase == LivePhase::Closed && app->settled(); }));
}

TEST_CASE("the connect dialog logs in with an OAuth token from a command") {
    auto server = start_lab();
    auto app = make_app(lesson_options());
    REQUIRE_FALSE(app->start_sessions(wonderland));
    Driver driver(*app);
    driver.frame();
    ConnectForm& form = driver.view.connect;
    form.open = true;
    std::snprintf(form.host.data(), form.host.size(), "%s", "127.0.0.1");
    form.port = server->port();
    std::snprintf(form.user.data(), form.user.size(), "%s", "alice");
    form.credential = 1;
    // alice's token in the classroom fixture.
    std::snprintf(form.token_command.data(), form.token_command.size(), "%s",
                  "echo ya29.classroom-alice");
    FrameIntents connect;
    connect.connect = true;
    driver.frame(connect);
    REQUIRE(app->live());
    REQUIRE(driver.frames_until([&] { return app->settled(); }));
    driver.frame();
    CHECK(driver.model().composer.state == "Authenticated");
    const auto text = sim::export_text(driver.model().trace());
    CHECK(text.find("AUTHENTICATE OAUTHBEARER") != std::string::npos);
    CHECK(text.find("ya29.classroom-alice") == std::string::npos);
    FrameIntents disconnect;
    disconnect.disconnect = true;
    driver.frame(disconnect);
    REQUIRE(driver.frames_until(
        [&] { return app->live()->status().phase == LivePhase::Closed && app->settled(); }));
}

TEST_CASE("the connect dialog opens a POP3 session; the composer takes POP3 lines") {
    auto made =
        LabServer::start({"", "127.0.0.1:0", ""}, std::string(MAILSCOPE_SOURCE_DIR) +
                                                      "/server_mock/fixtures/classroom.yaml");
    if (auto* error = std::get_if<std::string>(&made)) FAIL(*error);
    const auto server = std::move(std::get<std::unique_ptr<LabServer>>(made));
    REQUIRE(server->listeners().size() == 1);
    auto app = make_app(lesson_options());
    REQUIRE_FALSE(app->start_sessions(wonderland));
    Driver driver(*app);
    driver.frame();

    ConnectForm& form = driver.view.connect;
    form.open = true;
    form.protocol = static_cast<int>(sim::Protocol::Pop3);
    std::snprintf(form.host.data(), form.host.size(), "%s", "127.0.0.1");
    form.port = server->listeners().front().port;
    std::snprintf(form.user.data(), form.user.size(), "%s", "alice");
    std::snprintf(form.password.data(), form.password.size(), "%s", "wonderland");
    FrameIntents connect;
    connect.connect = true;
    driver.frame(connect);
    REQUIRE(app->live());
    CHECK(app->live()->options().protocol == sim::Protocol::Pop3);
    REQUIRE(driver.frames_until([&] { return app->settled(); }));
    CHECK(app->live()->status().ready);
    driver.frame();
    CHECK(driver.model().composer.protocol == sim::Protocol::Pop3);
    CHECK_FALSE(driver.model().composer.free_play);
    CHECK(driver.model().composer.state == "TRANSACTION");

    driver.type("STAT");
    // RFC 1939 5: "The positive response consists of "+OK" followed by a
    // single space, the number of messages in the maildrop".
    const auto stat_answered = [&] {
        const auto& events = driver.model().trace().events();
        for (std::size_t i = 0; i < events.size(); ++i) {
            if (events[i].kind != sim::EventKind::Command || events[i].name != "STAT") continue;
            for (std::size_t j = i + 1; j < events.size(); ++j) {
                if (events[j].link_seq == events[i].seq && events[j].raw.starts_with("+OK "))
                    return true;
            }
        }
        return false;
    };
    REQUIRE(driver.frames_until(stat_answered));
    CHECK(sim::export_text(driver.model().trace()).find("wonderland") == std::string::npos);
}

TEST_CASE("--connect starts the live session shown first, with the password asked for") {
    auto server = start_lab();
    AppOptions options = lesson_options();
    options.connect = fmt::format("imap://alice@127.0.0.1:{}", server->port());
    std::string asked;
    auto app = make_app(options);
    REQUIRE_FALSE(app->start_sessions([&](const std::string& prompt) {
        asked = prompt;
        return wonderland(prompt);
    }));
    CHECK(asked == "password for alice@127.0.0.1: ");
    CHECK(app->shown() == 2);
    CHECK_FALSE(app->settled());

    Driver driver(*app);
    REQUIRE(driver.frames_until([&] { return app->settled(); }));
    CHECK(app->live()->status().ready);
    CHECK(driver.view.open.composer);
    CHECK_FALSE(driver.view.open.lesson);
    CHECK(driver.model().composer.state == "Authenticated");

    auto refused_app = make_app(options);
    const auto error = refused_app->start_sessions([](const std::string&) {
        return PasswordAnswer{std::nullopt, sim::verbatim("no terminal")};
    });
    REQUIRE(error);
    CHECK(*error == "no terminal");
    CHECK_FALSE(refused_app->live());

    options.connect = "gopher://example.org";
    auto bad_url = make_app(options);
    const auto url_error = bad_url->start_sessions(wonderland);
    REQUIRE(url_error);
    CHECK(url_error->starts_with("--connect: "));
}

TEST_CASE("a live session that cannot connect settles as failed") {
    AppOptions options = lesson_options();
    options.connect = "imap://127.0.0.1:1";
    auto app = make_app(options);
    REQUIRE_FALSE(app->start_sessions(wonderland));
    Driver driver(*app);
    REQUIRE(driver.frames_until([&] { return app->settled(); }));
    CHECK(app->live()->status().phase == LivePhase::Failed);
    CHECK(driver.model().live.status.starts_with("failed: "));
}

TEST_CASE("a lab connection arrives in the Session menu and is shown") {
    AppOptions options = lesson_options();
    options.serve = "127.0.0.1:0";
    auto app = make_app(options);
    REQUIRE_FALSE(app->start_sessions(wonderland));
    REQUIRE(app->lab());
    Driver driver(*app);
    driver.frame();
    CHECK(driver.model().sessions.labels.size() == 3);
    CHECK(driver.model().sessions.caption.find(app->lab()->address()) != std::string::npos);

    test::LoopbackClient first(app->lab()->port());
    first.write("a1 LOGIN alice wonderland\r\n");

    // Nothing else asked for: the window follows the newest connection.
    REQUIRE(driver.frames_until([&] {
        const auto& labels = driver.model().sessions.labels;
        return labels.size() == 4 && labels[3].find("alice") != std::string::npos;
    }));
    REQUIRE(app->shown() == 3);
    CHECK(driver.model().sessions.active == 3);
    CHECK(&driver.model().trace() == &app->sources()[3]->trace());
    CHECK(server_said(driver.model().trace(), "a1 OK"));
    CHECK_FALSE(driver.view.open.composer);
    CHECK_FALSE(driver.model().composer.active);

    // Once the learner chooses a session, a new connection no longer takes the window.
    driver.choose(0);
    test::LoopbackClient second(app->lab()->port());
    REQUIRE(driver.frames_until([&] { return driver.model().sessions.labels.size() == 5; }));
    CHECK(app->shown() == 0);
    driver.choose(4);
    REQUIRE(app->shown() == 4);
    CHECK(&driver.model().trace() == &app->sources()[4]->trace());
}
