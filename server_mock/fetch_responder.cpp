#include "server_mock/fetch_responder.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server_mock/imap_envelope.hpp"
#include "server_mock/internal_date.hpp"
#include "server_mock/wire_safety.hpp"
#include "sim/core/ascii.hpp"
#include "sim/mime/decoded.hpp"
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
    std::optional<std::string> octets = body_section_octets(parsed, raw, section);
    return octets ? std::move(*octets) : std::string();
}

std::uint32_t clamp32(std::uint64_t value) {
    return static_cast<std::uint32_t>(
        std::min<std::uint64_t>(value, std::numeric_limits<std::uint32_t>::max()));
}

// The whole message (BODY[], RFC822) needs no parse of its parts.
bool whole_message(const imap::SectionSpec& section) {
    return section.part.empty() && section.text == imap::SectionSpec::Text::None;
}

template <typename Parsed>
imap::FetchItem body_section_item(const Parsed& parsed_message, std::string_view raw,
                                  const imap::FetchAtt& att) {
    std::string data = whole_message(att.section)
                           ? std::string(raw)
                           : section_data(parsed_message(), raw, att.section);
    if (!att.partial) return imap::fetch_section(att.section, std::move(data));
    const auto [origin, count] = *att.partial;
    std::string part(mime::partial_octets(data, origin, count));
    return imap::fetch_section(att.section, std::move(part), origin);
}

// The identity encodings and the two RFC 2045 6 encodings that decode.
bool decodable(std::string_view encoding) {
    const auto begin = encoding.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return false;
    encoding = encoding.substr(begin, encoding.find_last_not_of(" \t") + 1 - begin);
    for (std::string_view known : {"7bit", "8bit", "binary", "base64", "quoted-printable"}) {
        if (ascii::iequals(encoding, known)) return true;
    }
    return false;
}

// BINARY[part] (RFC 3516 4.2): the part's body with its transfer encoding
// undone; BINARY[] is the whole message as stored, having no encoding of
// its own apart from its body's. A part that does not exist gives "", as
// BODY[] does. nullopt: the encoding is not one this server decodes.
std::optional<std::string> binary_data(const mime::ParsedMessage& parsed, std::string_view raw,
                                       const imap::SectionSpec& section) {
    if (section.part.empty()) return std::string(raw);
    const mime::MimePart* part = mime::find_section_part(parsed, section.part);
    if (part == nullptr) return std::string();
    if (part->is_multipart() || part->is_message_rfc822())
        return section_data(parsed, raw, section);
    const std::string encoding = part->transfer_encoding();
    if (!decodable(encoding)) return std::nullopt;
    return mime::transfer_decode(section_data(parsed, raw, section), encoding);
}

template <typename Parsed>
imap::FetchItem rfc822_item(const Parsed& parsed_message, std::string_view raw, Kind kind) {
    imap::SectionSpec section;
    if (kind == Kind::Rfc822Header) section.text = imap::SectionSpec::Text::Header;
    if (kind == Kind::Rfc822Text) section.text = imap::SectionSpec::Text::Text;
    std::string data =
        whole_message(section) ? std::string(raw) : section_data(parsed_message(), raw, section);
    return imap::fetch_section(imap::SectionSpec{}, std::move(data), std::nullopt, kind);
}

}  // namespace

std::optional<std::string> body_section_octets(const mime::ParsedMessage& parsed,
                                               std::string_view raw,
                                               const imap::SectionSpec& section) {
    return mime::section_octets(parsed, raw, section.part, to_section_text(section.text),
                                section.fields);
}

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
    std::optional<Message> without_nul;
    // BINARY sends the stored octets as they are (a literal8 may carry NUL,
    // RFC 3516 4.2); the copy has the same length, so the parsed structure's
    // offsets hold for both.
    const bool sends_octets = std::any_of(atts.begin(), atts.end(), [](const imap::FetchAtt& att) {
        return att.kind != Kind::Flags && att.kind != Kind::Uid && att.kind != Kind::InternalDate &&
               att.kind != Kind::Rfc822Size && att.kind != Kind::Binary &&
               att.kind != Kind::BinarySize;
    });
    const Message* source = &context.message;
    if (sends_octets && context.message.octets &&
        context.message.octets->find('\0') != std::string::npos) {
        without_nul = context.message;
        without_nul->octets = std::make_shared<const std::string>(
            octets_without_nul(*context.message.octets, effects.replaced_nuls));
        source = &*without_nul;
    }
    const Message& message = *source;
    // Only items that send octets look at them: a flags-only FETCH of a large
    // mailbox would otherwise touch every message's text.
    auto octets_of = [](const Message& m) {
        return m.octets ? std::string_view(*m.octets) : std::string_view{};
    };
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
    // Kept with the stored message, worked out from `message` (the same
    // octets, or those with NULs replaced, which these items always use).
    auto facts = [&]() -> FetchFacts& {
        if (!context.message.fetch_facts)
            context.message.fetch_facts = std::make_shared<FetchFacts>();
        return *context.message.fetch_facts;
    };

    for (const imap::FetchAtt& att : atts) {
        switch (att.kind) {
            case Kind::Envelope: {
                auto& envelope = facts().envelope;
                if (!envelope) {
                    envelope = std::make_shared<const imap::Envelope>(
                        to_imap_envelope(parsed_message().envelope));
                }
                items.push_back(imap::fetch_envelope(envelope));
                break;
            }
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
                items.push_back(rfc822_item(parsed_message, octets_of(message), att.kind));
                break;
            case Kind::Rfc822Header:
                items.push_back(rfc822_item(parsed_message, octets_of(message), att.kind));
                break;
            case Kind::Rfc822Size:
                items.push_back(imap::fetch_size(clamp32(message.size())));
                break;
            case Kind::Body:
            case Kind::BodyStructure: {
                const bool extensible = att.kind == Kind::BodyStructure;
                auto& structure = extensible ? facts().body_structure : facts().body;
                if (!structure)
                    structure = to_imap_body_structure(parsed_message().root, extensible);
                items.push_back(imap::fetch_body_structure(*structure, extensible));
                break;
            }
            case Kind::Uid:
                items.push_back(imap::fetch_uid(message.uid));
                break;
            case Kind::ModSeq:
                items.push_back(imap::fetch_modseq(message.modseq));
                break;
            case Kind::BodySection:
                if (!att.peek && !seen) effects.sets_seen = true;
                items.push_back(body_section_item(parsed_message, octets_of(message), att));
                break;
            case Kind::Binary:
            case Kind::BinarySize: {
                std::optional<std::string> data =
                    binary_data(parsed_message(), octets_of(context.message), att.section);
                if (!data) {
                    const auto* part = mime::find_section_part(parsed_message(), att.section.part);
                    effects.unknown_encoding = part->transfer_encoding();
                    return items;
                }
                if (att.kind == Kind::BinarySize) {
                    items.push_back(imap::fetch_binary_size(att.section, clamp32(data->size())));
                    break;
                }
                if (!att.peek && !seen) effects.sets_seen = true;
                std::optional<std::uint32_t> origin;
                if (att.partial) {
                    origin = att.partial->first;
                    *data = std::string(
                        mime::partial_octets(*data, att.partial->first, att.partial->second));
                }
                items.push_back(
                    imap::fetch_section(att.section, std::move(*data), origin, att.kind));
                break;
            }
            case Kind::Other:
                // The session refuses unknown attributes before asking here.
                break;
        }
    }
    return items;
}

}  // namespace mailscope::server
