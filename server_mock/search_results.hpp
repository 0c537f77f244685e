// What one searching command returns in its ESEARCH response: MIN, MAX,
// ALL, COUNT (RFC 4731 3.1) and PARTIAL (RFC 5267 4.4), for SEARCH in
// mailbox order and for SORT in the order its criteria gave (RFC 5267 3.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/imap/command.hpp"
#include "sim/imap/response.hpp"

namespace mailscope::server {

// The numbers in the order given, consecutive ascending runs joined
// (23765,23764,1:3): a SORT's order survives, and RFC 5267 3.2 wants no
// descending ranges.
std::string ordered_set_text(const std::vector<std::uint32_t>& numbers);

// The results at positions `range` ("1:500", or RFC 9394's "-1:-100"
// counted from the end) of `found`, in its order; nothing when none are.
std::vector<std::uint32_t> partial_window(const std::vector<std::uint32_t>& found,
                                          std::string_view range);

// `found` in the command's order, for the RETURN options as the client
// wrote them: () means ALL, and options that ask for no result now (SAVE,
// CONTEXT, UPDATE) add nothing. MIN and MAX are the first and last of that
// order: a SEARCH's lowest and highest, a SORT's first and last sorted
// (RFC 5267 3.1).
imap::EsearchData search_results(const std::string& tag, bool uid,
                                 const imap::CommandOptions& options,
                                 const std::vector<std::uint32_t>& found);

}  // namespace mailscope::server
