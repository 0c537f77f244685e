// Secrets in client lines: passwords, SASL exchanges, APOP digests and
// tokens never reach a trace, so no transcript, export, report, proxy output
// or window can show them.
//
// The engines decide what a line is *for* from its command word and the
// exchange it belongs to, never from whether it parses: "a1 LOGIN bob
// builder extra" hides its password as well as a correct LOGIN does. These
// are the shared pieces every engine masks with.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailscope::sim {

// What a trace shows in place of a secret.
inline constexpr std::string_view kSecretMask = "***";

// Word `index` (0-based) of `line`, upper-cased ASCII; empty when missing.
// Words are separated by spaces and tabs.
std::string word_upper(std::string_view line, std::size_t index);

// What follows the first `keep` words of the first line of `line` (without
// the blanks before it and the line end): the part a mask hides.
std::string_view words_after(std::string_view line, std::size_t keep);

// `line` with everything after its first `keep` words replaced by the mask;
// the line end (CRLF or LF) is kept. Only the first line of `line` is kept:
// literal data that followed it is part of what is hidden.
std::string mask_after_words(std::string_view line, std::size_t keep);

// One run of base64 octets (RFC 4648 4), at least four long, and nothing
// else on the line: what a client sends when it answers a SASL challenge,
// possibly one the server never made (its AUTH was refused, or it did not
// wait). Such a line is hidden wherever it appears.
bool looks_like_sasl_response(std::string_view line);

// `message` if it quotes nothing of `hidden` (no run of four or more of its
// octets, no quoted word of it), else `fallback`. Parser messages name the
// token they stumbled on; for a line that carries a secret that token may
// be the secret.
std::string safe_message(std::string message, std::string_view hidden, std::string fallback);

}  // namespace mailscope::sim
