#include "server_mock/fetch_responder.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "server_mock/imap_envelope.hpp"
#include "server_mock/internal_date.hpp"
#include "server_mock/wire_safety.hpp"
#include "sim/mime/section.hpp"

namespace mailscope::server {

namespace {

using Kind = imap::FetchAtt::Kind;

mime::SectionText to_section_text(imap::SectionSpec::Text text) {
    switch (text) {
        case imap::SectionSpec::Text::Header:
            return mime::SectionText::Header;
        case imap::SectionSpec::Text::HeaderFields:
            return mime::SectionText::HeaderFields;
        case imap::SectionSpec::Text::HeaderFieldsNot:
            return mime::SectionText::HeaderFieldsNot;
        case imap::SectionSpec::Text::Text:
            return mime::SectionText::Text;
        case imap::SectionSpec::Text::Mime:
            return mime::SectionText::Mime;
        case imap::SectionSpec::Text::None:
            break;
    }
    return mime::SectionText::None;
}

// RFC 3501 6.4.5: a section that does not exist is answered, not refused;
// like Dovecot, the answer is the empty string.
std::string section_data(const mime::ParsedMessage& parsed, std::string_view raw,
                         const imap::SectionSpec& section) {
    std::optional<std::string> octets = mime::section_octets(
        parsed, raw, section.part, to_section_text(section.text), section.fields);
    return octets ? std::move(*octets) : std::string();
}

std::uint32_t clamp32(std::uint64_t value) {
    return static_cast<std::uint32_t>(
        std::min<std::uint64_t>(value, std::numeric_limits<std::uint32_t>::max()));
}

imap::FetchItem body_section_item(const mime::ParsedMessage& parsed, std::string_view raw,
                                  const imap::FetchAtt& att) {
    std::string data = section_data(parsed, raw, att.section);
    if (!att.partial) return imap::fetch_section(att.section, std::move(data));
    const auto [origin, count] = *att.partial;
    std::string part(mime::partial_octets(data, origin, count));
    return imap::fetch_section(att.section, std::move(part), origin);
}

imap::FetchItem rfc822_item(const mime::ParsedMessage& parsed, std::string_view raw, Kind kind) {
    imap::SectionSpec section;
    if (kind == Kind::Rfc822Header) section.text = imap::SectionSpec::Text::Header;
    if (kind == Kind::Rfc822Text) section.text = imap::SectionSpec::Text::Text;
    std::string data = section_data(parsed, raw, section);
    return imap::fetch_section(imap::SectionSpec{}, std::move(data), std::nullopt, kind);
}

}  // namespace

imap::FetchItem flags_item(const Message& message, bool recent) {
    std::vector<std::string> names = message.flags.names();
    if (recent) {
        // After the other system flags and before the keywords, as Dovecot writes them.
        auto keywords = std::find_if(names.begin(), names.end(), [](const std::string& name) {
            return name.empty() || name.front() != '\\';
        });
        names.insert(keywords, "\\Recent");
    }
    return imap::fetch_flags(std::move(names));
}

std::vector<imap::FetchItem> build_fetch_items(const MessageContext& context,
                                               const std::vector<imap::FetchAtt>& atts,
                                               ParsedCache& cache, bool uid_command,
                                               FetchEffects& effects) {
    // Items that carry the message's own octets (sections, and the header
    // strings of ENVELOPE and BODYSTRUCTURE) are built from a copy without
    // NUL when the message has one; FLAGS or UID alone never look.
    Message without_nul;
    const bool sends_octets = std::any_of(atts.begin(), atts.end(), [](const imap::FetchAtt& att) {
        return att.kind != Kind::Flags && att.kind != Kind::Uid && att.kind != Kind::InternalDate &&
               att.kind != Kind::Rfc822Size;
    });
    const Message* source = &context.message;
    if (sends_octets && context.message.octets &&
        context.message.octets->find('\0') != std::string::npos) {
        without_nul = context.message;
        without_nul.octets = std::make_shared<const std::string>(
            octets_without_nul(*context.message.octets, effects.replaced_nuls));
        source = &without_nul;
    }
    const Message& message = *source;
    const std::string_view raw = message.octets ? std::string_view(*message.octets) : "";
    std::vector<imap::FetchItem> items;
    items.reserve(atts.size() + 1);
    const bool asks_uid = std::any_of(
        atts.begin(), atts.end(), [](const imap::FetchAtt& att) { return att.kind == Kind::Uid; });
    if (uid_command && !asks_uid) items.push_back(imap::fetch_uid(message.uid));

    // Parsing is only needed for structure and sections; FLAGS or UID alone
    // (the usual polling FETCH) never touch the cache.
    const mime::ParsedMessage* parsed = nullptr;
    auto parsed_message = [&]() -> const mime::ParsedMessage& {
        if (!parsed) parsed = &cache.get(message);
        return *parsed;
    };
    const bool seen = message.flags.has(SystemFlag::Seen);

    for (const imap::FetchAtt& att : atts) {
        switch (att.kind) {
            case Kind::Envelope:
                items.push_back(imap::fetch_envelope(to_imap_envelope(parsed_message().envelope)));
                break;
            case Kind::Flags:
                items.push_back(flags_item(message, context.recent));
                break;
            case Kind::InternalDate:
                items.push_back(
                    imap::fetch_internal_date(format_imap_date_time(message.internal_date)));
                break;
            case Kind::Rfc822:
            case Kind::Rfc822Text:
                if (!seen) effects.sets_seen = true;
                items.push_back(rfc822_item(parsed_message(), raw, att.kind));
                break;
            case Kind::Rfc822Header:
                items.push_back(rfc822_item(parsed_message(), raw, att.kind));
                break;
            case Kind::Rfc822Size:
                items.push_back(imap::fetch_size(clamp32(message.size())));
                break;
            case Kind::Body:
            case Kind::BodyStructure: {
                const bool extensible = att.kind == Kind::BodyStructure;
                items.push_back(imap::fetch_body_structure(
                    to_imap_body_structure(parsed_message().root, extensible), extensible));
                break;
            }
            case Kind::Uid:
                items.push_back(imap::fetch_uid(message.uid));
                break;
            case Kind::BodySection:
                if (!att.peek && !seen) effects.sets_seen = true;
                items.push_back(body_section_item(parsed_message(), raw, att));
                break;
            case Kind::Other:
                // The session refuses unknown attributes before asking here.
                break;
        }
    }
    return items;
}

}  // namespace mailscope::server
