#include "gui/view_model/decoded_view.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/core/ascii.hpp"
#include "sim/imap/verbs.hpp"
#include "sim/mime/decoded.hpp"
#include "sim/mime/message.hpp"
#include "sim/text/encoded_words.hpp"
#include "sim/text/mutf7.hpp"
#include "sim/text/utf8.hpp"

namespace mailscope::gui {

namespace {

// Parts visited at most; a hostile multipart with thousands of parts still
// only produces max_lines lines, this just stops the walk early.
constexpr std::size_t max_parts_shown = 256;
// Only this much of a line is searched for mailbox names.
constexpr std::size_t max_scanned_line = 4096;

bool is_continuation_byte(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

class LineSink {
  public:
    LineSink(std::size_t width, std::size_t max_lines) : m_width(width), m_max_lines(max_lines) {}

    bool full() const { return m_lines.size() >= m_max_lines; }

    // Adds `text` split at line ends and wrapped at `width` characters;
    // control characters other than tabs show as spaces.
    void add_text(std::string_view text) {
        std::string current;
        std::size_t chars = 0;
        const auto flush = [&] {
            push(std::move(current));
            current.clear();
            chars = 0;
        };
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (full()) {
                m_lost = true;
                return;
            }
            const char c = text[i];
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
            if (c == '\n' || c == '\r') {
                flush();
                continue;
            }
            if (!is_continuation_byte(c)) {
                if (chars == m_width) flush();
                ++chars;
            }
            const auto octet = static_cast<unsigned char>(c);
            current.push_back(octet < 0x20 || octet == 0x7f ? ' ' : c);
        }
        if (!current.empty()) flush();
    }

    void push(std::string line) {
        if (full()) {
            m_lost = true;
            return;
        }
        m_lines.push_back(std::move(line));
    }

    std::vector<std::string> finish() && {
        if (m_lost && !m_lines.empty()) m_lines.back() = "... more not shown";
        return std::move(m_lines);
    }

    void mark_lost() { m_lost = true; }

  private:
    std::size_t m_width;
    std::size_t m_max_lines;
    bool m_lost = false;
    std::vector<std::string> m_lines;
};

void add_headers(const mime::MimePart& part, LineSink& sink) {
    for (const auto& field : part.headers) {
        if (sink.full()) return;
        sink.add_text(fmt::format("{}: {}", field.name, text::decode_header_value(field.value)));
    }
    if (!part.headers.empty()) sink.push("");
}

void add_part(const mime::MimePart& part, std::string_view raw, LineSink& sink,
              std::size_t& parts_seen) {
    if (sink.full() || ++parts_seen > max_parts_shown) {
        sink.mark_lost();
        return;
    }
    if (part.is_message_rfc822()) {
        sink.push("-- message/rfc822 --");
        for (const auto& child : part.children) {
            add_headers(child, sink);
            add_part(child, raw, sink, parts_seen);
        }
        return;
    }
    if (part.is_multipart()) {
        for (const auto& child : part.children)
            add_part(child, raw, sink, parts_seen);
        return;
    }
    const std::string type = fmt::format("{}/{}", part.type, part.subtype);
    if (!part.is_text()) {
        sink.push(fmt::format("-- {}, {} octets --", type, part.body_size()));
        return;
    }
    const mime::DecodedText decoded = mime::decoded_body_text(part, raw);
    sink.push(
        fmt::format("-- {}; charset={} ({}) --", type, decoded.charset, part.transfer_encoding()));
    sink.add_text(decoded.text);
}

// A command whose arguments name mailboxes, or the data response named
// after one (LIST, LSUB, STATUS, LISTRIGHTS, MYRIGHTS), which names them too.
bool names_mailboxes(const sim::TraceEvent& event) {
    if (event.protocol != sim::Protocol::Imap) return false;
    if (event.kind != sim::EventKind::Command && event.kind != sim::EventKind::Untagged) {
        return false;
    }
    std::string_view name = event.name;
    if (ascii::istarts_with(name, "UID ")) name.remove_prefix(4);
    return imap::has_flag(imap::verb_from_name(name), imap::VerbFlag::MailboxArgument);
}

// The atoms and quoted strings of one line, quotes and escapes removed.
std::vector<std::string> words_of(std::string_view line) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < line.size()) {
        if (line[i] == ' ' || line[i] == '(' || line[i] == ')') {
            ++i;
            continue;
        }
        std::string word;
        if (line[i] == '"') {
            for (++i; i < line.size() && line[i] != '"'; ++i) {
                if (line[i] == '\\' && i + 1 < line.size()) ++i;
                word.push_back(line[i]);
            }
            ++i;
        } else {
            for (; i < line.size() && line[i] != ' ' && line[i] != '(' && line[i] != ')'; ++i) {
                word.push_back(line[i]);
            }
        }
        words.push_back(std::move(word));
    }
    return words;
}

}  // namespace

std::vector<std::string> decoded_literal_lines(std::string_view octets, std::size_t width,
                                               std::size_t max_lines) {
    LineSink sink(std::max<std::size_t>(width, 1), max_lines);
    if (max_lines == 0) return {};
    const mime::ParsedMessage message = mime::parse_message(octets);
    if (!message.root.has_blank_line || message.root.headers.empty()) {
        // No header block: a body section (BODY[TEXT], BODY[1]) whose encoding
        // is only known from BODYSTRUCTURE, shown as it came.
        sink.add_text(text::sanitize_utf8(octets));
        return std::move(sink).finish();
    }
    add_headers(message.root, sink);
    std::size_t parts_seen = 0;
    add_part(message.root, octets, sink, parts_seen);
    return std::move(sink).finish();
}

std::vector<DecodedName> decoded_mailbox_names(const sim::TraceEvent& event) {
    std::vector<DecodedName> names;
    if (!names_mailboxes(event)) return names;
    std::string_view line = event.raw;
    line = line.substr(0, std::min({line.find_first_of("\r\n"), line.size(), max_scanned_line}));
    for (const std::string& word : words_of(line)) {
        if (word.find('&') == std::string::npos) continue;
        const auto decoded = text::mutf7_decode(word);
        if (!decoded || *decoded == word) continue;
        names.push_back({word, *decoded});
    }
    return names;
}

std::string decoded_note(const sim::TraceEvent& event, std::string_view hidden_word,
                         NoteForm form) {
    if (event.redacted) return std::string(hidden_word);
    std::string note;
    for (const DecodedName& name : decoded_mailbox_names(event)) {
        if (!note.empty()) note += ", ";
        note += form == NoteForm::Full ? fmt::format("{} \u2192 {}", name.raw, name.decoded)
                                       : name.decoded;
    }
    return note;
}

}  // namespace mailscope::gui
