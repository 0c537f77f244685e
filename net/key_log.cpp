#include "net/key_log.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "net/tls_options.hpp"

namespace mailscope::transport {

namespace {

struct KeyLogFile {
    std::mutex mutex;  // the proxy's two legs run their handshakes on one thread, a GUI on another
    std::FILE* file = nullptr;
};

void free_key_log(void*, void* data, CRYPTO_EX_DATA*, int, long, void*) {
    auto* log = static_cast<KeyLogFile*>(data);
    if (log == nullptr) return;
    std::fclose(log->file);
    delete log;
}

int key_log_index() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, free_key_log);
    return index;
}

void write_secret(const SSL* ssl, const char* line) {
    auto* log =
        static_cast<KeyLogFile*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), key_log_index()));
    if (log == nullptr) return;
    std::lock_guard lock(log->mutex);
    // Flushed per line: Wireshark reads the file while the session runs, and
    // a process that is killed must not lose the secrets of its sessions.
    std::fprintf(log->file, "%s\n", line);
    std::fflush(log->file);
}

// -1 with errno set on failure.
int open_for_appending(const std::string& path) {
    return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

}  // namespace

std::string key_log_unwritable(const std::string& path) {
    const int fd = open_for_appending(path);
    if (fd < 0) return std::strerror(errno);
    ::close(fd);
    return {};
}

void log_tls_secrets(asio::ssl::context& context, const std::string& path) {
    const int fd = open_for_appending(path);
    std::FILE* file = fd < 0 ? nullptr : ::fdopen(fd, "a");
    if (file == nullptr) {
        const std::string reason = std::strerror(errno);
        if (fd >= 0) ::close(fd);
        throw std::runtime_error(fmt::format("cannot write the key log {}: {}", path, reason));
    }
    auto* log = new KeyLogFile;
    log->file = file;
    SSL_CTX* native = context.native_handle();
    if (auto* previous = static_cast<KeyLogFile*>(SSL_CTX_get_ex_data(native, key_log_index()))) {
        std::fclose(previous->file);
        delete previous;
    }
    SSL_CTX_set_ex_data(native, key_log_index(), log);
    SSL_CTX_set_keylog_callback(native, write_secret);
}

}  // namespace mailscope::transport
