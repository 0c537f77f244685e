#include "server_mock/base_subject.hpp"

#include "sim/core/ascii.hpp"
#include "sim/text/encoded_words.hpp"

namespace mailscope::server {

namespace {

bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && ascii::iequals(text.substr(0, prefix.size()), prefix);
}

// subj-blob = "[" *BLOBCHAR "]" *WSP: its length at `at`, or 0.
std::size_t blob_length(std::string_view text, std::size_t at) {
    if (at >= text.size() || text[at] != '[') return 0;
    std::size_t end = at + 1;
    while (end < text.size() && text[end] != '[' && text[end] != ']')
        ++end;
    if (end >= text.size() || text[end] != ']') return 0;
    ++end;
    while (end < text.size() && is_wsp(text[end]))
        ++end;
    return end - at;
}

// subj-leader = (*subj-blob subj-refwd) / WSP, with
// subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":": its length, or 0.
std::size_t leader_length(std::string_view text) {
    if (!text.empty() && is_wsp(text[0])) return 1;
    std::size_t at = 0;
    while (const std::size_t blob = blob_length(text, at))
        at += blob;
    const std::string_view rest = text.substr(at);
    if (starts_with_nocase(rest, "re")) {
        at += 2;
    } else if (starts_with_nocase(rest, "fwd")) {
        at += 3;
    } else if (starts_with_nocase(rest, "fw")) {
        at += 2;
    } else {
        return 0;
    }
    while (at < text.size() && is_wsp(text[at]))
        ++at;
    at += blob_length(text, at);
    return at < text.size() && text[at] == ':' ? at + 1 : 0;
}

bool has_base(std::string_view text) {
    for (const char c : text) {
        if (!is_wsp(c)) return true;
    }
    return false;
}

// Step (1): tabs, line folds and runs of spaces become one space.
std::string single_spaced(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\t' || c == '\r' || c == '\n') c = ' ';
        if (c == ' ' && !out.empty() && out.back() == ' ') continue;
        out += c;
    }
    return out;
}

}  // namespace

BaseSubject base_subject_of(std::string_view raw_subject) {
    BaseSubject base;
    std::string& subject = base.text;
    subject = single_spaced(text::decode_header_value(raw_subject));
    while (true) {
        // (2) subj-trailer = "(fwd)" / WSP, from the end, as long as any.
        while (true) {
            if (!subject.empty() && is_wsp(subject.back())) {
                subject.pop_back();
            } else if (subject.size() >= 5 &&
                       ascii::iequals(std::string_view(subject).substr(subject.size() - 5),
                                      "(fwd)")) {
                subject.resize(subject.size() - 5);
                base.reply_or_forward = true;
            } else {
                break;
            }
        }
        // (3) to (5): leaders, and a leading blob when a base is left.
        while (true) {
            if (const std::size_t leader = leader_length(subject)) {
                // A leader is a lone WSP or ends in subj-refwd's "Re:" or "Fwd:".
                base.reply_or_forward = base.reply_or_forward || !is_wsp(subject.front());
                subject.erase(0, leader);
                continue;
            }
            const std::size_t blob = blob_length(subject, 0);
            if (blob > 0 && has_base(std::string_view(subject).substr(blob))) {
                subject.erase(0, blob);
                continue;
            }
            break;
        }
        // (6) "[fwd:" subject "]": unwrap and start again from (2).
        if (starts_with_nocase(subject, "[fwd:") && !subject.empty() && subject.back() == ']') {
            subject = subject.substr(5, subject.size() - 6);
            base.reply_or_forward = true;
            continue;
        }
        break;
    }
    for (char& c : subject)
        c = ascii::to_upper(c);
    return base;
}

std::string base_subject(std::string_view raw_subject) {
    return base_subject_of(raw_subject).text;
}

}  // namespace mailscope::server
