// The TLS secrets of a context's connections, written to a file in the NSS
// key log format (one "LABEL client_random secret" line each, as OpenSSL's
// keylog callback gives them), so that a capture of the same sessions can be
// decrypted in Wireshark. The file holds those secrets and nothing else.
#pragma once

#include <asio/ssl.hpp>

#include <string>

namespace mailscope::transport {

// Opens `path` for appending (created with mode 0600: it unlocks every
// session it lists) and has `context` write each new secret there. The file
// stays open while the context lives. Throws std::runtime_error naming the
// file when it cannot be opened.
void log_tls_secrets(asio::ssl::context& context, const std::string& path);

}  // namespace mailscope::transport
