// A mail store kept in a data directory, for the tests of what the store
// writes there and loads back.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <utility>

#include "server_mock/maildir_store.hpp"

namespace mailscope::server::testing {

// The backend that connects `store` to `dir`, which must attach. The store
// writes through it only while the test holds it.
inline std::unique_ptr<MaildirBackend> attached_backend(MailStore& store,
                                                        const std::filesystem::path& dir) {
    auto attached = attach_data_dir(store, dir);
    REQUIRE(attached.ok());
    return std::move(attached.value());
}

// A store that `prepare` gives its users and namespaces, then kept in `dir`:
// loaded from it when the directory holds a store, written to it otherwise.
// It lets go of the directory when it goes, as a server does when it stops.
struct StoreOnDisk : MailStore {
    StoreOnDisk(std::uint32_t uidvalidity_seed, void (*prepare)(MailStore&),
                const std::filesystem::path& dir)
        : MailStore(uidvalidity_seed) {
        prepare(*this);
        backend = attached_backend(*this, dir);
    }
    ~StoreOnDisk() { set_backend(nullptr); }

    std::unique_ptr<MaildirBackend> backend;
};

}  // namespace mailscope::server::testing
