// The forms of base commands that belong to an extension, in one table: an
// option of LIST or SEARCH, or a shape of argument (a literal8 message, a
// list of patterns). A client MUST NOT use one the server did not list,
// just as it MUST NOT send an extension's command (verbs.hpp).
#pragma once

#include <string_view>
#include <vector>

#include "sim/core/catalogue.hpp"
#include "sim/imap/command.hpp"
#include "sim/imap/verbs.hpp"

namespace mailscope::imap {

struct ExtendedForm {
    std::string_view what;  // how a violation names it: "LIST option SUBSCRIBED"
    ExtensionCommand extension;
    // Another capability that brings the form too (UTF8=ONLY implies
    // UTF8=ACCEPT, RFC 6855 3).
    std::string_view also = {};
    // `what` as a phrase of the catalogue, the option its {0} names; Verbatim
    // when `what` is wire words alone ("SEARCH RETURN (MIN)").
    sim::Phrase phrase = sim::Phrase::Verbatim;
    std::string_view option = {};
};

// How a violation names `form`: its phrase, in whichever language is shown.
sim::Said form_said(const ExtendedForm& form);

// The extended forms `command` uses, each once, in the table's order.
std::vector<ExtendedForm> extended_forms(const Command& command);

// Whether search criteria hold the MODSEQ key at any depth (RFC 7162 3.1.5).
bool searches_by_modseq(const std::vector<SearchKey>& keys);

}  // namespace mailscope::imap
