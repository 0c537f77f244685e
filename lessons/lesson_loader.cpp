#include "lessons/lesson_loader.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <initializer_list>
#include <map>
#include <regex>
#include <set>

#include "lessons/pattern.hpp"
#include "lessons/text_functions.hpp"
#include "server_mock/fault_injection.hpp"
#include "server_mock/fixture.hpp"
#include "server_mock/mail_store.hpp"
#include "server_mock/yaml_fields.hpp"
#include "server_mock/yaml_syntax.hpp"
#include "sim/core/ascii.hpp"
#include "sim/text/charset.hpp"

namespace mailscope::lessons {

namespace fs = std::filesystem;

namespace {

struct LessonProblem {
    LoadError error;
};

// The IMAP keywords of the IANA registry (RFC 5788 3.1), without their "$".
bool is_registered_keyword(std::string_view name) {
    constexpr std::string_view kKeywords[] = {"Forwarded",
                                              "MDNSent",
                                              "SubmitPending",
                                              "Submitted",
                                              "Junk",
                                              "NotJunk",
                                              "Phishing",
                                              "Important",
                                              "MailFlagBit0",
                                              "MailFlagBit1",
                                              "MailFlagBit2",
                                              "Muted",
                                              "Notify",
                                              "AutoSent",
                                              "Canned",
                                              "HasAttachment",
                                              "HasNoAttachment",
                                              "HasMemo",
                                              "SMIMEMessage",
                                              "Unsubscribed",
                                              "IsTrusted",
                                              "Memo"};
    return std::any_of(std::begin(kKeywords), std::end(kKeywords), [&](std::string_view keyword) {
        return keyword.size() == name.size() &&
               std::equal(keyword.begin(), keyword.end(), name.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) ==
                          std::tolower(static_cast<unsigned char>(b));
               });
    });
}

// Counts "{}" and "{+}" placeholders of a send_literal line.
std::size_t count_placeholders(std::string_view line) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line.substr(i).starts_with("{}") || line.substr(i).starts_with("{+}")) ++count;
    }
    return count;
}

// A fixture's error inside the lesson's sentence, in the reader's language:
// the fixture's own place (file and line) is taken apart so that the lesson's
// sentence, not the fixture's, ends it.
sim::Said lesson_fixture_problem(const server::StoreError& error) {
    const auto& said = error.said;
    if (said.phrase == sim::Phrase::Verbatim && said.text.empty()) {
        std::string message = error.message;
        if (!message.empty() && message.back() == '.') message.pop_back();
        return sim::say(sim::Phrase::LessonFixtureNotLoaded, message);
    }
    if (said.args.size() == 3 && said.phrase == sim::Phrase::AtFileLine) {
        return sim::say(sim::Phrase::LessonFixtureNotLoadedAtLine, said.args[0], said.args[1],
                        said.args[2]);
    }
    if (said.args.size() == 3 && said.phrase == sim::Phrase::AtFileColonLine) {
        return sim::say(sim::Phrase::LessonFixtureNotLoadedAtColonLine, said.args[0], said.args[1],
                        said.args[2]);
    }
    if (said.args.size() == 2 && said.phrase == sim::Phrase::AtFile) {
        return sim::say(sim::Phrase::LessonFixtureNotLoadedAt, said.args[0], said.args[1]);
    }
    return sim::say(sim::Phrase::LessonFixtureNotLoaded, said);
}

class Reader : server::YamlFieldReader<Reader> {
    friend YamlFieldReader;

  public:
    Reader(std::string label, fs::path base_dir)
        : m_label(std::move(label)), m_base(std::move(base_dir)) {}

    Lesson read(const YAML::Node& root) {
        if (!root.IsMap()) fail(root, sim::say(sim::Phrase::LessonNotMapping));
        check_fields(root,
                     {"id", "protocol", "title", "summary", "fixture", "store", "server", "clients",
                      "steps"},
                     sim::Phrase::LessonWhereLesson);
        Lesson lesson;
        lesson.file = m_label;
        if (!root["id"]) fail(root, sim::say(sim::Phrase::LessonNeedsId));
        lesson.id = text(root["id"]);
        lesson.id_mark = mark(root["id"]);
        if (lesson.id.empty()) fail(root["id"], sim::say(sim::Phrase::LessonIdEmpty));
        if (root["protocol"]) lesson.protocol = protocol(root["protocol"]);
        if (!root["title"]) fail(root, sim::say(sim::Phrase::LessonNeedsTitle));
        lesson.title = local_text(root["title"], sim::Phrase::LessonWhereTitle);
        if (!root["summary"]) fail(root, sim::say(sim::Phrase::LessonNeedsSummary));
        lesson.summary = local_text(root["summary"], sim::Phrase::LessonWhereSummary);
        read_fixture(root, lesson);
        if (root["server"]) lesson.server = server_options(root["server"]);
        read_clients(root, lesson);
        if (!root["steps"] || !root["steps"].IsSequence() || root["steps"].size() == 0) {
            fail(root["steps"] ? root["steps"] : root, sim::say(sim::Phrase::LessonNeedsSteps));
        }
        for (const auto& node : root["steps"]) {
            lesson.steps.push_back(step(node, lesson, lesson.steps.size()));
        }
        check_variables(lesson);
        return lesson;
    }

  private:
    SourceMark mark(const YAML::Node& node) const {
        const auto m = node.Mark();
        if (m.line < 0) return SourceMark{m_label, 0, 0};
        return SourceMark{m_label, m.line + 1, m.column + 1};
    }

    [[noreturn]] void fail(const YAML::Node& node, sim::Said message) const {
        throw LessonProblem{LoadError{mark(node), std::move(message)}};
    }

    [[noreturn]] void fail_at(const SourceMark& at, sim::Said message) const {
        throw LessonProblem{LoadError{at, std::move(message)}};
    }

    sim::Protocol protocol(const YAML::Node& node) const {
        const auto name = text(node);
        const auto found = protocol_from_name(name);
        if (!found) {
            fail(node, sim::say(sim::Phrase::LessonBadProtocol, name));
        }
        return *found;
    }

    void must_be_true(const YAML::Node& node, std::string_view field) const {
        if (!boolean(node)) fail(node, sim::say(sim::Phrase::LessonOnlyTrue, field));
    }

    std::int64_t duration(const YAML::Node& node) const {
        const auto micros = parse_duration_micros(text(node));
        if (!micros) {
            fail(node, sim::say(sim::Phrase::LessonBadDuration, node.Scalar()));
        }
        return *micros;
    }

    LocalText local_text(const YAML::Node& node, sim::Phrase what) const {
        if (!node.IsMap()) fail(node, sim::say(sim::Phrase::LessonNeedsBothTexts, what));
        check_fields(node, {"ru", "en"}, what);
        LocalText out;
        if (!node["ru"] || text(node["ru"]).empty()) {
            fail(node, sim::say(sim::Phrase::LessonNoRussianText, what));
        }
        if (!node["en"] || text(node["en"]).empty()) {
            fail(node, sim::say(sim::Phrase::LessonNoEnglishText, what));
        }
        out.ru = text(node["ru"]);
        out.en = text(node["en"]);
        return out;
    }

    std::string read_file(const YAML::Node& at, const fs::path& file) const {
        std::error_code ec;
        const auto size = fs::file_size(file, ec);
        if (ec) fail(at, sim::say(sim::Phrase::LessonFixtureUnreadable, file.string()));
        if (size > server::kMaxFixtureFileSize) {
            fail(at, sim::say(sim::Phrase::LessonFixtureTooLarge, file.string(),
                              server::kMaxFixtureFileSize));
        }
        std::ifstream in(file, std::ios::binary);
        std::string out(size, '\0');
        if (!in.read(out.data(), static_cast<std::streamsize>(size))) {
            fail(at, sim::say(sim::Phrase::LessonFixtureUnreadable, file.string()));
        }
        return out;
    }

    void read_fixture(const YAML::Node& root, Lesson& lesson) const {
        const bool has_file = static_cast<bool>(root["fixture"]);
        const bool has_inline = static_cast<bool>(root["store"]);
        if (has_file == has_inline) {
            fail(has_file ? root["store"] : root, sim::say(sim::Phrase::LessonFixtureOrStore));
        }
        YAML::Node at;
        if (has_file) {
            at = root["fixture"];
            const fs::path path = m_base / text(at);
            lesson.fixture_text = read_file(at, path);
            lesson.fixture_label = path.lexically_normal().string();
            lesson.fixture_base = path.parent_path();
        } else {
            at = root["store"];
            expect_map(at, "store");
            lesson.fixture_text = YAML::Dump(at);
            lesson.fixture_label = fmt::format("{} (store)", to_string(mark(at)));
            lesson.fixture_base = m_base;
        }
        server::MailStore probe;
        const auto loaded = server::load_fixture_text(probe, lesson.fixture_text,
                                                      lesson.fixture_label, lesson.fixture_base);
        if (!loaded) fail(at, lesson_fixture_problem(loaded.error()));
    }

    ServerOptions server_options(const YAML::Node& node) const {
        expect_map(node, "server");
        check_fields(
            node,
            {"login_disabled", "starttls", "autologout", "greeting", "greeting_kind",
             "preauth_user", "literal_plus", "idle", "move", "anonymous", "faults", "pop3", "smtp"},
            "server");
        ServerOptions out;
        if (node["login_disabled"]) out.login_disabled = boolean(node["login_disabled"]);
        out.starttls = out.login_disabled;
        if (node["starttls"]) out.starttls = boolean(node["starttls"]);
        if (out.login_disabled && !out.starttls) {
            fail(node, sim::say(sim::Phrase::LessonLoginDisabledNeedsStarttls));
        }
        if (node["autologout"]) out.autologout_micros = duration(node["autologout"]);
        if (node["greeting"]) out.greeting = text(node["greeting"]);
        if (node["greeting_kind"]) {
            out.greeting_kind = text(node["greeting_kind"]);
            if (out.greeting_kind != "ok" && out.greeting_kind != "preauth" &&
                out.greeting_kind != "bye") {
                fail(node["greeting_kind"], sim::say(sim::Phrase::LessonBadGreetingKind));
            }
        }
        if (node["preauth_user"]) out.preauth_user = text(node["preauth_user"]);
        if (out.greeting_kind == "preauth" && out.preauth_user.empty()) {
            fail(node, sim::say(sim::Phrase::LessonPreauthNeedsUser));
        }
        if (node["literal_plus"]) out.literal_plus = boolean(node["literal_plus"]);
        if (node["idle"]) out.idle = boolean(node["idle"]);
        if (node["move"]) out.move = boolean(node["move"]);
        if (node["anonymous"]) out.anonymous = boolean(node["anonymous"]);
        if (node["faults"]) {
            if (!node["faults"].IsSequence())
                fail(node["faults"], sim::say(sim::Phrase::LessonFaultsNotList));
            for (const auto& fault : node["faults"]) {
                out.faults.push_back(text(fault));
                check_fault(fault);
            }
        }
        if (node["pop3"]) pop3_options(node["pop3"], out);
        if (node["smtp"]) smtp_options(node["smtp"], out);
        return out;
    }

    void pop3_options(const YAML::Node& node, ServerOptions& out) const {
        expect_map(node, "server: pop3");
        check_fields(node, {"greeting", "apop"}, "server: pop3");
        if (node["greeting"]) out.pop3_greeting = text(node["greeting"]);
        if (node["apop"]) out.pop3_apop = boolean(node["apop"]);
    }

    void smtp_options(const YAML::Node& node, ServerOptions& out) const {
        expect_map(node, "server: smtp");
        check_fields(node, {"hostname", "max_message_size", "max_recipients", "timeout"},
                     "server: smtp");
        if (node["hostname"]) out.smtp_hostname = text(node["hostname"]);
        if (node["max_message_size"])
            out.smtp_max_message_size = number<std::uint32_t>(node["max_message_size"]);
        if (node["max_recipients"]) {
            out.smtp_max_recipients = number<std::uint32_t>(node["max_recipients"]);
            if (*out.smtp_max_recipients == 0) {
                fail(node["max_recipients"], sim::say(sim::Phrase::LessonNoRecipients));
            }
        }
        if (node["timeout"]) out.smtp_timeout_micros = duration(node["timeout"]);
    }

    void check_fault(const YAML::Node& node) const {
        auto parsed = server::parse_fault_rule(node.Scalar());
        if (auto* problem = std::get_if<sim::Said>(&parsed)) {
            fail(node, sim::say(sim::Phrase::LessonBadFaultRule, node.Scalar(), *problem));
        }
    }

    // A client is a name, taking the lesson's protocol, or {name: M, protocol: smtp}.
    void read_clients(const YAML::Node& root, Lesson& lesson) const {
        if (!root["clients"]) {
            lesson.clients = {"A"};
            lesson.client_protocols = {lesson.protocol};
            return;
        }
        const auto& node = root["clients"];
        if (!node.IsSequence() || node.size() == 0) {
            fail(node, sim::say(sim::Phrase::LessonClientsNotList));
        }
        for (const auto& client : node) {
            std::string name;
            auto client_protocol = lesson.protocol;
            if (client.IsMap()) {
                check_fields(client, {"name", "protocol"}, sim::Phrase::LessonWhereClient);
                if (!client["name"]) fail(client, sim::say(sim::Phrase::LessonClientNeedsName));
                name = text(client["name"]);
                if (client["protocol"]) client_protocol = protocol(client["protocol"]);
            } else if (client.IsScalar()) {
                name = text(client);
            } else {
                fail(client, sim::say(sim::Phrase::LessonClientShape));
            }
            if (name.empty()) fail(client, sim::say(sim::Phrase::LessonClientNameEmpty));
            if (std::find(lesson.clients.begin(), lesson.clients.end(), name) !=
                lesson.clients.end()) {
                fail(client, sim::say(sim::Phrase::LessonClientTwice, name));
            }
            lesson.clients.push_back(std::move(name));
            lesson.client_protocols.push_back(client_protocol);
        }
    }

    Step step(const YAML::Node& node, const Lesson& lesson, std::size_t index) {
        expect_map(node, sim::say(sim::Phrase::LessonStepNumber, index + 1));
        check_fields(
            node,
            {"narration", "client", "connect", "send", "send_raw", "send_literal", "sasl", "done",
             "wait", "close", "server_event", "data", "expect", "highlight", "quiz"},
            sim::Phrase::LessonWhereStep);
        Step out;
        out.index = index;
        out.mark = mark(node);
        if (!node["narration"]) fail(node, sim::say(sim::Phrase::LessonStepNoNarration, index + 1));
        out.narration = local_text(node["narration"], sim::Phrase::LessonWhereNarration);
        use_local(out.narration, node["narration"], index);
        if (node["client"]) {
            const auto name = text(node["client"]);
            const auto found = std::find(lesson.clients.begin(), lesson.clients.end(), name);
            if (found == lesson.clients.end()) {
                std::string known;
                for (const auto& c : lesson.clients)
                    known += (known.empty() ? "" : ", ") + c;
                fail(node["client"], sim::say(sim::Phrase::LessonUnknownClient, name, known));
            }
            out.client = static_cast<std::size_t>(found - lesson.clients.begin());
        }
        const auto client_protocol = lesson.client_protocol(out.client);
        read_action(node, out, client_protocol, lesson.clients.at(out.client));
        if (node["expect"]) {
            out.expect =
                expectation(node["expect"], index, client_protocol, lesson.clients.at(out.client));
        }
        if (node["highlight"]) {
            const auto& list = node["highlight"];
            if (!list.IsSequence()) fail(list, sim::say(sim::Phrase::LessonHighlightNotList));
            for (const auto& item : list) {
                const auto h = highlight_from_name(text(item));
                if (!h) {
                    fail(item, sim::say(sim::Phrase::LessonBadHighlight, item.Scalar()));
                }
                out.highlight.push_back(*h);
            }
        }
        if (node["quiz"]) {
            out.quiz = quiz(node["quiz"]);
            const auto& asked = node["quiz"];
            use_local(out.quiz->question, asked["question"], index);
            use_local(out.quiz->explanation, asked["explanation"], index);
            for (std::size_t i = 0; i < out.quiz->choices.size(); ++i)
                use_local(out.quiz->choices[i], asked["choices"][i], index);
        }
        return out;
    }

    // Actions that only one protocol has, refused for another protocol's client.
    void check_action_protocol(const YAML::Node& at, std::string_view action,
                               sim::Protocol client_protocol, const std::string& client) const {
        std::optional<sim::Protocol> only;
        sim::Phrase why = sim::Phrase::Verbatim;
        if (action == "send_literal" || action == "done") {
            only = sim::Protocol::Imap;
            why = action == "done" ? sim::Phrase::LessonWhyDone : sim::Phrase::LessonWhyLiterals;
        } else if (action == "data") {
            only = sim::Protocol::Smtp;
            why = sim::Phrase::LessonWhyData;
        }
        if (!only || *only == client_protocol) return;
        fail(at, sim::say(sim::Phrase::LessonActionWrongProtocol, action, sim::protocol_name(*only),
                          why, client, sim::protocol_name(client_protocol)));
    }

    void read_action(const YAML::Node& node, Step& out, sim::Protocol client_protocol,
                     const std::string& client) {
        static constexpr std::string_view actions[] = {
            "connect", "send", "send_raw", "send_literal", "sasl",
            "done",    "wait", "close",    "server_event", "data"};
        const YAML::Node* chosen = nullptr;
        std::string_view chosen_name;
        for (auto name : actions) {
            if (!node[std::string(name)]) continue;
            if (chosen) {
                fail(node[std::string(name)],
                     sim::say(sim::Phrase::LessonTwoActions, chosen_name, name));
            }
            m_action_node = node[std::string(name)];
            chosen = &m_action_node;
            chosen_name = name;
        }
        if (!chosen) return;
        const YAML::Node& a = *chosen;
        const auto step = out.index;
        check_action_protocol(a, chosen_name, client_protocol, client);
        if (chosen_name == "connect") {
            must_be_true(a, "connect");
            out.action = ConnectAction{};
        } else if (chosen_name == "send") {
            SendAction send;
            if (a.IsSequence()) {
                for (const auto& line : a)
                    send.lines.push_back(command_line(line));
            } else {
                send.lines.push_back(command_line(a));
            }
            if (send.lines.empty()) fail(a, sim::say(sim::Phrase::LessonSendEmpty));
            for (const auto& line : send.lines)
                use_expanded(line, a, step);
            out.action = std::move(send);
        } else if (chosen_name == "send_raw") {
            SendRawAction raw{text(a)};
            if (raw.bytes.empty()) fail(a, sim::say(sim::Phrase::LessonSendRawEmpty));
            use_expanded(raw.bytes, a, step);
            out.action = std::move(raw);
        } else if (chosen_name == "send_literal") {
            out.action = send_literal(a, step);
        } else if (chosen_name == "sasl") {
            SaslAction sasl{text(a)};
            use_expanded(sasl.line, a, step);
            out.action = std::move(sasl);
        } else if (chosen_name == "done") {
            must_be_true(a, "done");
            out.action = DoneAction{};
        } else if (chosen_name == "wait") {
            out.action = WaitAction{duration(a)};
        } else if (chosen_name == "close") {
            must_be_true(a, "close");
            out.action = CloseAction{};
        } else if (chosen_name == "data") {
            out.action = data(a, step);
        } else {
            out.action = server_event(a);
        }
    }

    std::string command_line(const YAML::Node& node) const {
        auto line = text(node);
        if (line.find_first_of("\r\n") != std::string::npos) {
            fail(node, sim::say(sim::Phrase::LessonSendLineBreak));
        }
        if (line.empty()) fail(node, sim::say(sim::Phrase::LessonSendLineEmpty));
        return line;
    }

    SendLiteralAction send_literal(const YAML::Node& node, std::size_t step) {
        expect_map(node, "send_literal");
        check_fields(node, {"line", "literals", "charset"}, "send_literal");
        SendLiteralAction out;
        if (!node["line"]) fail(node, sim::say(sim::Phrase::LessonLiteralNeedsLine));
        out.line = text(node["line"]);
        if (out.line.find_first_of("\r\n") != std::string::npos) {
            fail(node["line"], sim::say(sim::Phrase::LessonLiteralLineBreak));
        }
        use(out.line, node["line"], step);
        if (node["literals"]) {
            const auto& list = node["literals"];
            if (list.IsSequence()) {
                for (const auto& item : list)
                    out.literals.push_back(text(item));
            } else {
                out.literals.push_back(text(list));
            }
            for (const auto& literal : out.literals)
                use(literal, list, step);
        }
        if (count_placeholders(out.line) != out.literals.size()) {
            fail(node, sim::say(sim::Phrase::LessonLiteralCount, count_placeholders(out.line),
                                out.literals.size()));
        }
        if (out.literals.empty()) fail(node, sim::say(sim::Phrase::LessonLiteralNone));
        if (node["charset"]) {
            out.charset = text(node["charset"]);
            const auto canonical = text::canonical_charset(out.charset);
            if (!canonical) {
                fail(node["charset"], sim::say(sim::Phrase::LessonUnknownCharset, out.charset));
            }
            for (const auto& literal : out.literals) {
                std::string problem;
                if (!text::from_utf8(literal, *canonical, &problem)) {
                    fail(node["literals"],
                         sim::say(sim::Phrase::LessonLiteralNotEncodable, out.charset, problem));
                }
            }
        }
        return out;
    }

    DataAction data(const YAML::Node& node, std::size_t step) {
        DataAction out;
        if (node.IsMap()) {
            check_fields(node, {"text", "command"}, "data");
            if (!node["text"]) fail(node, sim::say(sim::Phrase::LessonDataNeedsText));
            out.text = text(node["text"]);
            if (node["command"]) out.command = boolean(node["command"]);
            use_expanded(out.text, node["text"], step);
        } else {
            out.text = text(node);
            use_expanded(out.text, node, step);
        }
        return out;
    }

    ServerEventAction server_event(const YAML::Node& node) const {
        expect_map(node, "server_event");
        check_fields(node, {"deliver", "fault"}, "server_event");
        if (static_cast<bool>(node["deliver"]) == static_cast<bool>(node["fault"])) {
            fail(node, sim::say(sim::Phrase::LessonServerEventShape));
        }
        if (node["fault"]) {
            FaultEvent fault{text(node["fault"])};
            check_fault(node["fault"]);
            return ServerEventAction{fault};
        }
        const auto& d = node["deliver"];
        expect_map(d, "deliver");
        check_fields(d, {"to", "mailbox", "from", "subject", "body"}, "deliver");
        DeliverEvent deliver;
        if (!d["to"]) fail(d, sim::say(sim::Phrase::LessonDeliverNeedsTo));
        deliver.to = text(d["to"]);
        if (d["mailbox"]) deliver.mailbox = text(d["mailbox"]);
        if (d["from"]) deliver.from = text(d["from"]);
        if (d["subject"]) deliver.subject = text(d["subject"]);
        if (d["body"]) deliver.body = text(d["body"]);
        return ServerEventAction{deliver};
    }

    Pattern pattern(const YAML::Node& node, std::size_t step, bool force_regex = false) {
        Pattern out;
        out.mark = mark(node);
        auto value = text(node);
        if (value.starts_with("re:")) {
            out.kind = Pattern::Kind::Regex;
            out.text = value.substr(3);
        } else if (force_regex) {
            out.kind = Pattern::Kind::Regex;
            out.text = value;
        } else {
            out.kind = Pattern::Kind::Glob;
            out.text = value;
        }
        use(out.text, node, step);
        if (out.kind == Pattern::Kind::Regex) {
            if (auto problem = check_regex(out.text)) {
                fail(node, sim::say(sim::Phrase::LessonBadRegex, out.text, *problem));
            }
        }
        return out;
    }

    // Expectations that only IMAP has, or only POP3 and SMTP.
    void check_expectation_protocol(const YAML::Node& node, sim::Protocol client_protocol,
                                    const std::string& client) const {
        const bool imap = client_protocol == sim::Protocol::Imap;
        for (const auto* field : {"tagged", "exists", "flags"}) {
            if (!node[field] || imap) continue;
            const sim::Said hint = std::string_view(field) != "tagged" ? sim::verbatim("")
                                   : client_protocol == sim::Protocol::Pop3
                                       ? sim::say(sim::Phrase::LessonWriteReplyPop3)
                                       : sim::say(sim::Phrase::LessonWriteReplySmtp);
            fail(node[field], sim::say(sim::Phrase::LessonImapOnlyExpectation, field, client,
                                       sim::protocol_name(client_protocol), hint));
        }
        if (node["reply"] && imap) {
            fail(node["reply"], sim::say(sim::Phrase::LessonReplyNotImap, client));
        }
    }

    std::string reply_status(const YAML::Node& node, sim::Protocol client_protocol) const {
        auto status = ascii::upper(text(node));
        if (client_protocol == sim::Protocol::Pop3) {
            if (status == "+OK" || status == "-ERR") return status;
            fail(node, sim::say(sim::Phrase::LessonBadPop3Status, node.Scalar()));
        }
        // "5*" and "5xx" alike: the code's first digits, the rest any digit.
        if (!status.empty() && status.back() == '*' && status.size() <= 3) {
            status.pop_back();
            status.resize(3, 'X');
        }
        const bool shaped = status.size() == 3 && status[0] >= '2' && status[0] <= '5' &&
                            std::all_of(status.begin() + 1, status.end(), [](char c) {
                                return c == 'X' || std::isdigit(static_cast<unsigned char>(c)) != 0;
                            });
        if (!shaped) {
            fail(node, sim::say(sim::Phrase::LessonBadSmtpCode, node.Scalar()));
        }
        for (auto& c : status)
            c = c == 'X' ? 'x' : c;
        return status;
    }

    Expectation expectation(const YAML::Node& node, std::size_t step, sim::Protocol client_protocol,
                            const std::string& client) {
        expect_map(node, "expect");
        check_fields(node,
                     {"responses", "in_order", "allow_extra_untagged", "tagged", "reply", "state",
                      "flags", "exists", "violation", "closed", "capture"},
                     "expect");
        check_expectation_protocol(node, client_protocol, client);
        Expectation out;
        if (node["responses"]) {
            const auto& list = node["responses"];
            out.responses_mark = mark(list);
            if (list.IsSequence()) {
                for (const auto& item : list)
                    out.responses.push_back(pattern(item, step));
            } else {
                out.responses.push_back(pattern(list, step));
            }
        }
        if (node["in_order"]) {
            out.responses_in_order = boolean(node["in_order"]);
            if (out.responses_in_order && out.responses.size() < 2)
                fail(node["in_order"], sim::say(sim::Phrase::LessonInOrderNeedsTwo));
        }
        if (node["allow_extra_untagged"]) {
            out.allow_extra_untagged = boolean(node["allow_extra_untagged"]);
        }
        if (node["tagged"]) {
            out.tagged_mark = mark(node["tagged"]);
            const std::string status = ascii::upper(text(node["tagged"]));
            if (status != "OK" && status != "NO" && status != "BAD") {
                fail(node["tagged"], sim::say(sim::Phrase::LessonBadTagged));
            }
            out.tagged = status;
        }
        if (node["reply"]) {
            const auto& reply = node["reply"];
            out.reply_mark = mark(reply);
            if (reply.IsSequence()) {
                out.replies_in_order = true;
                for (const auto& item : reply)
                    out.replies.push_back(reply_status(item, client_protocol));
                if (out.replies.empty()) fail(reply, sim::say(sim::Phrase::LessonReplyEmpty));
            } else {
                out.replies.push_back(reply_status(reply, client_protocol));
            }
        }
        if (node["state"]) {
            out.state_mark = mark(node["state"]);
            const auto name = text(node["state"]);
            const auto canonical = canonical_state_name(client_protocol, name);
            if (!canonical) {
                std::string known;
                for (const auto state : state_names(client_protocol))
                    known += (known.empty() ? "" : ", ") + std::string(state);
                fail(node["state"],
                     sim::say(sim::Phrase::LessonUnknownState, name,
                              client_protocol == sim::Protocol::Imap   ? sim::Phrase::LessonAnImap
                              : client_protocol == sim::Protocol::Pop3 ? sim::Phrase::LessonAPop3
                                                                       : sim::Phrase::LessonAnSmtp,
                              client, known));
            }
            out.state = std::string(*canonical);
        }
        if (node["flags"]) flag_expectations(node["flags"], out);
        if (node["exists"]) {
            out.exists_mark = mark(node["exists"]);
            out.exists = number<std::uint32_t>(node["exists"]);
        }
        if (node["violation"]) {
            const auto& v = node["violation"];
            out.violation_mark = mark(v);
            if (v.IsSequence()) {
                for (const auto& item : v)
                    out.violations.push_back(text(item));
            } else {
                out.violations.push_back(text(v));
            }
        }
        if (node["closed"]) {
            out.closed_mark = mark(node["closed"]);
            out.closed = boolean(node["closed"]);
        }
        if (node["capture"]) {
            const auto& captures = node["capture"];
            expect_map(captures, "capture");
            for (const auto& item : captures) {
                const auto name = item.first.Scalar();
                if (name.empty() || !is_variable_name_start(name[0]) ||
                    !std::all_of(name.begin(), name.end(), is_variable_name_char)) {
                    fail(item.first, sim::say(sim::Phrase::LessonBadVariableName, name));
                }
                Capture capture{name, pattern(item.second, step, true)};
                if (!m_captured.count(name)) m_captured[name] = step;
                out.captures.push_back(std::move(capture));
            }
        }
        return out;
    }

    void flag_expectations(const YAML::Node& node, Expectation& out) const {
        expect_map(node, "flags");
        for (const auto& item : node) {
            FlagExpectation flags;
            flags.mark = mark(item.first);
            std::string key = ascii::lower(item.first.Scalar());
            if (key.starts_with("uid")) {
                flags.by_uid = true;
                key = key.substr(3);
                key.erase(0, key.find_first_not_of(' '));
            }
            if (key.empty() ||
                !std::all_of(key.begin(), key.end(),
                             [](unsigned char c) { return std::isdigit(c) != 0; }) ||
                key.size() > 9) {
                fail(item.first, sim::say(sim::Phrase::LessonBadMessageKey, item.first.Scalar()));
            }
            flags.number = static_cast<std::uint32_t>(std::stoul(key));
            if (flags.number == 0) fail(item.first, sim::say(sim::Phrase::LessonMessagesFromOne));
            if (!item.second.IsSequence()) {
                fail(item.second, sim::say(sim::Phrase::LessonFlagsNotList));
            }
            for (const auto& flag : item.second)
                flags.flags.push_back(text(flag));
            out.flags.push_back(std::move(flags));
        }
    }

    Quiz quiz(const YAML::Node& node) const {
        expect_map(node, "quiz");
        check_fields(node, {"question", "choices", "answer", "accept", "explanation"}, "quiz");
        Quiz out;
        if (!node["question"]) fail(node, sim::say(sim::Phrase::LessonQuizNeedsQuestion));
        out.question = local_text(node["question"], sim::Phrase::LessonWhereQuestion);
        if (!node["explanation"]) fail(node, sim::say(sim::Phrase::LessonQuizNeedsExplanation));
        out.explanation = local_text(node["explanation"], sim::Phrase::LessonWhereExplanation);
        const bool has_choices = static_cast<bool>(node["choices"]);
        const bool has_accept = static_cast<bool>(node["accept"]);
        if (has_choices == has_accept) {
            fail(node, sim::say(sim::Phrase::LessonQuizShape));
        }
        if (has_choices) {
            if (!node["choices"].IsSequence() || node["choices"].size() < 2) {
                fail(node["choices"], sim::say(sim::Phrase::LessonChoicesTooFew));
            }
            for (const auto& choice : node["choices"])
                out.choices.push_back(local_text(choice, sim::Phrase::LessonWhereChoice));
            if (!node["answer"]) fail(node, sim::say(sim::Phrase::LessonQuizNeedsAnswer));
            const auto answer = number<std::uint32_t>(node["answer"]);
            if (answer >= out.choices.size()) {
                fail(node["answer"],
                     sim::say(sim::Phrase::LessonAnswerRange, out.choices.size() - 1));
            }
            out.answer = answer;
        } else {
            const auto& list = node["accept"];
            if (list.IsSequence()) {
                for (const auto& item : list)
                    out.accept.push_back(text(item));
            } else {
                out.accept.push_back(text(list));
            }
            if (out.accept.empty()) fail(list, sim::say(sim::Phrase::LessonAcceptEmpty));
        }
        return out;
    }

    // Text an action sends: its $functions must be well formed too.
    void use_expanded(std::string_view value, const YAML::Node& node, std::size_t step) {
        if (auto problem = check_functions(value)) fail(node, *problem);
        use(value, node, step);
    }

    // A text the learner reads may show what earlier steps captured.
    void use_local(const LocalText& value, const YAML::Node& node, std::size_t step) {
        use(value.ru, node["ru"] ? node["ru"] : node, step);
        use(value.en, node["en"] ? node["en"] : node, step);
    }

    // Remembers the $variables a step uses; checked once every capture is
    // known. "$$" is a "$" of its own, and "$name(" calls a function.
    void use(std::string_view value, const YAML::Node& node, std::size_t step) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (value[i] != '$' || i + 1 >= value.size()) continue;
            if (value[i + 1] == '$') {
                ++i;
                continue;
            }
            if (!is_variable_name_start(value[i + 1])) continue;
            std::size_t end = i + 1;
            while (end < value.size() && is_variable_name_char(value[end]))
                ++end;
            if (end < value.size() && value[end] == '(') continue;
            m_uses.push_back(Use{std::string(value.substr(i + 1, end - i - 1)), step, mark(node)});
            i = end - 1;
        }
    }

    // A $word must name a variable an earlier step captures, or be one of
    // the IMAP keywords registered with IANA (RFC 5788), which lessons show
    // and send as they are; any other is a misspelt variable, and "$$" writes
    // a "$" that is no variable ($$Homework for the keyword $Homework).
    void check_variables(const Lesson&) const {
        for (const auto& use : m_uses) {
            const auto found = m_captured.find(use.name);
            if (found == m_captured.end()) {
                if (is_registered_keyword(use.name)) continue;
                std::string captured;
                for (const auto& [name, step] : m_captured)
                    captured += fmt::format("{}${}", captured.empty() ? "" : ", ", name);
                fail_at(use.mark,
                        sim::say(sim::Phrase::LessonVariableUnknown, use.name,
                                 captured.empty()
                                     ? sim::say(sim::Phrase::LessonCapturesNone)
                                     : sim::say(sim::Phrase::LessonCapturedAre, captured)));
            }
            if (found->second >= use.step) {
                fail_at(use.mark, sim::say(sim::Phrase::LessonVariableTooEarly, use.name,
                                           use.step + 1, found->second + 1));
            }
        }
    }

    struct Use {
        std::string name;
        std::size_t step = 0;
        SourceMark mark;
    };

    std::string m_label;
    fs::path m_base;
    YAML::Node m_action_node;
    std::map<std::string, std::size_t> m_captured;  // variable -> first step capturing it
    std::vector<Use> m_uses;
};

}  // namespace

std::string sentence(const LoadError& error, sim::Language language) {
    return sim::render(error.said, language) + ".";
}

std::string to_string(const LoadError& error, sim::Language language) {
    return fmt::format("{}: {}", to_string(error.mark), sentence(error, language));
}

std::optional<std::int64_t> parse_duration_micros(std::string_view text) {
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
        ++digits;
    if (digits == 0 || digits > 9) return std::nullopt;
    const std::int64_t value = std::stoll(std::string(text.substr(0, digits)));
    const auto unit = text.substr(digits);
    if (unit == "ms") return value * 1000;
    if (unit == "s" || unit.empty()) return value * 1'000'000;
    if (unit == "m" || unit == "min") return value * 60'000'000;
    if (unit == "h") return value * 3'600'000'000;
    return std::nullopt;
}

LoadResult load_lesson_text(std::string_view yaml, const std::string& label,
                            const fs::path& base_dir) {
    LoadResult result;
    try {
        const auto root = YAML::Load(std::string(yaml));
        Reader reader(label, base_dir);
        result.lesson = reader.read(root);
    } catch (const LessonProblem& problem) {
        result.error = problem.error;
    } catch (const YAML::Exception& e) {
        SourceMark at{label, e.mark.line >= 0 ? e.mark.line + 1 : 0,
                      e.mark.column >= 0 ? e.mark.column + 1 : 0};
        result.error =
            LoadError{at, sim::say(sim::Phrase::YamlInvalid, server::yaml_syntax_problem(e))};
    }
    return result;
}

LoadResult load_lesson_file(const fs::path& file) {
    LoadResult result;
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    std::string text;
    if (!ec && size <= kMaxLessonFileSize) {
        std::ifstream in(file, std::ios::binary);
        text.resize(size);
        if (!in.read(text.data(), static_cast<std::streamsize>(size)))
            ec = {EIO, std::generic_category()};
    }
    if (ec || size > kMaxLessonFileSize) {
        result.error = LoadError{SourceMark{file.string(), 0, 0},
                                 sim::say(sim::Phrase::LessonFileUnreadable, kMaxLessonFileSize)};
        return result;
    }
    return load_lesson_text(text, file.string(), file.parent_path());
}

}  // namespace mailscope::lessons
