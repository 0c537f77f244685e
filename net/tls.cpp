#include "net/tls.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "net/key_log.hpp"

namespace mailscope::transport {

namespace {

std::string openssl_error() {
    unsigned long code = ERR_get_error();
    if (code == 0) return "unknown OpenSSL error";
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    return buffer;
}

bool add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext) return false;
    bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

}  // namespace

std::optional<std::string> ensure_self_signed(const ServerTlsFiles& files) {
    namespace fs = std::filesystem;
    if (fs::exists(files.cert_file) && fs::exists(files.key_file)) return std::nullopt;
    for (const auto& path : {files.cert_file, files.key_file}) {
        auto parent = fs::path(path).parent_path();
        std::error_code ec;
        if (!parent.empty()) fs::create_directories(parent, ec);
    }

    EVP_PKEY* key = EVP_EC_gen("P-256");
    if (!key) return "cannot generate a key: " + openssl_error();
    X509* cert = X509_new();
    std::optional<std::string> error;
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), static_cast<long>(std::time(nullptr)));
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 60L * 60 * 24 * 825);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("mailscope lab server"), -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    if (!add_extension(cert, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1") ||
        !add_extension(cert, NID_basic_constraints, "critical,CA:FALSE") ||
        X509_sign(cert, key, EVP_sha256()) == 0) {
        error = "cannot sign the certificate: " + openssl_error();
    }
    if (!error) {
        // The key is written readable by its owner only.
        mode_t old_mask = umask(077);
        FILE* key_out = std::fopen(files.key_file.c_str(), "wb");
        umask(old_mask);
        FILE* cert_out = std::fopen(files.cert_file.c_str(), "wb");
        if (!key_out || !cert_out ||
            PEM_write_PrivateKey(key_out, key, nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
            PEM_write_X509(cert_out, cert) != 1) {
            error = fmt::format("cannot write {} and {}", files.key_file, files.cert_file);
        }
        if (key_out) std::fclose(key_out);
        if (cert_out) std::fclose(cert_out);
    }
    X509_free(cert);
    EVP_PKEY_free(key);
    return error;
}

std::shared_ptr<asio::ssl::context> make_server_context(const ServerTlsFiles& files,
                                                        const std::optional<std::string>& key_log) {
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1);
    std::error_code ec;
    context->use_certificate_chain_file(files.cert_file, ec);
    if (ec) {
        throw std::runtime_error(
            fmt::format("cannot use certificate {}: {}", files.cert_file, ec.message()));
    }
    context->use_private_key_file(files.key_file, asio::ssl::context::pem, ec);
    if (ec) {
        throw std::runtime_error(
            fmt::format("cannot use private key {}: {}", files.key_file, ec.message()));
    }
    if (key_log) log_tls_secrets(*context, *key_log);
    return context;
}

std::shared_ptr<asio::ssl::context> make_client_context(const ClientTlsOptions& options) {
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1);
    if (options.key_log) log_tls_secrets(*context, *options.key_log);
    if (options.insecure) {
        context->set_verify_mode(asio::ssl::verify_none);
        return context;
    }
    context->set_verify_mode(asio::ssl::verify_peer);
    std::error_code ec;
    if (options.ca_file) {
        context->load_verify_file(*options.ca_file, ec);
        if (ec) {
            throw std::runtime_error(
                fmt::format("cannot load CA file {}: {}", *options.ca_file, ec.message()));
        }
    } else {
        context->set_default_verify_paths(ec);
        if (ec) throw std::runtime_error("cannot load the system's trusted certificates");
    }
    return context;
}

void prepare_client_stream(SSL* ssl, const std::string& host, const ClientTlsOptions& options) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    // An IP address is checked against the certificate's IP entries and is
    // never sent as SNI (RFC 6066 3).
    const bool is_ip = X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1;
    if (!is_ip) {
        SSL_set_tlsext_host_name(ssl, host.c_str());
        if (!options.insecure) {
            SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            SSL_set1_host(ssl, host.c_str());
        }
    }
}

std::string peer_subject(SSL* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (cert == nullptr) return {};
    std::string text;
    if (BIO* out = BIO_new(BIO_s_mem())) {
        // RFC 2253 flags escape control octets: a hostile name cannot break a line.
        if (X509_NAME_print_ex(out, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
            char* data = nullptr;
            const long size = BIO_get_mem_data(out, &data);
            if (size > 0) text.assign(data, static_cast<std::size_t>(size));
        }
        BIO_free(out);
    }
    X509_free(cert);
    constexpr std::size_t kMaxSubject = 200;
    if (text.size() > kMaxSubject) text = text.substr(0, kMaxSubject) + "...";
    return text;
}

std::string verify_failure(SSL* ssl) {
    long result = SSL_get_verify_result(ssl);
    if (result == X509_V_OK) return {};
    return X509_verify_cert_error_string(result);
}

}  // namespace mailscope::transport
