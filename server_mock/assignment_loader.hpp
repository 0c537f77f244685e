// Reading an assignment file. Strict like the lesson loader: a field name
// mistyped, a step id given twice, a verb the protocol does not have or a
// text without its Russian or English are errors that name the file and
// line, so that a teacher never hands out an assignment that checks nothing.
//
//   title: {ru: "...", en: "..."}
//   protocol: imap               # optional, the steps' default: imap, pop3 or smtp
//   steps:
//     - id: login-literal         # letters, digits, ".", "-", "_"; unique
//       text: {ru: "...", en: "..."}   # optional
//       protocol: imap            # optional, overrides the file's
//       command: LOGIN            # the verb the client must send
//       literal: true             # optional, IMAP: the command carries a literal
//       contains: '\Seen'         # optional: text of the command's lines, any case
//       result: OK                # optional: OK/NO/BAD, +OK/-ERR, 2xx..5xx or an SMTP code
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

#include "server_mock/assignment.hpp"
#include "sim/core/catalogue.hpp"

namespace mailscope::server {

// Largest assignment file read, to bound memory.
inline constexpr std::size_t kMaxAssignmentFileSize = 1024 * 1024;

// The assignment, or "LABEL:LINE:COLUMN: what is wrong." (`label` names the
// source) in the catalogue's words.
std::variant<Assignment, sim::Said> load_assignment_text(std::string_view yaml,
                                                         const std::string& label);
std::variant<Assignment, sim::Said> load_assignment_file(const std::filesystem::path& file);

}  // namespace mailscope::server
