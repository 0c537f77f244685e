#include "sim/core/event_text.hpp"

#include "sim/core/rule_events.hpp"

namespace mailscope::sim {

std::string kind_label(EventKind kind, Language language) {
    Phrase phrase = Phrase::KindNote;
    switch (kind) {
        case EventKind::Command:
            phrase = Phrase::KindCommand;
            break;
        case EventKind::Untagged:
            phrase = Phrase::KindUntagged;
            break;
        case EventKind::Tagged:
            phrase = Phrase::KindTagged;
            break;
        case EventKind::Continuation:
            phrase = Phrase::KindContinuation;
            break;
        case EventKind::Literal:
            phrase = Phrase::KindLiteral;
            break;
        case EventKind::StateTransition:
            phrase = Phrase::KindTransition;
            break;
        case EventKind::FlagChange:
            phrase = Phrase::KindFlags;
            break;
        case EventKind::Renumbering:
            phrase = Phrase::KindRenumbering;
            break;
        case EventKind::Violation:
            phrase = Phrase::KindViolation;
            break;
        case EventKind::Note:
            break;
    }
    return render(say(phrase), language);
}

std::string state_label(StateId state, Language language) {
    const Phrase phrase = state_phrase(state);
    return phrase == Phrase::Verbatim ? std::string(state.name()) : render(say(phrase), language);
}

// The English of a phrase is rendered once, when the event is made
// (summary, rule, cause): views drawing every frame take it as it is.
std::string event_summary(const TraceEvent& event, Language language) {
    return event.said && language != Language::En ? render(*event.said, language) : event.summary;
}

std::string legend_text(std::string_view legend, Language language) {
    const Phrase phrase = legend_phrase(legend);
    return phrase == Phrase::Verbatim ? std::string(legend) : render(say(phrase), language);
}

std::string rule_text(const RuleBreak& rule, Language language) {
    const bool unsaid = rule.said.phrase == Phrase::Verbatim && rule.said.text.empty();
    return unsaid || language == Language::En ? rule.rule : render(rule.said, language);
}

std::string cause_text(const StateChange& change, Language language) {
    const bool unsaid = change.said.phrase == Phrase::Verbatim && change.said.text.empty();
    return unsaid || language == Language::En ? change.cause : render(change.said, language);
}

}  // namespace mailscope::sim
