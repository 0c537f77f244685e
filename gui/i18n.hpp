// Every string the GUI shows, in English and Russian. Panels ask for a Text
// id in the language chosen at runtime; nothing user-visible is hard-coded
// in a panel.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mailscope::gui {

enum class Language : std::uint8_t { En, Ru };

enum class Text : std::uint16_t {
    AppTitle,
    MenuView,
    MenuLanguage,
    MenuLargeText,
    LanguageEnglish,
    LanguageRussian,
    WindowStateDiagram,
    WindowExchanges,
    WindowTimeline,
    WindowMailbox,
    WindowLesson,
    CurrentState,
    LastTransition,
    NoTransitionYet,
    DiagramImapOnly,
    TabSequence,
    TabLog,
    Client,
    Server,
    ShowInternal,
    ColumnSeq,
    ColumnDirection,
    ColumnKind,
    ColumnMessage,
    ColumnSection,
    LiteralOctets,
    LiteralNonSynchronizing,
    LiteralTruncated,
    ClickToExpand,
    AnswersCommand,
    CompletedBy,
    Outstanding,
    NoEvents,
    Redacted,
    KindCommand,
    KindUntagged,
    KindTaggedOk,
    KindTaggedNo,
    KindTaggedBad,
    KindContinuation,
    KindBye,
    KindViolation,
    KindLiteral,
    KindTransition,
    KindFlags,
    KindRenumbering,
    KindNote,
    Play,
    Pause,
    Live,
    Speed,
    EventOf,
    ColumnUid,
    ColumnFlags,
    ColumnSize,
    ColumnSubject,
    NoMailbox,
    MessageCount,
    RecentCount,
    Expunged,
    RowsNotListed,
    NoLesson,
    StepOf,
    Previous,
    Next,
    Hint,
    Correct,
    Incorrect,
    Count,
};

// The text in `language`. Never null, never empty. Some entries are fmt
// format strings (documented in i18n.cpp next to the entry).
const char* tr(Language language, Text id);

std::string_view language_code(Language language);                  // "en", "ru"
std::optional<Language> language_from_code(std::string_view code);  // "en"/"ru", else nullopt

}  // namespace mailscope::gui
