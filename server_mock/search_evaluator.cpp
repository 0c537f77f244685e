#include "server_mock/search_evaluator.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>

#include <fmt/format.h>

#include "server_mock/internal_date.hpp"
#include "sim/core/ascii.hpp"
#include "sim/mime/decoded.hpp"
#include "sim/mime/header.hpp"
#include "sim/text/charset.hpp"
#include "sim/text/encoded_words.hpp"
#include "sim/text/utf8.hpp"

namespace mailscope::server {

namespace {

using Key = imap::SearchKey;
using KeyKind = imap::SearchKey::Kind;

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};

char32_t fold_code_point(char32_t c) {
    if (c >= U'A' && c <= U'Z') return c + 0x20;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;  // Latin-1 letters
    if (c >= 0x0410 && c <= 0x042F) return c + 0x20;           // А..Я
    if (c >= 0x0400 && c <= 0x040F) return c + 0x50;           // Ѐ..Џ, Ё among them
    // Cyrillic extensions (Ukrainian Ґ and others) pair capital and small letters.
    if (c >= 0x0460 && c <= 0x04BF && c % 2 == 0 && (c < 0x0482 || c >= 0x048A)) return c + 1;
    return c;
}

std::optional<int> month_number(std::string_view name) {
    if (name.size() < 3) return std::nullopt;
    for (std::size_t i = 0; i < kMonths.size(); ++i) {
        if (ascii::to_lower(name[0]) == kMonths[i][0] &&
            ascii::to_lower(name[1]) == kMonths[i][1] &&
            ascii::to_lower(name[2]) == kMonths[i][2]) {
            return static_cast<int>(i + 1);
        }
    }
    return std::nullopt;
}

std::optional<int> small_number(std::string_view digits, std::size_t max_length) {
    if (digits.empty() || digits.size() > max_length) return std::nullopt;
    int value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

// Days since 1970-01-01 of a civil date; nothing for an impossible date.
std::optional<std::int64_t> day_number(int year, int month, int day) {
    std::optional<InternalDate> date = make_internal_date(year, month, day, 0, 0, 0, 0);
    if (!date) return std::nullopt;
    return date->utc_seconds / kSecondsPerDay;
}

// RFC 3501 9 date: date-day "-" date-month "-" date-year, maybe quoted.
std::optional<std::int64_t> parse_search_date(std::string_view text) {
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
        text = text.substr(1, text.size() - 2);
    const std::size_t first = text.find('-');
    const std::size_t second = first == std::string_view::npos ? first : text.find('-', first + 1);
    if (second == std::string_view::npos || second - first != 4) return std::nullopt;
    const std::optional<int> day = small_number(text.substr(0, first), 2);
    const std::optional<int> month = month_number(text.substr(first + 1, 3));
    const std::optional<int> year = small_number(text.substr(second + 1), 4);
    if (!day || !month || !year || text.size() - second - 1 != 4) return std::nullopt;
    return day_number(*year, *month, *day);
}

// The calendar date an RFC 5322 Date: header states, in its own zone
// (RFC 3501 6.4.4 SENT* keys disregard time and timezone). Accepts the
// obsolete two- and three-digit years of RFC 5322 4.3.
std::optional<std::int64_t> parse_sent_date(std::string_view value) {
    std::vector<std::string_view> tokens;
    std::size_t pos = 0;
    while (pos < value.size() && tokens.size() < 4) {
        const std::size_t start = value.find_first_not_of(" \t,", pos);
        if (start == std::string_view::npos) break;
        const std::size_t end = std::min(value.find_first_of(" \t,", start), value.size());
        tokens.push_back(value.substr(start, end - start));
        pos = end;
    }
    std::size_t i = 0;
    if (!tokens.empty() && !small_number(tokens[0], 2)) i = 1;  // day of week
    if (tokens.size() < i + 3) return std::nullopt;
    const std::optional<int> day = small_number(tokens[i], 2);
    const std::optional<int> month = month_number(tokens[i + 1]);
    std::optional<int> year = small_number(tokens[i + 2], 4);
    if (!day || !month || !year || tokens[i + 1].size() > 9) return std::nullopt;
    if (tokens[i + 2].size() == 2) *year += *year < 50 ? 2000 : 1900;
    if (tokens[i + 2].size() == 3) *year += 1900;
    return day_number(*year, *month, *day);
}

// hh:mm[:ss] as seconds into the day; nothing when it is no time.
std::optional<std::int64_t> time_of_day(std::string_view text) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const std::size_t second_colon = text.find(':', colon + 1);
    const std::optional<int> hour = small_number(text.substr(0, colon), 2);
    const std::optional<int> minute =
        small_number(text.substr(colon + 1, second_colon - colon - 1), 2);
    const std::optional<int> second = second_colon == std::string_view::npos
                                          ? std::optional<int>(0)
                                          : small_number(text.substr(second_colon + 1), 2);
    if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 60)
        return std::nullopt;
    return std::int64_t{*hour} * 3600 + *minute * 60 + *second;
}

// +hhmm or -hhmm as seconds east of UTC; nothing for the obsolete zone
// names and anything else, which RFC 5256 2.2 treats as UTC.
std::optional<std::int64_t> zone_offset(std::string_view text) {
    if (text.size() != 5 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
    const std::optional<int> hours = small_number(text.substr(1, 2), 2);
    const std::optional<int> minutes = small_number(text.substr(3, 2), 2);
    if (!hours || !minutes || *minutes > 59) return std::nullopt;
    const std::int64_t offset = std::int64_t{*hours} * 3600 + *minutes * 60;
    return text[0] == '-' ? -offset : offset;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

// The internal date's calendar day in the zone it was given in.
std::int64_t internal_day(const InternalDate& date) {
    return floor_div(date.utc_seconds + std::int64_t{date.zone_minutes} * 60, kSecondsPerDay);
}

bool is_date_key(KeyKind kind) {
    switch (kind) {
        case KeyKind::Before:
        case KeyKind::On:
        case KeyKind::Since:
        case KeyKind::SentBefore:
        case KeyKind::SentOn:
        case KeyKind::SentSince:
            return true;
        default:
            return false;
    }
}

bool compare_days(KeyKind kind, std::int64_t message_day, std::int64_t key_day) {
    switch (kind) {
        case KeyKind::Before:
        case KeyKind::SentBefore:
            return message_day < key_day;
        case KeyKind::On:
        case KeyKind::SentOn:
            return message_day == key_day;
        default:
            return message_day >= key_day;
    }
}

void append_header_text(const std::vector<mime::HeaderField>& headers, std::string& out) {
    for (const mime::HeaderField& field : headers) {
        out += field.name;
        out += ": ";
        out += text::decode_header_value(field.raw_value);
        out += '\n';
    }
}

// The readable text of a body: text parts decoded to UTF-8, and the header
// and body of forwarded messages. Other parts (images, archives) hold no
// text a learner would search for.
void append_body_text(const mime::MimePart& part, std::string_view raw, std::string& out) {
    if (part.is_multipart()) {
        for (const mime::MimePart& child : part.children)
            append_body_text(child, raw, out);
    } else if (part.is_message_rfc822()) {
        for (const mime::MimePart& child : part.children) {
            append_header_text(child.headers, out);
            append_body_text(child, raw, out);
        }
    } else if (part.is_text()) {
        out += mime::decoded_body_text(part, raw).text;
        out += '\n';
    }
}

// An address list as one line a person would type from: "Name
// <mailbox@host>, ...", names decoded from RFC 2047, groups by their name.
std::string address_list_text(const std::vector<mime::AddressData>& addresses) {
    std::string out;
    for (const mime::AddressData& address : addresses) {
        if (address.is_group_end()) continue;
        if (!out.empty()) out += ", ";
        if (address.is_group_start()) {
            out += text::decode_header_value(*address.mailbox);
            out += ':';
            continue;
        }
        if (address.name) {
            out += text::decode_header_value(*address.name);
            out += ' ';
        }
        out += '<';
        out += address.mailbox.value_or("");
        if (address.host && !address.host->empty()) {
            out += '@';
            out += *address.host;
        }
        out += '>';
    }
    return out;
}

class Evaluator {
  public:
    Evaluator(const MessageContext& context, ParsedCache& cache, std::uint32_t max_seq,
              std::uint32_t max_uid)
        : m_context(context), m_cache(cache), m_max_seq(max_seq), m_max_uid(max_uid) {}

    bool all(const std::vector<Key>& keys) {
        for (const Key& key : keys) {
            if (!matches(key)) return false;
        }
        return true;
    }

    bool matches(const Key& key) {
        const Message& message = m_context.message;
        const FlagSet& flags = message.flags;
        switch (key.kind) {
            case KeyKind::All:
                return true;
            case KeyKind::Answered:
                return flags.has(SystemFlag::Answered);
            case KeyKind::Deleted:
                return flags.has(SystemFlag::Deleted);
            case KeyKind::Draft:
                return flags.has(SystemFlag::Draft);
            case KeyKind::Flagged:
                return flags.has(SystemFlag::Flagged);
            case KeyKind::Seen:
                return flags.has(SystemFlag::Seen);
            case KeyKind::Unanswered:
                return !flags.has(SystemFlag::Answered);
            case KeyKind::Undeleted:
                return !flags.has(SystemFlag::Deleted);
            case KeyKind::Undraft:
                return !flags.has(SystemFlag::Draft);
            case KeyKind::Unflagged:
                return !flags.has(SystemFlag::Flagged);
            case KeyKind::Unseen:
                return !flags.has(SystemFlag::Seen);
            case KeyKind::Keyword:
                return flags.has_keyword(key.string);
            case KeyKind::Unkeyword:
                return !flags.has_keyword(key.string);
            case KeyKind::Recent:
                return m_context.recent;
            case KeyKind::New:
                return m_context.recent && !flags.has(SystemFlag::Seen);
            case KeyKind::Old:
                return !m_context.recent;
            case KeyKind::Larger:
                return message.size() > key.number;
            // One mod-sequence per message, whatever the metadata entry
            // named (RFC 7162 3.1.5 allows it).
            case KeyKind::ModSeq:
                return message.modseq >= key.modseq;
            case KeyKind::Smaller:
                return message.size() < key.number;
            case KeyKind::Uid:
                return key.set.contains(message.uid, m_max_uid);
            case KeyKind::SequenceSet:
                return key.set.contains(m_context.seq, m_max_seq);
            case KeyKind::Before:
            case KeyKind::On:
            case KeyKind::Since: {
                const std::optional<std::int64_t> day = parse_search_date(key.string);
                return day && compare_days(key.kind, internal_day(message.internal_date), *day);
            }
            case KeyKind::SentBefore:
            case KeyKind::SentOn:
            case KeyKind::SentSince:
                return sent_matches(key);
            case KeyKind::Bcc:
                return addresses_contain(parsed().envelope.bcc, key.string);
            case KeyKind::Cc:
                return addresses_contain(parsed().envelope.cc, key.string);
            case KeyKind::From:
                return addresses_contain(parsed().envelope.from, key.string);
            case KeyKind::To:
                return addresses_contain(parsed().envelope.to, key.string);
            case KeyKind::Subject:
                return header_contains("Subject", key.string);
            case KeyKind::Header:
                return header_contains(key.string, key.value);
            case KeyKind::Body:
                return body_text().find(fold_case(key.string)) != std::string::npos;
            case KeyKind::Text:
                return header_text().find(fold_case(key.string)) != std::string::npos ||
                       body_text().find(fold_case(key.string)) != std::string::npos;
            case KeyKind::Not:
                return key.children.size() == 1 && !matches(key.children.front());
            case KeyKind::Or:
                return key.children.size() == 2 &&
                       (matches(key.children[0]) || matches(key.children[1]));
            case KeyKind::Group:
                return all(key.children);
        }
        return false;
    }

  private:
    const mime::ParsedMessage& parsed() { return m_cache.get(m_context.message); }

    std::string_view raw() const {
        const auto& octets = m_context.message.octets;
        return octets ? std::string_view(*octets) : std::string_view();
    }

    // RFC 3501 6.4.4 HEADER: an empty string matches every message that has
    // the field; the other header keys are read the same way.
    bool header_contains(std::string_view name, std::string_view needle) {
        const std::string folded = fold_case(needle);
        for (const mime::HeaderField* field : mime::find_fields(parsed().root.headers, name)) {
            if (fold_case(text::decode_header_value(field->raw_value)).find(folded) !=
                std::string::npos) {
                return true;
            }
        }
        return false;
    }

    // RFC 3501 6.4.4 reads FROM, TO, CC and BCC in the envelope structure:
    // the addresses as parsed, so a comment or a line fold inside an
    // address does not hide it from a search for "user@domain".
    static bool addresses_contain(const std::vector<mime::AddressData>& addresses,
                                  std::string_view needle) {
        if (addresses.empty()) return false;
        return fold_case(address_list_text(addresses)).find(fold_case(needle)) != std::string::npos;
    }

    bool sent_matches(const Key& key) {
        const std::optional<std::int64_t> wanted = parse_search_date(key.string);
        const mime::HeaderField* date = mime::find_field(parsed().root.headers, "Date");
        if (!wanted || !date) return false;
        const std::optional<std::int64_t> sent = parse_sent_date(date->value);
        return sent && compare_days(key.kind, *sent, *wanted);
    }

    const std::string& header_text() {
        if (!m_header_text) {
            std::string text;
            append_header_text(parsed().root.headers, text);
            m_header_text = fold_case(text);
        }
        return *m_header_text;
    }

    const std::string& body_text() {
        if (!m_body_text) {
            std::string text;
            append_body_text(parsed().root, raw(), text);
            m_body_text = fold_case(text);
        }
        return *m_body_text;
    }

    const MessageContext& m_context;
    ParsedCache& m_cache;
    std::uint32_t m_max_seq;
    std::uint32_t m_max_uid;
    // Folded once per message, however many TEXT or BODY keys ask.
    std::optional<std::string> m_header_text;
    std::optional<std::string> m_body_text;
};

std::optional<std::string> key_error(const Key& key) {
    if (is_date_key(key.kind) && !parse_search_date(key.string)) {
        return fmt::format("{} needs a real calendar date like 1-Feb-1994; '{}' is not one.",
                           imap::search_key_name(key.kind), key.string);
    }
    for (const Key& child : key.children) {
        if (auto error = key_error(child)) return error;
    }
    return std::nullopt;
}

bool convert_key(Key& key, std::string_view charset) {
    switch (key.kind) {
        case KeyKind::Bcc:
        case KeyKind::Body:
        case KeyKind::Cc:
        case KeyKind::From:
        case KeyKind::Subject:
        case KeyKind::Text:
        case KeyKind::To: {
            std::optional<std::string> utf8 = text::to_utf8(key.string, charset);
            if (!utf8) return false;
            key.string = std::move(*utf8);
            break;
        }
        case KeyKind::Header: {
            std::optional<std::string> utf8 = text::to_utf8(key.value, charset);
            if (!utf8) return false;
            key.value = std::move(*utf8);
            break;
        }
        default:
            break;
    }
    for (Key& child : key.children) {
        if (!convert_key(child, charset)) return false;
    }
    return true;
}

}  // namespace

std::optional<std::int64_t> sent_date_seconds(std::string_view value) {
    const std::optional<std::int64_t> day = parse_sent_date(value);
    if (!day) return std::nullopt;
    std::vector<std::string_view> tokens;
    std::size_t pos = 0;
    while (pos < value.size()) {
        const std::size_t start = value.find_first_not_of(" \t,", pos);
        if (start == std::string_view::npos) break;
        const std::size_t end = std::min(value.find_first_of(" \t,", start), value.size());
        tokens.push_back(value.substr(start, end - start));
        pos = end;
    }
    // The tokens after the date: a time, then a zone.
    std::int64_t seconds = *day * kSecondsPerDay;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const auto time = time_of_day(tokens[i]);
        if (!time) continue;
        seconds += *time;
        if (i + 1 < tokens.size()) seconds -= zone_offset(tokens[i + 1]).value_or(0);
        break;
    }
    return seconds;
}

std::string fold_case(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    std::size_t pos = 0;
    while (pos < utf8.size()) {
        // A run of ASCII, most of any mail, is lowered in one piece.
        std::size_t run = pos;
        while (run < utf8.size() && static_cast<unsigned char>(utf8[run]) < 0x80)
            ++run;
        if (run > pos) {
            const std::size_t from = out.size();
            out.append(utf8.substr(pos, run - pos));
            std::transform(out.begin() + static_cast<std::ptrdiff_t>(from), out.end(),
                           out.begin() + static_cast<std::ptrdiff_t>(from), ascii::to_lower);
            pos = run;
            continue;
        }
        const text::Utf8Step step = text::decode_utf8_at(utf8, pos);
        text::append_utf8(
            out, step.valid ? fold_code_point(step.code_point) : text::replacement_character);
        pos += step.length;
    }
    return out;
}

bool matches_search(const std::vector<imap::SearchKey>& keys, const MessageContext& context,
                    ParsedCache& cache, std::uint32_t max_seq, std::uint32_t max_uid) {
    Evaluator evaluator(context, cache, max_seq, max_uid);
    return evaluator.all(keys);
}

std::optional<std::string> search_error(const std::vector<imap::SearchKey>& keys) {
    for (const Key& key : keys) {
        if (auto error = key_error(key)) return error;
    }
    return std::nullopt;
}

std::optional<std::string> convert_search_charset(std::vector<imap::SearchKey>& keys,
                                                  std::string_view charset) {
    if (!text::canonical_charset(charset)) {
        return fmt::format("The simulator does not know the charset '{}'; use UTF-8.", charset);
    }
    std::vector<imap::SearchKey> converted = keys;
    for (Key& key : converted) {
        if (!convert_key(key, charset)) {
            return fmt::format("The search strings cannot be read as {}.", charset);
        }
    }
    keys = std::move(converted);
    return std::nullopt;
}

}  // namespace mailscope::server
