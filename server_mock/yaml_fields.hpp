// YamlFieldReader: the checks every YAML file mailscope reads makes on its
// fields (a lesson, a mail store fixture), with one wording for the same
// mistake wherever it is made. A reader derives from it (CRTP) and says how a
// problem is reported with its own
//     [[noreturn]] void fail(const YAML::Node& node, sim::Said message) const;
// (a sentence of the catalogue without its full stop): each file names its
// own source and error type. yaml_syntax_problem() words what yaml-cpp says
// about text that is not YAML at all.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "server_mock/yaml_syntax.hpp"
#include "sim/core/catalogue.hpp"

namespace mailscope::server {

template <class Reader>
class YamlFieldReader {
  protected:
    // `what` and `where` name a place in the file: a Phrase, a Said, or a
    // field's own name.
    template <class What>
    void expect_map(const YAML::Node& node, const What& what) const {
        if (!node.IsMap()) reader().fail(node, sim::say(sim::Phrase::YamlNotMapping, what));
    }

    // Fails at the first field of `node` not in `allowed`, listing those.
    template <class Where>
    void check_fields(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                      const Where& where) const {
        for (const auto& field : node) {
            const std::string key = field.first.Scalar();
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            reader().fail(field.first, sim::say(sim::Phrase::YamlUnknownField, key, where,
                                                fmt::format("{}", fmt::join(allowed, ", "))));
        }
    }

    std::string text(const YAML::Node& node) const {
        if (!node || !node.IsScalar()) reader().fail(node, sim::say(sim::Phrase::YamlTextExpected));
        return node.Scalar();
    }

    bool boolean(const YAML::Node& node) const {
        try {
            if (node.IsScalar()) return node.as<bool>();
        } catch (const YAML::Exception&) {
        }
        reader().fail(node, sim::say(sim::Phrase::YamlBooleanExpected));
    }

    template <class Number>
    Number number(const YAML::Node& node) const {
        try {
            if (node.IsScalar()) return node.as<Number>();
        } catch (const YAML::Exception&) {
        }
        if (node.IsScalar())
            reader().fail(node, sim::say(sim::Phrase::YamlNotWholeNumber, node.Scalar()));
        reader().fail(node, sim::say(sim::Phrase::YamlNumberExpected));
    }

  private:
    const Reader& reader() const { return static_cast<const Reader&>(*this); }
};

}  // namespace mailscope::server
