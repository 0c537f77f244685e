#include "gui/i18n.hpp"

#include <array>
#include <cstddef>

namespace mailscope::gui {

namespace {

struct Entry {
    Text id;
    const char* en;
    const char* ru;
};

constexpr std::size_t count = static_cast<std::size_t>(Text::Count);

// Entries marked {} are fmt format strings; the argument order is the same in both languages.
constexpr std::array<Entry, count> entries{{
    {Text::AppTitle, "mailscope: IMAP, POP3 and SMTP up close",
     "mailscope: IMAP, POP3 и SMTP вблизи"},
    {Text::MenuView, "View", "Вид"},
    {Text::MenuLanguage, "Language", "Язык"},
    {Text::MenuLargeText, "Large text (projector)", "Крупный текст (проектор)"},
    {Text::LanguageEnglish, "English", "English"},
    {Text::LanguageRussian, "Русский", "Русский"},
    {Text::WindowStateDiagram, "State diagram", "Диаграмма состояний"},
    {Text::WindowExchanges, "Exchanges", "Обмен сообщениями"},
    {Text::WindowTimeline, "Timeline", "Шкала времени"},
    {Text::WindowMailbox, "Mailbox", "Почтовый ящик"},
    {Text::WindowLesson, "Lesson", "Урок"},
    {Text::CurrentState, "Current state: {}", "Текущее состояние: {}"},
    {Text::LastTransition, "Last transition ({}): {} \u2192 {}",
     "Последний переход ({}): {} \u2192 {}"},
    {Text::NoTransitionYet, "No transition yet: waiting for the server greeting.",
     "Переходов ещё не было: ждём приветствия сервера."},
    {Text::TabSequence, "Sequence diagram", "Диаграмма последовательности"},
    {Text::TabLog, "Log", "Журнал"},
    {Text::Client, "Client", "Клиент"},
    {Text::Server, "Server", "Сервер"},
    {Text::ShowInternal, "Show engine events", "Показывать события движка"},
    {Text::ColumnSeq, "#", "№"},
    {Text::ColumnDirection, "Dir", "Напр."},
    {Text::ColumnKind, "Kind", "Вид"},
    {Text::ColumnMessage, "Message", "Сообщение"},
    {Text::ColumnSection, "RFC", "RFC"},
    {Text::LiteralOctets, "literal: {} octets", "литерал: октетов {}"},
    {Text::LiteralNonSynchronizing, "non-synchronizing (RFC 7888)",
     "несинхронизирующий (RFC 7888)"},
    {Text::LiteralTruncated, "only the first octets are kept", "сохранено только начало"},
    {Text::WaitsForContinuation, "waits for \"+\"", "ждёт «+»"},
    {Text::CommandLineEnd, "\u21B5 the line end that completes the command",
     "\u21B5 конец строки, завершающий команду"},
    {Text::ClickToExpand, "Click to show or hide the content.",
     "Щёлкните, чтобы показать или скрыть содержимое."},
    {Text::AnswersCommand, "Answers command #{}", "Ответ на команду №{}"},
    {Text::AnswersAmbiguous, "Answers one of several commands in flight; nothing tells which",
     "Ответ на одну из нескольких выполняемых команд; какую именно, не видно"},
    {Text::CompletedBy, "Completed by #{}", "Завершена ответом №{}"},
    {Text::Outstanding, "Outstanding: no completion yet", "Выполняется: завершения ещё нет"},
    {Text::NoEvents, "Nothing has been exchanged yet.", "Обмена ещё не было."},
    {Text::Redacted, "a secret was masked", "секрет скрыт"},
    {Text::KindCommand, "command", "команда"},
    {Text::KindUntagged, "untagged", "непомеченный"},
    {Text::KindTaggedOk, "tagged OK", "помеченный OK"},
    {Text::KindTaggedNo, "tagged NO", "помеченный NO"},
    {Text::KindTaggedBad, "tagged BAD", "помеченный BAD"},
    {Text::KindContinuation, "continuation", "продолжение"},
    {Text::KindBye, "BYE", "BYE"},
    {Text::KindViolation, "violation", "нарушение"},
    {Text::KindLiteral, "literal", "литерал"},
    {Text::KindTransition, "transition", "переход"},
    {Text::KindFlags, "flags", "флаги"},
    {Text::KindRenumbering, "renumbering", "перенумерация"},
    {Text::KindNote, "note", "заметка"},
    {Text::KindGreeting, "greeting", "приветствие"},
    {Text::KindPop3Ok, "+OK", "+OK"},
    {Text::KindPop3Err, "-ERR", "-ERR"},
    {Text::KindSmtp2xx, "2xx done", "2xx выполнено"},
    {Text::KindSmtp3xx, "3xx go on", "3xx продолжайте"},
    {Text::KindSmtp4xx, "4xx try later", "4xx позже"},
    {Text::KindSmtp5xx, "5xx refused", "5xx отказ"},
    {Text::KindRefused, "refused", "отказ"},
    {Text::KindMessage, "message", "сообщение"},
    {Text::MessageOctets, "message: {} octets", "сообщение: октетов {}"},
    {Text::Play, "Play", "Пуск"},
    {Text::Pause, "Pause", "Пауза"},
    {Text::Live, "Live", "Вживую"},
    {Text::Speed, "events/s", "событий/с"},
    {Text::EventOf, "event {} of {}", "событие {} из {}"},
    {Text::ColumnUid, "UID", "UID"},
    {Text::ColumnFlags, "Flags", "Флаги"},
    {Text::ColumnSize, "Size", "Размер"},
    {Text::ColumnSubject, "Subject", "Тема"},
    {Text::ColumnModSeq, "MODSEQ", "MODSEQ"},
    {Text::NoMailbox, "No mailbox is selected.", "Почтовый ящик не выбран."},
    {Text::MessageCount, "{}: {} messages", "{}: сообщений {}"},
    {Text::RecentCount, "recent: {}", "новых (\\Recent): {}"},
    {Text::Expunged, "Message {} was expunged: every number above it moves down by one.",
     "Сообщение {} удалено: все номера выше него уменьшаются на единицу."},
    {Text::RowsNotListed, "{} more messages are not listed.", "Ещё сообщений не показано: {}."},
    {Text::NoLesson, "No lesson is running. Pick one from the lesson list.",
     "Урок не запущен. Выберите урок из списка."},
    {Text::StepOf, "Step {} of {}", "Шаг {} из {}"},
    {Text::Previous, "Back", "Назад"},
    {Text::Next, "Next", "Далее"},
    {Text::Hint, "Hint", "Подсказка"},
    {Text::Correct, "Correct.", "Верно."},
    {Text::Incorrect, "Not quite.", "Не совсем."},
    {Text::Unanswered, "Not answered.", "Без ответа."},
    {Text::Score, "Score: {} of {}", "Счёт: {} из {}"},
    {Text::SecondsPerStep, "s per step", "с на шаг"},
    {Text::GoToStep, "Go to step", "Перейти к шагу"},
    {Text::LessonOver, "The lesson is over. Step back or jump to any step to look again.",
     "Урок окончен. Вернитесь назад или перейдите к любому шагу, чтобы посмотреть ещё раз."},
    {Text::LessonStart, "Press Next to run the first step.",
     "Нажмите «Далее», чтобы выполнить первый шаг."},
    {Text::StepJustRan, "Step {} ran:", "Выполнен шаг {}:"},
    {Text::ChecksHeld, "Every check of this step held.", "Все проверки шага выполнены."},
    {Text::ChecksFailed, "A check failed:", "Проверка не прошла:"},
    {Text::Question, "Question (answered before the step runs)",
     "Вопрос (ответьте до выполнения шага)"},
    {Text::AnswerLater, "The answer is revealed when the step runs.",
     "Ответ откроется после выполнения шага."},
    {Text::AnswerWas, "The answer:", "Ответ:"},
    {Text::YourAnswer, "Your answer", "Ваш ответ"},
    {Text::SubmitAnswer, "Answer", "Ответить"},
    {Text::ClientShown, "Client shown:", "Показан клиент:"},
    {Text::MenuFile, "File", "Файл"},
    {Text::ExportText, "Transcript as text (C:/S:)", "Протокол текстом (C:/S:)"},
    {Text::ExportJsonl, "Transcript as JSON Lines", "Протокол в JSON Lines"},
    {Text::ExportSvg, "Sequence diagram (SVG)", "Диаграмма последовательности (SVG)"},
    {Text::ExportPng, "Window as PNG", "Окно в PNG"},
    {Text::ExportSequencePng, "Sequence diagram (PNG)", "Диаграмма последовательности (PNG)"},
    {Text::Saved, "Saved {}", "Сохранено: {}"},
    {Text::SaveFailed, "Could not write {}: {}", "Не удалось записать {}: {}"},
    {Text::Quit, "Quit", "Выход"},
    {Text::WindowComposer, "Free play", "Свободная игра"},
    {Text::ComposerHelp,
     "Type a command without its tag; the tag and the literal sizes are added for you.",
     "Введите команду без тега: тег и размеры литералов добавятся сами."},
    {Text::ComposerHelpLine, "Type a command line; it is sent as typed, with CRLF at its end.",
     "Введите строку команды: она уйдёт как набрана, с CRLF в конце."},
    {Text::Send, "Send", "Отправить"},
    {Text::ValidNow, "Valid in {}:", "Допустимо в состоянии {}:"},
    {Text::ComposerLiteral, "Literal text, one per {} in the command (a line --- separates them)",
     "Текст литерала, по одному на каждый {} в команде (разделитель: строка ---)"},
    {Text::ComposerStarted,
     "Free play runs on a fresh copy of the classroom mail; the lesson is left as it is.",
     "Свободная игра идёт на свежей копии учебной почты; урок не меняется."},
    {Text::Folders, "Folders", "Папки"},
    {Text::UidValidity, "UIDVALIDITY {}", "UIDVALIDITY {}"},
    {Text::UidNext, "UIDNEXT {}", "UIDNEXT {}"},
    {Text::SearchResults, "ESEARCH found: {}", "ESEARCH нашёл: {}"},
    {Text::FollowsImap4rev1, "IMAP4rev1 (RFC 3501)", "IMAP4rev1 (RFC 3501)"},
    {Text::FollowsImap4rev2, "IMAP4rev2 (RFC 9051)", "IMAP4rev2 (RFC 9051)"},
    {Text::HighestModSeq, "HIGHESTMODSEQ {}", "HIGHESTMODSEQ {}"},
    {Text::Raw, "As sent", "Как передано"},
    {Text::Decoded, "Decoded", "Расшифровано"},
    {Text::Hidden, "hidden", "скрыто"},
    {Text::ShowDecoded, "Show decoded", "Показать расшифровку"},
    {Text::Transition, "Transition {}: {}", "Переход {}: {}"},
    {Text::MenuSession, "Session", "Сеанс"},
    {Text::SessionFreePlayNotOn, "Choose free play in the Session menu to type commands.",
     "Выберите свободную игру в меню «Сеанс», чтобы вводить команды."},
    {Text::LiteralSizes, "Literal sizes in octets: {}", "Размеры литералов в октетах: {}"},
    {Text::LabListening, "Lab: the mock servers listen on {}; each connection is listed above.",
     "Лаборатория: учебные серверы слушают {}; каждое подключение есть в списке выше."},
    {Text::MenuConnect, "Connect to a server…", "Подключиться к серверу…"},
    {Text::MenuDisconnect, "Disconnect (LOGOUT or QUIT)", "Отключиться (LOGOUT или QUIT)"},
    {Text::ConnectTitle, "Connect to a mail server", "Подключение к почтовому серверу"},
    {Text::ConnectProtocol, "Protocol", "Протокол"},
    {Text::ConnectHost, "Host", "Сервер"},
    {Text::ConnectPort, "Port (0: the protocol's usual one)", "Порт (0: обычный для протокола)"},
    {Text::ConnectMode, "Protection", "Защита"},
    {Text::ModePlain, "None: plain text", "Нет: открытый текст"},
    {Text::ModeStartTls, "STARTTLS (STLS in POP3) before logging in",
     "STARTTLS (в POP3 — STLS) перед входом"},
    {Text::ModeImplicitTls, "TLS from the first octet (IMAPS, POP3S, SMTPS)",
     "TLS с первого октета (IMAPS, POP3S, SMTPS)"},
    {Text::ConnectUser, "User (empty: log in by hand)", "Пользователь (пусто: войти вручную)"},
    {Text::ConnectPassword, "Password", "Пароль"},
    {Text::ConnectCaFile, "CA file (empty: the system's)", "Файл УЦ (пусто: системные)"},
    {Text::ConnectInsecure, "Do not verify the certificate (insecure)",
     "Не проверять сертификат (небезопасно)"},
    {Text::ConnectInsecureWarning,
     "INSECURE TLS: the server's certificate is NOT verified; anyone on the path can read and "
     "change this session.",
     "НЕБЕЗОПАСНЫЙ TLS: сертификат сервера НЕ проверяется; любой на пути может читать и менять "
     "этот сеанс."},
    {Text::ConnectButton, "Connect", "Подключиться"},
    {Text::InsecureBadge, "INSECURE TLS", "НЕБЕЗОПАСНЫЙ TLS"},
}};

constexpr bool entries_in_order() {
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (static_cast<std::size_t>(entries[i].id) != i) return false;
    }
    return true;
}
static_assert(entries_in_order(), "i18n entries must follow the order of enum Text");

}  // namespace

const char* tr(Language language, Text id) {
    const auto index = static_cast<std::size_t>(id);
    if (index >= count) return "?";
    return language == Language::Ru ? entries[index].ru : entries[index].en;
}

std::string_view language_code(Language language) {
    return language == Language::Ru ? "ru" : "en";
}

std::optional<Language> language_from_code(std::string_view code) {
    if (code == "en") return Language::En;
    if (code == "ru") return Language::Ru;
    return std::nullopt;
}

}  // namespace mailscope::gui
