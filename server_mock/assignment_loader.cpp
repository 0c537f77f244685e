#include "server_mock/assignment_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>

#include "server_mock/yaml_fields.hpp"
#include "server_mock/yaml_syntax.hpp"
#include "sim/core/ascii.hpp"
#include "sim/imap/verbs.hpp"
#include "sim/pop3/verbs.hpp"
#include "sim/smtp/verbs.hpp"

namespace mailscope::server {

namespace {

using sim::Phrase;
using sim::say;

// Thrown only inside this file and turned into the error text at the top.
struct AssignmentProblem {
    sim::Said said;
};

// A place of the file named as a sentence's subject and after "in".
struct TextPlace {
    Phrase subject;
    Phrase inside;
};

bool known_single_verb(sim::Protocol protocol, std::string_view verb) {
    switch (protocol) {
        case sim::Protocol::Imap:
            return imap::verb_from_name(verb) != imap::Verb::Unknown;
        case sim::Protocol::Pop3:
            return pop3::verb_from_name(verb) != pop3::Verb::Unknown;
        case sim::Protocol::Smtp:
            return smtp::verb_from_name(verb) != smtp::Verb::Unknown;
    }
    return false;
}

// "search", "UID  fetch": the verb as the steps match it, upper case, one
// space after an IMAP "UID"; empty when the protocol has no such command.
std::string known_verb(sim::Protocol protocol, std::string_view text) {
    std::string verb;
    for (char c : text) {
        if (c == ' ' && (verb.empty() || verb.back() == ' ')) continue;
        verb += ascii::to_upper(c);
    }
    while (!verb.empty() && verb.back() == ' ')
        verb.pop_back();
    if (protocol == sim::Protocol::Imap && verb.starts_with("UID ")) {
        const auto names = imap::uid_form_names();
        const std::string_view rest = std::string_view(verb).substr(4);
        const bool uid_form = std::any_of(names.begin(), names.end(), [&](std::string_view name) {
            return ascii::iequals(name, rest);
        });
        return uid_form ? verb : std::string();
    }
    return verb.find(' ') == std::string::npos && known_single_verb(protocol, verb) ? verb
                                                                                    : std::string();
}

bool plain_id(std::string_view id) {
    return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.';
    });
}

class AssignmentReader : YamlFieldReader<AssignmentReader> {
    friend YamlFieldReader;

  public:
    explicit AssignmentReader(std::string label) : m_label(std::move(label)) {}

    Assignment read(const YAML::Node& root) {
        expect_map(root, Phrase::PlaceAssignment);
        check_fields(root, {"title", "protocol", "steps"}, Phrase::PlaceInAssignment);
        Assignment assignment;
        if (!root["title"]) fail(root, say(Phrase::AssignmentNeedsTitle));
        assignment.title =
            local_text(root["title"], TextPlace{Phrase::PlaceTitle, Phrase::PlaceInTitle});
        const sim::Protocol protocol =
            root["protocol"] ? protocol_named(root["protocol"]) : sim::Protocol::Imap;
        const YAML::Node steps = root["steps"];
        if (!steps || !steps.IsSequence() || steps.size() == 0) {
            fail(steps ? steps : root, say(Phrase::AssignmentNeedsSteps));
        }
        std::map<std::string, int> lines;  // step id -> the line that gave it
        for (const auto& node : steps) {
            AssignmentStep step = read_step(node, protocol);
            const auto [first, fresh] = lines.emplace(step.id, node["id"].Mark().line + 1);
            if (!fresh) {
                fail(node["id"], say(Phrase::AssignmentStepIdTwice, step.id, first->second));
            }
            assignment.steps.push_back(std::move(step));
        }
        return assignment;
    }

  private:
    [[noreturn]] void fail(const YAML::Node& node, sim::Said message) const {
        const auto mark = node.Mark();
        if (mark.line >= 0) {
            throw AssignmentProblem{
                sim::say(sim::Phrase::AtFileColonLine, m_label, mark.line + 1, std::move(message))};
        }
        throw AssignmentProblem{sim::say(sim::Phrase::AtFile, m_label, std::move(message))};
    }

    sim::Protocol protocol_named(const YAML::Node& node) const {
        const std::string name = text(node);
        for (const auto protocol :
             {sim::Protocol::Imap, sim::Protocol::Pop3, sim::Protocol::Smtp}) {
            if (ascii::iequals(name, sim::protocol_name(protocol))) return protocol;
        }
        fail(node, say(Phrase::AssignmentNotProtocol, name));
    }

    AssignmentText local_text(const YAML::Node& node, TextPlace what) const {
        if (!node.IsMap()) fail(node, say(Phrase::AssignmentTextNotMap, what.subject));
        check_fields(node, {"ru", "en"}, what.inside);
        if (!node["ru"] || text(node["ru"]).empty()) {
            fail(node, say(Phrase::AssignmentNoRussianText, what.subject));
        }
        if (!node["en"] || text(node["en"]).empty()) {
            fail(node, say(Phrase::AssignmentNoEnglishText, what.subject));
        }
        return AssignmentText{text(node["ru"]), text(node["en"])};
    }

    AssignmentStep read_step(const YAML::Node& node, sim::Protocol protocol) const {
        expect_map(node, Phrase::PlaceStep);
        check_fields(node, {"id", "text", "protocol", "command", "literal", "contains", "result"},
                     Phrase::PlaceInStep);
        AssignmentStep step;
        if (!node["id"]) fail(node, say(Phrase::AssignmentStepNeedsId));
        step.id = text(node["id"]);
        if (!plain_id(step.id)) fail(node["id"], say(Phrase::AssignmentStepIdCharacters, step.id));
        if (node["text"]) {
            step.text =
                local_text(node["text"], TextPlace{Phrase::PlaceStepText, Phrase::PlaceInStepText});
        }
        step.protocol = node["protocol"] ? protocol_named(node["protocol"]) : protocol;
        if (!node["command"]) fail(node, say(Phrase::AssignmentStepNeedsCommand));
        step.command = known_verb(step.protocol, text(node["command"]));
        if (step.command.empty()) {
            fail(node["command"], say(Phrase::AssignmentNotCommand, text(node["command"]),
                                      sim::protocol_name(step.protocol)));
        }
        if (node["literal"]) {
            step.literal = boolean(node["literal"]);
            if (step.literal && step.protocol != sim::Protocol::Imap) {
                fail(node["literal"], say(Phrase::AssignmentLiteralOnlyImap));
            }
        }
        if (node["contains"]) {
            step.contains = text(node["contains"]);
            if (step.contains.empty()) fail(node["contains"], say(Phrase::AssignmentContainsEmpty));
        }
        if (node["result"]) read_result(node["result"], step);
        return step;
    }

    void read_result(const YAML::Node& node, AssignmentStep& step) const {
        const std::string word = text(node);
        const auto named = [&](std::initializer_list<sim::ReplyStatus> allowed)
            -> std::optional<sim::ReplyStatus> {
            for (const auto status : allowed) {
                if (ascii::iequals(word, sim::status_word(status))) return status;
            }
            return std::nullopt;
        };
        switch (step.protocol) {
            case sim::Protocol::Imap:
                step.result =
                    named({sim::ReplyStatus::Ok, sim::ReplyStatus::No, sim::ReplyStatus::Bad});
                if (!step.result) fail(node, say(Phrase::AssignmentNotImapResult, word));
                return;
            case sim::Protocol::Pop3:
                step.result = named({sim::ReplyStatus::PlusOk, sim::ReplyStatus::MinusErr});
                if (!step.result) {
                    fail(node, say(Phrase::AssignmentNotPop3Result, word));
                }
                return;
            case sim::Protocol::Smtp:
                break;
        }
        const bool digits =
            word.size() == 3 && word[0] >= '2' && word[0] <= '5' &&
            std::all_of(word.begin() + 1, word.end(), [](char c) { return c >= '0' && c <= '9'; });
        const bool reply_class = word.size() == 3 && word[0] >= '2' && word[0] <= '5' &&
                                 ascii::iequals(word.substr(1), "xx");
        if (!digits && !reply_class) {
            fail(node, say(Phrase::AssignmentNotSmtpResult, word));
        }
        step.result = sim::smtp_status((word[0] - '0') * 100);
        if (digits) step.reply_code = static_cast<std::uint16_t>(std::stoi(word));
    }

    std::string m_label;
};

}  // namespace

std::variant<Assignment, sim::Said> load_assignment_text(std::string_view yaml,
                                                         const std::string& label) {
    try {
        return AssignmentReader(label).read(YAML::Load(std::string(yaml)));
    } catch (const AssignmentProblem& problem) {
        return problem.said;
    } catch (const YAML::Exception& e) {
        return say(Phrase::AtFileColonLine, label, e.mark.line + 1,
                   say(Phrase::YamlInvalid, yaml_syntax_problem(e)));
    }
}

std::variant<Assignment, sim::Said> load_assignment_file(const std::filesystem::path& file) {
    std::error_code error;
    const auto size = std::filesystem::file_size(file, error);
    std::string text;
    if (!error && size <= kMaxAssignmentFileSize) {
        std::ifstream in(file, std::ios::binary);
        text.resize(size);
        if (!in.read(text.data(), static_cast<std::streamsize>(size)))
            error = {EIO, std::generic_category()};
    }
    if (error || size > kMaxAssignmentFileSize) {
        return say(Phrase::AtFile, file.string(),
                   say(Phrase::AssignmentUnreadable, kMaxAssignmentFileSize));
    }
    return load_assignment_text(text, file.string());
}

}  // namespace mailscope::server
