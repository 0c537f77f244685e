#include "server_mock/store_result.hpp"

namespace mailscope::server {

std::string describe(const StoreError& error, sim::Language language) {
    if (error.said.phrase == sim::Phrase::Verbatim && error.said.text.empty()) return error.message;
    return sim::render(error.said, language);
}

}  // namespace mailscope::server
