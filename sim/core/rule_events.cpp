#include "sim/core/rule_events.hpp"

#include <array>
#include <utility>

namespace mailscope::sim {

TraceEvent violation_event(Direction dir, Said rule, std::string section, bool fatal,
                           ByteSpan wire) {
    TraceEvent event;
    event.dir = dir;
    event.kind = EventKind::Violation;
    event.name = "VIOLATION";
    event.wire = wire;
    event.said = say(
        dir == Direction::ClientToServer ? Phrase::ClientBrokeRule : Phrase::ServerBrokeRule, rule);
    event.summary = render(*event.said, Language::En);
    event.section = section;
    event.violation =
        RuleBreak{render(rule, Language::En), std::move(section), fatal, std::move(rule)};
    return event;
}

TraceEvent transition_event(Direction dir, StateChange change, std::string_view section) {
    TraceEvent event;
    event.dir = dir;
    event.kind = EventKind::StateTransition;
    event.name = "STATE";
    event.section = std::string(section);
    change.cause = render(change.said, Language::En);
    event.said = change.number ? say(Phrase::NumberedTransition, state_phrase(change.from),
                                     state_phrase(change.to), change.number, change.said)
                               : say(Phrase::UnnumberedTransition, state_phrase(change.from),
                                     state_phrase(change.to), change.said);
    event.summary = render(*event.said, Language::En);
    event.transition = std::move(change);
    return event;
}

Phrase legend_phrase(std::string_view legend) {
    static constexpr std::array legends{
        Phrase::LegendImapOkGreeting, Phrase::LegendImapPreauth,     Phrase::LegendImapRejected,
        Phrase::LegendImapLogin,      Phrase::LegendImapSelect,      Phrase::LegendImapClose,
        Phrase::LegendImapLogout,     Phrase::LegendBothClose,       Phrase::LegendPop3Greeting,
        Phrase::LegendPop3Login,      Phrase::LegendPop3Quit,        Phrase::LegendPop3QuitEarly,
        Phrase::LegendPop3Lost,       Phrase::LegendPop3Refused,     Phrase::LegendPop3Closed,
        Phrase::LegendSmtpGreeting,   Phrase::LegendSmtpNoService,   Phrase::LegendSmtpEhlo,
        Phrase::LegendSmtpEhloAgain,  Phrase::LegendSmtpMail,        Phrase::LegendSmtpRcpt,
        Phrase::LegendSmtpRcptAgain,  Phrase::LegendSmtpData,        Phrase::LegendSmtpDataNoRcpt,
        Phrase::LegendSmtpEndOfData,  Phrase::LegendSmtpAborted,     Phrase::LegendSmtpStarttls,
        Phrase::LegendSmtpQuit,       Phrase::LegendSmtpLostMidData, Phrase::LegendSmtpClosed};
    for (const Phrase phrase : legends) {
        if (phrase_format(phrase, Language::En) == legend) return phrase;
    }
    return Phrase::Verbatim;
}

Phrase state_phrase(StateId state) {
    static constexpr std::array imap_states{
        Phrase::ImapStateConnecting,    Phrase::ImapStateNotAuthenticated,
        Phrase::ImapStateAuthenticated, Phrase::ImapStateSelected,
        Phrase::ImapStateLogout,        Phrase::ImapStateClosed};
    static constexpr std::array pop3_states{
        Phrase::Pop3StateConnecting, Phrase::Pop3StateAuthorization, Phrase::Pop3StateTransaction,
        Phrase::Pop3StateUpdate, Phrase::Pop3StateClosed};
    static constexpr std::array smtp_states{Phrase::SmtpStateConnecting, Phrase::SmtpStateReady,
                                            Phrase::SmtpStateGreeted,    Phrase::SmtpStateMail,
                                            Phrase::SmtpStateRcpt,       Phrase::SmtpStateData,
                                            Phrase::SmtpStateQuit,       Phrase::SmtpStateClosed};
    static_assert(imap_states.size() == imap::all_states.size());
    static_assert(pop3_states.size() == pop3::all_states.size());
    static_assert(smtp_states.size() == smtp::all_states.size());
    const auto pick = [&](const auto& table) {
        return state.index() < table.size() ? table[state.index()] : Phrase::Verbatim;
    };
    switch (state.protocol()) {
        case Protocol::Pop3:
            return pick(pop3_states);
        case Protocol::Smtp:
            return pick(smtp_states);
        case Protocol::Imap:
            break;
    }
    return pick(imap_states);
}

}  // namespace mailscope::sim
