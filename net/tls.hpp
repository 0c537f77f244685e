// OpenSSL set-up shared by every TLS use: the servers' contexts (with a
// self-signed certificate made on first run when none is given) and the
// client's, which verifies the chain and the host name unless told not to.
#pragma once

#include <asio/ssl.hpp>

#include <memory>
#include <optional>
#include <string>

#include "net/tls_options.hpp"

namespace mailscope::transport {

// Throws std::runtime_error with a readable message when the files are unusable.
// With `key_log`, the sessions' TLS secrets are appended there (net/key_log.hpp).
std::shared_ptr<asio::ssl::context> make_server_context(
    const ServerTlsFiles& files, const std::optional<std::string>& key_log = std::nullopt);

std::shared_ptr<asio::ssl::context> make_client_context(const ClientTlsOptions& options);

// SNI and host name verification for one connection.
void prepare_client_stream(SSL* ssl, const std::string& host, const ClientTlsOptions& options);

// The subject of the peer's certificate as RFC 2253 text ("CN=localhost"),
// control and 8-bit octets escaped, at most a line long; empty without one.
std::string peer_subject(SSL* ssl);

// The verification failure of a handshake, as a sentence ("certificate has
// expired", "Hostname mismatch"), or empty when verification passed.
std::string verify_failure(SSL* ssl);

}  // namespace mailscope::transport
