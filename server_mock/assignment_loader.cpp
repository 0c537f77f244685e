#include "server_mock/assignment_loader.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>

#include "server_mock/yaml_fields.hpp"
#include "sim/core/ascii.hpp"
#include "sim/imap/verbs.hpp"
#include "sim/pop3/verbs.hpp"
#include "sim/smtp/verbs.hpp"

namespace mailscope::server {

namespace {

// Thrown only inside this file and turned into the error text at the top.
struct AssignmentProblem {
    sim::Said said;
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
        expect_map(root, "an assignment");
        check_fields(root, {"title", "protocol", "steps"}, "an assignment");
        Assignment assignment;
        if (!root["title"]) fail(root, "an assignment needs a \"title\" with ru and en texts");
        assignment.title = local_text(root["title"], "the title");
        const sim::Protocol protocol =
            root["protocol"] ? protocol_named(root["protocol"]) : sim::Protocol::Imap;
        const YAML::Node steps = root["steps"];
        if (!steps || !steps.IsSequence() || steps.size() == 0) {
            fail(steps ? steps : root,
                 "an assignment needs a \"steps\" list with at least one step");
        }
        std::map<std::string, int> lines;  // step id -> the line that gave it
        for (const auto& node : steps) {
            AssignmentStep step = read_step(node, protocol);
            const auto [first, fresh] = lines.emplace(step.id, node["id"].Mark().line + 1);
            if (!fresh) {
                fail(node["id"], fmt::format("the step id \"{}\" is given twice (first on line {})",
                                             step.id, first->second));
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

    [[noreturn]] void fail(const YAML::Node& node, std::string message) const {
        fail(node, sim::verbatim(std::move(message)));
    }

    sim::Protocol protocol_named(const YAML::Node& node) const {
        const std::string name = text(node);
        for (const auto protocol :
             {sim::Protocol::Imap, sim::Protocol::Pop3, sim::Protocol::Smtp}) {
            if (ascii::iequals(name, sim::protocol_name(protocol))) return protocol;
        }
        fail(node,
             fmt::format("\"{}\" is not a protocol of mailscope; write imap, pop3 or smtp", name));
    }

    AssignmentText local_text(const YAML::Node& node, std::string_view what) const {
        if (!node.IsMap()) {
            fail(node,
                 fmt::format("{} needs a Russian and an English text: {{ru: ..., en: ...}}", what));
        }
        check_fields(node, {"ru", "en"}, what);
        if (!node["ru"] || text(node["ru"]).empty()) {
            fail(node, fmt::format("{} has no Russian text (ru)", what));
        }
        if (!node["en"] || text(node["en"]).empty()) {
            fail(node, fmt::format("{} has no English text (en)", what));
        }
        return AssignmentText{text(node["ru"]), text(node["en"])};
    }

    AssignmentStep read_step(const YAML::Node& node, sim::Protocol protocol) const {
        expect_map(node, "a step");
        check_fields(node, {"id", "text", "protocol", "command", "literal", "contains", "result"},
                     "a step");
        AssignmentStep step;
        if (!node["id"]) fail(node, "a step needs an \"id\"");
        step.id = text(node["id"]);
        if (!plain_id(step.id)) {
            fail(node["id"], fmt::format("the step id \"{}\" may hold only letters, digits, "
                                         "\".\", \"-\" and \"_\"",
                                         step.id));
        }
        if (node["text"]) step.text = local_text(node["text"], "the step's text");
        step.protocol = node["protocol"] ? protocol_named(node["protocol"]) : protocol;
        if (!node["command"]) fail(node, "a step needs a \"command\": the verb the client sends");
        step.command = known_verb(step.protocol, text(node["command"]));
        if (step.command.empty()) {
            fail(node["command"],
                 fmt::format("\"{}\" is not a command of {}", text(node["command"]),
                             sim::protocol_name(step.protocol)));
        }
        if (node["literal"]) {
            step.literal = boolean(node["literal"]);
            if (step.literal && step.protocol != sim::Protocol::Imap) {
                fail(node["literal"], "only IMAP commands carry literals");
            }
        }
        if (node["contains"]) {
            step.contains = text(node["contains"]);
            if (step.contains.empty()) fail(node["contains"], "\"contains\" must not be empty");
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
                if (!step.result)
                    fail(node, fmt::format("\"{}\" is no IMAP result; write OK, NO "
                                           "or BAD",
                                           word));
                return;
            case sim::Protocol::Pop3:
                step.result = named({sim::ReplyStatus::PlusOk, sim::ReplyStatus::MinusErr});
                if (!step.result) {
                    fail(node, fmt::format("\"{}\" is no POP3 result; write +OK or -ERR", word));
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
            fail(node, fmt::format("\"{}\" is no SMTP result; write a reply code such as 250, or "
                                   "a class: 2xx, 3xx, 4xx or 5xx",
                                   word));
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
        return sim::verbatim(
            fmt::format("{}:{}: this is not valid YAML: {}.", label, e.mark.line + 1, e.msg));
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
        return sim::verbatim(
            fmt::format("{}: the assignment cannot be read (missing, unreadable or larger "
                        "than {} octets).",
                        file.string(), kMaxAssignmentFileSize));
    }
    return load_assignment_text(text, file.string());
}

}  // namespace mailscope::server
