#include "server_mock/disk_error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace mailscope::server {

StoreError disk_error(std::string_view what, const std::filesystem::path& path, int error) {
    const bool full = error == ENOSPC || error == EDQUOT || error == EFBIG;
    StoreError out = store_error(
        full ? StoreErrorKind::StorageFull : StoreErrorKind::Storage,
        fmt::format("the server could not write to its disk ({}); the change was not made.",
                    std::strerror(error)));
    out.detail = fmt::format("could not {} {}: {}", what, path.string(), std::strerror(error));
    return out;
}

}  // namespace mailscope::server
