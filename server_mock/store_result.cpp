#include "server_mock/store_result.hpp"

namespace mailscope::server {

std::string describe(const StoreError& error, sim::Language language) {
    if (sim::is_empty(error.said)) return error.message;
    return sim::render(error.said, language);
}

}  // namespace mailscope::server
