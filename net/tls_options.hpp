// What TLS is set up from: a server's certificate files (made on first run
// when there are none) and a client's trust, for code that chooses them and
// needs neither OpenSSL nor Asio.
#pragma once

#include <optional>
#include <string>

namespace mailscope::transport {

struct ServerTlsFiles {
    std::string cert_file;
    std::string key_file;
};

struct ClientTlsOptions {
    std::optional<std::string> ca_file;  // a private CA instead of the system store
    bool insecure = false;               // no verification at all: must be asked for
    // Where to write the TLS secrets of the sessions (net/key_log.hpp).
    std::optional<std::string> key_log;
};

// Whether a key log (net/key_log.hpp) can be opened at `path` for
// appending (it is created if missing), so that a command refuses before
// connecting rather than after; returns the reason when it cannot.
std::string key_log_unwritable(const std::string& path);

// Creates a private key and a self-signed certificate for "localhost" and
// 127.0.0.1 at the given paths unless both files already exist. Returns an
// error sentence, or nullopt on success.
std::optional<std::string> ensure_self_signed(const ServerTlsFiles& files);

}  // namespace mailscope::transport
