// SEARCH criteria evaluated against one stored message (RFC 3501 6.4.4).
//
// String keys match as case-insensitive substrings of the decoded text:
// RFC 2047 words and body charsets are converted to UTF-8 first and both
// sides are lower-cased (ASCII and Cyrillic), so SUBJECT "привет" finds a
// subject sent as windows-1251 encoded-words.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server_mock/fetch_responder.hpp"
#include "server_mock/parsed_cache.hpp"
#include "sim/imap/command.hpp"

namespace mailscope::server {

// Every key of `keys` must match (AND). `max_seq` and `max_uid` are what "*"
// stands for in sequence sets and UID sets.
bool matches_search(const std::vector<imap::SearchKey>& keys, const MessageContext& context,
                    ParsedCache& cache, std::uint32_t max_seq, std::uint32_t max_uid);

// A sentence when the criteria cannot be run (a date that does not parse,
// such as "31-Feb-2024"); nullopt when they can. An unknown CHARSET is the
// caller's to reject (with a BADCHARSET code).
std::optional<std::string> search_error(const std::vector<imap::SearchKey>& keys);

// Converts the strings of `keys` from the SEARCH CHARSET to UTF-8, in place
// (RFC 3501 6.4.4). Gives a sentence, and changes nothing, when the charset
// is not one the simulator knows: the caller answers NO [BADCHARSET].
std::optional<std::string> convert_search_charset(std::vector<imap::SearchKey>& keys,
                                                  std::string_view charset);

// RFC 5256 2.2: the "sent date" of a Date: header, in seconds since 1970 in
// UTC; a zone that is not +hhmm/-hhmm counts as UTC and a time that does not
// parse as 00:00:00. Nothing when the date itself does not parse (SORT then
// uses the INTERNALDATE).
std::optional<std::int64_t> sent_date_seconds(std::string_view value);

// Lower-cases ASCII and Cyrillic letters of UTF-8 text (invalid sequences
// become U+FFFD), the folding SEARCH compares with.
std::string fold_case(std::string_view utf8);

}  // namespace mailscope::server
