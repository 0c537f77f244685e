// The certificate a server or the proxy uses when none is given: one
// self-signed for "localhost" and 127.0.0.1, made on first run and kept in
// the user's configuration folder, so that clients trust it once.
#pragma once

#include <filesystem>
#include <string>

namespace mailscope::app {

// DATA_DIR/tls with a data folder, else $XDG_CONFIG_HOME/mailscope/tls,
// ~/.config/mailscope/tls, or ./.mailscope-tls.
std::filesystem::path default_tls_dir(const std::string& data_dir);

}  // namespace mailscope::app
