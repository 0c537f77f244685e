#include "sim/imap/response.hpp"
#include "sim/core/enum_names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <utility>

namespace mailscope::imap {

namespace {

using NK = Node::Kind;
using FK = FetchAtt::Kind;

// Numbers are most of a flags-only FETCH line; fmt's output iterator over a
// std::string costs more than the digits.
void append_decimal(std::string& out, std::uint64_t number) {
    const fmt::format_int digits(number);
    out.append(digits.data(), digits.size());
}

// Status::None has no word: it is never read from the wire.
constexpr auto status_names = sim::name_table<Status>({
    {Status::Ok, "OK"},
    {Status::No, "NO"},
    {Status::Bad, "BAD"},
    {Status::Bye, "BYE"},
    {Status::Preauth, "PREAUTH"},
});

std::size_t line_end_of(std::string_view bytes) {
    if (bytes.size() >= 2 && bytes[bytes.size() - 2] == '\r' && bytes.back() == '\n')
        return bytes.size() - 2;
    if (!bytes.empty() && bytes.back() == '\n') return bytes.size() - 1;
    return bytes.size();
}

// Typed readers over the generic tree; each returns false and records the first error.
class ResponseReader {
  public:
    std::optional<ParseError> error;

    bool fail(const Node* at, sim::Said message) {
        if (!error) error = parse_error(at ? at->offset : 0, std::move(message));
        return false;
    }

    bool nstring(const Node& n, std::optional<std::string>& out, sim::Said what) {
        if (n.kind == NK::Nil) {
            out.reset();
            return true;
        }
        if (n.kind == NK::Quoted || n.kind == NK::Literal) {
            out = n.value;
            return true;
        }
        return fail(&n, sim::say(sim::Phrase::ExpectedAsStringOrNil, what));
    }

    bool string(const Node& n, std::string& out, sim::Said what) {
        if (n.kind == NK::Quoted || n.kind == NK::Literal) {
            out = n.value;
            return true;
        }
        return fail(&n, sim::say(sim::Phrase::ExpectedAsString, what));
    }

    bool astring(const Node& n, std::string& out, sim::Said what) {
        if (n.is_string()) {
            out = n.value;
            return true;
        }
        return fail(&n, sim::say(sim::Phrase::ExpectedWhat, what));
    }

    bool number(const Node& n, std::uint32_t& out, sim::Said what) {
        auto v = n.as_number();
        if (!v) return fail(&n, sim::say(sim::Phrase::ExpectedAsNumber, what));
        out = *v;
        return true;
    }

    bool flags(const Node& n, std::vector<std::string>& out) {
        if (!n.is_list()) return fail(&n, sim::say(sim::Phrase::ExpectedFlagList));
        for (const Node& f : n.children) {
            // A keyword named NIL is still an atom (RFC 3501 9: flag-keyword = atom).
            if (f.kind != NK::Atom && f.kind != NK::Number && f.kind != NK::Nil)
                return fail(&f, sim::say(sim::Phrase::FlagMustBeAtom));
            out.push_back(f.value);
        }
        return true;
    }

    bool addresses(const Node& n, std::vector<Address>& out) {
        if (n.kind == NK::Nil) return true;
        if (!n.is_list()) return fail(&n, sim::say(sim::Phrase::ExpectedAddressList));
        for (const Node& a : n.children) {
            if (!a.is_list() || a.children.size() != 4) {
                return fail(&a, sim::say(sim::Phrase::AddressFourFields));
            }
            Address addr;
            if (!nstring(a.children[0], addr.name, sim::say(sim::Phrase::WhatAddressName)) ||
                !nstring(a.children[1], addr.adl, sim::say(sim::Phrase::WhatSourceRoute)) ||
                !nstring(a.children[2], addr.mailbox, sim::say(sim::Phrase::WhatAddressMailbox)) ||
                !nstring(a.children[3], addr.host, sim::say(sim::Phrase::WhatHostName)))
                return false;
            out.push_back(std::move(addr));
        }
        return true;
    }

    bool envelope(const Node& n, Envelope& env) {
        if (!n.is_list() || n.children.size() != 10) {
            return fail(&n, sim::say(sim::Phrase::EnvelopeTenFields));
        }
        const auto& c = n.children;
        return nstring(c[0], env.date, sim::say(sim::Phrase::WhatEnvelopeDate)) &&
               nstring(c[1], env.subject, sim::say(sim::Phrase::WhatEnvelopeSubject)) &&
               addresses(c[2], env.from) && addresses(c[3], env.sender) &&
               addresses(c[4], env.reply_to) && addresses(c[5], env.to) &&
               addresses(c[6], env.cc) && addresses(c[7], env.bcc) &&
               nstring(c[8], env.in_reply_to, sim::verbatim("In-Reply-To")) &&
               nstring(c[9], env.message_id, sim::verbatim("Message-ID"));
    }

    bool params(const Node& n, BodyParams& out) {
        if (n.kind == NK::Nil) return true;
        if (!n.is_list() || n.children.empty() || n.children.size() % 2 != 0) {
            return fail(&n, sim::say(sim::Phrase::BodyParams));
        }
        for (std::size_t i = 0; i < n.children.size(); i += 2) {
            std::string k, v;
            if (!string(n.children[i], k, sim::say(sim::Phrase::WhatParamName)) ||
                !string(n.children[i + 1], v, sim::say(sim::Phrase::WhatParamValue)))
                return false;
            out.emplace_back(std::move(k), std::move(v));
        }
        return true;
    }

    // The extension fields after the basic ones, starting at c[i].
    bool extensions(const std::vector<Node>& c, std::size_t i, BodyStructure& body) {
        body.extension_count = c.size() - i;
        if (i >= c.size()) return true;
        if (body.multipart) {
            if (!params(c[i], body.params)) return false;
        } else {
            if (!nstring(c[i], body.md5, sim::say(sim::Phrase::WhatBodyMd5))) return false;
        }
        if (++i >= c.size()) return true;
        if (c[i].is_list()) {
            const auto& d = c[i].children;
            if (d.size() != 2) return fail(&c[i], sim::say(sim::Phrase::DispositionPair));
            BodyDisposition dsp;
            if (!string(d[0], dsp.type, sim::say(sim::Phrase::WhatDispositionType)) ||
                !params(d[1], dsp.params))
                return false;
            body.disposition = std::move(dsp);
        } else if (c[i].kind != NK::Nil) {
            return fail(&c[i], sim::say(sim::Phrase::DispositionListOrNil));
        }
        if (++i >= c.size()) return true;
        if (c[i].is_list()) {
            for (const Node& l : c[i].children) {
                std::string lang;
                if (!string(l, lang, sim::say(sim::Phrase::WhatLanguageTag))) return false;
                body.language.push_back(std::move(lang));
            }
        } else if (c[i].kind != NK::Nil) {
            std::string lang;
            if (!string(c[i], lang, sim::say(sim::Phrase::WhatLanguageTag))) return false;
            body.language.push_back(std::move(lang));
        }
        if (++i >= c.size()) return true;
        if (!nstring(c[i], body.location, sim::say(sim::Phrase::WhatBodyLocation))) return false;
        for (++i; i < c.size(); ++i)
            body.extensions.push_back(c[i]);
        return true;
    }

    bool body(const Node& n, BodyStructure& out) {
        if (!n.is_list() || n.children.empty())
            return fail(&n, sim::say(sim::Phrase::BodyStructureList));
        const auto& c = n.children;
        if (c[0].is_list()) {
            out.multipart = true;
            out.type = "MULTIPART";
            std::size_t i = 0;
            while (i < c.size() && c[i].is_list()) {
                BodyStructure part;
                if (!body(c[i], part)) return false;
                out.parts.push_back(std::move(part));
                ++i;
            }
            if (i >= c.size() ||
                !string(c[i], out.subtype, sim::say(sim::Phrase::WhatMultipartSubtype))) {
                return fail(&n, sim::say(sim::Phrase::MultipartSubtype));
            }
            return extensions(c, i + 1, out);
        }
        if (c.size() < 7) return fail(&n, sim::say(sim::Phrase::BodyPartFields));
        if (!string(c[0], out.type, sim::say(sim::Phrase::WhatMediaType)) ||
            !string(c[1], out.subtype, sim::say(sim::Phrase::WhatMediaSubtype)) ||
            !params(c[2], out.params) ||
            !nstring(c[3], out.id, sim::say(sim::Phrase::WhatContentId)) ||
            !nstring(c[4], out.description, sim::say(sim::Phrase::WhatContentDescription)) ||
            !string(c[5], out.encoding, sim::say(sim::Phrase::WhatTransferEncoding)) ||
            !number(c[6], out.size, sim::say(sim::Phrase::WhatBodySize)))
            return false;
        std::size_t i = 7;
        if (iequals(out.type, "MESSAGE") && iequals(out.subtype, "RFC822") && c.size() >= 10 &&
            c[7].is_list()) {
            Envelope env;
            BodyStructure inner;
            std::uint32_t lines = 0;
            if (!envelope(c[7], env) || !body(c[8], inner) ||
                !number(c[9], lines, sim::say(sim::Phrase::WhatLineCount)))
                return false;
            out.envelope = std::move(env);
            out.parts.push_back(std::move(inner));
            out.lines = lines;
            i = 10;
        } else if (iequals(out.type, "TEXT")) {
            std::uint32_t lines = 0;
            if (c.size() < 8 || !number(c[7], lines, sim::say(sim::Phrase::WhatLineCount))) {
                return fail(&n, sim::say(sim::Phrase::TextPartLines));
            }
            out.lines = lines;
            i = 8;
        }
        return extensions(c, i, out);
    }

    bool section(const Node& s, SectionSpec& out) {
        const auto& c = s.children;
        if (c.empty()) return true;
        if (c[0].kind != NK::Atom && c[0].kind != NK::Number)
            return fail(&c[0], sim::say(sim::Phrase::ExpectedSection));
        std::string_view text = c[0].value;
        while (!text.empty()) {
            std::size_t dot = text.find('.');
            std::string_view seg = text.substr(0, dot);
            if (seg.empty() || seg.find_first_not_of("0123456789") != std::string_view::npos) break;
            Node num = make_atom(std::string(seg));
            auto v = num.as_number();
            if (!v || *v == 0) return fail(&c[0], sim::say(sim::Phrase::SectionPartNumber));
            out.part.push_back(*v);
            text = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
        }
        using T = SectionSpec::Text;
        if (text.empty())
            out.text = T::None;
        else if (iequals(text, "HEADER"))
            out.text = T::Header;
        else if (iequals(text, "HEADER.FIELDS"))
            out.text = T::HeaderFields;
        else if (iequals(text, "HEADER.FIELDS.NOT"))
            out.text = T::HeaderFieldsNot;
        else if (iequals(text, "TEXT"))
            out.text = T::Text;
        else if (iequals(text, "MIME"))
            out.text = T::Mime;
        else
            return fail(&c[0], sim::say(sim::Phrase::NotASection, c[0].value));
        if (c.size() > 1) {
            if (!c[1].is_list()) return fail(&c[1], sim::say(sim::Phrase::ExpectedHeaderFieldList));
            for (const Node& f : c[1].children) {
                std::string name;
                if (!astring(f, name, sim::say(sim::Phrase::WhatHeaderFieldName))) return false;
                out.fields.push_back(std::move(name));
            }
        }
        return true;
    }

    bool msg_att(const Node& list, std::vector<FetchItem>& out) {
        if (!list.is_list() || list.children.empty())
            return fail(&list, sim::say(sim::Phrase::FetchDataList));
        const auto& c = list.children;
        std::size_t i = 0;
        while (i < c.size()) {
            const Node& n = c[i++];
            if (n.kind != NK::Atom) return fail(&n, sim::say(sim::Phrase::ExpectedFetchItem));
            FetchItem item;
            item.name = n.value;
            const Node* section = nullptr;
            if (i < c.size() && c[i].kind == NK::Section) {
                section = &c[i];
                write_node(item.name, c[i++]);
                if (i < c.size() && c[i].kind == NK::Partial) {
                    const Node& p = c[i];
                    Node num = make_atom(p.value);
                    auto origin = num.as_number();
                    if (!origin) return fail(&p, sim::say(sim::Phrase::PartialOrigin));
                    item.origin = *origin;
                    write_node(item.name, c[i++]);
                }
            }
            if (i >= c.size()) return fail(&n, sim::say(sim::Phrase::FetchItemNoValue, item.name));
            const Node& v = c[i++];
            const std::string upper_name = to_upper(n.value);
            const std::string_view up = upper_name;
            bool ok = true;
            if (section && up == "BODY") {
                item.kind = FK::BodySection;
                ok = this->section(*section, item.section) &&
                     nstring(v, item.string, sim::say(sim::Phrase::WhatBodySectionData));
            } else if (section && (up == "BINARY" || up == "BINARY.SIZE")) {
                // RFC 3516 4.3: "BINARY" section-binary SP (nstring / literal8),
                // "BINARY.SIZE" section-binary SP number.
                ok = this->section(*section, item.section);
                if (ok && item.section.text != SectionSpec::Text::None)
                    ok = fail(section, sim::say(sim::Phrase::BinarySectionParts));
                if (ok && up == "BINARY") {
                    item.kind = FK::Binary;
                    ok = nstring(v, item.string, sim::say(sim::Phrase::WhatBinarySectionData));
                } else if (ok) {
                    item.kind = FK::BinarySize;
                    std::uint32_t value = 0;
                    ok = number(v, value, sim::verbatim(item.name));
                    item.number = value;
                }
            } else if (section) {
                item.kind = FK::Other;
            } else if (up == "FLAGS") {
                item.kind = FK::Flags;
                ok = flags(v, item.flags);
            } else if (up == "UID" || up == "RFC822.SIZE") {
                item.kind = up == "UID" ? FK::Uid : FK::Rfc822Size;
                std::uint32_t value = 0;
                ok = number(v, value, sim::verbatim(item.name));
                item.number = value;
            } else if (up == "MODSEQ") {
                // fetch-mod-resp = "MODSEQ" SP "(" permsg-modsequence ")" (RFC 7162 7).
                item.kind = FK::ModSeq;
                const auto value = v.is_list() && v.children.size() == 1
                                       ? v.children[0].as_number64()
                                       : std::nullopt;
                ok = value && *value >= 1 && *value <= kMaxNumber64;
                if (!ok) {
                    return fail(&v, sim::say(sim::Phrase::FetchModseqForm));
                }
                item.modseq = value;
            } else if (up == "INTERNALDATE") {
                item.kind = FK::InternalDate;
                std::string date;
                ok = string(v, date, sim::verbatim("INTERNALDATE"));
                item.string = std::move(date);
            } else if (up == "RFC822" || up == "RFC822.HEADER" || up == "RFC822.TEXT") {
                item.kind = up == "RFC822"          ? FK::Rfc822
                            : up == "RFC822.HEADER" ? FK::Rfc822Header
                                                    : FK::Rfc822Text;
                ok = nstring(v, item.string, sim::verbatim(item.name));
            } else if (up == "ENVELOPE") {
                item.kind = FK::Envelope;
                Envelope env;
                ok = envelope(v, env);
                item.envelope = std::make_shared<const Envelope>(std::move(env));
            } else if (up == "BODY" || up == "BODYSTRUCTURE") {
                item.kind = up == "BODY" ? FK::Body : FK::BodyStructure;
                BodyStructure b;
                ok = body(v, b);
                item.body = std::move(b);
            } else {
                item.kind = FK::Other;
            }
            if (!ok) return false;
            out.push_back(std::move(item));
        }
        return true;
    }
};

void code_from_args(ResponseCode& code) {
    std::string up = to_upper(code.name);
    const auto& a = code.args;
    if ((up == "UIDNEXT" || up == "UIDVALIDITY" || up == "UNSEEN") && a.size() == 1) {
        code.number = a[0].as_number();
    } else if (up == "CAPABILITY") {
        for (const Node& n : a)
            code.list.push_back(n.value);
    } else if ((up == "PERMANENTFLAGS" || up == "BADCHARSET" || up == "BADEVENT") &&
               a.size() == 1 && a[0].is_list()) {
        for (const Node& n : a[0].children)
            code.list.push_back(n.value);
    } else if (up == "HIGHESTMODSEQ" && a.size() == 1) {
        code.modseq = a[0].as_number64();
    } else if (up == "MODIFIED" && a.size() == 1) {
        if (auto s = SequenceSet::parse(a[0].value)) code.set1 = std::move(*s);
    } else if (up == "APPENDUID" && a.size() == 2) {
        code.uidvalidity = a[0].as_number();
        if (auto s = SequenceSet::parse(a[1].value)) code.set1 = std::move(*s);
    } else if (up == "BADURL" && a.size() == 1 && a[0].kind == NK::Text) {
        code.url = a[0].value;
    } else if (up == "COPYUID" && a.size() == 3) {
        code.uidvalidity = a[0].as_number();
        if (auto s = SequenceSet::parse(a[1].value)) code.set1 = std::move(*s);
        if (auto s = SequenceSet::parse(a[2].value)) code.set2 = std::move(*s);
    }
}

bool structured_code(std::string_view name) {
    return iequals(name, "UIDNEXT") || iequals(name, "UIDVALIDITY") || iequals(name, "UNSEEN") ||
           iequals(name, "CAPABILITY") || iequals(name, "PERMANENTFLAGS") ||
           iequals(name, "BADCHARSET") || iequals(name, "APPENDUID") || iequals(name, "COPYUID") ||
           iequals(name, "HIGHESTMODSEQ") || iequals(name, "MODIFIED") ||
           iequals(name, "NOUPDATE") || iequals(name, "BADEVENT");
}

// resp-text-code between '[' (at `pos`) and ']'; returns the position after ']'
// when the code is well-formed and followed by SP or the end of the line.
std::optional<std::size_t> parse_code(std::string_view bytes, std::size_t pos, std::size_t end,
                                      const Limits& limits, Response& r) {
    std::size_t p = pos + 1;
    std::size_t name_begin = p;
    while (p < end && bytes[p] != ']' && is_atom_char(bytes[p]))
        ++p;
    ResponseCode code;
    code.name.assign(bytes.substr(name_begin, p - name_begin));
    if (code.name.empty()) return std::nullopt;
    if (structured_code(code.name)) {
        if (lex_nodes(bytes, p, code.args, limits, true)) return std::nullopt;
    } else if (p < end && bytes[p] == ' ') {
        std::size_t close = bytes.find(']', p);
        if (close == std::string_view::npos || close >= end || close == p + 1) return std::nullopt;
        Node text = make_text(std::string(bytes.substr(p + 1, close - p - 1)));
        text.offset = p + 1;
        code.args.push_back(std::move(text));
        p = close;
    }
    if (p >= end || bytes[p] != ']') return std::nullopt;
    if (p + 1 < end && bytes[p + 1] != ' ') return std::nullopt;
    Node name = make_atom(code.name);
    name.space_before = false;
    name.offset = name_begin;
    Node section;
    section.kind = NK::Section;
    section.offset = pos;
    section.children.push_back(std::move(name));
    for (const Node& a : code.args)
        section.children.push_back(a);
    code_from_args(code);
    r.code = std::move(code);
    r.data.push_back(std::move(section));
    return p + 1;
}

// resp-text = ["[" resp-text-code "]" SP] text, from `pos` (just after the SP).
// A '[' that does not open a well-formed code is read as plain text.
void parse_resp_text(std::string_view bytes, std::size_t pos, std::size_t end, const Limits& limits,
                     Response& r) {
    if (pos < end && bytes[pos] == '[') {
        if (auto after = parse_code(bytes, pos, end, limits, r)) {
            if (*after == end) return;
            pos = *after + 1;
        }
    }
    Node text = make_text(std::string(bytes.substr(pos, end - pos)));
    text.offset = pos;
    r.text = text.value;
    r.data.push_back(std::move(text));
}

std::optional<ParseError> check_text(std::string_view bytes, std::size_t from, std::size_t end) {
    for (std::size_t i = from; i < end; ++i) {
        if (bytes[i] == '\r' || bytes[i] == '\n') {
            return parse_error(i, sim::say(sim::Phrase::LineBreakInText));
        }
    }
    return std::nullopt;
}

}  // namespace

std::string_view status_name(Status status) {
    return status_names.name(status, "");
}

namespace {

// Why `list` is no thread-list of RFC 5256 5, or nothing:
//   thread-list    = "(" (thread-members / thread-nested) ")"
//   thread-members = nz-number *(SP nz-number) [SP thread-nested]
//   thread-nested  = 2*thread-list
std::optional<sim::Said> thread_list_error(const Node& list, bool space_expected) {
    if (!list.is_list()) return sim::say(sim::Phrase::ThreadLists);
    if (list.space_before != space_expected) {
        return sim::say(sim::Phrase::ThreadNoSpace);
    }
    const auto& items = list.children;
    std::size_t members = 0;
    while (members < items.size() && items[members].kind == Node::Kind::Number) {
        const auto number = items[members].as_number();
        if (!number || *number == 0) return sim::say(sim::Phrase::ThreadMember);
        ++members;
    }
    const std::size_t branches = items.size() - members;
    if (branches == 1 || (members == 0 && branches == 0)) {
        return sim::say(sim::Phrase::ThreadBranches);
    }
    for (std::size_t i = members; i < items.size(); ++i) {
        if (auto problem = thread_list_error(items[i], i == members && members > 0)) return problem;
    }
    return std::nullopt;
}

}  // namespace

ResponseParse parse_response(const Frame& frame, const Limits& limits) {
    return parse_response(std::string_view(frame.bytes), limits);
}

ResponseParse parse_response(std::string_view bytes, const Limits& limits) {
    ResponseParse result;
    auto fail = [&](std::size_t offset, sim::Said message) {
        result.error = parse_error(offset, std::move(message));
        return result;
    };
    if (auto nul = find_nul(bytes)) {
        result.error = std::move(nul);
        return result;
    }
    std::size_t end = line_end_of(bytes);
    if (end == bytes.size()) return fail(end, sim::say(sim::Phrase::ResponseNoCrlf));
    Response r;
    std::size_t pos = 0;

    // Status responses and continuations carry free text to the end of the line.
    auto resp_text = [&](std::size_t at) -> bool {
        if (at == end) return true;
        if (bytes[at] != ' ') {
            fail(at, sim::say(sim::Phrase::ExpectedSpBeforeText));
            return false;
        }
        if (auto err = check_text(bytes, at + 1, end)) {
            result.error = std::move(err);
            return false;
        }
        parse_resp_text(bytes, at + 1, end, limits, r);
        return true;
    };

    if (bytes[0] == '+') {
        r.kind = ResponseKind::Continuation;
        r.tag = "+";
        if (!resp_text(1)) return result;
        if (!r.data.empty()) r.data.front().space_before = true;
        result.response = std::move(r);
        return result;
    }

    while (pos < end && bytes[pos] != ' ')
        ++pos;
    std::string_view tag = bytes.substr(0, pos);
    if (tag.empty()) return fail(0, sim::say(sim::Phrase::ResponseStart));
    if (pos >= end) return fail(pos, sim::say(sim::Phrase::ExpectedSpAfterTag));
    ++pos;
    std::size_t word_begin = pos;
    while (pos < end && is_atom_char(bytes[pos]))
        ++pos;
    std::string_view word = bytes.substr(word_begin, pos - word_begin);
    if (word.empty()) return fail(word_begin, sim::say(sim::Phrase::ExpectedNameAfterTag));

    if (tag != "*") {
        for (std::size_t i = 0; i < tag.size(); ++i) {
            if (!is_astring_char(tag[i]) || tag[i] == '+') {
                return fail(i, sim::say(sim::Phrase::TagBadCharacter, tag));
            }
        }
        auto status = status_names.value_ignoring_case(word);
        if (!status || *status == Status::Bye || *status == Status::Preauth) {
            return fail(word_begin, sim::say(sim::Phrase::TaggedStatusWord, word));
        }
        r.kind = ResponseKind::Tagged;
        r.tag.assign(tag);
        r.status = *status;
        r.name = std::string(status_name(*status));
        r.word.assign(word);
        if (!resp_text(pos)) return result;
        result.response = std::move(r);
        return result;
    }

    r.kind = ResponseKind::Untagged;
    r.tag = "*";
    if (auto status = status_names.value_ignoring_case(word)) {
        r.status = *status;
        r.name = std::string(status_name(*status));
        r.word.assign(word);
        if (!resp_text(pos)) return result;
        result.response = std::move(r);
        return result;
    }

    if (word.find_first_not_of("0123456789") == std::string_view::npos) {
        if (word.size() > 1 && word[0] == '0') {
            return fail(word_begin, sim::say(sim::Phrase::NumberLeadingZero, word));
        }
        Node num = make_atom(std::string(word));
        auto n = num.as_number();
        if (!n) return fail(word_begin, sim::say(sim::Phrase::NumberTooLarge, word));
        r.number = *n;
        if (pos >= end || bytes[pos] != ' ')
            return fail(pos, sim::say(sim::Phrase::ExpectedSpAfterNumber));
        ++pos;
        word_begin = pos;
        while (pos < end && is_atom_char(bytes[pos]))
            ++pos;
        word = bytes.substr(word_begin, pos - word_begin);
        if (word.empty()) return fail(word_begin, sim::say(sim::Phrase::ExpectedNameAfterNumber));
    }
    r.word.assign(word);
    r.name = to_upper(word);
    if (auto err = lex_nodes(bytes, pos, r.data, limits)) {
        result.error = std::move(err);
        return result;
    }
    if (auto err = expect_line_end(bytes, pos)) {
        result.error = std::move(err);
        return result;
    }

    ResponseReader reader;
    const auto& d = r.data;
    const std::string& name = r.name;
    auto need = [&](bool ok, sim::Said message) {
        if (!ok) reader.fail(d.empty() ? nullptr : &d[0], std::move(message));
        return ok;
    };
    bool ok = true;
    if (r.number) {
        if (name == "EXISTS" || name == "RECENT" || name == "EXPUNGE") {
            ok = need(d.empty(), sim::say(sim::Phrase::TakesNoData, name));
        } else if (name == "FETCH") {
            ok = need(d.size() == 1, sim::say(sim::Phrase::FetchNeedsList)) &&
                 reader.msg_att(d[0], r.fetch);
        }
    } else if (name == "CAPABILITY" || name == "ENABLED") {
        for (const Node& n : d) {
            if (!ok) break;
            ok = need(n.kind == NK::Atom || n.kind == NK::Number,
                      sim::say(sim::Phrase::ListsAtomsOnly, name));
            r.flags.push_back(n.value);
        }
    } else if (name == "FLAGS") {
        ok = need(d.size() == 1, sim::say(sim::Phrase::FlagsNeedsList)) &&
             reader.flags(d[0], r.flags);
    } else if (name == "THREAD") {
        // RFC 5256 5: thread-data = "THREAD" [SP 1*thread-list], the lists
        // with no space between them.
        for (std::size_t i = 0; ok && i < d.size(); ++i) {
            const auto problem = thread_list_error(d[i], i == 0);
            ok = need(!problem, problem.value_or(sim::verbatim("")));
        }
    } else if (name == "SEARCH" || name == "SORT") {
        // search-sort-mod-seq = "(" "MODSEQ" SP mod-sequence-value ")", after
        // at least one number (RFC 7162 7).
        std::size_t numbers = d.size();
        if (!d.empty() && d.back().is_list()) {
            const auto& inner = d.back().children;
            const auto value = inner.size() == 2 && inner[0].is_atom("MODSEQ")
                                   ? inner[1].as_number64()
                                   : std::nullopt;
            ok = need(value && *value >= 1 && *value <= kMaxNumber64 && d.size() > 1,
                      sim::say(sim::Phrase::SearchModseqLast, name));
            r.modseq = value;
            --numbers;
        }
        for (std::size_t i = 0; ok && i < numbers; ++i) {
            const Node& n = d[i];
            std::uint32_t v = 0;
            if (!(ok = reader.number(n, v, sim::say(sim::Phrase::WhatMessageNumber)))) break;
            r.numbers.push_back(v);
        }
    } else if (name == "VANISHED") {
        // expunged-resp = "VANISHED" [SP "(EARLIER)"] SP known-uids, no "*"
        // in the UIDs (RFC 7162 7).
        VanishedData vanished;
        std::size_t i = 0;
        if (!d.empty() && d[0].is_list()) {
            vanished.earlier = true;
            ok = need(d[0].children.size() == 1 && d[0].children[0].is_atom("EARLIER"),
                      sim::say(sim::Phrase::VanishedEarlierForm));
            ++i;
        }
        std::optional<SequenceSet> uids;
        if (ok && i + 1 == d.size() && (d[i].kind == NK::Atom || d[i].kind == NK::Number))
            uids = SequenceSet::parse(d[i].value);
        const bool starless =
            uids && !uids->saved &&
            std::none_of(uids->ranges.begin(), uids->ranges.end(),
                         [](const SeqRange& range) { return range.first == 0 || range.last == 0; });
        ok = ok && need(starless, sim::say(sim::Phrase::VanishedUidSet));
        if (ok) {
            vanished.uids = std::move(*uids);
            r.vanished = std::move(vanished);
        }
    } else if (name == "ESEARCH") {
        // RFC 9051 9: esearch-response, search-correlator, search-return-data.
        EsearchData esearch;
        std::size_t i = 0;
        if (i < d.size() && d[i].is_list()) {
            const auto& correlator = d[i].children;
            ok = need(correlator.size() == 2 && correlator[0].is_atom("TAG") &&
                          correlator[1].is_string() && correlator[1].kind != NK::Nil,
                      sim::say(sim::Phrase::SearchCorrelatorForm));
            if (ok) esearch.tag = correlator[1].value;
            ++i;
        }
        if (ok && i < d.size() && d[i].is_atom("UID")) {
            esearch.uid = true;
            ++i;
        }
        for (; ok && i < d.size(); i += 2) {
            ok = need(d[i].kind == NK::Atom && i + 1 < d.size(),
                      sim::say(sim::Phrase::EsearchPairs));
            if (!ok) break;
            std::string result = to_upper(d[i].value);
            if (result == "ADDTO" || result == "REMOVEFROM") {
                // RFC 5267 5: "(" context-position SP sequence-set *(SP
                // context-position SP sequence-set) ")".
                const auto& pairs = d[i + 1].children;
                ok = need(d[i + 1].is_list() && !pairs.empty() && pairs.size() % 2 == 0,
                          sim::say(sim::Phrase::UpdatePairsForm, result, result));
                for (std::size_t k = 0; ok && k < pairs.size(); k += 2) {
                    const auto position = pairs[k].as_number();
                    const auto kind = pairs[k + 1].kind;
                    auto set = kind == NK::Atom || kind == NK::Number
                                   ? SequenceSet::parse(pairs[k + 1].value)
                                   : std::nullopt;
                    ok = need(position && set && !set->ranges.empty(),
                              sim::say(sim::Phrase::UpdatePairsParts, result));
                    if (ok) esearch.updates.push_back({result == "ADDTO", *position, *set});
                }
            } else if (result == "PARTIAL") {
                // RFC 5267 5: "(" partial-range SP partial-results ")", the
                // results a set or NIL.
                const auto& parts = d[i + 1].children;
                ok = need(d[i + 1].is_list() && parts.size() == 2 && parts[0].kind == NK::Atom &&
                              (parts[1].kind == NK::Nil ||
                               ((parts[1].kind == NK::Atom || parts[1].kind == NK::Number) &&
                                SequenceSet::parse(parts[1].value))),
                          sim::say(sim::Phrase::PartialForm));
            }
            if (!ok) break;
            std::string value;
            write_node(value, d[i + 1]);
            if (!value.empty() && value.front() == ' ') value.erase(0, 1);
            esearch.results.emplace_back(std::move(result), std::move(value));
        }
        if (ok) r.esearch = std::move(esearch);
    } else if (name == "LIST" || name == "LSUB") {
        ListData list;
        ok = need(d.size() >= 3 && d[0].is_list(), sim::say(sim::Phrase::ListNeeds, name)) &&
             reader.flags(d[0], list.attributes);
        if (ok) {
            if (d[1].kind == NK::Quoted && d[1].value.size() == 1) {
                list.delimiter = d[1].value[0];
            } else {
                ok = need(d[1].kind == NK::Nil, sim::say(sim::Phrase::DelimiterForm));
            }
        }
        ok = ok && reader.astring(d[2], list.mailbox, sim::say(sim::Phrase::WhatMailboxName));
        if (ok) r.list = std::move(list);
    } else if (name == "STATUS") {
        StatusData sd;
        ok = need(d.size() == 2 && d[1].is_list() && d[1].children.size() % 2 == 0,
                  sim::say(sim::Phrase::StatusNeeds)) &&
             reader.astring(d[0], sd.mailbox, sim::say(sim::Phrase::WhatMailboxName));
        for (std::size_t i = 0; ok && i < d[1].children.size(); i += 2) {
            auto v = d[1].children[i + 1].as_number64();
            ok = need(d[1].children[i].kind == NK::Atom && v.has_value(),
                      sim::say(sim::Phrase::StatusItems));
            if (ok) sd.items.emplace_back(d[1].children[i].value, *v);
        }
        if (ok) r.status_data = std::move(sd);
    } else if (name == "ACL" || name == "LISTRIGHTS" || name == "MYRIGHTS") {
        // RFC 4314 7: acl-data, listrights-data, myrights-data.
        AclData acl;
        const std::size_t head = name == "LISTRIGHTS" ? 2 : 1;
        if (name == "ACL") {
            ok = need(!d.empty() && d.size() % 2 == 1, sim::say(sim::Phrase::AclNeeds));
        } else if (name == "LISTRIGHTS") {
            ok = need(d.size() >= 3, sim::say(sim::Phrase::ListrightsNeeds));
        } else {
            ok = need(d.size() == 2, sim::say(sim::Phrase::MyrightsNeeds));
        }
        ok = ok && reader.astring(d[0], acl.mailbox, sim::say(sim::Phrase::WhatMailboxName));
        if (ok && head == 2)
            ok = reader.astring(d[1], acl.identifier, sim::say(sim::Phrase::WhatIdentifier));
        for (std::size_t i = head; ok && i < d.size(); ++i) {
            std::string value;
            ok = reader.astring(d[i], value,
                                name == "ACL" && (i - head) % 2 == 0
                                    ? sim::say(sim::Phrase::WhatIdentifier)
                                    : sim::say(sim::Phrase::WhatRightsString));
            if (!ok) break;
            if (name == "ACL" && (i - head) % 2 == 0) {
                acl.entries.emplace_back(std::move(value), std::string());
            } else if (name == "ACL") {
                acl.entries.back().second = std::move(value);
            } else {
                acl.rights.push_back(std::move(value));
            }
        }
        if (ok) r.acl = std::move(acl);
    } else if (name == "QUOTA") {
        // RFC 9208 7: quota-response = "QUOTA" SP quota-root-name SP quota-list,
        // a list of resource-name SP resource-usage SP resource-limit.
        QuotaData quota;
        ok = need(d.size() == 2 && d[1].is_list() && d[1].children.size() % 3 == 0,
                  sim::say(sim::Phrase::QuotaNeeds)) &&
             reader.astring(d[0], quota.root, sim::say(sim::Phrase::WhatQuotaRoot));
        for (std::size_t i = 0; ok && i < d[1].children.size(); i += 3) {
            const Node* triple = &d[1].children[i];
            const auto usage = triple[1].as_number64();
            const auto limit = triple[2].as_number64();
            ok = need(triple[0].kind == NK::Atom && usage && limit && *usage <= kMaxNumber64 &&
                          *limit <= kMaxNumber64,
                      sim::say(sim::Phrase::QuotaResource));
            if (ok) quota.resources.push_back({triple[0].value, *usage, *limit});
        }
        if (ok) r.quota = std::move(quota);
    } else if (name == "QUOTAROOT") {
        // quotaroot-response = "QUOTAROOT" SP mailbox *(SP quota-root-name)
        QuotaData quota;
        ok = need(!d.empty(), sim::say(sim::Phrase::QuotarootNeeds)) &&
             reader.astring(d[0], quota.mailbox, sim::say(sim::Phrase::WhatMailboxName));
        for (std::size_t i = 1; ok && i < d.size(); ++i)
            ok = reader.astring(d[i], quota.roots.emplace_back(),
                                sim::say(sim::Phrase::WhatQuotaRoot));
        if (ok) r.quota = std::move(quota);
    }
    if (!ok) {
        result.error = reader.error;
        return result;
    }
    result.response = std::move(r);
    return result;
}

std::string serialize(const Response& response) {
    std::string out;
    switch (response.kind) {
        case ResponseKind::Continuation:
            out = "+";
            break;
        case ResponseKind::Untagged:
            out = "*";
            break;
        case ResponseKind::Tagged:
            out = response.tag;
            break;
    }
    if (response.number) out += fmt::format(" {}", *response.number);
    const std::string& word = response.word.empty() ? response.name : response.word;
    if (!word.empty()) {
        out.push_back(' ');
        out += word;
    }
    write_nodes(out, response.data);
    out += "\r\n";
    return out;
}

// --- builders ---------------------------------------------------------------

namespace {

Node code_node(const ResponseCode& code) {
    std::vector<Node> children;
    children.push_back(make_atom(code.name));
    for (const Node& a : code.args)
        children.push_back(a);
    Node section = make_section(std::move(children));
    for (std::size_t i = 0; i < code.args.size(); ++i)
        section.children[i + 1].space_before = true;
    section.space_before = true;
    return section;
}

Node params_node(const BodyParams& params) {
    if (params.empty()) return make_nil();
    std::vector<Node> items;
    for (const auto& [k, v] : params) {
        items.push_back(make_string(k));
        items.push_back(make_string(v));
    }
    return make_list(std::move(items));
}

Node addresses_node(const std::vector<Address>& list) {
    if (list.empty()) return make_nil();
    std::vector<Node> items;
    for (const Address& a : list) {
        items.push_back(make_list({make_nstring(a.name), make_nstring(a.adl),
                                   make_nstring(a.mailbox), make_nstring(a.host)}));
    }
    Node node = make_list(std::move(items));
    // RFC 3501 9: "(" 1*address ")" puts no space between addresses.
    for (Node& address : node.children)
        address.space_before = false;
    return node;
}

// A code built from typed fields only gets its wire arguments here.
void fill_code_args(ResponseCode& code) {
    if (!code.args.empty()) return;
    if (code.uidvalidity) {
        code.args.push_back(make_number(*code.uidvalidity));
        code.args.push_back(make_atom(code.set1.to_string()));
        if (!code.set2.ranges.empty()) code.args.push_back(make_atom(code.set2.to_string()));
    } else if (code.number) {
        code.args.push_back(make_number(*code.number));
    } else if (!code.list.empty() || iequals(code.name, "PERMANENTFLAGS")) {
        std::vector<Node> nodes;
        for (const auto& i : code.list)
            nodes.push_back(make_atom(i));
        if (iequals(code.name, "CAPABILITY")) {
            code.args = std::move(nodes);
        } else {
            code.args.push_back(make_list(std::move(nodes)));
        }
    }
}

}  // namespace

Response make_status(std::string tag_or_star, Status status, std::optional<ResponseCode> code,
                     std::string text) {
    Response r;
    r.kind = tag_or_star == "*" ? ResponseKind::Untagged : ResponseKind::Tagged;
    r.tag = std::move(tag_or_star);
    r.status = status;
    r.name = std::string(status_name(status));
    r.word = r.name;
    if (code) {
        fill_code_args(*code);
        r.data.push_back(code_node(*code));
        r.code = std::move(code);
    }
    r.text = text;
    r.data.push_back(make_text(std::move(text)));
    return r;
}

Response make_continuation(std::string text) {
    Response r;
    r.kind = ResponseKind::Continuation;
    r.tag = "+";
    r.text = text;
    r.data.push_back(make_text(std::move(text)));
    return r;
}

Response make_untagged_number(std::uint32_t number, std::string name) {
    Response r;
    r.kind = ResponseKind::Untagged;
    r.tag = "*";
    r.number = number;
    r.name = to_upper(name);
    r.word = std::move(name);
    return r;
}

Response make_untagged(std::string name, std::vector<Node> data) {
    Response r;
    r.kind = ResponseKind::Untagged;
    r.tag = "*";
    r.name = to_upper(name);
    r.word = std::move(name);
    for (Node& n : data)
        n.space_before = true;
    r.data = std::move(data);
    return r;
}

ResponseCode make_code(std::string name) {
    ResponseCode code;
    code.name = std::move(name);
    return code;
}

ResponseCode make_code_number(std::string name, std::uint32_t number) {
    ResponseCode code;
    code.name = std::move(name);
    code.number = number;
    code.args.push_back(make_number(number));
    return code;
}

ResponseCode make_code_highestmodseq(std::uint64_t modseq) {
    ResponseCode code;
    code.name = "HIGHESTMODSEQ";
    code.modseq = modseq;
    code.args.push_back(make_number(modseq));
    return code;
}

ResponseCode make_code_modified(SequenceSet failed) {
    ResponseCode code;
    code.name = "MODIFIED";
    code.args.push_back(make_atom(failed.to_string()));
    code.set1 = std::move(failed);
    return code;
}

ResponseCode make_code_badurl(std::string url) {
    ResponseCode code;
    code.name = "BADURL";
    code.args.push_back(make_text(url));
    code.url = std::move(url);
    return code;
}

ResponseCode make_code_list(std::string name, std::vector<std::string> items) {
    ResponseCode code;
    code.name = std::move(name);
    std::vector<Node> nodes;
    for (const auto& i : items)
        nodes.push_back(make_atom(i));
    if (iequals(code.name, "CAPABILITY")) {
        code.args = std::move(nodes);
    } else {
        code.args.push_back(make_list(std::move(nodes)));
    }
    code.list = std::move(items);
    return code;
}

ResponseCode make_code_appenduid(std::uint32_t uidvalidity, SequenceSet uids) {
    ResponseCode code;
    code.name = "APPENDUID";
    code.uidvalidity = uidvalidity;
    code.args.push_back(make_number(uidvalidity));
    code.args.push_back(make_atom(uids.to_string()));
    code.set1 = std::move(uids);
    return code;
}

ResponseCode make_code_copyuid(std::uint32_t uidvalidity, SequenceSet from, SequenceSet to) {
    ResponseCode code;
    code.name = "COPYUID";
    code.uidvalidity = uidvalidity;
    code.args.push_back(make_number(uidvalidity));
    code.args.push_back(make_atom(from.to_string()));
    code.args.push_back(make_atom(to.to_string()));
    code.set1 = std::move(from);
    code.set2 = std::move(to);
    return code;
}

namespace {

std::vector<Node> atom_nodes(const std::vector<std::string>& atoms) {
    std::vector<Node> nodes;
    nodes.reserve(atoms.size());
    for (const auto& atom : atoms)
        nodes.push_back(make_atom(atom));
    return nodes;
}

}  // namespace

Response make_capability(std::vector<std::string> capabilities) {
    Response r = make_untagged("CAPABILITY", atom_nodes(capabilities));
    r.flags = std::move(capabilities);
    return r;
}

Response make_flags(std::vector<std::string> flags) {
    Response r = make_untagged("FLAGS", {make_list(atom_nodes(flags))});
    r.flags = std::move(flags);
    return r;
}

Response make_enabled(std::vector<std::string> capabilities) {
    Response r = make_capability(std::move(capabilities));
    r.name = r.word = "ENABLED";
    return r;
}

Response make_search(std::vector<std::uint32_t> numbers, std::optional<std::uint64_t> modseq) {
    std::vector<Node> data;
    for (auto n : numbers)
        data.push_back(make_number(n));
    // RFC 7162 3.1.6: only after the numbers found.
    if (modseq && !numbers.empty())
        data.push_back(make_list({make_atom("MODSEQ"), make_number(*modseq)}));
    Response r = make_untagged("SEARCH", std::move(data));
    r.numbers = std::move(numbers);
    if (!r.numbers.empty()) r.modseq = modseq;
    return r;
}

Response make_sort(std::vector<std::uint32_t> numbers, std::optional<std::uint64_t> modseq) {
    Response r = make_search(std::move(numbers), modseq);
    r.name = r.word = "SORT";
    return r;
}

namespace {

void add_thread_members(std::vector<Node>& out, const ThreadNode& node);

Node thread_list(const ThreadNode& node) {
    std::vector<Node> members;
    add_thread_members(members, node);
    Node list = make_list(std::move(members));
    for (std::size_t i = 1; i < list.children.size(); ++i) {
        if (list.children[i - 1].is_list() && list.children[i].is_list())
            list.children[i].space_before = false;
    }
    return list;
}

// Adds `node` as the response shows it: itself, or for a dummy its children.
void add_shown(std::vector<const ThreadNode*>& shown, const ThreadNode& node) {
    if (node.number != 0) {
        shown.push_back(&node);
        return;
    }
    for (const auto& child : node.children)
        add_shown(shown, child);
}

void add_thread_members(std::vector<Node>& out, const ThreadNode& node) {
    std::vector<const ThreadNode*> next;
    add_shown(next, node);
    while (next.size() == 1) {
        const ThreadNode* at = next.front();
        out.push_back(make_number(at->number));
        next.clear();
        for (const auto& child : at->children)
            add_shown(next, child);
    }
    for (const ThreadNode* branch : next)
        out.push_back(thread_list(*branch));
}

}  // namespace

Response make_thread(const std::vector<ThreadNode>& threads) {
    Response r = make_untagged("THREAD", {});
    for (const auto& thread : threads) {
        Node list = thread_list(thread);
        list.space_before = r.data.empty();
        r.data.push_back(std::move(list));
    }
    return r;
}

Response make_esearch(EsearchData data) {
    std::vector<Node> nodes;
    if (data.tag) nodes.push_back(make_list({make_atom("TAG"), make_quoted(*data.tag)}));
    if (data.uid) nodes.push_back(make_atom("UID"));
    for (const auto& [name, value] : data.results) {
        nodes.push_back(make_atom(name));
        if (!value.starts_with('(') || !value.ends_with(')')) {
            nodes.push_back(make_atom(value));
            continue;
        }
        // PARTIAL, ADDTO and REMOVEFROM hold a list of numbers, sets and
        // NIL (RFC 5267 5).
        std::vector<Node> items;
        std::string_view inner = std::string_view(value).substr(1, value.size() - 2);
        while (!inner.empty()) {
            const auto space = inner.find(' ');
            const auto word = inner.substr(0, space);
            items.push_back(word == "NIL" ? make_nil() : make_atom(std::string(word)));
            inner = space == std::string_view::npos ? std::string_view{} : inner.substr(space + 1);
        }
        nodes.push_back(make_list(std::move(items)));
    }
    Response r = make_untagged("ESEARCH", std::move(nodes));
    r.esearch = std::move(data);
    return r;
}

Response make_vanished(VanishedData data) {
    std::vector<Node> nodes;
    if (data.earlier) nodes.push_back(make_list({make_atom("EARLIER")}));
    nodes.push_back(make_atom(data.uids.to_string()));
    Response r = make_untagged("VANISHED", std::move(nodes));
    r.vanished = std::move(data);
    return r;
}

Response make_list(std::string name, ListData data) {
    std::vector<Node> nodes;
    nodes.push_back(make_list(atom_nodes(data.attributes)));
    nodes.push_back(data.delimiter ? make_quoted(std::string(1, *data.delimiter)) : make_nil());
    nodes.push_back(make_astring(data.mailbox));
    Response r = make_untagged(std::move(name), std::move(nodes));
    r.list = std::move(data);
    return r;
}

Response make_status_data(StatusData data) {
    std::vector<Node> items;
    for (const auto& [k, v] : data.items) {
        items.push_back(make_atom(k));
        items.push_back(make_number(v));
    }
    Response r = make_untagged("STATUS", {make_astring(data.mailbox), make_list(std::move(items))});
    r.status_data = std::move(data);
    return r;
}

Response make_acl(AclData data) {
    std::vector<Node> nodes{make_astring(data.mailbox)};
    for (const auto& [identifier, rights] : data.entries) {
        nodes.push_back(make_astring(identifier));
        nodes.push_back(make_astring(rights));
    }
    Response r = make_untagged("ACL", std::move(nodes));
    r.acl = std::move(data);
    return r;
}

Response make_listrights(AclData data) {
    std::vector<Node> nodes{make_astring(data.mailbox), make_astring(data.identifier)};
    for (const auto& rights : data.rights)
        nodes.push_back(make_astring(rights));
    Response r = make_untagged("LISTRIGHTS", std::move(nodes));
    r.acl = std::move(data);
    return r;
}

Response make_myrights(AclData data) {
    Response r = make_untagged(
        "MYRIGHTS", {make_astring(data.mailbox),
                     make_astring(data.rights.empty() ? std::string() : data.rights.front())});
    r.acl = std::move(data);
    return r;
}

Response make_quota(QuotaData data) {
    std::vector<Node> resources;
    for (const auto& resource : data.resources) {
        resources.push_back(make_atom(resource.name));
        resources.push_back(make_number(resource.usage));
        resources.push_back(make_number(resource.limit));
    }
    Response r = make_untagged("QUOTA", {make_astring(data.root), make_list(std::move(resources))});
    r.quota = std::move(data);
    return r;
}

Response make_quotaroot(QuotaData data) {
    std::vector<Node> nodes{make_astring(data.mailbox)};
    for (const auto& root : data.roots)
        nodes.push_back(make_astring(root));
    Response r = make_untagged("QUOTAROOT", std::move(nodes));
    r.quota = std::move(data);
    return r;
}

Node envelope_node(const Envelope& e) {
    return make_list({make_nstring(e.date), make_nstring(e.subject), addresses_node(e.from),
                      addresses_node(e.sender), addresses_node(e.reply_to), addresses_node(e.to),
                      addresses_node(e.cc), addresses_node(e.bcc), make_nstring(e.in_reply_to),
                      make_nstring(e.message_id)});
}

Node body_structure_node(const BodyStructure& b, bool extensible) {
    std::vector<Node> c;
    if (b.multipart) {
        for (const auto& p : b.parts)
            c.push_back(body_structure_node(p, extensible));
        c.push_back(make_string(b.subtype));
    } else {
        c.push_back(make_string(b.type));
        c.push_back(make_string(b.subtype));
        c.push_back(params_node(b.params));
        c.push_back(make_nstring(b.id));
        c.push_back(make_nstring(b.description));
        c.push_back(make_string(b.encoding));
        c.push_back(make_number(b.size));
        if (b.envelope && !b.parts.empty()) {
            c.push_back(envelope_node(*b.envelope));
            c.push_back(body_structure_node(b.parts.front(), extensible));
        }
        if (b.lines) c.push_back(make_number(*b.lines));
    }
    if (extensible) {
        std::vector<Node> ext;
        ext.push_back(b.multipart ? params_node(b.params) : make_nstring(b.md5));
        if (b.disposition) {
            ext.push_back(
                make_list({make_string(b.disposition->type), params_node(b.disposition->params)}));
        } else {
            ext.push_back(make_nil());
        }
        if (b.language.empty()) {
            ext.push_back(make_nil());
        } else if (b.language.size() == 1) {
            ext.push_back(make_string(b.language[0]));
        } else {
            std::vector<Node> langs;
            for (const auto& l : b.language)
                langs.push_back(make_string(l));
            ext.push_back(make_list(std::move(langs)));
        }
        ext.push_back(make_nstring(b.location));
        for (const Node& n : b.extensions)
            ext.push_back(n);
        // Write up to the last field that holds something, or as many as were parsed.
        std::size_t count = 0;
        if (b.multipart ? !b.params.empty() : b.md5.has_value()) count = 1;
        if (b.disposition) count = 2;
        if (!b.language.empty()) count = 3;
        if (b.location) count = 4;
        if (!b.extensions.empty()) count = ext.size();
        count = std::min(std::max(count, b.extension_count), ext.size());
        for (std::size_t i = 0; i < count; ++i)
            c.push_back(std::move(ext[i]));
    }
    Node node = make_list(std::move(c));
    if (b.multipart) {
        for (std::size_t i = 0; i < b.parts.size(); ++i)
            node.children[i].space_before = false;
    }
    return node;
}

std::string fetch_item_name(const FetchItem& item) {
    switch (item.kind) {
        case FK::BodySection:
        case FK::Binary:
        case FK::BinarySize: {
            const std::string_view head = item.kind == FK::BodySection ? "BODY"
                                          : item.kind == FK::Binary    ? "BINARY"
                                                                       : "BINARY.SIZE";
            std::string name = fmt::format("{}[{}]", head, item.section.to_string());
            if (item.origin) name += fmt::format("<{}>", *item.origin);
            return name;
        }
        case FK::Other:
            return item.name;
        default: {
            FetchAtt att;
            att.kind = item.kind;
            return fetch_att_name(att);
        }
    }
}

namespace {

// Message data goes as a literal even when a quoted string could hold it:
// every major server does so, and clients such as curl read BODY[...] only
// that way.
Node message_data_node(const std::optional<std::string>& data) {
    return data ? make_literal(*data) : make_nil();
}

// Decoded content may hold NUL, which only a literal8 carries (RFC 3516 4.3).
Node binary_data_node(const std::optional<std::string>& data) {
    if (data && data->find('\0') != std::string::npos) return make_literal8(*data);
    return message_data_node(data);
}

}  // namespace

namespace {

// The item's envelope, or an empty one; by reference: a conditional with a
// temporary as one side would copy the envelope every time.
const Envelope& envelope_of(const FetchItem& item) {
    static const Envelope kNone;
    return item.envelope ? *item.envelope : kNone;
}

// The nodes of one FETCH item, each but a section or partial after a space.
void append_item_nodes(FetchItem& item, std::vector<Node>& c) {
    if (item.name.empty()) item.name = fetch_item_name(item);
    if (item.kind == FK::BodySection || item.kind == FK::Binary || item.kind == FK::BinarySize) {
        FetchAtt att;
        att.kind = item.kind;
        att.section = item.section;
        for (Node& n : fetch_att_nodes(att))
            c.push_back(std::move(n));
        if (item.origin) c.push_back(make_partial(fmt::format("{}", *item.origin)));
        if (item.kind == FK::BinarySize) {
            c.push_back(make_number(item.number.value_or(0)));
        } else {
            c.push_back(item.kind == FK::Binary ? binary_data_node(item.string)
                                                : message_data_node(item.string));
        }
        return;
    }
    c.push_back(make_atom(item.name));
    switch (item.kind) {
        case FK::Flags: {
            std::vector<Node> flags;
            for (const auto& f : item.flags)
                flags.push_back(make_atom(f));
            c.push_back(make_list(std::move(flags)));
            break;
        }
        case FK::Uid:
        case FK::Rfc822Size:
            c.push_back(make_number(item.number.value_or(0)));
            break;
        case FK::InternalDate:
            c.push_back(make_quoted(item.string.value_or("")));
            break;
        case FK::ModSeq:
            c.push_back(make_list({make_number(item.modseq.value_or(0))}));
            break;
        case FK::Rfc822:
        case FK::Rfc822Header:
        case FK::Rfc822Text:
            c.push_back(message_data_node(item.string));
            break;
        case FK::Envelope:
            c.push_back(envelope_node(envelope_of(item)));
            break;
        case FK::Body:
        case FK::BodyStructure:
            c.push_back(body_structure_node(item.body.value_or(BodyStructure{}),
                                            item.kind == FK::BodyStructure));
            break;
        default:
            c.push_back(make_nstring(item.string));
            break;
    }
}

void space_items(std::vector<Node>& nodes, bool opens_list) {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (nodes[i].kind != NK::Section && nodes[i].kind != NK::Partial)
            nodes[i].space_before = i != 0 || !opens_list;
    }
}

// A synchronizing literal, as write_node writes one; literal8 with `binary`.
void write_literal(std::string& out, std::string_view data, bool binary) {
    if (binary) out += '~';
    out += '{';
    append_decimal(out, data.size());
    out += "}\r\n";
    out += data;
}

// What message_data_node and binary_data_node write, without copying the
// octets into a node first.
void write_message_data(std::string& out, const std::optional<std::string>& data, bool binary) {
    if (!data) {
        out += "NIL";
        return;
    }
    write_literal(out, *data, binary && data->find('\0') != std::string::npos);
}

// What write_node(make_nstring(value)) writes: a quoted string when one can
// hold the value, else a synchronizing literal; never 8-bit quoted.
void write_nstring(std::string& out, const std::optional<std::string>& value) {
    if (!value) {
        out += "NIL";
        return;
    }
    if (quotable(*value)) {
        write_quoted(out, *value);
        return;
    }
    write_literal(out, *value, false);
}

void write_addresses(std::string& out, const std::vector<Address>& list) {
    if (list.empty()) {
        out += "NIL";
        return;
    }
    out += '(';
    for (const Address& address : list) {
        out += '(';
        write_nstring(out, address.name);
        out += ' ';
        write_nstring(out, address.adl);
        out += ' ';
        write_nstring(out, address.mailbox);
        out += ' ';
        write_nstring(out, address.host);
        out += ')';
    }
    out += ')';
}

// What write_node(envelope_node(envelope)) writes: a summary FETCH sends
// one per message.
void write_envelope(std::string& out, const Envelope& envelope) {
    out += '(';
    write_nstring(out, envelope.date);
    out += ' ';
    write_nstring(out, envelope.subject);
    for (const auto* list : {&envelope.from, &envelope.sender, &envelope.reply_to, &envelope.to,
                             &envelope.cc, &envelope.bcc}) {
        out += ' ';
        write_addresses(out, *list);
    }
    out += ' ';
    write_nstring(out, envelope.in_reply_to);
    out += ' ';
    write_nstring(out, envelope.message_id);
    out += ')';
}

bool has_8bit(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

}  // namespace

Response make_fetch(std::uint32_t seq, std::vector<FetchItem> items) {
    std::vector<Node> c;
    for (FetchItem& item : items)
        append_item_nodes(item, c);
    Node list = make_list({});
    space_items(c, true);
    list.children = std::move(c);
    Response r = make_untagged("FETCH", {std::move(list)});
    r.number = seq;
    r.fetch = std::move(items);
    return r;
}

bool write_fetch(std::string& out, std::uint32_t seq, std::vector<FetchItem>& items) {
    bool quoted_8bit = false;
    out += "* ";
    append_decimal(out, seq);
    out += " FETCH (";
    std::vector<Node> nodes;
    for (std::size_t i = 0; i < items.size(); ++i) {
        FetchItem& item = items[i];
        if (item.name.empty()) item.name = fetch_item_name(item);
        const bool literal_data = item.kind == FK::Rfc822 || item.kind == FK::Rfc822Header ||
                                  item.kind == FK::Rfc822Text || item.kind == FK::BodySection ||
                                  item.kind == FK::Binary;
        const bool direct = literal_data || item.kind == FK::Flags || item.kind == FK::Uid ||
                            item.kind == FK::Rfc822Size || item.kind == FK::InternalDate ||
                            item.kind == FK::ModSeq || item.kind == FK::Envelope;
        if (!direct) {
            nodes.clear();
            append_item_nodes(item, nodes);
            space_items(nodes, i == 0);
            write_nodes(out, nodes);
            quoted_8bit = quoted_8bit || !quoted_with_8bit(nodes).empty();
            continue;
        }
        if (i != 0) out += ' ';
        if (item.kind == FK::BodySection || item.kind == FK::Binary) {
            FetchAtt att;
            att.kind = item.kind;
            att.section = item.section;
            nodes = fetch_att_nodes(att);
            if (item.origin) nodes.push_back(make_partial(fmt::format("{}", *item.origin)));
            space_items(nodes, true);
            write_nodes(out, nodes);
        } else {
            out += item.name;
        }
        out += ' ';
        switch (item.kind) {
            case FK::Flags:
                out += '(';
                for (std::size_t f = 0; f < item.flags.size(); ++f) {
                    if (f != 0) out += ' ';
                    out += item.flags[f];
                }
                out += ')';
                break;
            case FK::Uid:
            case FK::Rfc822Size:
                append_decimal(out, item.number.value_or(0));
                break;
            case FK::InternalDate: {
                const std::string_view date = item.string ? *item.string : std::string_view{};
                write_quoted(out, date);
                quoted_8bit = quoted_8bit || has_8bit(date);
                break;
            }
            case FK::ModSeq:
                out += '(';
                append_decimal(out, item.modseq.value_or(0));
                out += ')';
                break;
            case FK::Envelope:
                write_envelope(out, envelope_of(item));
                break;
            default:
                write_message_data(out, item.string, item.kind == FK::Binary);
                break;
        }
    }
    out += ")\r\n";
    return quoted_8bit;
}

namespace {

FetchItem fetch_item(FK kind, std::string name) {
    FetchItem item;
    item.kind = kind;
    item.name = std::move(name);
    return item;
}

}  // namespace

FetchItem fetch_flags(std::vector<std::string> flags) {
    FetchItem item = fetch_item(FK::Flags, "FLAGS");
    item.flags = std::move(flags);
    return item;
}

FetchItem fetch_uid(std::uint32_t uid) {
    FetchItem item = fetch_item(FK::Uid, "UID");
    item.number = uid;
    return item;
}

FetchItem fetch_modseq(std::uint64_t modseq) {
    FetchItem item = fetch_item(FK::ModSeq, "MODSEQ");
    item.modseq = modseq;
    return item;
}

FetchItem fetch_size(std::uint32_t size) {
    FetchItem item = fetch_item(FK::Rfc822Size, "RFC822.SIZE");
    item.number = size;
    return item;
}

FetchItem fetch_internal_date(std::string date_time) {
    FetchItem item = fetch_item(FK::InternalDate, "INTERNALDATE");
    item.string = std::move(date_time);
    return item;
}

FetchItem fetch_envelope(Envelope envelope) {
    return fetch_envelope(std::make_shared<const Envelope>(std::move(envelope)));
}

FetchItem fetch_envelope(std::shared_ptr<const Envelope> envelope) {
    FetchItem item = fetch_item(FK::Envelope, "ENVELOPE");
    item.envelope = std::move(envelope);
    return item;
}

FetchItem fetch_body_structure(BodyStructure body, bool extensible) {
    FetchItem item =
        extensible ? fetch_item(FK::BodyStructure, "BODYSTRUCTURE") : fetch_item(FK::Body, "BODY");
    item.body = std::move(body);
    return item;
}

FetchItem fetch_section(SectionSpec section, std::optional<std::string> data,
                        std::optional<std::uint32_t> origin, FetchAtt::Kind kind) {
    FetchItem item;
    item.kind = kind;
    item.section = std::move(section);
    item.origin = origin;
    item.string = std::move(data);
    item.name = fetch_item_name(item);
    return item;
}

FetchItem fetch_binary_size(SectionSpec section, std::uint32_t size) {
    FetchItem item;
    item.kind = FK::BinarySize;
    item.section = std::move(section);
    item.number = size;
    item.name = fetch_item_name(item);
    return item;
}

}  // namespace mailscope::imap
