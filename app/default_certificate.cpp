#include "app/default_certificate.hpp"

#include <cstdlib>

namespace mailscope::app {

std::filesystem::path default_tls_dir(const std::string& data_dir) {
    namespace fs = std::filesystem;
    if (!data_dir.empty()) return fs::path(data_dir) / "tls";
    if (const char* config = std::getenv("XDG_CONFIG_HOME"); config && *config) {
        return fs::path(config) / "mailscope" / "tls";
    }
    if (const char* home = std::getenv("HOME"); home && *home) {
        return fs::path(home) / ".config" / "mailscope" / "tls";
    }
    return fs::path(".mailscope-tls");
}

}  // namespace mailscope::app
