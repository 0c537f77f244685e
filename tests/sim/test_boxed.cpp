#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "sim/core/boxed.hpp"
#include "sim/core/trace.hpp"

using mailscope::sim::Boxed;

namespace {

struct BoxedPart {
    std::string text;
    int number = 0;
    bool operator==(const BoxedPart&) const = default;
};

}  // namespace

TEST_CASE("a boxed part behaves as an optional one") {
    Boxed<BoxedPart> part;
    CHECK_FALSE(part);
    CHECK(part == std::nullopt);
    CHECK_THROWS_AS(part.value(), std::bad_optional_access);

    part = BoxedPart{"seen", 1};
    REQUIRE(part);
    CHECK(part->text == "seen");
    CHECK((*part).number == 1);

    part.emplace("flagged", 2);
    CHECK(part.value() == BoxedPart{"flagged", 2});

    part = std::nullopt;
    CHECK_FALSE(part.has_value());
}

TEST_CASE("a copied event owns copies of its boxed parts") {
    mailscope::sim::TraceEvent event;
    event.flags = mailscope::sim::FlagDelta{};
    event.flags->after = {"\\Seen"};
    mailscope::sim::TraceEvent copy = event;
    copy.flags->after.push_back("\\Flagged");
    CHECK(event.flags->after.size() == 1);
    CHECK(copy.flags->after.size() == 2);

    mailscope::sim::TraceEvent moved = std::move(copy);
    REQUIRE(moved.flags);
    CHECK(moved.flags->after.size() == 2);
    CHECK_FALSE(moved.violation);
}

TEST_CASE("an event is small however many parts it may carry") {
    // Before the rare parts were boxed an event was 984 octets; the trace
    // of a long FETCH holds one per message.
    CHECK(sizeof(mailscope::sim::TraceEvent) <= 600);
}
