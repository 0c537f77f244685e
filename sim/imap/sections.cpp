#include "sim/imap/sections.hpp"

#include "sim/imap/capabilities.hpp"

namespace mailscope::imap {

std::string_view command_section(Verb verb) {
    switch (verb) {
        case Verb::Capability:
            return "RFC 3501 6.1.1";
        case Verb::Noop:
            return "RFC 3501 6.1.2";
        case Verb::Logout:
            return "RFC 3501 6.1.3";
        case Verb::Starttls:
            return "RFC 3501 6.2.1";
        case Verb::Authenticate:
            return "RFC 3501 6.2.2";
        case Verb::Login:
            return "RFC 3501 6.2.3";
        case Verb::Select:
            return "RFC 3501 6.3.1";
        case Verb::Examine:
            return "RFC 3501 6.3.2";
        case Verb::Create:
            return "RFC 3501 6.3.3";
        case Verb::Delete:
            return "RFC 3501 6.3.4";
        case Verb::Rename:
            return "RFC 3501 6.3.5";
        case Verb::Subscribe:
            return "RFC 3501 6.3.6";
        case Verb::Unsubscribe:
            return "RFC 3501 6.3.7";
        case Verb::List:
            return "RFC 3501 6.3.8";
        case Verb::Lsub:
            return "RFC 3501 6.3.9";
        case Verb::Status:
            return "RFC 3501 6.3.10";
        case Verb::Append:
            return "RFC 3501 6.3.11";
        case Verb::Check:
            return "RFC 3501 6.4.1";
        case Verb::Close:
            return "RFC 3501 6.4.2";
        case Verb::Expunge:
            return "RFC 3501 6.4.3";
        case Verb::Search:
            return "RFC 3501 6.4.4";
        case Verb::Fetch:
            return "RFC 3501 6.4.5";
        case Verb::Store:
            return "RFC 3501 6.4.6";
        case Verb::Copy:
            return "RFC 3501 6.4.7";
        case Verb::Move:
            return "RFC 6851 3.1";
        case Verb::Idle:
            return "RFC 2177 3";
        case Verb::Namespace:
            return "RFC 2342 5";
        case Verb::Unselect:
            return "RFC 3691 2";
        case Verb::Id:
            return "RFC 2971 3.1";
        case Verb::Enable:
            return "RFC 5161 3.1";
        case Verb::Setacl:
            return "RFC 4314 3.1";
        case Verb::Deleteacl:
            return "RFC 4314 3.2";
        case Verb::Getacl:
            return "RFC 4314 3.3";
        case Verb::Listrights:
            return "RFC 4314 3.4";
        case Verb::Myrights:
            return "RFC 4314 3.5";
        case Verb::Unknown:
            // Not in the command grammar: the server answers BAD (RFC 3501 7.1.3).
            return "RFC 3501 9";
    }
    return "RFC 3501 6";
}

std::string_view command_section(const Command& command) {
    if (command.uid && command.verb != Verb::Unknown) {
        if (command.verb == Verb::Move) return "RFC 6851 3.2";
        if (command.verb == Verb::Expunge) return "RFC 4315 2.1";
        return "RFC 3501 6.4.8";
    }
    if (command.verb == Verb::Unknown) {
        // RFC 3501 6.5.1 is the X<atom> command: experimental commands only.
        if (!command.name.empty() && (command.name[0] == 'X' || command.name[0] == 'x')) {
            return "RFC 3501 6.5.1";
        }
        if (auto extension = extension_command(command)) return extension->section;
    }
    return command_section(command.verb);
}

std::string_view response_section(const Response& response) {
    if (response.kind == ResponseKind::Continuation) return "RFC 3501 7.5";
    if (response.code) {
        const std::string& code = response.code->name;
        if (iequals(code, "APPENDUID") || iequals(code, "COPYUID")) return "RFC 4315 3";
    }
    switch (response.status) {
        case Status::Ok:
            return "RFC 3501 7.1.1";
        case Status::No:
            return "RFC 3501 7.1.2";
        case Status::Bad:
            return "RFC 3501 7.1.3";
        case Status::Preauth:
            return "RFC 3501 7.1.4";
        case Status::Bye:
            return "RFC 3501 7.1.5";
        case Status::None:
            break;
    }
    struct Entry {
        std::string_view name, section;
    };
    static constexpr Entry table[] = {
        {"CAPABILITY", "RFC 3501 7.2.1"}, {"LIST", "RFC 3501 7.2.2"},
        {"LSUB", "RFC 3501 7.2.3"},       {"STATUS", "RFC 3501 7.2.4"},
        {"SEARCH", "RFC 3501 7.2.5"},     {"FLAGS", "RFC 3501 7.2.6"},
        {"EXISTS", "RFC 3501 7.3.1"},     {"RECENT", "RFC 3501 7.3.2"},
        {"EXPUNGE", "RFC 3501 7.4.1"},    {"FETCH", "RFC 3501 7.4.2"},
        {"NAMESPACE", "RFC 2342 5"},      {"ID", "RFC 2971 3.2"},
        {"ENABLED", "RFC 5161 3.2"},      {"ACL", "RFC 4314 3.6"},
        {"LISTRIGHTS", "RFC 4314 3.7"},   {"MYRIGHTS", "RFC 4314 3.8"},
    };
    for (const auto& e : table) {
        if (response.name == e.name) return e.section;
    }
    // An experimental command's untagged responses carry its X prefix.
    if (!response.name.empty() && (response.name[0] == 'X' || response.name[0] == 'x')) {
        return "RFC 3501 6.5.1";
    }
    return "RFC 3501 7";
}

}  // namespace mailscope::imap
