// Local delivery for the mock SMTP server: who a recipient is, the trace
// headers the delivering server adds (RFC 5321 4.4), and appending one
// message to every recipient's INBOX as a whole: all of them or none.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server_mock/internal_date.hpp"
#include "server_mock/mail_store.hpp"
#include "server_mock/smtp_config.hpp"
#include "sim/smtp/command.hpp"

namespace mailscope::server {

// The user a forward-path delivers to, or the reply that refuses it.
struct RecipientLookup {
    std::optional<std::string> user;
    int code = 250;
    std::string enhanced;
    std::string text;
};
RecipientLookup resolve_recipient(const MailStore& store, const SmtpConfig& config,
                                  const smtp::Path& path);
bool is_local_domain(const SmtpConfig& config, std::string_view domain);

struct Envelope {
    std::string reverse_path;            // mailbox of MAIL FROM, empty for <>
    std::vector<std::string> users;      // distinct, in RCPT order
    std::vector<std::string> addresses;  // the accepted forward-paths as written
    std::string client_domain;           // from HELO/EHLO
    // RFC 3848: SMTP, ESMTP, ESMTPS (TLS), ESMTPA (AUTH), ESMTPSA.
    std::string protocol = "ESMTP";
};

// "Return-Path:" and "Received:" lines, each ending in CRLF.
std::string trace_headers(const Envelope& envelope, const SmtpConfig& config,
                          const InternalDate& date);

// Appends `content` (trace headers already added) to each user's INBOX with
// no flags, so every session sees it as \Recent. When the store refuses one
// copy, the copies already stored are expunged again and the error returned.
StoreResult<std::size_t> deliver(MailStore& store, const Envelope& envelope, std::string content,
                                 const InternalDate& date);

}  // namespace mailscope::server
