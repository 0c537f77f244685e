// The decoders of this folder say why they refused their input through an
// optional out-parameter; a caller that wants only the verdict passes null.
#pragma once

#include <string>
#include <utility>

namespace mailscope::text {

inline void set_error(std::string* error, std::string message) {
    if (error != nullptr) *error = std::move(message);
}

}  // namespace mailscope::text
