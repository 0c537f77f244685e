#include "app/session_decoder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "sim/core/ascii.hpp"
#include "sim/core/event_text.hpp"
#include "sim/core/handout.hpp"

namespace mailscope::app {

namespace {

// Events kept for the links the printer follows ("answers #12 a1 FETCH");
// older ones are printed and forgotten.
constexpr std::size_t kEventsHeld = 4096;
// Client chunks read before the server's first line decides the protocol.
constexpr std::size_t kMaxChunksBeforeGreeting = 1000;

// The stream cannot be read as the protocol: a line that does not parse,
// or a literal whose size does not match its data.
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

bool asks_for_tls(const sim::TraceEvent& event) {
    return event.kind == sim::EventKind::Command && event.dir == sim::Direction::ClientToServer &&
           (ascii::iequals(event.name, "STARTTLS") || ascii::iequals(event.name, "STLS"));
}

}  // namespace

void SessionDecoder::ChunkMap::add(sim::Direction dir, std::uint64_t offset, std::size_t line) {
    m_starts[sim::direction_index(dir)].emplace_back(offset, line);
}

std::size_t SessionDecoder::ChunkMap::find(sim::Direction dir, std::uint64_t offset) const {
    const auto& starts = m_starts[sim::direction_index(dir)];
    auto it = std::upper_bound(starts.begin(), starts.end(), std::make_pair(offset, SIZE_MAX));
    if (it == starts.begin()) return starts.empty() ? 0 : starts.front().second;
    return std::prev(it)->second;
}

void SessionDecoder::ChunkMap::forget_before(sim::Direction dir, std::uint64_t offset) {
    auto& starts = m_starts[sim::direction_index(dir)];
    while (starts.size() > 1 && starts[1].first <= offset)
        starts.pop_front();
}

SessionDecoder::SessionDecoder(const DecodeOptions& options, DecodeSource source)
    : m_options(options), m_source(std::move(source)) {
    m_format.colour = options.colour;
    m_format.language = options.language;
}

std::optional<sim::Protocol> SessionDecoder::protocol() const {
    if (!m_trace) return std::nullopt;
    return m_trace->protocol();
}

void SessionDecoder::add(sim::TranscriptChunk chunk) {
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

int SessionDecoder::finish() {
    if (!m_engine) start(m_options.protocol.value_or(sim::Protocol::Imap));
    // A message cut off at the end never reached the engine.
    for (int d = 0; d < 2 && m_status == 0; ++d) {
        if (m_covered[d] < m_offsets[d]) {
            const auto dir =
                d == 0 ? sim::Direction::ClientToServer : sim::Direction::ServerToClient;
            *m_source.errors << fmt::format(
                "{}: {}\n", m_source.where(m_chunks.find(dir, m_covered[d])),
                sim::render(sim::say(m_source.cut_phrase,
                                     d == 0 ? sim::Phrase::TheClient : sim::Phrase::TheServer),
                            m_options.language));
            if (m_source.cut_is_error) m_status = 1;
        }
    }
    m_source.out->flush();
    if (m_whole && !write_handouts()) return 2;
    return m_status;
}

bool SessionDecoder::write_handouts() const {
    const sim::HandoutPart part{&*m_whole, {}, 0, std::nullopt};
    const sim::HandoutOptions handout{m_options.language,
                                      std::filesystem::path(m_options.file).filename().string()};
    const std::pair<const std::string&, std::string> outputs[] = {
        {m_options.html,
         m_options.html.empty() ? std::string() : sim::handout_html({&part, 1}, handout)},
        {m_options.mermaid,
         m_options.mermaid.empty() ? std::string() : sim::handout_mermaid({&part, 1}, handout)}};
    for (const auto& [path, text] : outputs) {
        if (path.empty()) continue;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) {
            *m_source.errors << sim::render(
                                    sim::say(sim::Phrase::CliCannotWrite, "mailscope decode", path),
                                    m_options.language)
                             << "\n";
            return false;
        }
    }
    return true;
}

void SessionDecoder::start(sim::Protocol protocol) {
    m_trace.emplace(protocol, m_options.file, sim::TraceRetention{kEventsHeld, 0});
    if (!m_options.html.empty() || !m_options.mermaid.empty() || m_source.keeps_trace)
        m_whole = std::make_unique<sim::SessionTrace>(protocol, m_options.file);
    m_trace->set_sink([this](const sim::TraceEvent& event) { print(event); });
    switch (protocol) {
        case sim::Protocol::Imap: {
            imap::SessionOptions options;
            options.reveal_secrets = m_options.reveal_secrets;
            m_engine.emplace(std::in_place_type<imap::ImapSession>, *m_trace, options);
            break;
        }
        case sim::Protocol::Pop3: {
            pop3::SessionOptions options;
            options.reveal_secrets = m_options.reveal_secrets;
            m_engine.emplace(std::in_place_type<pop3::Pop3Session>, *m_trace, options);
            break;
        }
        case sim::Protocol::Smtp: {
            smtp::SessionOptions options;
            options.reveal_secrets = m_options.reveal_secrets;
            m_engine.emplace(std::in_place_type<smtp::SmtpSession>, *m_trace, options);
            break;
        }
    }
    for (auto& chunk : std::exchange(m_waiting, {}))
        feed(chunk);
}

void SessionDecoder::feed(const sim::TranscriptChunk& chunk) {
    if (m_encrypted_after) return;
    const auto d = sim::direction_index(chunk.dir);
    m_chunks.add(chunk.dir, m_offsets[d], chunk.line);
    m_offsets[d] += chunk.bytes.size();
    std::visit([&](auto& engine) { engine.feed(chunk.dir, chunk.bytes); }, *m_engine);
    for (auto dir : {sim::Direction::ClientToServer, sim::Direction::ServerToClient}) {
        m_chunks.forget_before(dir, m_covered[sim::direction_index(dir)]);
    }
    if (m_encrypted_after) {
        // Octets after the reply, in its chunk, are already TLS: they count
        // as neither decoded nor cut.
        m_offsets[0] = m_covered[0];
        m_offsets[1] = m_covered[1];
        const auto said = sim::say(sim::Phrase::CliCaptureEncryptedFromHere, *m_encrypted_after);
        m_noting = true;
        std::visit([&](auto& engine) { engine.note(sim::Direction::ServerToClient, said, 0); },
                   *m_engine);
        m_noting = false;
    }
}

void SessionDecoder::watch_for_tls(const sim::TraceEvent& event) {
    if (asks_for_tls(event)) {
        m_tls_command = event.seq;
    } else if (m_tls_command && event.dir == sim::Direction::ServerToClient &&
               event.link_seq == m_tls_command && event.kind != sim::EventKind::Violation &&
               event.kind != sim::EventKind::StateTransition) {
        if (sim::reply_class(event.status) == sim::ReplyClass::Success) {
            m_encrypted_after = m_trace->protocol() == sim::Protocol::Pop3 ? "STLS" : "STARTTLS";
        }
        m_tls_command.reset();
    }
}

void SessionDecoder::print(const sim::TraceEvent& event) {
    // What the engine made of octets after the server's yes to TLS, in the
    // same chunk, is noise; its own notes ("TLS negotiation starts") are not.
    if (m_encrypted_after && !m_noting && event.kind != sim::EventKind::Note) return;
    if (m_source.stops_at_tls) watch_for_tls(event);
    ++m_events;
    if (m_whole) m_whole->append(event);
    if (m_options.json) {
        *m_source.out << sim::event_to_json(event) << '\n';
    } else {
        *m_source.out << sim::format_event(*m_trace, event, m_format);
    }
    if (is_syntax_failure(event) && m_status == 0) {
        *m_source.errors << fmt::format("{}: {}\n",
                                        m_source.where(m_chunks.find(event.dir, event.wire.offset)),
                                        sim::rule_text(*event.violation, m_options.language));
        m_status = 1;
    }
    if (event.kind != sim::EventKind::Violation && event.wire.size > 0) {
        auto& covered = m_covered[sim::direction_index(event.dir)];
        covered = std::max(covered, event.wire.offset + event.wire.size);
    }
}

}  // namespace mailscope::app
