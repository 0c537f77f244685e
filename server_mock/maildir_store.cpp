#include "server_mock/maildir_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "server_mock/disk_error.hpp"

namespace mailscope::server {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kStateFile = "mailscope-state";
constexpr std::string_view kUidListFile = "mailscope-uidlist";
constexpr std::string_view kKeywordsFile = "mailscope-keywords";
constexpr std::string_view kSubscriptionsFile = "subscriptions";
constexpr std::string_view kAclFile = "mailscope-acl";
// Where StagingWriter writes message files before they are renamed into cur/.
constexpr std::string_view kStagingDir = "tmp";

struct LetterFlag {
    char letter;
    SystemFlag flag;
};
// Maildir's info letters, in the ASCII order the format requires.
constexpr LetterFlag kLetters[] = {{'D', SystemFlag::Draft},
                                   {'F', SystemFlag::Flagged},
                                   {'R', SystemFlag::Answered},
                                   {'S', SystemFlag::Seen},
                                   {'T', SystemFlag::Deleted}};

StoreResult<Done> sync_directory(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return disk_error("open the directory", dir, errno);
    const int synced = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (synced != 0) return disk_error("flush the directory", dir, error);
    return Done{};
}

// A file that could not be written whole is removed: a full disk leaves
// nothing half-written behind.
StoreResult<Done> write_file_synced(const fs::path& path, std::string_view content) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return disk_error("create", path, errno);
    auto fail = [&](std::string_view what, int error) {
        ::close(fd);
        ::unlink(path.c_str());
        return disk_error(what, path, error);
    };
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail("write", errno);
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) return fail("flush", errno);
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(path.c_str());
        return disk_error("close", path, error);
    }
    return Done{};
}

// Write-to-temporary, fsync, rename, fsync the directory: after a crash the
// file holds either the old or the new content, never a mix.
StoreResult<Done> replace_file(const fs::path& path, std::string_view content) {
    fs::path temporary = path;
    temporary += ".tmp";
    if (auto written = write_file_synced(temporary, content); !written) return written;
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        return disk_error("replace", path, error);
    }
    return sync_directory(path.parent_path());
}

StoreResult<Done> make_directories(const fs::path& dir) {
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) return disk_error("create the directory", dir, error.value());
    return Done{};
}

std::optional<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

std::vector<std::string> split_lines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        if (end > start) lines.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

template <class Number>
std::optional<Number> parse_number(std::string_view text) {
    Number value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::string escape_prefix(std::string_view prefix) {
    std::string out;
    for (const char c : prefix) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            out += c;
        } else {
            out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        }
    }
    return out;
}

struct ParsedFileName {
    Uid uid = 0;
    InternalDate date;
    std::string flag_letters;
};

// "<uid>.<seconds><+hhmm>:2,<letters>"; nothing for names other programs chose.
std::optional<ParsedFileName> parse_file_name(std::string_view name) {
    ParsedFileName parsed;
    const auto dot = name.find('.');
    const auto info = name.find(":2,");
    if (dot == std::string_view::npos || info == std::string_view::npos || info < dot + 6) {
        return std::nullopt;
    }
    const auto uid = parse_number<Uid>(name.substr(0, dot));
    const auto stamp = name.substr(dot + 1, info - dot - 1);
    const auto zone_at = stamp.size() - 5;
    const auto seconds = parse_number<std::int64_t>(stamp.substr(0, zone_at));
    const char sign = stamp[zone_at];
    const auto zone = parse_number<int>(stamp.substr(zone_at + 1));
    if (!uid || *uid == 0 || !seconds || (sign != '+' && sign != '-') || !zone ||
        *zone % 100 > 59 || *zone > 2359) {
        return std::nullopt;
    }
    const int minutes = *zone / 100 * 60 + *zone % 100;
    parsed.uid = *uid;
    parsed.date = InternalDate{*seconds, sign == '-' ? -minutes : minutes};
    parsed.flag_letters = std::string(name.substr(info + 3));
    return parsed;
}

FlagSet flags_from_letters(std::string_view letters, const std::vector<std::string>& keywords) {
    FlagSet flags;
    for (const char c : letters) {
        for (const auto& [letter, flag] : kLetters) {
            if (c == letter) flags.set(flag, true);
        }
        if (c >= 'a' && c <= 'z' && static_cast<std::size_t>(c - 'a') < keywords.size()) {
            flags.add_keyword(keywords[static_cast<std::size_t>(c - 'a')]);
        }
    }
    return flags;
}

std::string uidlist_content(const Mailbox& mailbox, Uid uidnext) {
    return fmt::format("mailscope-uidlist 1\nuidvalidity {}\nuidnext {}\n", mailbox.uidvalidity,
                       std::max(uidnext, mailbox.uidnext));
}

std::string keywords_content(const Mailbox& mailbox) {
    std::string out;
    for (const auto& keyword : mailbox.keywords)
        out += keyword + "\n";
    return out;
}

std::string acl_content(const AccessList& acl) {
    std::string out;
    for (const auto& [identifier, rights] : acl)
        out += fmt::format("{} {}\n", identifier, rights.letters());
    return out;
}

std::optional<AccessList> parse_acl(std::string_view content) {
    AccessList acl;
    for (const auto& line : split_lines(content)) {
        const auto space = line.rfind(' ');
        if (space == std::string::npos || space == 0) return std::nullopt;
        const auto rights = parse_rights(std::string_view(line).substr(space + 1));
        if (!rights) return std::nullopt;
        acl[line.substr(0, space)] = *rights;
    }
    return acl;
}

// Finds the file of `uid` in cur/ whatever its flags suffix says.
std::optional<fs::path> find_message_file(const fs::path& cur, Uid uid) {
    const std::string prefix = fmt::format("{}.", uid);
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(cur, error)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with(prefix)) return entry.path();
    }
    return std::nullopt;
}

// Files other programs delivered get the next UIDs, in name order, and the
// canonical name; the new UIDNEXT is on disk before any file is renamed.
StoreResult<Done> adopt_foreign_files(const fs::path& level, Mailbox& mailbox,
                                      std::vector<fs::path> foreign,
                                      std::vector<Message>& messages) {
    if (foreign.empty()) return Done{};
    std::sort(foreign.begin(), foreign.end());
    const Uid first = mailbox.uidnext;
    mailbox.uidnext += static_cast<Uid>(foreign.size());
    if (auto saved = replace_file(level / kUidListFile, uidlist_content(mailbox, mailbox.uidnext));
        !saved) {
        return saved;
    }
    std::error_code error;
    Uid uid = first;
    for (const auto& path : foreign) {
        Message message;
        message.uid = uid++;
        const std::string file = path.filename().string();
        if (const auto info = file.find(":2,"); info != std::string::npos) {
            message.flags =
                flags_from_letters(std::string_view(file).substr(info + 3), mailbox.keywords);
        }
        // The delivery time is the only arrival date such a file has.
        const auto written = fs::last_write_time(path, error);
        message.internal_date = error ? InternalDate{} : file_write_date(written);
        auto octets = read_file(path);
        if (!octets) return disk_error("read", path, errno);
        message.octets = std::make_shared<const std::string>(std::move(*octets));
        const fs::path canonical = level / "cur" / maildir_file_name(message, mailbox.keywords);
        if (::rename(path.c_str(), canonical.c_str()) != 0) {
            return disk_error("rename", path, errno);
        }
        messages.push_back(std::move(message));
    }
    if (auto synced = sync_directory(level / "cur"); !synced) return synced;
    return sync_directory(level / "new");
}

// A data directory that cannot be loaded: `message` is what the console
// shows, `said` the same in the catalogue's words, naming `file`.
StoreError data_dir_error(std::string message, const fs::path& file, sim::Said reason) {
    StoreError error = store_error(StoreErrorKind::BadInput, std::move(message));
    error.said = sim::say(sim::Phrase::AtFile, file.string(), std::move(reason));
    return error;
}

}  // namespace

std::string maildir_file_name(const Message& message, const std::vector<std::string>& keywords) {
    std::string letters;
    for (const auto& [letter, flag] : kLetters) {
        if (message.flags.has(flag)) letters += letter;
    }
    for (std::size_t i = 0; i < keywords.size() && i < 26; ++i) {
        if (message.flags.has_keyword(keywords[i])) letters += static_cast<char>('a' + i);
    }
    const int zone = message.internal_date.zone_minutes;
    const int magnitude = std::abs(zone);
    return fmt::format("{}.{}{}{:02}{:02}:2,{}", message.uid, message.internal_date.utc_seconds,
                       zone < 0 ? '-' : '+', magnitude / 60, magnitude % 60, letters);
}

MaildirBackend::MaildirBackend(fs::path root) : m_root(std::move(root)) {}

fs::path MaildirBackend::tree_root(std::string_view owner, bool personal) const {
    if (personal) return m_root / "users" / std::string(owner) / "mail";
    return m_root / "shared" / escape_prefix(owner);
}

fs::path MaildirBackend::mailbox_dir(std::string_view owner, std::string_view name,
                                     char delimiter) const {
    // Shared prefixes start with "#" or "~", which user names cannot.
    const bool personal = !owner.empty() && owner.front() != '#' && owner.front() != '~';
    fs::path dir = tree_root(owner, personal);
    std::size_t start = 0;
    while (start <= name.size()) {
        auto end = name.find(delimiter, start);
        if (end == std::string_view::npos) end = name.size();
        dir /= "_" + std::string(name.substr(start, end - start));
        start = end + 1;
    }
    return dir;
}

fs::path MaildirBackend::mailbox_dir(const Mailbox& mailbox) const {
    return mailbox_dir(mailbox.owner, mailbox.name, mailbox.delimiter);
}

StoreResult<Done> MaildirBackend::save_counter(std::uint32_t next_uidvalidity) {
    return replace_file(m_root / kStateFile,
                        fmt::format("next-uidvalidity {}\n", next_uidvalidity));
}

StoreResult<Done> MaildirBackend::save_mailbox(const Mailbox& mailbox) {
    const fs::path dir = mailbox_dir(mailbox);
    std::error_code exists_error;
    if (!fs::exists(dir, exists_error)) {
        // A new mailbox that cannot be written whole must not come back as a
        // \Noselect level after a restart.
        auto saved = write_mailbox(mailbox, dir);
        if (!saved) {
            std::error_code ignored;
            fs::remove_all(dir, ignored);
        }
        return saved;
    }
    return write_mailbox(mailbox, dir);
}

StoreResult<Done> MaildirBackend::write_mailbox(const Mailbox& mailbox, const fs::path& dir) {
    if (auto made = make_directories(dir); !made) return made;
    if (!mailbox.selectable) {
        std::error_code ignored;
        fs::remove(dir / kUidListFile, ignored);
        return sync_directory(dir);
    }
    for (const char* sub : {"cur", "new", "tmp"}) {
        if (auto made = make_directories(dir / sub); !made) return made;
    }
    if (auto saved = replace_file(dir / kKeywordsFile, keywords_content(mailbox)); !saved) {
        return saved;
    }
    // The uidlist is written last: its presence is what makes the level a mailbox.
    if (auto saved =
            replace_file(dir / kUidListFile, uidlist_content(mailbox, reserved_uidnext(mailbox)));
        !saved) {
        return saved;
    }
    return sync_directory(dir.parent_path());
}

StoreResult<Done> MaildirBackend::remove_mailbox(const Mailbox& mailbox, bool keep_level) {
    const fs::path dir = mailbox_dir(mailbox);
    std::error_code error;
    if (keep_level) {
        fs::remove(dir / kUidListFile, error);
        if (error) return disk_error("remove", dir / kUidListFile, error.value());
        if (auto synced = sync_directory(dir); !synced) return synced;
        for (const auto* leftover : {"cur", "new", "tmp", "mailscope-keywords", "mailscope-acl"}) {
            fs::remove_all(dir / leftover, error);
        }
        return Done{};
    }
    fs::remove_all(dir, error);
    if (error) return disk_error("remove", dir, error.value());
    return sync_directory(dir.parent_path());
}

StoreResult<Done> MaildirBackend::rename_mailbox(const Mailbox& mailbox,
                                                 std::string_view new_name) {
    const fs::path from = mailbox_dir(mailbox);
    const fs::path to = mailbox_dir(mailbox.owner, new_name, mailbox.delimiter);
    if (auto made = make_directories(to.parent_path()); !made) return made;
    if (::rename(from.c_str(), to.c_str()) != 0) return disk_error("rename", from, errno);
    if (auto synced = sync_directory(to.parent_path()); !synced) return synced;
    return sync_directory(from.parent_path());
}

StoreResult<Done> MaildirBackend::save_message(const Mailbox& mailbox, const Message& message) {
    const fs::path dir = mailbox_dir(mailbox);
    // UIDNEXT first: after a crash the disk may skip a UID, never reuse one.
    if (auto saved =
            replace_file(dir / kUidListFile, uidlist_content(mailbox, reserved_uidnext(mailbox)));
        !saved) {
        return saved;
    }
    const std::string name = maildir_file_name(message, mailbox.keywords);
    const fs::path temporary = dir / "tmp" / name;
    if (auto written = write_file_synced(temporary, message.octets ? *message.octets : "");
        !written) {
        return written;
    }
    const fs::path final_path = dir / "cur" / name;
    if (::rename(temporary.c_str(), final_path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        return disk_error("move into cur/", temporary, error);
    }
    return sync_directory(dir / "cur");
}

StoreResult<Done> MaildirBackend::update_flags(const Mailbox& mailbox,
                                               const std::vector<FlagRewrite>& rewrites) {
    const fs::path cur = mailbox_dir(mailbox) / "cur";
    // Every rename first, one sync of the directory for all of them; a
    // rename that fails puts the earlier ones back.
    std::vector<std::pair<fs::path, fs::path>> done;
    auto undo = [&] {
        for (auto it = done.rbegin(); it != done.rend(); ++it)
            ::rename(it->second.c_str(), it->first.c_str());
    };
    for (const auto& rewrite : rewrites) {
        fs::path from = cur / maildir_file_name(*rewrite.before, mailbox.keywords);
        if (!fs::exists(from)) {
            const auto found = find_message_file(cur, rewrite.before->uid);
            if (!found) {
                undo();
                StoreError missing =
                    store_error(StoreErrorKind::Storage,
                                fmt::format("the file of UID {} is missing from the server's disk.",
                                            rewrite.before->uid));
                missing.detail =
                    fmt::format("no file for UID {} in {}", rewrite.before->uid, cur.string());
                return missing;
            }
            from = *found;
        }
        fs::path to = cur / maildir_file_name(*rewrite.after, mailbox.keywords);
        if (::rename(from.c_str(), to.c_str()) != 0) {
            const int error = errno;
            undo();
            return disk_error("rename", from, error);
        }
        done.emplace_back(std::move(from), std::move(to));
    }
    if (auto synced = sync_directory(cur); !synced) {
        undo();
        return synced;
    }
    return Done{};
}

Uid MaildirBackend::reserved_uidnext(const Mailbox& mailbox) const {
    const auto found = m_reserved.find(mailbox.id);
    return found == m_reserved.end() ? mailbox.uidnext : found->second;
}

StoreResult<Done> MaildirBackend::reserve_uids(const Mailbox& mailbox, Uid uidnext) {
    Uid& reserved = m_reserved[mailbox.id];
    // Every uidlist written since holds at least `reserved`.
    if (uidnext <= reserved) return Done{};
    if (auto saved =
            replace_file(mailbox_dir(mailbox) / kUidListFile, uidlist_content(mailbox, uidnext));
        !saved) {
        return saved;
    }
    reserved = uidnext;
    return Done{};
}

StageTicket MaildirBackend::stage(std::vector<std::shared_ptr<const std::string>> octets) {
    if (!m_writer) m_writer = std::make_unique<StagingWriter>(m_root / kStagingDir);
    return m_writer->submit(std::move(octets));
}

std::optional<StoreResult<Done>> MaildirBackend::staged(StageTicket ticket, bool wait) {
    if (!m_writer) return std::optional<StoreResult<Done>>(std::in_place, Done{});
    return m_writer->result(ticket, wait);
}

StoreResult<Done> MaildirBackend::save_staged(StageTicket ticket, const Mailbox& mailbox,
                                              const std::vector<const Message*>& messages) {
    const std::vector<fs::path> files =
        m_writer ? m_writer->files(ticket) : std::vector<fs::path>{};
    if (files.size() != messages.size()) {
        return store_error(StoreErrorKind::Storage,
                           "the server lost track of the files it wrote for this copy.");
    }
    const fs::path cur = mailbox_dir(mailbox) / "cur";
    // UIDNEXT on disk is already past these UIDs (reserve_uids()); a rename
    // per message, whose data the writer has made durable, and one sync.
    std::vector<fs::path> placed;
    auto undo = [&] {
        for (const auto& path : placed)
            ::unlink(path.c_str());
        m_writer->drop(ticket);
    };
    for (std::size_t i = 0; i < files.size(); ++i) {
        fs::path final_path = cur / maildir_file_name(*messages[i], mailbox.keywords);
        if (::rename(files[i].c_str(), final_path.c_str()) != 0) {
            const int error = errno;
            undo();
            return disk_error("move into cur/", files[i], error);
        }
        placed.push_back(std::move(final_path));
    }
    if (auto synced = sync_directory(cur); !synced) {
        undo();
        return synced;
    }
    m_writer->forget(ticket);
    return Done{};
}

void MaildirBackend::drop_staged(StageTicket ticket) {
    if (m_writer) m_writer->drop(ticket);
}

StoreResult<Done> MaildirBackend::remove_messages(const Mailbox& mailbox,
                                                  const std::vector<const Message*>& messages) {
    const fs::path cur = mailbox_dir(mailbox) / "cur";
    for (const Message* message : messages) {
        fs::path path = cur / maildir_file_name(*message, mailbox.keywords);
        if (!fs::exists(path)) {
            const auto found = find_message_file(cur, message->uid);
            if (!found) continue;
            path = *found;
        }
        if (::unlink(path.c_str()) != 0) return disk_error("remove", path, errno);
    }
    return sync_directory(cur);
}

StoreResult<Done> MaildirBackend::save_subscriptions(std::string_view user,
                                                     const std::set<std::string>& names) {
    const fs::path dir = m_root / "users" / std::string(user);
    if (auto made = make_directories(dir); !made) return made;
    std::string content;
    for (const auto& name : names)
        content += name + "\n";
    return replace_file(dir / kSubscriptionsFile, content);
}

StoreResult<Done> MaildirBackend::save_acl(const Mailbox& mailbox) {
    const fs::path dir = mailbox_dir(mailbox);
    if (auto made = make_directories(dir); !made) return made;
    return replace_file(dir / kAclFile, acl_content(mailbox.acl));
}

StoreResult<Done> MaildirBackend::save_all(const MailStore& store) {
    if (auto made = make_directories(m_root); !made) return made;
    for (const auto& [id, mailbox] : store.mailboxes()) {
        if (auto saved = save_mailbox(mailbox); !saved) return saved;
        if (mailbox.acl != store.default_acl(mailbox.owner)) {
            if (auto saved = save_acl(mailbox); !saved) return saved;
        }
        for (const Message& message : mailbox.messages) {
            if (auto saved = save_message(mailbox, message); !saved) return saved;
        }
    }
    for (const auto& user : store.users().names()) {
        if (auto saved = save_subscriptions(user, store.subscriptions(user)); !saved) return saved;
    }
    // The state file marks the directory as complete, so it comes last.
    return save_counter(store.next_uidvalidity());
}

StoreResult<Done> MaildirBackend::load_tree(MailStore& store, const std::string& owner,
                                            const fs::path& root, char delimiter) {
    std::error_code error;
    if (!fs::is_directory(root, error)) return Done{};
    // Breadth-first over level directories; names are rebuilt from the path.
    std::vector<std::pair<fs::path, std::string>> pending{{root, ""}};
    while (!pending.empty()) {
        auto [dir, parent_name] = std::move(pending.back());
        pending.pop_back();
        std::vector<fs::path> levels;
        for (const auto& entry : fs::directory_iterator(dir, error)) {
            const std::string file = entry.path().filename().string();
            if (entry.is_directory() && file.size() > 1 && file.front() == '_') {
                levels.push_back(entry.path());
            }
        }
        std::sort(levels.begin(), levels.end());
        for (const auto& level : levels) {
            const std::string level_name = level.filename().string().substr(1);
            const std::string name =
                parent_name.empty() ? level_name : parent_name + delimiter + level_name;
            pending.emplace_back(level, name);

            Mailbox mailbox;
            mailbox.owner = owner;
            mailbox.name = name;
            mailbox.delimiter = delimiter;
            const auto uidlist = read_file(level / kUidListFile);
            mailbox.selectable = uidlist.has_value();
            mailbox.acl = store.default_acl(owner);
            if (const auto acl = read_file(level / kAclFile)) {
                auto parsed = parse_acl(*acl);
                if (!parsed) {
                    return data_dir_error(
                        fmt::format("{} is not a list of \"identifier rights\" lines.",
                                    (level / kAclFile).string()),
                        level / kAclFile, sim::say(sim::Phrase::DataDirAclNotLines));
                }
                mailbox.acl = std::move(*parsed);
            }
            if (uidlist) {
                for (const auto& line : split_lines(*uidlist)) {
                    if (line.starts_with("uidvalidity ")) {
                        mailbox.uidvalidity =
                            parse_number<std::uint32_t>(line.substr(12)).value_or(0);
                    } else if (line.starts_with("uidnext ")) {
                        mailbox.uidnext = parse_number<Uid>(line.substr(8)).value_or(1);
                    }
                }
                if (const auto keywords = read_file(level / kKeywordsFile)) {
                    mailbox.keywords = split_lines(*keywords);
                    if (mailbox.keywords.size() > kMaxKeywordsPerMailbox) {
                        mailbox.keywords.resize(kMaxKeywordsPerMailbox);
                    }
                }
            }
            if (mailbox.selectable && mailbox.uidvalidity == 0) {
                return data_dir_error(
                    fmt::format("{} has no valid UIDVALIDITY.", (level / kUidListFile).string()),
                    level / kUidListFile, sim::say(sim::Phrase::DataDirNoUidvalidity));
            }

            std::vector<Message> messages;
            std::vector<fs::path> foreign;
            if (mailbox.selectable) {
                // A crash between writing tmp/ and the rename into cur/ leaves a
                // file the client was never told about: it goes.
                fs::remove_all(level / "tmp", error);
                fs::create_directories(level / "tmp", error);
                for (const char* sub : {"cur", "new"}) {
                    for (const auto& entry : fs::directory_iterator(level / sub, error)) {
                        if (!entry.is_regular_file()) continue;
                        const auto parsed = parse_file_name(entry.path().filename().string());
                        if (!parsed || std::string_view(sub) == "new") {
                            foreign.push_back(entry.path());
                            continue;
                        }
                        Message message;
                        message.uid = parsed->uid;
                        message.internal_date = parsed->date;
                        message.flags = flags_from_letters(parsed->flag_letters, mailbox.keywords);
                        auto octets = read_file(entry.path());
                        if (!octets) {
                            return data_dir_error(
                                fmt::format("could not read {}.", entry.path().string()),
                                entry.path(), sim::say(sim::Phrase::MessageFileUnreadable));
                        }
                        message.octets = std::make_shared<const std::string>(std::move(*octets));
                        messages.push_back(std::move(message));
                    }
                }
            }
            std::sort(messages.begin(), messages.end(),
                      [](const Message& a, const Message& b) { return a.uid < b.uid; });
            messages.erase(
                std::unique(messages.begin(), messages.end(),
                            [](const Message& a, const Message& b) { return a.uid == b.uid; }),
                messages.end());
            if (!messages.empty() && messages.back().uid >= mailbox.uidnext) {
                mailbox.uidnext = messages.back().uid + 1;
            }
            if (auto adopted = adopt_foreign_files(level, mailbox, foreign, messages); !adopted) {
                return adopted;
            }
            auto restored = store.restore_mailbox(mailbox);
            if (!restored) return restored.error();
            for (Message& message : messages) {
                if (auto added = store.restore_message(restored.value(), std::move(message));
                    !added) {
                    return added.error();
                }
            }
        }
    }
    return Done{};
}

void MaildirBackend::remove_interrupted_writes() const {
    // replace_file() writes "<file>.tmp" and renames it over "<file>"; a crash
    // or a full disk in between leaves the temporary, which holds nothing the
    // store relies on. Message directories are not walked: load_tree()
    // empties each tmp/ and cur/ or new/ never hold such names.
    const std::string suffix = ".tmp";
    std::error_code error;
    fs::recursive_directory_iterator walk(m_root, error);
    for (; !error && walk != fs::recursive_directory_iterator(); walk.increment(error)) {
        const std::string name = walk->path().filename().string();
        if (walk->is_directory(error)) {
            if (name == "cur" || name == "new" || name == "tmp") walk.disable_recursion_pending();
            continue;
        }
        if (!name.ends_with(suffix)) continue;
        const std::string_view target =
            std::string_view(name).substr(0, name.size() - suffix.size());
        if (target == kStateFile || target == kUidListFile || target == kKeywordsFile ||
            target == kSubscriptionsFile) {
            std::error_code ignored;
            fs::remove(walk->path(), ignored);
        }
    }
}

StoreResult<Done> MaildirBackend::load_into(MailStore& store) {
    remove_interrupted_writes();
    std::error_code ignored;
    fs::remove_all(m_root / kStagingDir, ignored);
    const auto state = read_file(m_root / kStateFile);
    if (!state) {
        return data_dir_error(fmt::format("{} is not a mailscope data directory (no {} file).",
                                          m_root.string(), kStateFile),
                              m_root, sim::say(sim::Phrase::DataDirNotDataDir, kStateFile));
    }
    std::uint32_t next_uidvalidity = 0;
    for (const auto& line : split_lines(*state)) {
        if (line.starts_with("next-uidvalidity ")) {
            next_uidvalidity = parse_number<std::uint32_t>(line.substr(17)).value_or(0);
        }
    }
    if (next_uidvalidity == 0) {
        return data_dir_error(
            fmt::format("{} has no valid next-uidvalidity line.", (m_root / kStateFile).string()),
            m_root / kStateFile, sim::say(sim::Phrase::DataDirNoNextUidvalidity));
    }
    store.clear_mailboxes();
    for (const auto& user : store.users().names()) {
        if (auto loaded = load_tree(store, user, tree_root(user, true), kPersonalDelimiter);
            !loaded) {
            return loaded;
        }
        std::set<std::string> subscribed;
        if (const auto names = read_file(m_root / "users" / user / kSubscriptionsFile)) {
            for (auto& name : split_lines(*names))
                subscribed.insert(std::move(name));
        }
        store.restore_subscriptions(user, std::move(subscribed));
    }
    for (const auto& shared : store.namespaces().shared) {
        if (auto loaded =
                load_tree(store, shared.prefix, tree_root(shared.prefix, false), shared.delimiter);
            !loaded) {
            return loaded;
        }
    }
    if (next_uidvalidity > store.next_uidvalidity()) store.set_next_uidvalidity(next_uidvalidity);
    return Done{};
}

StoreResult<std::unique_ptr<MaildirBackend>> attach_data_dir(MailStore& store,
                                                             const fs::path& dir) {
    auto backend = std::make_unique<MaildirBackend>(dir);
    std::error_code error;
    if (fs::exists(dir / kStateFile, error)) {
        if (auto loaded = backend->load_into(store); !loaded) return loaded.error();
        store.set_backend(backend.get());
        // A user added to the fixture after the directory was made still
        // gets an INBOX, now written to disk like any other change.
        for (const auto& user : store.users().names()) {
            if (auto inbox = store.ensure_inbox(user); !inbox) return inbox.error();
        }
        return backend;
    }
    if (fs::exists(dir, error) && !fs::is_empty(dir, error)) {
        return data_dir_error(fmt::format("{} is neither empty nor a mailscope data directory; "
                                          "refusing to write into it.",
                                          dir.string()),
                              dir, sim::say(sim::Phrase::DataDirNotEmpty));
    }
    if (auto saved = backend->save_all(store); !saved) return saved.error();
    store.set_backend(backend.get());
    return backend;
}

}  // namespace mailscope::server
