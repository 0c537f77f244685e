// The entries of the Session menu: the lesson, free play, the live session
// and each of the lab's connections (the last two only where the network
// layer is built: MAILSCOPE_WITH_NET, not in the browser). Each is a
// SessionSource, so the application controller shows, rebinds and feeds the
// composer the same way whatever the panels' trace comes from; what is
// particular to one kind stays in its class here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gui/free_play.hpp"
#include "gui/i18n.hpp"
#include "gui/lesson_session.hpp"
#ifdef MAILSCOPE_WITH_NET
#include "gui/lab_server.hpp"
#include "gui/live_session.hpp"
#endif
#include "sim/core/trace.hpp"

namespace mailscope::gui {

class SessionSource {
  public:
    virtual ~SessionSource() = default;

    // The name in the Session menu.
    virtual std::string label(Language language) const = 0;
    // Whether there is a session to show now (the live entry has none before
    // a Connect).
    virtual bool available() const { return true; }
    // Readies the source before it is first shown; the sentence saying why it
    // cannot be shown otherwise.
    virtual std::optional<sim::Said> open() { return std::nullopt; }

    // The events the panels draw; asked only of a source that is available
    // and opened. The object may be replaced (a lesson stepped back, a new
    // live session): the views rebind when its address or generation() changes.
    virtual const sim::SessionTrace& trace() const = 0;
    virtual std::uint64_t generation() const { return 0; }
    // What the embedded mock server's store held at each step, when the
    // session runs against it (a lesson, free play); nullptr otherwise.
    virtual const TruthHistory* store_truth() const { return nullptr; }

    // The composer: whether typed lines go to this session, its protocol
    // state as in the RFC diagram, the verbs allowed there, and the sending
    // itself (the error sentence when nothing was sent).
    virtual bool takes_lines() const { return false; }
    virtual sim::Protocol protocol() const { return sim::Protocol::Imap; }
    virtual std::string state_name() const { return {}; }
    virtual std::vector<std::string> allowed_verbs() const { return {}; }
    virtual std::optional<sim::Said> send(std::string_view line, std::string_view literals);
    // Why a line accepted by send() was refused later, on its way to the
    // server (a live session sends on the I/O thread); empty when it was not.
    virtual sim::Said later_send_error() const { return {}; }
};

// A session recorded elsewhere (`mailscope gui --capture`: one TCP session
// of a packet capture, decoded): its events, to look at, nothing to send.
class RecordedSource final : public SessionSource {
  public:
    RecordedSource(std::string label, std::unique_ptr<sim::SessionTrace> trace)
        : m_label(std::move(label)), m_trace(std::move(trace)) {}
    std::string label(Language) const override { return m_label; }
    const sim::SessionTrace& trace() const override { return *m_trace; }
    sim::Protocol protocol() const override { return m_trace->protocol(); }

  private:
    std::string m_label;
    std::unique_ptr<sim::SessionTrace> m_trace;
};

// The lesson played against the embedded mock server.
class LessonSource final : public SessionSource {
  public:
    explicit LessonSource(lessons::Lesson lesson) : m_session(std::move(lesson)) {}

    LessonSession& session() { return m_session; }
    const LessonSession& session() const { return m_session; }

    std::string label(Language language) const override;
    const sim::SessionTrace& trace() const override { return m_session.trace(); }
    std::uint64_t generation() const override { return m_session.generation(); }
    const TruthHistory* store_truth() const override { return &m_session.store_truth(); }

  private:
    LessonSession m_session;
};

// The learner's own IMAP client against the classroom mail, made on first use.
class FreePlaySource final : public SessionSource {
  public:
    std::string label(Language language) const override;
    std::optional<sim::Said> open() override;
    const sim::SessionTrace& trace() const override;
    const TruthHistory* store_truth() const override {
        return m_play ? &m_play->store_truth() : nullptr;
    }

    bool takes_lines() const override { return true; }
    std::string state_name() const override;
    std::vector<std::string> allowed_verbs() const override;
    std::optional<sim::Said> send(std::string_view line, std::string_view literals) override;

  private:
    std::unique_ptr<FreePlay> m_play;
};

#ifdef MAILSCOPE_WITH_NET
// A session with a real server, opened by --connect or the connect dialog.
class LiveSource final : public SessionSource {
  public:
    LiveSession* session() { return m_session.get(); }
    const LiveSession* session() const { return m_session.get(); }
    // Closes the session shown so far, if any, and shows `session` instead.
    void replace(std::unique_ptr<LiveSession> session);

    std::string label(Language language) const override;
    bool available() const override { return m_session != nullptr; }
    const sim::SessionTrace& trace() const override { return m_session->trace(); }

    bool takes_lines() const override { return true; }
    std::string state_name() const override;
    std::vector<std::string> allowed_verbs() const override;
    std::optional<sim::Said> send(std::string_view line, std::string_view literals) override;
    sim::Said later_send_error() const override;
    sim::Protocol protocol() const override { return m_session->options().protocol; }

  private:
    std::unique_ptr<LiveSession> m_session;
};

// One connection to the lab's TCP server, watched, never typed into.
class LabConnectionSource final : public SessionSource {
  public:
    LabConnectionSource(const LabServer& lab, std::size_t index) : m_lab(&lab), m_index(index) {}

    std::string label(Language language) const override;
    const sim::SessionTrace& trace() const override;
    std::string state_name() const override;

  private:
    const LabSession& connection() const { return m_lab->sessions()[m_index]; }

    const LabServer* m_lab;
    std::size_t m_index;
};
#endif

}  // namespace mailscope::gui
