#include "sim/imap/untagged_answers.hpp"

#include <algorithm>

namespace mailscope::imap {

std::optional<UntaggedAnswer> untagged_answer(std::string_view name) {
    const auto& rows = untagged_table::answers;
    const auto row = std::find_if(rows.begin(), rows.end(), [name](const UntaggedAnswer& answer) {
        return answer.name == name;
    });
    if (row == rows.end()) return std::nullopt;
    return *row;
}

}  // namespace mailscope::imap
