// Response patterns: exact text, globs and regular expressions with $variables.
#include <doctest/doctest.h>

#include "lessons/pattern.hpp"

using namespace mailscope::lessons;

namespace {

Pattern glob(std::string text) {
    return Pattern{Pattern::Kind::Glob, std::move(text), {}};
}

Pattern regex(std::string text) {
    return Pattern{Pattern::Kind::Regex, std::move(text), {}};
}

}  // namespace

TEST_CASE("the untagged marker and \\* are literal in globs") {
    const Variables none;
    CHECK(pattern_matches(glob("* 3 EXISTS"), "* 3 EXISTS", none));
    CHECK_FALSE(pattern_matches(glob("* 3 EXISTS"), "* 13 EXISTS", none));
    CHECK_FALSE(pattern_matches(glob("* 3 EXISTS"), "a1 3 EXISTS", none));
    CHECK(pattern_matches(glob("* FLAGS (*)"), "* FLAGS (\\Seen \\Deleted)", none));
    CHECK(pattern_matches(glob("* OK [PERMANENTFLAGS (*\\*)] *"),
                          "* OK [PERMANENTFLAGS (\\Seen \\*)] Limited", none));
    CHECK_FALSE(pattern_matches(glob("* OK [PERMANENTFLAGS (\\*)]"),
                                "* OK [PERMANENTFLAGS (\\Seen)]", none));
    CHECK(glob_matches("a*c*e", "abcde"));
    CHECK_FALSE(glob_matches("a*c*f", "abcde"));
}

TEST_CASE("regular expressions match the whole response and capture") {
    Variables vars;
    CHECK(pattern_matches(regex("\\* (\\d+) EXISTS"), "* 12 EXISTS", vars));
    CHECK_FALSE(pattern_matches(regex("\\d+ EXISTS"), "* 12 EXISTS", vars));
    CHECK(capture_from(regex("UIDNEXT (\\d+)"), "* OK [UIDNEXT 7] Predicted", vars) == "7");
    CHECK(check_regex("(unclosed").has_value());
    CHECK_FALSE(check_regex("UID $uid").has_value());
}

TEST_CASE("variables are substituted, escaped inside regular expressions") {
    Variables vars{{"uid", "7"}, {"name", "a.b"}};
    CHECK(substitute("a1 UID FETCH $uid FLAGS", vars) == "a1 UID FETCH 7 FLAGS");
    CHECK(substitute("a1 STORE 1 +FLAGS ($Important)", vars) == "a1 STORE 1 +FLAGS ($Important)");
    CHECK(pattern_matches(regex("\\* LIST .* $name"), "* LIST () \"/\" a.b", vars));
    CHECK_FALSE(pattern_matches(regex("\\* LIST .* $name"), "* LIST () \"/\" axb", vars));
}
