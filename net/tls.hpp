// OpenSSL set-up shared by every TLS use: the servers' contexts (with a
// self-signed certificate made on first run when none is given) and the
// client's, which verifies the chain and the host name unless told not to.
#pragma once

#include <asio/ssl.hpp>

#include <memory>
#include <optional>
#include <string>

namespace mailscope::transport {

struct ServerTlsFiles {
    std::string cert_file;
    std::string key_file;
};

// Creates a private key and a self-signed certificate for "localhost" and
// 127.0.0.1 at the given paths unless both files already exist. Returns an
// error sentence, or nullopt on success.
std::optional<std::string> ensure_self_signed(const ServerTlsFiles& files);

// Throws std::runtime_error with a readable message when the files are unusable.
std::shared_ptr<asio::ssl::context> make_server_context(const ServerTlsFiles& files);

struct ClientTlsOptions {
    std::optional<std::string> ca_file;  // a private CA instead of the system store
    bool insecure = false;               // no verification at all: must be asked for
};
std::shared_ptr<asio::ssl::context> make_client_context(const ClientTlsOptions& options);

// SNI and host name verification for one connection.
void prepare_client_stream(SSL* ssl, const std::string& host, const ClientTlsOptions& options);

// The verification failure of a handshake, as a sentence ("certificate has
// expired", "Hostname mismatch"), or empty when verification passed.
std::string verify_failure(SSL* ssl);

}  // namespace mailscope::transport
