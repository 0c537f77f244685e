// How a failed disk operation of the Maildir store is reported.
//
// The client learns that the disk failed and the system's reason, never
// where: the path is for whoever runs the server (StoreError::detail).
// ENOSPC, EDQUOT and EFBIG (the file size limit) make a StorageFull error,
// anything else a Storage error.
#pragma once

#include <filesystem>
#include <string_view>

#include "server_mock/store_result.hpp"

namespace mailscope::server {

StoreError disk_error(std::string_view what, const std::filesystem::path& path, int error);

}  // namespace mailscope::server
