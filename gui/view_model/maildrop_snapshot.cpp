#include "gui/view_model/maildrop_snapshot.hpp"

#include <algorithm>
#include <string_view>

#include "sim/pop3/command.hpp"

namespace mailscope::gui {

namespace {

std::string_view pop3_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    return line;
}

// The lines of a reply after its status line, up to the "." that ends a
// multi-line one; a dot-stuffed line loses its first dot (RFC 1939 3).
std::vector<std::string_view> data_lines(std::string_view raw) {
    std::vector<std::string_view> lines;
    const auto first = raw.find('\n');
    if (first == std::string_view::npos) return lines;
    raw.remove_prefix(first + 1);
    while (!raw.empty()) {
        const auto end = raw.find('\n');
        std::string_view line = pop3_line(raw.substr(0, end));
        if (line == ".") break;
        if (!line.empty() && line.front() == '.') line.remove_prefix(1);
        lines.push_back(line);
        if (end == std::string_view::npos) break;
        raw.remove_prefix(end + 1);
    }
    return lines;
}

// "+OK 2 320" -> {"2", "320"}: the words after the status indicator.
std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    while (!line.empty()) {
        const auto start = line.find_first_not_of(' ');
        if (start == std::string_view::npos) break;
        line.remove_prefix(start);
        const auto end = line.find(' ');
        out.push_back(line.substr(0, end));
        if (end == std::string_view::npos) break;
        line.remove_prefix(end);
    }
    return out;
}

std::vector<std::string_view> status_words(std::string_view raw) {
    auto all = words(pop3_line(raw.substr(0, raw.find('\n'))));
    if (!all.empty()) all.erase(all.begin());
    return all;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
    if (text.empty() || text.size() > 19) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value;
}

MaildropRow* row(MaildropSnapshot& snapshot, std::uint32_t number) {
    if (number == 0 || number > MaildropSnapshot::max_rows) return nullptr;
    if (number > snapshot.messages.size()) snapshot.messages.resize(number);
    snapshot.changed.push_back(number);
    return &snapshot.messages[number - 1];
}

// STAT and LIST leave out the messages marked deleted, whose numbers stay
// taken (RFC 1939 5): a smaller count never removes a row.
void set_count(MaildropSnapshot& snapshot, std::uint32_t count) {
    snapshot.count = count;
    const std::size_t rows = std::min(count, MaildropSnapshot::max_rows);
    if (rows > snapshot.messages.size()) snapshot.messages.resize(rows);
}

// "n size" (LIST) or "n unique-id" (UIDL), alone or in a listing.
void fold_listing(MaildropSnapshot& snapshot, const std::vector<std::string_view>& fields,
                  pop3::Verb verb) {
    if (fields.size() < 2) return;
    const auto number = pop3::parse_number(fields[0]);
    if (!number) return;
    MaildropRow* message = row(snapshot, *number);
    if (!message) return;
    if (verb == pop3::Verb::List) {
        if (const auto size = parse_size(fields[1])) message->size = size;
    } else {
        message->uidl = std::string(fields[1].substr(0, 70));
    }
}

void fold_reply(MaildropSnapshot& snapshot, const pop3::Command& command, std::string_view raw) {
    const auto number = command.args.empty() ? std::nullopt : pop3::parse_number(command.args[0]);
    switch (command.verb) {
        case pop3::Verb::Stat: {
            const auto fields = status_words(raw);
            if (fields.size() < 2) break;
            const auto count = pop3::parse_number(fields[0]);
            if (!count) break;
            set_count(snapshot, *count);
            snapshot.total_size = parse_size(fields[1]);
            break;
        }
        case pop3::Verb::List:
        case pop3::Verb::Uidl:
            if (number) {
                fold_listing(snapshot, status_words(raw), command.verb);
                break;
            }
            {
                const auto lines = data_lines(raw);
                // A full listing names every message that is not marked.
                if (command.verb == pop3::Verb::List && !snapshot.count) {
                    set_count(snapshot, static_cast<std::uint32_t>(lines.size()));
                }
                for (const auto line : lines)
                    fold_listing(snapshot, words(line), command.verb);
            }
            break;
        case pop3::Verb::Dele:
            if (!number) break;
            if (MaildropRow* message = row(snapshot, *number)) message->deleted = true;
            break;
        case pop3::Verb::Retr:
        case pop3::Verb::Top:
            if (!number) break;
            if (MaildropRow* message = row(snapshot, *number)) message->retrieved = true;
            break;
        case pop3::Verb::Rset:
            for (std::size_t i = 0; i < snapshot.messages.size(); ++i) {
                if (!snapshot.messages[i].deleted) continue;
                snapshot.messages[i].deleted = false;
                snapshot.changed.push_back(static_cast<std::uint32_t>(i + 1));
            }
            break;
        case pop3::Verb::Quit:
            snapshot.updated = snapshot.count.has_value();
            break;
        default:
            break;
    }
}

}  // namespace

std::uint32_t MaildropSnapshot::deleted_count() const {
    return static_cast<std::uint32_t>(std::count_if(
        messages.begin(), messages.end(), [](const MaildropRow& row) { return row.deleted; }));
}

void fold_maildrop(MaildropSnapshot& snapshot, const sim::TraceEvent& event,
                   const sim::SessionTrace& trace) {
    snapshot.changed.clear();
    if (event.kind != sim::EventKind::Tagged || event.status != sim::ReplyStatus::PlusOk ||
        event.link != sim::Link::Answers || !event.link_seq || !trace.holds(*event.link_seq)) {
        return;
    }
    const sim::TraceEvent& asked = trace.at(*event.link_seq);
    if (asked.kind != sim::EventKind::Command) return;
    const auto parsed = pop3::parse_command(pop3_line(asked.raw));
    if (!parsed.command) return;
    fold_reply(snapshot, *parsed.command, event.raw);
}

}  // namespace mailscope::gui
