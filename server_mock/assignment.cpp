#include "server_mock/assignment.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/core/ascii.hpp"
#include "sim/core/catalogue.hpp"

namespace mailscope::server {

namespace {

bool contains_ignoring_case(std::string_view text, std::string_view wanted) {
    return std::search(text.begin(), text.end(), wanted.begin(), wanted.end(), [](char a, char b) {
               return ascii::to_upper(a) == ascii::to_upper(b);
           }) != text.end();
}

// "OK", "+OK", "2xx", "250": how the assignment file names the answer.
std::string result_word(const AssignmentStep& step) {
    if (step.reply_code != 0) return std::to_string(step.reply_code);
    switch (*step.result) {
        case sim::ReplyStatus::Positive:
            return "2xx";
        case sim::ReplyStatus::Intermediate:
            return "3xx";
        case sim::ReplyStatus::TransientNegative:
            return "4xx";
        case sim::ReplyStatus::PermanentNegative:
            return "5xx";
        default:
            return std::string(sim::status_word(*step.result));
    }
}

}  // namespace

StepTracker::StepTracker(const Assignment& assignment)
    : m_assignment(&assignment), m_done(assignment.steps.size(), false) {}

StepTracker::Command* StepTracker::open_command(std::uint64_t seq) {
    const auto found = std::find_if(m_open.begin(), m_open.end(),
                                    [seq](const Command& command) { return command.seq == seq; });
    return found == m_open.end() ? nullptr : &*found;
}

void StepTracker::observe(const sim::TraceEvent& event) {
    if (event.dir == sim::Direction::ClientToServer) {
        Command* command = nullptr;
        if (event.kind == sim::EventKind::Command && (!event.piece || event.piece->index == 0)) {
            if (m_open.size() == kMaxOpenCommands) m_open.pop_front();
            m_open.push_back({event.seq, event.protocol, event.name, false, {}});
            command = &m_open.back();
        } else if ((event.kind == sim::EventKind::Command ||
                    event.kind == sim::EventKind::Literal) &&
                   event.link_seq) {
            command = open_command(*event.link_seq);
        }
        if (!command) return;
        if (event.kind == sim::EventKind::Literal || (event.piece && event.piece->announces)) {
            command->literal = true;
        }
        if (event.kind == sim::EventKind::Command) {
            command->text.append(event.raw, 0, kMaxCommandText - command->text.size());
        }
        return;
    }
    if (event.kind != sim::EventKind::Tagged || event.link != sim::Link::Answers ||
        !event.link_seq) {
        return;
    }
    const auto found = std::find_if(m_open.begin(), m_open.end(), [&](const Command& command) {
        return command.seq == *event.link_seq;
    });
    if (found == m_open.end()) return;
    judge(*found, &event, m_done);
    // An SMTP 354 asks for the message: the reply that ends DATA is still to come.
    if (sim::reply_class(event.status) != sim::ReplyClass::Continue) m_open.erase(found);
}

void StepTracker::judge(const Command& command, const sim::TraceEvent* answer,
                        std::vector<bool>& done) const {
    for (std::size_t i = 0; i < m_assignment->steps.size(); ++i) {
        const AssignmentStep& step = m_assignment->steps[i];
        if (done[i] || step.protocol != command.protocol) continue;
        // A bare verb stands for its UID form too: UID SEARCH is a search.
        const std::string_view verb = command.verb;
        if (!ascii::iequals(step.command, verb) &&
            !(verb.starts_with("UID ") && ascii::iequals(step.command, verb.substr(4)))) {
            continue;
        }
        if (step.literal && !command.literal) continue;
        if (!step.contains.empty() && !contains_ignoring_case(command.text, step.contains)) {
            continue;
        }
        if (step.result) {
            if (!answer) continue;
            const bool met = step.reply_code != 0 ? answer->reply_code == step.reply_code
                                                  : answer->status == *step.result;
            if (!met) continue;
        }
        done[i] = true;
    }
}

std::vector<bool> StepTracker::done() const {
    std::vector<bool> done = m_done;
    for (const Command& command : m_open)
        judge(command, nullptr, done);
    return done;
}

std::string step_requirement(const AssignmentStep& step, sim::Language language) {
    std::string out = sim::render(sim::say(sim::Phrase::StepCommand, step.command), language);
    const auto then = [&](sim::Said said) { out += ", " + sim::render(said, language); };
    if (step.literal) then(sim::say(sim::Phrase::StepWithLiteral));
    if (!step.contains.empty()) then(sim::say(sim::Phrase::StepContaining, step.contains));
    if (step.result) then(sim::say(sim::Phrase::StepAnswered, result_word(step)));
    return out;
}

}  // namespace mailscope::server
