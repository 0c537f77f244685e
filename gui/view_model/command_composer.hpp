// The free-play composer's help with the two things a hand-typed IMAP
// command gets wrong most: the tag (added when the line does not start with
// one) and literal sizes (each "{}" becomes "{n}" with n counted in octets,
// then the literal text; RFC 3501 4.3).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/catalogue.hpp"
#include "sim/imap/command.hpp"

namespace mailscope::gui {

// The literal texts typed for a command: one per "{}", separated by a line
// holding only "---". Line ends become CRLF, as on the wire. Nothing typed
// is one empty literal.
std::vector<std::string> split_literal_texts(std::string_view typed);

// "{n}" for each literal text, separated by spaces: the sizes the composer
// will write, in octets (a Cyrillic letter is two octets in UTF-8).
std::string literal_size_hint(std::string_view typed_literals);

struct ComposedCommand {
    std::optional<imap::Command> command;  // absent when the line does not parse
    std::string wire;                      // the line with tag and literal sizes added
    sim::Said error;                       // why it does not parse, for the learner
};

// Builds the command from what was typed: each "{}" becomes a literal of the
// next literal text; a line that does not parse as a tagged command gets
// `tag` in front. Extra "{}" without a text become empty literals; a "{}" in
// a command none of whose arguments can be a literal is refused with why.
ComposedCommand compose_command(std::string_view line, std::string_view typed_literals,
                                const std::string& tag);

}  // namespace mailscope::gui
