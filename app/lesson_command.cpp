#include "app/lesson_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lessons/lesson_catalog.hpp"
#include "lessons/lesson_loader.hpp"
#include "lessons/lesson_runner.hpp"
#include "sim/core/event_text.hpp"
#include "sim/core/handout.hpp"
#include "sim/core/trace_format.hpp"

namespace mailscope::app {

namespace {

using lessons::Language;

struct Palette {
    bool on = false;
    std::string paint(std::string_view code, std::string_view text) const {
        if (!on) return std::string(text);
        return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
    }
    std::string heading(std::string_view text) const { return paint("1;36", text); }
    std::string narration(std::string_view text) const { return paint("1", text); }
    std::string good(std::string_view text) const { return paint("32", text); }
    std::string bad(std::string_view text) const { return paint("1;31", text); }
    std::string dim(std::string_view text) const { return paint("2", text); }
};

std::optional<Language> language(const std::string& name, std::string_view command) {
    if (name.empty()) return lessons::language_from_locale();
    auto lang = lessons::language_from_name(name);
    if (!lang) {
        std::cerr << fmt::format("mailscope {}: the language is ru or en, not \"{}\"\n", command,
                                 name);
    }
    return lang;
}

// Texts of the terminal itself, in the learner's language.
template <typename... Args>
std::string say(Language lang, sim::Phrase phrase, Args&&... args) {
    return sim::render(sim::say(phrase, std::forward<Args>(args)...), lang);
}

// The trace printer colours completions by IMAP's OK/NO/BAD; POP3 and SMTP
// replies are coloured here by their own status classes instead.
const char* reply_colour(const sim::TraceEvent& event) {
    if (event.kind == sim::EventKind::Continuation) return "35";
    switch (sim::reply_class(event.status)) {
        case sim::ReplyClass::Success:
            return "32";
        case sim::ReplyClass::Continue:
            return "35";
        case sim::ReplyClass::TryLater:
            return "33";
        default:
            return "31";
    }
}

// The first lines of a message as they went on the wire, dot-stuffing and
// the final "." included: what the lessons on transparency point at.
std::string wire_lines(std::string_view raw) {
    constexpr std::size_t kShownLines = 12;
    constexpr std::size_t kShownWidth = 100;
    std::string out;
    std::size_t shown = 0;
    while (!raw.empty()) {
        const auto end = raw.find('\n');
        auto line = raw.substr(0, end);
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (shown == kShownLines) {
            out += "       …\n";
            break;
        }
        std::string printable;
        // A control octet must not print as "." here: a leading "." is the
        // dot-stuffing these lines exist to show.
        for (unsigned char c : line.substr(0, kShownWidth)) {
            if (c == '\t') {
                printable += "    ";
            } else if (c < 0x20 || c == 0x7f) {
                printable += fmt::format("\\x{:02x}", c);
            } else {
                printable += static_cast<char>(c);
            }
        }
        out += fmt::format("       | {}{}\n", printable, line.size() > kShownWidth ? "…" : "");
        ++shown;
        if (end == std::string_view::npos) break;
        raw.remove_prefix(end + 1);
    }
    return out;
}

// A POP3 or SMTP event: status replies coloured by class, a message body
// carried by RETR, TOP or DATA counted in octets without IMAP's {n}.
std::string format_reply_event(const sim::SessionTrace& trace, const sim::TraceEvent& event,
                               const Palette& palette, Language lang) {
    sim::FormatOptions format;
    format.colour = palette.on;
    format.language = lang;
    const bool reply =
        event.dir == sim::Direction::ServerToClient &&
        (event.kind == sim::EventKind::Untagged || event.kind == sim::EventKind::Tagged ||
         event.kind == sim::EventKind::Continuation);
    if (event.kind == sim::EventKind::Literal) {
        const auto size = event.literal ? event.literal->size : event.raw.size();
        auto text = fmt::format("#{:<5} {} {:<13}{}{}\n", event.seq,
                                event.dir == sim::Direction::ClientToServer ? "C→S" : "S→C",
                                sim::kind_label(event.kind, lang),
                                sim::render(sim::say(event.dir == sim::Direction::ClientToServer
                                                         ? sim::Phrase::MessageContentOctets
                                                         : sim::Phrase::MessageOctets,
                                                     size),
                                            lang),
                                event.literal && event.literal->truncated
                                    ? " " + sim::render(sim::say(sim::Phrase::OnlyStartKept), lang)
                                    : std::string());
        text += wire_lines(event.raw);
        return palette.paint("34", text);
    }
    if (!reply || !palette.on) return sim::format_event(trace, event, format);
    format.colour = false;
    auto text = sim::format_event(trace, event, format);
    const auto end = text.find("  ←");
    if (end == std::string::npos) return palette.paint(reply_colour(event), text);
    return palette.paint(reply_colour(event), text.substr(0, end)) +
           palette.dim(text.substr(end, text.size() - end - 1)) + "\n";
}

// The steps played as --html and --mermaid handouts: each client's events
// of those steps. False (and a message on stderr) when a file cannot be written.
// The page has a section per client; the diagram takes each step's events
// in the order the steps ran, so two clients' exchanges interleave as they did.
bool write_handouts(const LessonRunOptions& options, const lessons::LessonRunner& runner,
                    const std::vector<lessons::StepResult>& steps, Language lang,
                    std::size_t first_step, std::size_t last_step) {
    if (options.html.empty() && options.mermaid.empty()) return true;
    const auto client = [&](std::size_t c) {
        return runner.client_count() > 1 ? runner.client_name(c) : std::string();
    };
    std::vector<sim::HandoutPart> sections;
    std::vector<sim::HandoutPart> in_order;
    for (std::size_t c = 0; c < runner.client_count(); ++c) {
        std::optional<lessons::EventRange> played;
        for (const lessons::StepResult& step : steps) {
            const lessons::EventRange range = step.client_events.at(c);
            if (range.begin == range.end) continue;
            if (!played) played = range;
            played->end = range.end;
        }
        if (played)
            sections.push_back(
                {&runner.client_trace(c), client(c), played->begin, played->end - 1});
    }
    for (const lessons::StepResult& step : steps) {
        for (std::size_t c = 0; c < runner.client_count(); ++c) {
            const lessons::EventRange range = step.client_events.at(c);
            if (range.begin == range.end) continue;
            in_order.push_back({&runner.client_trace(c), client(c), range.begin, range.end - 1});
        }
    }
    const sim::HandoutOptions handout{
        lang, say(lang, sim::Phrase::HandoutLessonSteps, runner.lesson().title.in(lang), first_step,
                  last_step)};
    const std::pair<const std::string&, bool> outputs[] = {{options.html, true},
                                                           {options.mermaid, false}};
    for (const auto& [path, html] : outputs) {
        if (path.empty()) continue;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << (html ? sim::handout_html(sections, handout)
                     : sim::handout_mermaid(in_order, handout));
        out.close();
        if (!out) {
            std::cerr << say(lang, sim::Phrase::CliCannotWrite, "mailscope lesson run", path)
                      << "\n";
            return false;
        }
    }
    return true;
}

void print_step_events(const lessons::LessonRunner& runner, const lessons::StepResult& result,
                       const Palette& palette, Language lang) {
    sim::FormatOptions format;
    format.colour = palette.on;
    format.language = lang;
    const bool several = runner.client_count() > 1;
    for (std::size_t c = 0; c < runner.client_count(); ++c) {
        const auto& trace = runner.client_trace(c);
        const auto range = result.client_events.at(c);
        const bool imap = runner.client_protocol(c) == sim::Protocol::Imap;
        for (auto i = range.begin; i < range.end; ++i) {
            auto text = imap ? sim::format_event(trace, trace.at(i), format)
                             : format_reply_event(trace, trace.at(i), palette, lang);
            if (several) {
                std::string prefixed;
                std::size_t start = 0;
                while (start < text.size()) {
                    auto end = text.find('\n', start);
                    if (end == std::string::npos) end = text.size() - 1;
                    prefixed += palette.dim(fmt::format("[{}] ", runner.client_name(c)));
                    prefixed += text.substr(start, end - start + 1);
                    start = end + 1;
                }
                text = std::move(prefixed);
            }
            std::cout << text;
        }
    }
}

// Asks the quiz; false when stdin has ended.
bool ask_quiz(const lessons::Quiz& quiz, Language lang, const Palette& palette) {
    std::cout << palette.heading(say(lang, sim::Phrase::PlayerQuestion, quiz.question.in(lang)))
              << "\n";
    for (std::size_t i = 0; i < quiz.choices.size(); ++i) {
        std::cout << fmt::format("  {}. {}\n", i + 1, quiz.choices[i].in(lang));
    }
    std::cout << say(lang, sim::Phrase::PlayerYourAnswer) << std::flush;
    std::string reply;
    if (!std::getline(std::cin, reply)) return false;
    if (lessons::quiz_accepts(quiz, reply)) {
        std::cout << palette.good(say(lang, sim::Phrase::PlayerRight)) << " ";
    } else {
        std::cout << palette.bad(say(lang, sim::Phrase::PlayerNotQuite)) << " ";
        if (quiz.answer) {
            std::cout << say(lang, sim::Phrase::PlayerTheAnswerIs, *quiz.answer + 1) << " ";
        } else if (!quiz.accept.empty()) {
            std::cout << say(lang, sim::Phrase::PlayerTheAnswerIs, quiz.accept.front()) << " ";
        }
    }
    std::cout << quiz.explanation.in(lang) << "\n\n";
    return true;
}

// The heading of a folder of lessons in `lesson list`.
std::string group_title(const std::string& folder, Language lang) {
    if (folder == "imap") return "IMAP4rev1 (RFC 3501)";
    if (folder == "pop3") return "POP3 (RFC 1939)";
    if (folder == "smtp") return "SMTP (RFC 5321)";
    if (folder == "e2e") return say(lang, sim::Phrase::PlayerEndToEnd);
    return folder;
}

}  // namespace

int run_lesson_list(const LessonListOptions& options) {
    const auto lang = language(options.lang, "lesson list");
    if (!lang) return 2;
    const auto catalog = lessons::load_catalog();
    if (catalog.empty()) {
        std::cerr << say(*lang, sim::Phrase::CliNoLessons, "mailscope lesson list") << "\n";
        return 2;
    }
    int status = 0;
    std::string current_group;
    for (const auto& [file, loaded] : catalog) {
        if (!loaded.lesson) {
            std::cerr << to_string(*loaded.error, *lang) << "\n";
            status = 1;
            continue;
        }
        const auto& lesson = *loaded.lesson;
        const auto group = file.parent_path().filename().string();
        if (group != current_group) {
            std::cout << (current_group.empty() ? "" : "\n")
                      << fmt::format("{}\n", group_title(group, *lang));
            current_group = group;
        }
        std::cout << fmt::format("  {:<28} {}  ({})\n", lesson.id, lesson.title.in(*lang),
                                 say(*lang, sim::Phrase::PlayerSteps, lesson.steps.size()));
    }
    return status;
}

int run_lesson(const LessonRunOptions& options) {
    const auto lang = language(options.lang, "lesson run");
    if (!lang) return 2;
    sim::Said error;
    const auto file = lessons::find_lesson(options.lesson, error);
    if (!file) {
        std::cerr << "mailscope lesson run: " << sim::render(error, *lang) << "\n";
        return 2;
    }
    auto loaded = lessons::load_lesson_file(*file);
    if (!loaded.lesson) {
        std::cerr << to_string(*loaded.error, *lang) << "\n";
        return 2;
    }
    const Palette palette{options.colour};
    const bool interactive = !options.check && isatty(STDIN_FILENO) != 0;
    bool quizzes = interactive;

    lessons::LessonRunner runner(std::move(*loaded.lesson));
    const auto& lesson = runner.lesson();
    std::cout << palette.heading(lesson.title.in(*lang)) << "\n"
              << lesson.summary.in(*lang) << "\n\n";

    if (options.step && *options.step > 1) runner.jump_to(*options.step - 1);
    std::size_t failures = 0;
    for (const auto& earlier : runner.results())
        failures += earlier.failures.size();

    const std::size_t first_step = runner.current_step() ? runner.current_step()->index + 1 : 0;
    std::size_t last_step = first_step;
    std::vector<lessons::StepResult> played;
    while (const auto* step = runner.current_step()) {
        if (options.last_step && step->index + 1 > *options.last_step) break;
        last_step = step->index + 1;
        std::cout << palette.heading(fmt::format(
            "── {} ──", say(*lang, sim::Phrase::PlayerStep, step->index + 1, lesson.steps.size())));
        if (lesson.clients.size() > 1) {
            const bool mixed =
                std::any_of(lesson.client_protocols.begin(), lesson.client_protocols.end(),
                            [&](sim::Protocol p) { return p != lesson.client_protocols.front(); });
            std::cout << palette.dim(fmt::format(
                " ({}{})", say(*lang, sim::Phrase::PlayerClient, lesson.clients.at(step->client)),
                mixed
                    ? fmt::format(", {}", sim::protocol_name(lesson.client_protocol(step->client)))
                    : std::string()));
        }
        std::cout << "\n" << palette.narration(runner.current_narration(*lang)) << "\n\n";
        if (step->quiz && quizzes) quizzes = ask_quiz(runner.shown(*step->quiz), *lang, palette);

        const auto* result = runner.step_forward();
        print_step_events(runner, *result, palette, *lang);
        played.push_back(*result);
        for (const auto& failure : result->failures) {
            std::cout << palette.bad(fmt::format("{}: {}", lessons::to_string(failure.mark),
                                                 sim::render(failure.said, *lang)))
                      << "\n";
        }
        failures += result->failures.size();
        std::cout << "\n";
        if (interactive && !runner.finished()) {
            std::cout << palette.dim(say(*lang, sim::Phrase::PlayerNextStep)) << std::flush;
            std::string ignored;
            if (!std::getline(std::cin, ignored)) break;
        }
    }
    if (!write_handouts(options, runner, played, *lang, first_step, last_step)) return 2;
    if (failures == 0) {
        std::cout << palette.good(say(*lang, sim::Phrase::PlayerAllChecksHeld)) << "\n";
        return 0;
    }
    std::cout << palette.bad(say(*lang, sim::Phrase::PlayerChecksFailed, failures)) << "\n";
    return 1;
}

}  // namespace mailscope::app
