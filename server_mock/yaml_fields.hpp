// YamlFieldReader: the checks every YAML file mailscope reads makes on its
// fields (a lesson, a mail store fixture), with one wording for the same
// mistake wherever it is made. A reader derives from it (CRTP) and says how a
// problem is reported with its own
//     [[noreturn]] void fail(const YAML::Node& node, std::string message) const;
// (a sentence without its full stop): each file names its own source and
// error type.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

namespace mailscope::server {

template <class Reader>
class YamlFieldReader {
  protected:
    void expect_map(const YAML::Node& node, std::string_view what) const {
        if (!node.IsMap())
            reader().fail(node, fmt::format("{} must be a mapping of field: value", what));
    }

    // Fails at the first field of `node` not in `allowed`, listing those.
    void check_fields(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                      std::string_view where) const {
        for (const auto& field : node) {
            const std::string key = field.first.Scalar();
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            reader().fail(field.first,
                          fmt::format("unknown field \"{}\" in {}; the fields allowed there are {}",
                                      key, where, fmt::join(allowed, ", ")));
        }
    }

    std::string text(const YAML::Node& node) const {
        if (!node || !node.IsScalar()) reader().fail(node, "a text value was expected here");
        return node.Scalar();
    }

    bool boolean(const YAML::Node& node) const {
        try {
            if (node.IsScalar()) return node.as<bool>();
        } catch (const YAML::Exception&) {
        }
        reader().fail(node, "true or false was expected here");
    }

    template <class Number>
    Number number(const YAML::Node& node) const {
        try {
            if (node.IsScalar()) return node.as<Number>();
        } catch (const YAML::Exception&) {
        }
        if (node.IsScalar())
            reader().fail(node, fmt::format("\"{}\" is not a whole number", node.Scalar()));
        reader().fail(node, "a whole number was expected here");
    }

  private:
    const Reader& reader() const { return static_cast<const Reader&>(*this); }
};

}  // namespace mailscope::server
