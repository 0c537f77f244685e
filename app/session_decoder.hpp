// SessionDecoder: the annotated trace of one session, printed as its octets
// come in as chunks of one direction or the other. `mailscope decode` feeds
// it the lines of a transcript or the reassembled streams of a packet
// capture, so that both print a session the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "app/decode_command.hpp"
#include "sim/core/catalogue.hpp"
#include "sim/core/trace_format.hpp"
#include "sim/core/transcript.hpp"
#include "sim/imap/session.hpp"
#include "sim/pop3/session.hpp"
#include "sim/smtp/session.hpp"

namespace mailscope::app {

// Where the session's octets came from, and what to say about it.
struct DecodeSource {
    std::ostream* out = nullptr;     // the events
    std::ostream* errors = nullptr;  // the reasons a stream does not parse
    // The place of a chunk's `line` for a message: "FILE:LINE" for a
    // transcript, the packet's number for a capture.
    std::function<std::string(std::size_t)> where;
    // Said at the end when a message is not complete (its {0}: the client or
    // the server).
    sim::Phrase cut_phrase = sim::Phrase::CliTranscriptCut;
    // Whether that is an error (exit 1): a transcript should be whole, a
    // capture may end anywhere.
    bool cut_is_error = true;
    // A packet capture: the octets after a successful STARTTLS (STLS) are
    // TLS records, so decoding stops there with a note.
    bool stops_at_tls = false;
    // Keep every event for take_trace() (the window shows the session).
    bool keeps_trace = false;
};

class SessionDecoder {
  public:
    SessionDecoder(const DecodeOptions& options, DecodeSource source);

    // One chunk; the engine is made at the first server chunk unless the
    // protocol was given.
    void add(sim::TranscriptChunk chunk);
    // The end of the session; returns the exit status: 0, 1 when the stream
    // does not parse as the protocol (or a transcript ends mid-message), 2
    // when a handout cannot be written.
    int finish();

    std::optional<sim::Protocol> protocol() const;
    std::size_t events() const { return m_events; }
    // With `keeps_trace`, after finish(): every event of the session.
    std::unique_ptr<sim::SessionTrace> take_trace() { return std::move(m_whole); }
    // The name of the command after whose success the rest is encrypted.
    const std::optional<std::string>& encrypted_after() const { return m_encrypted_after; }

  private:
    using Engine = std::variant<imap::ImapSession, pop3::Pop3Session, smtp::SmtpSession>;

    // Which chunk holds a given octet of one direction's stream. Only the
    // chunks of messages not yet complete are kept.
    class ChunkMap {
      public:
        void add(sim::Direction dir, std::uint64_t offset, std::size_t line);
        std::size_t find(sim::Direction dir, std::uint64_t offset) const;
        // Nothing before `offset` will be asked for again.
        void forget_before(sim::Direction dir, std::uint64_t offset);

      private:
        std::deque<std::pair<std::uint64_t, std::size_t>> m_starts[2];
    };

    bool write_handouts() const;
    void start(sim::Protocol protocol);
    void feed(const sim::TranscriptChunk& chunk);
    void print(const sim::TraceEvent& event);
    void watch_for_tls(const sim::TraceEvent& event);

    const DecodeOptions& m_options;
    DecodeSource m_source;
    sim::FormatOptions m_format;
    std::optional<sim::SessionTrace> m_trace;
    std::unique_ptr<sim::SessionTrace> m_whole;  // every event, for the handouts or the window
    std::optional<Engine> m_engine;
    std::vector<sim::TranscriptChunk> m_waiting;
    ChunkMap m_chunks;
    std::uint64_t m_offsets[2] = {0, 0};
    std::uint64_t m_covered[2] = {0, 0};
    std::size_t m_events = 0;
    std::optional<std::uint64_t> m_tls_command;  // the STARTTLS awaiting its reply
    std::optional<std::string> m_encrypted_after;
    bool m_noting = false;  // the engine is adding the note about TLS
    int m_status = 0;
};

}  // namespace mailscope::app
