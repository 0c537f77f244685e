// Golden event files: every transcript under tests/vectors/ has its expected
// event stream in tests/golden/, and the observer gives exactly that stream
// whether the bytes arrive whole, line by line, byte by byte or cut at
// random, so a change of annotation shows as a reviewed diff of that file
// (tests/golden/README.md). MAILSCOPE_UPDATE_GOLDEN=1 (tests/golden/update)
// rewrites the files.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/core/transcript.hpp"
#include "sim/imap/session.hpp"
#include "sim/pop3/session.hpp"
#include "sim/smtp/session.hpp"
#include "tests/sim/chunk_runs.hpp"
#include "tests/sim/golden_sessions.hpp"

using namespace mailscope;
namespace fs = std::filesystem;

namespace {

const fs::path kVectors = fs::path(MAILSCOPE_TEST_DATA) / "vectors";
const fs::path kGolden = fs::path(MAILSCOPE_TEST_DATA) / "golden";

// The protocols whose transcripts have golden files; tests/vectors/mime
// holds messages, not sessions.
const std::vector<std::string> kProtocols{"imap", "pop3", "smtp"};

bool updating() {
    const char* value = std::getenv("MAILSCOPE_UPDATE_GOLDEN");
    return value && std::string(value) == "1";
}

// "imap/rfc3501_section8.txt" for every transcript, sorted.
std::vector<std::string> vector_files() {
    std::vector<std::string> out;
    for (const auto& protocol : kProtocols) {
        for (const auto& entry : fs::directory_iterator(kVectors / protocol)) {
            if (entry.path().extension() == ".txt")
                out.push_back(protocol + "/" + entry.path().filename().string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

fs::path golden_path(const std::string& vector) {
    return kGolden / fs::path(vector).replace_extension(".jsonl");
}

enum class Split { Whole, Lines, Bytes, Random };

struct Feeding {
    Split split = Split::Whole;
    unsigned seed = 0;  // Random only
};

std::string describe(const Feeding& feeding) {
    switch (feeding.split) {
        case Split::Whole:
            return "whole (each side's consecutive lines at once)";
        case Split::Lines:
            return "line by line";
        case Split::Bytes:
            return "byte by byte";
        case Split::Random:
            return fmt::format("random split, seed {}", feeding.seed);
    }
    return "?";
}

// The seeded splits are capped so the suite stays fast under the
// sanitizers; each seed cuts at its own scale (kScales), from a few octets
// to several lines a piece.
constexpr unsigned kRandomSplits = 18;
constexpr unsigned kScales = 6;

std::vector<Feeding> feedings() {
    std::vector<Feeding> out{{Split::Whole, 0}, {Split::Lines, 0}, {Split::Bytes, 0}};
    for (unsigned seed = 1; seed <= kRandomSplits; ++seed)
        out.push_back({Split::Random, seed});
    return out;
}

using Engine = std::variant<imap::ImapSession, pop3::Pop3Session, smtp::SmtpSession>;

// Pieces of up to 3, 9, 27, 81, 243 or 729 octets, by the seed.
std::size_t longest_piece(unsigned seed) {
    std::size_t longest = 3;
    for (unsigned i = 0; i < (seed - 1) % kScales; ++i)
        longest *= 3;
    return longest;
}

void feed(Engine& engine, const std::vector<golden::Chunk>& chunks, const Feeding& feeding) {
    auto give = [&](sim::Direction dir, std::string_view bytes) {
        std::visit([&](auto& session) { session.feed(dir, bytes); }, engine);
    };
    if (feeding.split == Split::Lines) {
        for (const auto& chunk : chunks)
            give(chunk.dir, chunk.bytes);
        return;
    }
    std::mt19937 random(feeding.seed);
    const std::size_t longest = feeding.split == Split::Random ? longest_piece(feeding.seed) : 1;
    for (const auto& run : test::runs_of(chunks)) {
        std::string_view rest = run.bytes;
        while (!rest.empty()) {
            std::size_t n = rest.size();
            if (feeding.split == Split::Bytes) n = 1;
            if (feeding.split == Split::Random) {
                n = std::min(rest.size(),
                             std::uniform_int_distribution<std::size_t>(1, longest)(random));
            }
            give(run.dir, rest.substr(0, n));
            rest.remove_prefix(n);
        }
    }
}

// The golden text of one session: its header, then one JSON object per
// event after the prelude's.
std::string observe(sim::Protocol protocol, const golden::ObservedSession& planned,
                    const Feeding& feeding) {
    sim::SessionTrace trace(protocol);
    std::optional<Engine> engine;
    switch (protocol) {
        case sim::Protocol::Imap:
            engine.emplace(std::in_place_type<imap::ImapSession>, trace);
            break;
        case sim::Protocol::Pop3:
            engine.emplace(std::in_place_type<pop3::Pop3Session>, trace);
            break;
        case sim::Protocol::Smtp:
            engine.emplace(std::in_place_type<smtp::SmtpSession>, trace);
            break;
    }
    feed(*engine, planned.prelude, {Split::Lines, 0});
    const auto first = trace.end_seq();
    feed(*engine, planned.transcript, feeding);
    std::string out;
    if (!planned.header.empty()) out += planned.header + "\n";
    for (const auto& event : trace.events()) {
        if (event.seq >= first) out += sim::event_to_json(event) + "\n";
    }
    return out;
}

std::string observe_all(const golden::FeedPlan& plan, const Feeding& feeding) {
    std::string out;
    for (const auto& session : plan.sessions)
        out += observe(plan.protocol, session, feeding);
    return out;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        lines.push_back(line);
    return lines;
}

// Empty when equal; else where the first difference is, both lines, and
// the header of the exchange it is in.
std::string first_difference(const std::string& expected_text, const std::string& actual,
                             std::string_view expected_name = "golden",
                             std::string_view actual_name = "actual") {
    const auto expected_lines = lines_of(expected_text);
    const auto actual_lines = lines_of(actual);
    std::string exchange;
    for (std::size_t i = 0; i < std::max(expected_lines.size(), actual_lines.size()); ++i) {
        const auto* expected = i < expected_lines.size() ? &expected_lines[i] : nullptr;
        const auto* got = i < actual_lines.size() ? &actual_lines[i] : nullptr;
        if (expected && got && *expected == *got) {
            if (expected->starts_with("{\"exchange\"")) exchange = *expected;
            continue;
        }
        return fmt::format("line {}{}\n  {}: {}\n  {}: {}", i + 1,
                           exchange.empty() ? "" : ", in " + exchange, expected_name,
                           expected ? *expected : "(nothing)", actual_name,
                           got ? *got : "(nothing)");
    }
    return {};
}

std::optional<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("golden events: every transcript under tests/vectors has a golden file and matches it") {
    const auto vectors = vector_files();
    REQUIRE(vectors.size() >= 15);
    for (const auto& vector : vectors) {
        const auto path = golden_path(vector);
        const auto shown = fs::relative(path, fs::path(MAILSCOPE_TEST_DATA).parent_path());
        CAPTURE(vector);
        const auto plan = golden::plan_for(vector);
        REQUIRE_FALSE(plan.sessions.empty());
        const auto whole = observe_all(plan, {Split::Whole, 0});
        if (updating()) {
            fs::create_directories(path.parent_path());
            std::ofstream out(path, std::ios::binary);
            out << whole;
            REQUIRE_MESSAGE(out.good(), "cannot write " << shown.string());
        }
        const auto golden = read_file(path);
        if (!golden) {
            FAIL_CHECK("no golden file " << shown.string() << " for tests/vectors/" << vector
                                         << "; write it with tests/golden/update and review "
                                            "it (tests/golden/README.md)");
            continue;
        }
        const auto changed = first_difference(*golden, whole);
        if (!changed.empty()) {
            FAIL_CHECK(shown.string() << ": " << changed
                                      << "\n  (a change meant and reviewed is written with "
                                         "tests/golden/update, tests/golden/README.md)");
        }
        // However the bytes arrive, the events are those of the whole feed.
        for (const auto& feeding : feedings()) {
            if (feeding.split == Split::Whole) continue;
            const auto split =
                first_difference(whole, observe_all(plan, feeding), "whole", "split");
            if (!split.empty()) {
                FAIL_CHECK("tests/vectors/" << vector << " fed " << describe(feeding)
                                            << " differs from the whole feed at " << split);
            }
        }
    }
}

TEST_CASE("golden events: every golden file belongs to a transcript") {
    std::set<std::string> expected;
    for (const auto& vector : vector_files())
        expected.insert(golden_path(vector).string());
    for (const auto& protocol : kProtocols) {
        if (!fs::exists(kGolden / protocol)) continue;
        for (const auto& entry : fs::directory_iterator(kGolden / protocol)) {
            CAPTURE(entry.path().string());
            CHECK_MESSAGE(expected.count(entry.path().string()) == 1,
                          "a golden file whose transcript is gone: remove it");
        }
    }
}
