#include "app/decode_capture.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <set>

#include "app/session_decoder.hpp"
#include "net/capture_file.hpp"
#include "net/tcp_reassembly.hpp"
#include "sim/core/ascii.hpp"
#include "sim/core/catalogue.hpp"

namespace mailscope::app {

namespace {

struct MailPort {
    std::uint16_t port;
    sim::Protocol protocol;
    bool implicit_tls;
};

constexpr MailPort kMailPorts[] = {
    {143, sim::Protocol::Imap, false}, {993, sim::Protocol::Imap, true},
    {110, sim::Protocol::Pop3, false}, {995, sim::Protocol::Pop3, true},
    {25, sim::Protocol::Smtp, false},  {465, sim::Protocol::Smtp, true},
    {587, sim::Protocol::Smtp, false},
};

// A port given with --port is the user's: its protocol is told by the
// greeting (or --protocol), even when it is a mail port.
const MailPort* mail_port(const DecodeOptions& options, std::uint16_t port) {
    if (std::find(options.ports.begin(), options.ports.end(), port) != options.ports.end())
        return nullptr;
    const auto* found = std::find_if(std::begin(kMailPorts), std::end(kMailPorts),
                                     [&](const MailPort& known) { return known.port == port; });
    return found == std::end(kMailPorts) ? nullptr : found;
}

bool is_implicit_tls(const DecodeOptions& options, const transport::TcpConversation& conversation) {
    const auto* known = mail_port(options, conversation.server.port);
    return known && known->implicit_tls;
}

std::string upper_name(sim::Protocol protocol) {
    std::string name(sim::protocol_name(protocol));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return static_cast<char>(ascii::to_upper(c)); });
    return name;
}

struct DecodedSession {
    std::optional<sim::Protocol> protocol;
    std::size_t events = 0;
    std::optional<std::string> encrypted_after;
    int status = 0;
    std::unique_ptr<sim::SessionTrace> trace;  // when asked to keep it
};

class CaptureDecode {
  public:
    explicit CaptureDecode(const DecodeOptions& options) : m_options(options) {}

    int run() {
        if (const auto failed = read()) return *failed;
        const auto& sessions = m_reassembler->conversations();
        if (m_options.session) {
            if (*m_options.session < 1 || *m_options.session > sessions.size()) {
                complain(sim::say(sim::Phrase::CliCaptureNoSuchSession, *m_options.session,
                                  sessions.size()));
                return 1;
            }
            return decode(sessions[*m_options.session - 1], std::cout, std::cerr).status;
        }
        const bool one_session_only =
            m_options.json || !m_options.html.empty() || !m_options.mermaid.empty();
        if (one_session_only) {
            if (sessions.size() > 1) {
                complain(sim::say(sim::Phrase::CliCaptureOneSession, sessions.size()));
                return 1;
            }
            return decode(sessions.front(), std::cout, std::cerr).status;
        }
        return list_and_decode(sessions);
    }

    // The sessions that decode to events, each as the window shows it, or
    // the sentence saying why there is none.
    std::variant<std::vector<CapturedSession>, std::string> sessions_for_window() {
        if (read()) return m_complaints;
        std::vector<CapturedSession> out;
        std::ostream discard(nullptr);
        const auto& sessions = m_reassembler->conversations();
        for (std::size_t i = 0; i < sessions.size(); ++i) {
            if (is_implicit_tls(m_options, sessions[i])) continue;
            auto decoded = decode(sessions[i], discard, discard, true);
            if (!decoded.trace || decoded.events == 0) continue;
            out.push_back({text(sim::say(sim::Phrase::CliCaptureSessionLine, i + 1,
                                         transport::to_string(sessions[i].client),
                                         transport::to_string(sessions[i].server),
                                         protocol_text(sessions[i], decoded), decoded.events,
                                         state_text(sessions[i], decoded))),
                           std::move(decoded.trace)});
        }
        if (out.empty())
            return text(sim::say(sim::Phrase::CliCaptureNothingToShow, m_options.file));
        return out;
    }

  private:
    // Reads the capture into the reassembler; the exit status when there is
    // nothing to decode (the reasons are said).
    std::optional<int> read() {
        transport::ReassemblyOptions reassembly;
        for (const auto& known : kMailPorts)
            reassembly.server_ports.insert(known.port);
        reassembly.server_ports.insert(m_options.ports.begin(), m_options.ports.end());
        m_reassembler.emplace(reassembly);
        const auto read = transport::read_capture(
            m_options.file, [&](const transport::TcpSegment& segment, std::uint64_t packet) {
                m_reassembler->add(segment, packet);
            });
        if (read.unsupported_link) {
            complain(
                sim::say(sim::Phrase::CliCaptureLinkType, m_options.file, *read.unsupported_link));
            return 2;
        }
        if (!read.error.empty()) {
            if (read.packets == 0) {
                complain(sim::say(sim::Phrase::CliCaptureUnreadable, m_options.file, read.error));
                return 2;
            }
            complain(sim::say(sim::Phrase::CliCaptureEndsEarly, m_options.file, read.error));
        }
        m_reassembler->finish();
        if (m_reassembler->conversations().empty()) {
            std::string ports;
            for (auto port : reassembly.server_ports)
                ports += fmt::format("{}{}", ports.empty() ? "" : ", ", port);
            complain(sim::say(sim::Phrase::CliCaptureNoSessions, m_options.file, ports));
            return 1;
        }
        return std::nullopt;
    }

    int list_and_decode(const std::vector<transport::TcpConversation>& sessions) {
        // A first, silent decode counts each session's events for the list.
        std::ostream discard(nullptr);
        std::vector<DecodedSession> counted;
        for (const auto& session : sessions)
            counted.push_back(decode(session, discard, discard));
        std::cout << text(
                         sim::say(sim::Phrase::CliCaptureSessions, m_options.file, sessions.size()))
                  << "\n";
        for (std::size_t i = 0; i < sessions.size(); ++i) {
            std::cout << "  "
                      << text(sim::say(sim::Phrase::CliCaptureSessionLine, i + 1,
                                       transport::to_string(sessions[i].client),
                                       transport::to_string(sessions[i].server),
                                       protocol_text(sessions[i], counted[i]), counted[i].events,
                                       state_text(sessions[i], counted[i])))
                      << "\n";
        }
        int status = 0;
        for (std::size_t i = 0; i < sessions.size(); ++i) {
            std::cout << "\n"
                      << text(sim::say(sim::Phrase::CliCaptureSessionHeader, i + 1,
                                       transport::to_string(sessions[i].client),
                                       transport::to_string(sessions[i].server),
                                       protocol_text(sessions[i], counted[i])))
                      << "\n";
            status = std::max(status, decode(sessions[i], std::cout, std::cerr).status);
        }
        return status;
    }

    DecodedSession decode(const transport::TcpConversation& session, std::ostream& out,
                          std::ostream& errors, bool keep_trace = false) {
        DecodedSession decoded;
        // Notes about the stream go with the events, unless those are JSON Lines.
        auto& notes = m_options.json ? errors : out;
        if (is_implicit_tls(m_options, session)) {
            decoded.protocol = mail_port(m_options, session.server.port)->protocol;
            notes << text(sim::say(sim::Phrase::CliCaptureImplicitTls, session.server.port))
                  << "\n";
            return decoded;
        }
        // A mail port says what its sessions speak, whatever --protocol says
        // for the others: an engine of the wrong protocol would not know
        // which lines carry credentials, and would print them.
        auto options = m_options;
        if (const auto* known = mail_port(m_options, session.server.port))
            options.protocol = known->protocol;
        DecodeSource source;
        source.out = &out;
        source.errors = &errors;
        source.where = [this](std::size_t packet) {
            return text(sim::say(sim::Phrase::CliCapturePacket, m_options.file, packet));
        };
        source.cut_phrase = sim::Phrase::CliCaptureCut;
        source.cut_is_error = false;
        source.stops_at_tls = true;
        source.keeps_trace = keep_trace;
        SessionDecoder decoder(options, std::move(source));
        for (const auto& chunk : session.chunks)
            decoder.add(sim::TranscriptChunk{chunk.dir, chunk.bytes, chunk.packet});
        decoded.status = decoder.finish();
        decoded.protocol = decoder.protocol();
        decoded.events = decoder.events();
        decoded.encrypted_after = decoder.encrypted_after();
        decoded.trace = decoder.take_trace();
        if (session.gap && !decoded.encrypted_after) {
            notes << text(sim::say(sim::Phrase::CliCaptureGap, session.gap->missing,
                                   session.gap->dir == sim::Direction::ClientToServer
                                       ? sim::Phrase::TheClient
                                       : sim::Phrase::TheServer,
                                   session.gap->offset, session.gap->dropped))
                  << "\n";
        }
        return decoded;
    }

    std::string protocol_text(const transport::TcpConversation& session,
                              const DecodedSession& decoded) const {
        if (!decoded.protocol) return "?";
        return upper_name(*decoded.protocol) + (is_implicit_tls(m_options, session) ? "S" : "");
    }

    std::string state_text(const transport::TcpConversation& session,
                           const DecodedSession& decoded) const {
        std::vector<sim::Said> parts;
        parts.push_back(sim::say(session.complete() ? sim::Phrase::CliCaptureComplete
                                                    : sim::Phrase::CliCaptureIncomplete));
        if (!session.saw_syn) parts.push_back(sim::say(sim::Phrase::CliCaptureNoStart));
        if (session.reset) {
            parts.push_back(sim::say(sim::Phrase::CliCaptureReset));
        } else if (!session.closed) {
            parts.push_back(sim::say(sim::Phrase::CliCaptureNoEnd));
        }
        if (session.gap) parts.push_back(sim::say(sim::Phrase::CliCaptureOctetsMissing));
        if (is_implicit_tls(m_options, session)) {
            parts.push_back(sim::say(sim::Phrase::CliCaptureEncryptedAll));
        } else if (decoded.encrypted_after) {
            parts.push_back(
                sim::say(sim::Phrase::CliCaptureEncryptedAfter, *decoded.encrypted_after));
        }
        std::string joined;
        for (const auto& part : parts)
            joined += (joined.empty() ? "" : ", ") + text(part);
        return joined;
    }

    std::string text(const sim::Said& said) const { return sim::render(said, m_options.language); }

    // Said on stderr, and kept for the window, which has no terminal to say it on.
    void complain(const sim::Said& said) {
        std::cerr << text(said) << "\n";
        m_complaints += (m_complaints.empty() ? "" : " ") + text(said);
    }

    const DecodeOptions& m_options;
    std::optional<transport::TcpReassembler> m_reassembler;
    std::string m_complaints;
};

}  // namespace

int run_decode_capture(const DecodeOptions& options) {
    return CaptureDecode(options).run();
}

std::variant<std::vector<CapturedSession>, std::string> capture_sessions(
    const DecodeOptions& options) {
    return CaptureDecode(options).sessions_for_window();
}

}  // namespace mailscope::app
