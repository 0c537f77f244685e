#include "sim/mime/section.hpp"

namespace mailscope::mime {

namespace {

// One step into `container`. `as_message` says that `container` stands for a
// whole message (the top level, or the inside of a message/rfc822), whose
// single non-multipart body is part 1.
const MimePart* step(const MimePart& container, bool as_message, std::uint32_t number) {
    if (number == 0) return nullptr;
    if (container.is_multipart()) {
        if (number > container.children.size()) return nullptr;
        return &container.children[number - 1];
    }
    if (as_message) return number == 1 ? &container : nullptr;
    if (container.is_message_rfc822() && !container.children.empty()) {
        return step(container.children.front(), true, number);
    }
    return nullptr;
}

std::string slice(std::string_view raw, std::size_t begin, std::size_t end) {
    if (begin > end || end > raw.size()) return {};
    return std::string(raw.substr(begin, end - begin));
}

}  // namespace

const MimePart* find_section_part(const ParsedMessage& message,
                                  const std::vector<std::uint32_t>& part) {
    const MimePart* current = &message.root;
    bool as_message = true;
    for (const std::uint32_t number : part) {
        const MimePart* next = step(*current, as_message, number);
        if (next == nullptr) return nullptr;
        current = next;
        as_message = false;
    }
    return current;
}

std::optional<std::string> section_octets(const ParsedMessage& message, std::string_view raw,
                                          const std::vector<std::uint32_t>& part, SectionText which,
                                          const std::vector<std::string>& fields) {
    if (raw.size() != message.size) return std::nullopt;
    const MimePart* selected = find_section_part(message, part);
    if (selected == nullptr) return std::nullopt;

    if (which == SectionText::None) {
        if (part.empty()) return std::string(raw);
        return slice(raw, selected->body_begin, selected->body_end);
    }
    if (which == SectionText::Mime) {
        if (part.empty()) return std::nullopt;
        return slice(raw, selected->header_begin, selected->header_end);
    }

    // HEADER, HEADER.FIELDS(.NOT) and TEXT name the top-level message or the
    // message encapsulated in a message/rfc822 part.
    const MimePart* target = selected;
    if (!part.empty()) {
        if (!selected->is_message_rfc822() || selected->children.empty()) return std::nullopt;
        target = &selected->children.front();
    }
    if (which == SectionText::Text) return slice(raw, target->body_begin, target->body_end);
    const std::string header = slice(raw, target->header_begin, target->header_end);
    if (which == SectionText::Header) return header;
    return header_fields_subset(header, fields, which == SectionText::HeaderFieldsNot);
}

std::string_view partial_octets(std::string_view octets, std::uint32_t origin,
                                std::optional<std::uint32_t> count) {
    if (origin >= octets.size()) return {};
    return octets.substr(origin, count ? *count : std::string_view::npos);
}

}  // namespace mailscope::mime
