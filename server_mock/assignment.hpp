// Assignment: the steps a teacher asks a student's client to carry out
// against the lab server ("log in with the password sent as a literal",
// "append a message with the \Seen flag"), and StepTracker, which tells from
// a session's events which of them the session did. The class report keeps
// each student's progress across their sessions (class_report.hpp); the file
// a teacher writes is read by assignment_loader.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/language.hpp"
#include "sim/core/protocol.hpp"
#include "sim/core/trace.hpp"

namespace mailscope::server {

struct AssignmentText {
    std::string ru;
    std::string en;

    const std::string& in(sim::Language language) const {
        return language == sim::Language::Ru ? ru : en;
    }
    bool empty() const { return ru.empty() && en.empty(); }
};

struct AssignmentStep {
    std::string id;       // letters, digits, ".", "-" and "_": it names the step in the CSV
    AssignmentText text;  // empty: the student's page describes the step from what it asks
    sim::Protocol protocol = sim::Protocol::Imap;
    std::string command;   // the verb, upper case: "LOGIN", "RETR", "MAIL"
    bool literal = false;  // the command must carry a literal (IMAP)
    // The answer the command must get: Ok, No or Bad (IMAP), PlusOk or
    // MinusErr (POP3), an SMTP reply class; none: any answer, or none yet.
    std::optional<sim::ReplyStatus> result;
    std::uint16_t reply_code = 0;  // SMTP: this exact code instead of a class
    std::string contains;          // the command's text must hold it, in any case
};

struct Assignment {
    AssignmentText title;
    std::vector<AssignmentStep> steps;
};

// One session's progress, fed every event its trace hands out. A command is
// judged when its completion (IMAP) or final reply (POP3, SMTP) comes: by
// then its literals and later pieces have all been seen. A command still
// unanswered counts for the steps that ask no particular answer.
class StepTracker {
  public:
    // Commands awaiting their answer that are remembered; a client that
    // pipelines more than this loses credit for the oldest, not the server
    // its memory.
    static constexpr std::size_t kMaxOpenCommands = 64;
    // Octets of a command's own lines kept for `contains` (literal data is not).
    static constexpr std::size_t kMaxCommandText = 4096;

    // `assignment` must outlive the tracker.
    explicit StepTracker(const Assignment& assignment);

    void observe(const sim::TraceEvent& event);
    // done()[i]: the session did step i.
    std::vector<bool> done() const;

  private:
    struct Command {
        std::uint64_t seq = 0;  // of its first piece, which its answer links to
        sim::Protocol protocol = sim::Protocol::Imap;
        std::string verb;
        bool literal = false;
        std::string text;
    };
    Command* open_command(std::uint64_t seq);
    void judge(const Command& command, const sim::TraceEvent* answer,
               std::vector<bool>& done) const;

    const Assignment* m_assignment;
    std::vector<bool> m_done;
    std::deque<Command> m_open;
};

// What a step asks, in words: "LOGIN command, carrying a literal, answered OK".
std::string step_requirement(const AssignmentStep& step, sim::Language language);

}  // namespace mailscope::server
