// The "base subject" of RFC 5256 2.1, which SORT (SUBJECT) and THREAD
// compare: the subject without the "Re:", "Fwd:", "[list]" and "(fwd)"
// that replies and forwards add.
#pragma once

#include <string>
#include <string_view>

namespace mailscope::server {

// From a Subject: header's raw value: RFC 2047 words decoded, white space
// made single spaces, then rules (2) to (6) of RFC 5256 2.1. The result is
// in ASCII upper case, as i;ascii-casemap compares it.
std::string base_subject(std::string_view raw_subject);

// The base subject, and whether reaching it removed a reply or forward mark
// (a "Re:" or "Fwd:" leader, a "(fwd)" trailer, or a "[Fwd: ...]" wrapper):
// THREAD=REFERENCES files such a message under one without (RFC 5256 3).
struct BaseSubject {
    std::string text;
    bool reply_or_forward = false;
};
BaseSubject base_subject_of(std::string_view raw_subject);

}  // namespace mailscope::server
