#include "server_mock/yaml_syntax.hpp"

#include <string_view>

namespace mailscope::server {

namespace {

using sim::Phrase;
namespace YamlMsg = YAML::ErrorMsg;

struct YamlReason {
    std::string_view text;
    Phrase phrase;
};

// Reasons that are the whole message.
const YamlReason kWholeYamlReasons[] = {
    {YamlMsg::YAML_DIRECTIVE_ARGS, Phrase::YamlErrDirectiveArgs},
    {YamlMsg::YAML_MAJOR_VERSION, Phrase::YamlErrMajorVersion},
    {YamlMsg::REPEATED_YAML_DIRECTIVE, Phrase::YamlErrRepeatedDirective},
    {YamlMsg::TAG_DIRECTIVE_ARGS, Phrase::YamlErrTagDirectiveArgs},
    {YamlMsg::REPEATED_TAG_DIRECTIVE, Phrase::YamlErrRepeatedTagDirective},
    {YamlMsg::CHAR_IN_TAG_HANDLE, Phrase::YamlErrCharInTagHandle},
    {YamlMsg::TAG_WITH_NO_SUFFIX, Phrase::YamlErrTagWithNoSuffix},
    {YamlMsg::END_OF_VERBATIM_TAG, Phrase::YamlErrEndOfVerbatimTag},
    {YamlMsg::END_OF_MAP, Phrase::YamlErrEndOfMap},
    {YamlMsg::END_OF_MAP_FLOW, Phrase::YamlErrEndOfMapFlow},
    {YamlMsg::END_OF_SEQ, Phrase::YamlErrEndOfSeq},
    {YamlMsg::END_OF_SEQ_FLOW, Phrase::YamlErrEndOfSeqFlow},
    {YamlMsg::MULTIPLE_TAGS, Phrase::YamlErrMultipleTags},
    {YamlMsg::MULTIPLE_ANCHORS, Phrase::YamlErrMultipleAnchors},
    {YamlMsg::MULTIPLE_ALIASES, Phrase::YamlErrMultipleAliases},
    {YamlMsg::ALIAS_CONTENT, Phrase::YamlErrAliasContent},
    {YamlMsg::INVALID_HEX, Phrase::YamlErrInvalidHex},
    {YamlMsg::UNKNOWN_TOKEN, Phrase::YamlErrUnknownToken},
    {YamlMsg::DOC_IN_SCALAR, Phrase::YamlErrDocInScalar},
    {YamlMsg::EOF_IN_SCALAR, Phrase::YamlErrEofInScalar},
    {YamlMsg::CHAR_IN_SCALAR, Phrase::YamlErrCharInScalar},
    {YamlMsg::TAB_IN_INDENTATION, Phrase::YamlErrTabInIndentation},
    {YamlMsg::FLOW_END, Phrase::YamlErrFlowEnd},
    {YamlMsg::BLOCK_ENTRY, Phrase::YamlErrBlockEntry},
    {YamlMsg::MAP_KEY, Phrase::YamlErrMapKey},
    {YamlMsg::MAP_VALUE, Phrase::YamlErrMapValue},
    {YamlMsg::ALIAS_NOT_FOUND, Phrase::YamlErrAliasNotFound},
    {YamlMsg::ANCHOR_NOT_FOUND, Phrase::YamlErrAnchorNotFound},
    {YamlMsg::CHAR_IN_ALIAS, Phrase::YamlErrCharInAlias},
    {YamlMsg::CHAR_IN_ANCHOR, Phrase::YamlErrCharInAnchor},
    {YamlMsg::ZERO_INDENT_IN_BLOCK, Phrase::YamlErrZeroIndentInBlock},
    {YamlMsg::CHAR_IN_BLOCK, Phrase::YamlErrCharInBlock},
    {YamlMsg::AMBIGUOUS_ANCHOR, Phrase::YamlErrAmbiguousAnchor},
    {YamlMsg::UNKNOWN_ANCHOR, Phrase::YamlErrUnknownAnchor},
    {YamlMsg::INVALID_SCALAR, Phrase::YamlErrInvalidScalar},
    {YamlMsg::KEY_NOT_FOUND, Phrase::YamlErrKeyNotFound},
    {YamlMsg::BAD_CONVERSION, Phrase::YamlErrBadConversion},
    {YamlMsg::BAD_SUBSCRIPT, Phrase::YamlErrBadSubscript},
    {YamlMsg::UNEXPECTED_END_SEQ, Phrase::YamlErrUnexpectedEndSeq},
    {YamlMsg::UNEXPECTED_END_MAP, Phrase::YamlErrUnexpectedEndMap},
    {YamlMsg::SINGLE_QUOTED_CHAR, Phrase::YamlErrSingleQuotedChar},
    {YamlMsg::INVALID_ANCHOR, Phrase::YamlErrInvalidAnchor},
    {YamlMsg::INVALID_ALIAS, Phrase::YamlErrInvalidAlias},
    {YamlMsg::INVALID_TAG, Phrase::YamlErrInvalidTag},
    {YamlMsg::BAD_FILE, Phrase::YamlErrBadFile},
};

// Reasons yaml-cpp follows with what it found ("unknown escape character: q").
const YamlReason kPrefixedYamlReasons[] = {
    {YamlMsg::YAML_VERSION, Phrase::YamlErrBadVersion},
    {YamlMsg::INVALID_UNICODE, Phrase::YamlErrInvalidUnicode},
    {YamlMsg::INVALID_ESCAPE, Phrase::YamlErrInvalidEscape},
    {"key not found: ", Phrase::YamlErrKeyNotFoundNamed},
};

}  // namespace

sim::Said yaml_syntax_problem(const YAML::Exception& e) {
    const std::string_view reason = e.msg;
    for (const auto& [text, phrase] : kWholeYamlReasons) {
        if (reason == text) return sim::say(phrase);
    }
    for (const auto& [prefix, phrase] : kPrefixedYamlReasons) {
        if (reason.starts_with(prefix)) return sim::say(phrase, reason.substr(prefix.size()));
    }
    return sim::verbatim(e.msg);
}

}  // namespace mailscope::server
