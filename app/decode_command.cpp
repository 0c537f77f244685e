#include "app/decode_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <utility>
#include <variant>

#include "sim/core/catalogue.hpp"
#include "sim/core/event_text.hpp"
#include "sim/core/handout.hpp"
#include "sim/core/trace_format.hpp"
#include "sim/core/transcript.hpp"
#include "sim/imap/session.hpp"
#include "sim/pop3/session.hpp"
#include "sim/smtp/session.hpp"

namespace mailscope::app {

namespace {

// Events kept for the links the printer follows ("answers #12 a1 FETCH");
// older ones are printed and forgotten.
constexpr std::size_t kEventsHeld = 4096;
// Client chunks read before the server's first line decides the protocol.
constexpr std::size_t kMaxChunksBeforeGreeting = 1000;

// Which transcript line holds a given octet of one direction's stream. Only
// the lines of messages not yet complete are kept.
class LineMap {
  public:
    void add(sim::Direction dir, std::uint64_t offset, std::size_t line) {
        m_starts[sim::direction_index(dir)].emplace_back(offset, line);
    }
    std::size_t find(sim::Direction dir, std::uint64_t offset) const {
        const auto& starts = m_starts[sim::direction_index(dir)];
        auto it = std::upper_bound(starts.begin(), starts.end(), std::make_pair(offset, SIZE_MAX));
        if (it == starts.begin()) return starts.empty() ? 0 : starts.front().second;
        return std::prev(it)->second;
    }
    // Nothing before `offset` will be asked for again.
    void forget_before(sim::Direction dir, std::uint64_t offset) {
        auto& starts = m_starts[sim::direction_index(dir)];
        while (starts.size() > 1 && starts[1].first <= offset)
            starts.pop_front();
    }

  private:
    std::deque<std::pair<std::uint64_t, std::size_t>> m_starts[2];
};

// The transcript cannot be read as the protocol: a line that does not
// parse, or a literal whose size does not match its data.
bool is_syntax_failure(const sim::TraceEvent& event) {
    return event.kind == sim::EventKind::Violation && event.violation &&
           (event.violation->rule.starts_with("syntax error") ||
            event.violation->rule.starts_with("literal size mismatch") || event.violation->fatal);
}

std::optional<sim::Protocol> protocol_of_greeting(std::string_view line) {
    if (line.starts_with("*")) return sim::Protocol::Imap;
    if (line.starts_with("+OK") || line.starts_with("-ERR")) return sim::Protocol::Pop3;
    if (line.size() >= 3 &&
        std::all_of(line.begin(), line.begin() + 3, [](char c) { return c >= '0' && c <= '9'; })) {
        return sim::Protocol::Smtp;
    }
    return std::nullopt;
}

using Engine = std::variant<imap::ImapSession, pop3::Pop3Session, smtp::SmtpSession>;

void make_engine(std::optional<Engine>& engine, sim::SessionTrace& trace, sim::Protocol protocol,
                 bool reveal_secrets) {
    switch (protocol) {
        case sim::Protocol::Imap: {
            imap::SessionOptions options;
            options.reveal_secrets = reveal_secrets;
            engine.emplace(std::in_place_type<imap::ImapSession>, trace, options);
            break;
        }
        case sim::Protocol::Pop3: {
            pop3::SessionOptions options;
            options.reveal_secrets = reveal_secrets;
            engine.emplace(std::in_place_type<pop3::Pop3Session>, trace, options);
            break;
        }
        case sim::Protocol::Smtp: {
            smtp::SessionOptions options;
            options.reveal_secrets = reveal_secrets;
            engine.emplace(std::in_place_type<smtp::SmtpSession>, trace, options);
            break;
        }
    }
}

class Decoder {
  public:
    explicit Decoder(const DecodeOptions& options) : m_options(options) {
        m_format.colour = options.colour;
        m_format.language = options.language;
    }

    // One chunk of the transcript; the engine is made at the first server
    // line unless the protocol was given.
    void add(sim::TranscriptChunk chunk) {
        if (!m_engine) {
            m_waiting.push_back(std::move(chunk));
            const auto& last = m_waiting.back();
            auto protocol = m_options.protocol;
            if (!protocol && last.dir == sim::Direction::ServerToClient) {
                protocol = protocol_of_greeting(last.bytes).value_or(sim::Protocol::Imap);
            }
            if (!protocol && m_waiting.size() < kMaxChunksBeforeGreeting) return;
            start(protocol.value_or(sim::Protocol::Imap));
            return;
        }
        feed(chunk);
    }

    // End of the file; returns the exit status.
    int finish() {
        if (!m_engine) start(m_options.protocol.value_or(sim::Protocol::Imap));
        // A message cut off at the end of the file never reached the engine.
        for (int d = 0; d < 2 && m_status == 0; ++d) {
            if (m_covered[d] < m_offsets[d]) {
                const auto dir =
                    d == 0 ? sim::Direction::ClientToServer : sim::Direction::ServerToClient;
                std::cerr << fmt::format(
                    "{}:{}: {}\n", m_options.file, m_lines.find(dir, m_covered[d]),
                    sim::render(sim::say(sim::Phrase::CliTranscriptCut,
                                         d == 0 ? sim::Phrase::TheClient : sim::Phrase::TheServer),
                                m_options.language));
                m_status = 1;
            }
        }
        std::cout.flush();
        if (m_whole && !write_handouts()) return 2;
        return m_status;
    }

    int status() const { return m_status; }

  private:
    bool write_handouts() const {
        const sim::HandoutPart part{&*m_whole, {}, 0, std::nullopt};
        const sim::HandoutOptions handout{
            m_options.language, std::filesystem::path(m_options.file).filename().string()};
        const std::pair<const std::string&, std::string> outputs[] = {
            {m_options.html,
             m_options.html.empty() ? std::string() : sim::handout_html({&part, 1}, handout)},
            {m_options.mermaid, m_options.mermaid.empty()
                                    ? std::string()
                                    : sim::handout_mermaid({&part, 1}, handout)}};
        for (const auto& [path, text] : outputs) {
            if (path.empty()) continue;
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            out << text;
            out.close();
            if (!out) {
                std::cerr << sim::render(
                                 sim::say(sim::Phrase::CliCannotWrite, "mailscope decode", path),
                                 m_options.language)
                          << "\n";
                return false;
            }
        }
        return true;
    }

    void start(sim::Protocol protocol) {
        m_trace.emplace(protocol, m_options.file, sim::TraceRetention{kEventsHeld, 0});
        if (!m_options.html.empty() || !m_options.mermaid.empty())
            m_whole.emplace(protocol, m_options.file);
        m_trace->set_sink([this](const sim::TraceEvent& event) { print(event); });
        make_engine(m_engine, *m_trace, protocol, m_options.reveal_secrets);
        for (auto& chunk : std::exchange(m_waiting, {}))
            feed(chunk);
    }

    void feed(const sim::TranscriptChunk& chunk) {
        const auto d = sim::direction_index(chunk.dir);
        m_lines.add(chunk.dir, m_offsets[d], chunk.line);
        m_offsets[d] += chunk.bytes.size();
        std::visit([&](auto& engine) { engine.feed(chunk.dir, chunk.bytes); }, *m_engine);
        for (auto dir : {sim::Direction::ClientToServer, sim::Direction::ServerToClient}) {
            m_lines.forget_before(dir, m_covered[sim::direction_index(dir)]);
        }
    }

    void print(const sim::TraceEvent& event) {
        if (m_whole) m_whole->append(event);
        if (m_options.json) {
            std::cout << sim::event_to_json(event) << '\n';
        } else {
            std::cout << sim::format_event(*m_trace, event, m_format);
        }
        if (is_syntax_failure(event) && m_status == 0) {
            std::cerr << fmt::format("{}:{}: {}\n", m_options.file,
                                     m_lines.find(event.dir, event.wire.offset),
                                     sim::rule_text(*event.violation, m_options.language));
            m_status = 1;
        }
        if (event.kind != sim::EventKind::Violation && event.wire.size > 0) {
            auto& covered = m_covered[sim::direction_index(event.dir)];
            covered = std::max(covered, event.wire.offset + event.wire.size);
        }
    }

    const DecodeOptions& m_options;
    sim::FormatOptions m_format;
    std::optional<sim::SessionTrace> m_trace;
    std::optional<sim::SessionTrace> m_whole;  // every event, for the handouts
    std::optional<Engine> m_engine;
    std::vector<sim::TranscriptChunk> m_waiting;
    LineMap m_lines;
    std::uint64_t m_offsets[2] = {0, 0};
    std::uint64_t m_covered[2] = {0, 0};
    int m_status = 0;
};

}  // namespace

int run_decode(const DecodeOptions& options) {
    std::ifstream in(options.file, std::ios::binary);
    if (!in) {
        std::cerr << sim::render(
                         sim::say(sim::Phrase::CliCannotRead, "mailscope decode", options.file),
                         options.language)
                  << "\n";
        return 2;
    }
    sim::TranscriptReader reader;
    Decoder decoder(options);
    std::string line;
    while (std::getline(in, line)) {
        if (auto error = reader.add_line(line)) {
            std::cerr << fmt::format("{}:{}: {}\n", options.file, error->line,
                                     sim::render(error->reason, options.language));
            return 1;
        }
        for (auto& chunk : reader.take_chunks())
            decoder.add(std::move(chunk));
    }
    reader.finish();
    for (auto& chunk : reader.take_chunks())
        decoder.add(std::move(chunk));
    return decoder.finish();
}

}  // namespace mailscope::app
