#include "server_mock/fixture.hpp"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "server_mock/yaml_fields.hpp"
#include "server_mock/yaml_syntax.hpp"

namespace mailscope::server {
namespace fs = std::filesystem;

namespace {

const InternalDate kFallbackDate = *make_internal_date(2024, 1, 1, 0, 0, 0, 0);

using sim::Phrase;
using sim::say;

// The mail store's own sentence (IMAP clients get it on the wire) inside
// one of this file's: its full stop would come before the location's.
sim::Said store_reason(std::string message) {
    if (message.ends_with('.')) message.pop_back();
    return sim::verbatim(std::move(message));
}

// An import's problem at a fixture's line: the file it names goes inside the
// fixture's sentence, whose location phrase adds the one full stop.
sim::Said import_problem(const StoreError& error) {
    if (error.said.phrase == Phrase::AtFile && error.said.args.size() == 2) {
        return say(Phrase::FixtureImportFailed, error.said.args[0], error.said.args[1]);
    }
    if (error.said.phrase == Phrase::AtFileLine && error.said.args.size() == 3) {
        return say(Phrase::FixtureImportFailedAtLine, error.said.args[0], error.said.args[1],
                   error.said.args[2]);
    }
    return say(Phrase::MessageNotStored, store_reason(error.message));
}

// Thrown only inside this file and turned into a StoreError at the top:
// the nesting of YAML walking makes early returns unreadable.
struct FixtureProblem {
    sim::Said said;
};

class FixtureReader : YamlFieldReader<FixtureReader> {
    friend YamlFieldReader;

  public:
    FixtureReader(MailStore& store, std::string label, fs::path base_dir)
        : m_store(store), m_label(std::move(label)), m_base_dir(std::move(base_dir)) {}

    void read(const YAML::Node& root) {
        expect_map(root, Phrase::PlaceFixture);
        check_fields(root, {"uidvalidity_seed", "default_date", "namespaces", "users"},
                     Phrase::PlaceInTopLevel);
        if (root["uidvalidity_seed"]) {
            m_store.set_next_uidvalidity(number<std::uint32_t>(root["uidvalidity_seed"]));
        }
        if (root["default_date"]) m_default_date = date(root["default_date"]);
        const YAML::Node users = root["users"];
        if (!users || !users.IsSequence() || users.size() == 0) {
            fail(users ? users : root, say(Phrase::FixtureNeedsUsers));
        }
        for (const auto& user : users)
            read_user_account(user);
        if (root["namespaces"]) read_namespaces(root["namespaces"]);
        for (const auto& user : users) {
            const std::string name = text(user["name"]);
            if (user["mailboxes"]) read_mailboxes(user["mailboxes"], name, "");
        }
    }

  private:
    [[noreturn]] void fail(const YAML::Node& node, sim::Said what) const {
        const auto mark = node.Mark();
        if (mark.line >= 0) {
            throw FixtureProblem{
                sim::say(sim::Phrase::AtFileLine, m_label, mark.line + 1, std::move(what))};
        }
        throw FixtureProblem{sim::say(sim::Phrase::AtFile, m_label, std::move(what))};
    }

    InternalDate date(const YAML::Node& node) const {
        const auto parsed = parse_date_time(text(node));
        if (!parsed) {
            fail(node, say(Phrase::FixtureNotDate, node.Scalar()));
        }
        return *parsed;
    }

    void read_user_account(const YAML::Node& user) {
        expect_map(user, Phrase::PlaceUser);
        check_fields(user, {"name", "password", "oauth_token", "mailboxes"}, Phrase::PlaceInUser);
        if (!user["name"] || !user["password"]) {
            fail(user, say(Phrase::FixtureUserNeedsNameAndPassword));
        }
        const std::string name = text(user["name"]);
        if (auto error = m_store.add_user(name, text(user["password"]))) {
            fail(user["name"], say(Phrase::FixtureUserNotAdded, name, store_reason(*error)));
        }
        if (user["oauth_token"]) {
            if (auto error = m_store.set_oauth_token(name, text(user["oauth_token"]))) {
                fail(user["oauth_token"], say(Phrase::FixtureUserNotAdded, name, *error));
            }
        }
    }

    void read_namespaces(const YAML::Node& node) {
        expect_map(node, Phrase::PlaceNamespaces);
        check_fields(node, {"other_users", "shared"}, Phrase::PlaceInNamespaces);
        NamespaceConfig config;
        if (node["other_users"]) config.other_users = definition(node["other_users"], false);
        if (node["shared"]) {
            if (!node["shared"].IsSequence()) {
                fail(node["shared"], say(Phrase::FixtureMustBeList, "shared"));
            }
            for (const auto& shared : node["shared"]) {
                config.shared.push_back(definition(shared, true));
            }
        }
        if (auto error = m_store.set_namespaces(config)) {
            fail(node, say(Phrase::FixtureNamespacesNotSet, store_reason(*error)));
        }
        if (!node["shared"]) return;
        for (const auto& shared : node["shared"]) {
            if (shared["mailboxes"]) {
                read_mailboxes(shared["mailboxes"], "", text(shared["prefix"]));
            }
        }
    }

    NamespaceDefinition definition(const YAML::Node& node, bool shared) const {
        expect_map(node, Phrase::PlaceNamespace);
        if (shared) {
            check_fields(node, {"prefix", "delimiter", "acl", "mailboxes"},
                         Phrase::PlaceInSharedNamespace);
        } else {
            check_fields(node, {"prefix", "delimiter"}, Phrase::PlaceInOtherUsersNamespace);
        }
        NamespaceDefinition out;
        out.prefix = text(node["prefix"]);
        if (node["delimiter"]) {
            const std::string delimiter = text(node["delimiter"]);
            if (delimiter.size() != 1) {
                fail(node["delimiter"], say(Phrase::FixtureDelimiterOneCharacter));
            }
            out.delimiter = delimiter.front();
        }
        if (node["acl"]) out.acl = access_list(node["acl"]);
        return out;
    }

    // `{bob: lr, anyone: l}`: identifiers and their RFC 4314 rights letters.
    AccessList access_list(const YAML::Node& node) const {
        if (!node.IsMap()) fail(node, say(Phrase::FixtureAclNotMap));
        AccessList acl;
        for (const auto& entry : node) {
            const std::string identifier = canonical_identifier(text(entry.first));
            if (identifier != kAnyone && identifier != kAnonymous &&
                !m_store.users().contains(identifier)) {
                fail(entry.first, say(Phrase::FixtureAclUnknownIdentifier, identifier));
            }
            std::string error;
            const std::string letters = text(entry.second);
            const auto rights = parse_rights(letters, &error);
            if (!rights) {
                fail(entry.second,
                     say(Phrase::FixtureRightsUnreadable, letters, store_reason(error)));
            }
            acl[identifier] = *rights;
        }
        return acl;
    }

    void read_mailboxes(const YAML::Node& list, const std::string& user,
                        const std::string& prefix) {
        if (!list.IsSequence()) fail(list, say(Phrase::FixtureMustBeList, "mailboxes"));
        for (const auto& node : list) {
            expect_map(node, Phrase::PlaceMailbox);
            check_fields(
                node, {"name", "subscribed", "uidvalidity", "acl", "messages", "mbox", "maildir"},
                Phrase::PlaceInMailbox);
            const std::string name = prefix + text(node["name"]);
            std::optional<std::uint32_t> uidvalidity;
            if (node["uidvalidity"]) uidvalidity = number<std::uint32_t>(node["uidvalidity"]);
            const MailboxId id = open_mailbox(node["name"], user, name, uidvalidity);
            if (node["acl"]) {
                for (const auto& [identifier, rights] : access_list(node["acl"])) {
                    if (auto granted = m_store.grant(id, identifier, rights); !granted) {
                        fail(node["acl"], say(Phrase::FixtureRightsNotGranted, identifier, name,
                                              store_reason(granted.error().message)));
                    }
                }
            }
            if (node["subscribed"] && boolean(node["subscribed"]) && !user.empty()) {
                if (auto subscribed = m_store.subscribe(user, name); !subscribed) {
                    fail(node["subscribed"], say(Phrase::FixtureNotSubscribed, name,
                                                 store_reason(subscribed.error().message)));
                }
            }
            if (node["messages"]) {
                if (!node["messages"].IsSequence())
                    fail(node["messages"], say(Phrase::FixtureMustBeList, "messages"));
                for (const auto& message : node["messages"])
                    read_message(message, id);
            }
            if (node["mbox"]) {
                const fs::path file = m_base_dir / text(node["mbox"]);
                if (auto imported = import_mbox_file(m_store, id, file, m_default_date);
                    !imported) {
                    fail(node["mbox"], import_problem(imported.error()));
                }
            }
            if (node["maildir"]) {
                const fs::path dir = m_base_dir / text(node["maildir"]);
                if (auto imported = import_maildir(m_store, id, dir); !imported) {
                    fail(node["maildir"], import_problem(imported.error()));
                }
            }
        }
    }

    MailboxId open_mailbox(const YAML::Node& where, const std::string& user,
                           const std::string& name, std::optional<std::uint32_t> uidvalidity) {
        if (const Mailbox* existing = m_store.find(user, name); existing && existing->selectable) {
            if (existing->name != "INBOX" || !existing->messages.empty()) {
                fail(where, say(Phrase::FixtureMailboxTwice, name));
            }
            if (uidvalidity) fail(where, say(Phrase::FixtureInboxUidvalidity));
            return existing->id;
        }
        auto created = m_store.provision_mailbox(user, name, uidvalidity);
        if (!created) {
            fail(where, say(Phrase::FixtureMailboxNotCreated, name,
                            store_reason(created.error().message)));
        }
        return created.value();
    }

    void read_message(const YAML::Node& node, MailboxId mailbox) {
        expect_map(node, Phrase::PlaceMessage);
        check_fields(node,
                     {"raw", "from", "to", "cc", "subject", "date", "message_id", "headers", "body",
                      "flags", "internal_date"},
                     Phrase::PlaceInMessage);
        FlagSet flags;
        if (node["flags"]) {
            if (!node["flags"].IsSequence()) {
                fail(node["flags"], say(Phrase::FixtureMustBeList, "flags"));
            }
            for (const auto& flag : node["flags"]) {
                const std::string name = text(flag);
                if (auto error = flags.add_name(name)) {
                    fail(flag, say(Phrase::FixtureFlagRefused, name, store_reason(*error)));
                }
            }
        }
        std::string octets;
        std::optional<InternalDate> header_date;
        if (node["date"]) header_date = date(node["date"]);
        if (node["raw"]) {
            for (const char* field :
                 {"from", "to", "cc", "subject", "date", "message_id", "headers", "body"}) {
                if (node[field]) {
                    fail(node[field], say(Phrase::FixtureRawWithField, field));
                }
            }
            octets = to_crlf(text(node["raw"]));
        } else {
            octets = assemble(node, header_date.value_or(m_default_date));
        }
        const InternalDate internal = node["internal_date"] ? date(node["internal_date"])
                                                            : header_date.value_or(m_default_date);
        auto appended = m_store.append(mailbox, std::move(octets), std::move(flags), internal);
        if (!appended) {
            fail(node, say(Phrase::MessageNotStored, store_reason(appended.error().message)));
        }
    }

    std::string assemble(const YAML::Node& node, InternalDate header_date) const {
        std::string out;
        auto header = [&](std::string_view name, const YAML::Node& value) {
            const std::string content = text(value);
            if (content.find_first_of("\r\n") != std::string::npos) {
                fail(value, say(Phrase::FixtureHeaderOneLine, name));
            }
            out += fmt::format("{}: {}\n", name, content);
        };
        out += fmt::format("Date: {}\n", format_rfc5322_date(header_date));
        if (node["from"]) header("From", node["from"]);
        if (node["to"]) header("To", node["to"]);
        if (node["cc"]) header("Cc", node["cc"]);
        if (node["subject"]) header("Subject", node["subject"]);
        if (node["message_id"]) header("Message-ID", node["message_id"]);
        bool has_content_type = false;
        if (node["headers"]) {
            expect_map(node["headers"], Phrase::PlaceHeaders);
            for (const auto& field : node["headers"]) {
                const std::string name = field.first.Scalar();
                const bool valid =
                    !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
                        return c > ' ' && c < 0x7f && c != ':';
                    });
                if (!valid) fail(field.first, say(Phrase::FixtureNotHeaderName, name));
                has_content_type = has_content_type || equal_ignoring_case(name, "Content-Type");
                header(name, field.second);
            }
        }
        if (!has_content_type) {
            out += "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n";
        }
        out += "\n";
        if (node["body"]) out += text(node["body"]);
        return to_crlf(out);
    }

    MailStore& m_store;
    std::string m_label;
    fs::path m_base_dir;
    InternalDate m_default_date = kFallbackDate;
};

std::optional<std::string> read_bounded(const fs::path& file, std::size_t limit) {
    std::error_code error;
    const auto size = fs::file_size(file, error);
    if (error || size > limit) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

StoreError input_error(sim::Said said) {
    return StoreError{
        StoreErrorKind::BadInput, sim::render(said, sim::Language::En), {}, std::move(said)};
}

// `error` about what an import found in `file`, said with the file's name;
// the store's own sentence stays as it is for its clients.
StoreError naming_file(StoreError error, const fs::path& file) {
    sim::Said reason = error.said.phrase == Phrase::Verbatim && error.said.text.empty()
                           ? say(Phrase::MessageNotStored, store_reason(error.message))
                           : std::move(error.said);
    error.said = say(Phrase::AtFile, file.string(), std::move(reason));
    return error;
}

class ReadOnlyFile {
  public:
    explicit ReadOnlyFile(const fs::path& file)
        : m_fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC)) {}
    ReadOnlyFile(const ReadOnlyFile&) = delete;
    ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;
    ~ReadOnlyFile() {
        if (m_fd >= 0) ::close(m_fd);
    }

    bool is_open() const { return m_fd >= 0; }

    // Octets read into `buffer`, 0 at the end, nothing on an error.
    std::optional<std::size_t> read(std::string& buffer) const {
        for (;;) {
            const ssize_t got = ::read(m_fd, buffer.data(), buffer.size());
            if (got >= 0) return static_cast<std::size_t>(got);
            if (errno != EINTR) return std::nullopt;
        }
    }

  private:
    int m_fd;
};

StoreError mbox_unreadable(const fs::path& file) {
    StoreError error = store_error(StoreErrorKind::BadInput,
                                   fmt::format("the mbox file {} cannot be read.", file.string()));
    error.said = say(Phrase::AtFile, file.string(), say(Phrase::MboxUnreadable));
    return error;
}

// What the splitter found wrong, at the line it names; `file` is null for an
// mbox given as text.
StoreError mbox_problem(const MboxProblem& problem, const MboxLimits& limits,
                        const fs::path* file) {
    if (problem.kind == MboxProblem::Kind::NoFromLine) {
        StoreError error = store_error(StoreErrorKind::BadInput,
                                       "this is not an mbox file: it does not start with a "
                                       "\"From \" line.");
        error.said = say(Phrase::MboxNoFromLine);
        return file ? naming_file(std::move(error), *file) : error;
    }
    const sim::Said reason =
        say(Phrase::MboxMessageTooLarge, problem.number, limits.max_message_size);
    StoreError error =
        store_error(StoreErrorKind::LimitReached,
                    sim::render(say(Phrase::AtLine, problem.line, reason), sim::Language::En));
    error.said = file ? say(Phrase::AtFileLine, file->string(), problem.line, reason)
                      : say(Phrase::AtLine, problem.line, reason);
    return error;
}

// Appends each message the splitter completes, keeping the store's refusal.
MboxSplitter::Sink appending_to(MailStore& store, MailboxId mailbox, std::vector<Uid>& uids,
                                std::optional<StoreError>& refused) {
    return [&store, mailbox, &uids, &refused](MboxMessage&& message) {
        auto uid = store.append(mailbox, std::move(message.octets), {}, message.date);
        if (!uid) {
            refused = uid.error();
            return false;
        }
        uids.push_back(uid.value());
        return true;
    };
}

FlagSet maildir_flags(std::string_view file_name) {
    FlagSet flags;
    const auto info = file_name.find(":2,");
    if (info == std::string_view::npos) return flags;
    for (const char c : file_name.substr(info + 3)) {
        switch (c) {
            case 'D':
                flags.set(SystemFlag::Draft, true);
                break;
            case 'F':
                flags.set(SystemFlag::Flagged, true);
                break;
            case 'R':
                flags.set(SystemFlag::Answered, true);
                break;
            case 'S':
                flags.set(SystemFlag::Seen, true);
                break;
            case 'T':
                flags.set(SystemFlag::Deleted, true);
                break;
            default:
                break;
        }
    }
    return flags;
}

}  // namespace

std::string to_crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r') {
            out += "\r\n";
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else if (c == '\n') {
            out += "\r\n";
        } else {
            out += c;
        }
    }
    return out;
}

StoreResult<Done> load_fixture_text(MailStore& store, std::string_view yaml, std::string_view label,
                                    const fs::path& base_dir) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
        return input_error(say(Phrase::AtFileLine, label, e.mark.line + 1,
                               say(Phrase::FixtureYamlUnreadable, yaml_syntax_problem(e))));
    }
    try {
        FixtureReader(store, std::string(label), base_dir).read(root);
    } catch (const FixtureProblem& problem) {
        return input_error(problem.said);
    } catch (const YAML::Exception& e) {
        return input_error(say(Phrase::AtFileLine, label, e.mark.line + 1, yaml_syntax_problem(e)));
    }
    return Done{};
}

StoreResult<Done> load_fixture(MailStore& store, const fs::path& file) {
    const auto text = read_bounded(file, kMaxFixtureFileSize);
    if (!text) {
        StoreError error = input_error(say(Phrase::AtFile, file.string(),
                                           say(Phrase::FixtureUnreadable, kMaxFixtureFileSize)));
        error.message = fmt::format(
            "the fixture {} cannot be read (missing, unreadable or larger than {} octets).",
            file.string(), kMaxFixtureFileSize);
        return error;
    }
    return load_fixture_text(store, *text, file.string(), file.parent_path());
}

StoreResult<std::vector<Uid>> import_mbox(MailStore& store, MailboxId mailbox,
                                          std::string_view mbox, InternalDate fallback,
                                          const MboxLimits& limits) {
    std::vector<Uid> uids;
    std::optional<StoreError> refused;
    MboxSplitter splitter(fallback, limits.max_message_size,
                          appending_to(store, mailbox, uids, refused));
    if (splitter.feed(mbox) && splitter.finish()) return uids;
    if (refused) return *refused;
    return mbox_problem(*splitter.problem(), limits, nullptr);
}

StoreResult<std::vector<Uid>> import_mbox_file(MailStore& store, MailboxId mailbox,
                                               const fs::path& file, InternalDate fallback,
                                               const MboxLimits& limits) {
    const ReadOnlyFile in(file);
    if (!in.is_open()) return mbox_unreadable(file);
    std::vector<Uid> uids;
    std::optional<StoreError> refused;
    MboxSplitter splitter(fallback, limits.max_message_size,
                          appending_to(store, mailbox, uids, refused));
    std::string block(limits.block_size, '\0');
    for (;;) {
        const auto got = in.read(block);
        if (!got) return mbox_unreadable(file);
        const bool going =
            *got == 0 ? splitter.finish() : splitter.feed(std::string_view(block.data(), *got));
        if (!going) {
            if (refused) return naming_file(std::move(*refused), file);
            return mbox_problem(*splitter.problem(), limits, &file);
        }
        if (*got == 0) return uids;
    }
}

StoreResult<std::vector<Uid>> import_maildir(MailStore& store, MailboxId mailbox,
                                             const fs::path& dir) {
    std::error_code error;
    if (!fs::is_directory(dir / "cur", error) && !fs::is_directory(dir / "new", error)) {
        StoreError not_maildir = store_error(
            StoreErrorKind::BadInput,
            fmt::format("{} is not a Maildir: it has neither cur/ nor new/.", dir.string()));
        not_maildir.said = say(Phrase::AtFile, dir.string(), say(Phrase::NotMaildir));
        return not_maildir;
    }
    std::vector<fs::path> files;
    for (const char* sub : {"cur", "new"}) {
        for (const auto& entry : fs::directory_iterator(dir / sub, error)) {
            if (entry.is_regular_file()) files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
    std::vector<Uid> uids;
    for (const auto& file : files) {
        std::error_code size_error;
        if (const auto size = fs::file_size(file, size_error);
            !size_error && size > kMaxMessageSize) {
            StoreError too_large = store_error(
                StoreErrorKind::LimitReached,
                fmt::format("the message file {} is larger than {} octets, the most the store "
                            "accepts.",
                            file.string(), kMaxMessageSize));
            too_large.said = say(Phrase::AtFile, file.string(),
                                 say(Phrase::MessageFileTooLarge, kMaxMessageSize));
            return too_large;
        }
        auto octets = read_bounded(file, kMaxMessageSize);
        if (!octets) {
            StoreError unreadable =
                store_error(StoreErrorKind::BadInput,
                            fmt::format("the message file {} cannot be read.", file.string()));
            unreadable.said =
                say(Phrase::AtFile, file.string(), say(Phrase::MessageFileUnreadable));
            return unreadable;
        }
        const auto written = fs::last_write_time(file, error);
        auto uid = store.append(mailbox, to_crlf(*octets), maildir_flags(file.filename().string()),
                                error ? InternalDate{} : file_write_date(written));
        if (!uid) return naming_file(uid.error(), file);
        uids.push_back(uid.value());
    }
    return uids;
}

}  // namespace mailscope::server
