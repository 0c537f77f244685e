// The mbox splitter sees a file a block at a time: wherever the blocks end,
// it must find the same messages as in the whole text, and refuse a message
// over the limit without holding it.
#include <doctest/doctest.h>

#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server_mock/fixture.hpp"
#include "server_mock/mbox_splitter.hpp"
#include "tests/support/russian_text.hpp"
#include "tests/support/scratch_dir.hpp"

using namespace mailscope;
using namespace mailscope::server;

namespace {

const InternalDate kSplitterFallback = *make_internal_date(2024, 3, 1, 12, 0, 0, 0);

// Every interesting place for a block to end: inside "\nFrom ", inside CRLF,
// inside ">From " and ">>From ", in the blank separating line, and a From_
// line with no date.
const std::string kSplitterMbox =
    "\n"
    "From alice@example.org Mon Jan 15 09:30:00 2024\r\n"
    "Subject: one\r\n"
    "\r\n"
    ">From the archives\r\n"
    ">>From a quoted quote\r\n"
    "From: is a header only at the start\r\n"
    "\r\n"
    "From bob@example.org Tue Feb  6 10:00:00 2024\n"
    "Subject: two\n"
    "\n"
    "lone\rCR and a quote > here\n"
    "\n"
    "\n"
    "From nobody\n"
    "Subject: three\n"
    "\n"
    "last line without LF";

struct SplitResult {
    std::vector<MboxMessage> messages;
    std::optional<MboxProblem> problem;
};

// Feeds `text` to a splitter in pieces that end at `cuts`.
SplitResult split_mbox_at(std::string_view text, const std::vector<std::size_t>& cuts,
                          std::size_t limit = kMaxMessageSize) {
    SplitResult out;
    MboxSplitter splitter(kSplitterFallback, limit, [&out](MboxMessage&& message) {
        out.messages.push_back(std::move(message));
        return true;
    });
    std::size_t from = 0;
    bool going = true;
    for (const std::size_t cut : cuts) {
        if (going) going = splitter.feed(text.substr(from, cut - from));
        from = cut;
    }
    if (going) going = splitter.feed(text.substr(from));
    if (going) splitter.finish();
    out.problem = splitter.problem();
    return out;
}

SplitResult split_mbox_in_blocks(std::string_view text, std::size_t block,
                                 std::size_t limit = kMaxMessageSize) {
    std::vector<std::size_t> cuts;
    for (std::size_t at = block; at < text.size(); at += block)
        cuts.push_back(at);
    return split_mbox_at(text, cuts, limit);
}

void check_same_split(const SplitResult& got, const SplitResult& want) {
    REQUIRE(got.messages.size() == want.messages.size());
    for (std::size_t i = 0; i < got.messages.size(); ++i) {
        CAPTURE(i);
        CHECK(got.messages[i].octets == want.messages[i].octets);
        CHECK(got.messages[i].date == want.messages[i].date);
        CHECK(got.messages[i].number == want.messages[i].number);
        CHECK(got.messages[i].line == want.messages[i].line);
    }
    CHECK(got.problem.has_value() == want.problem.has_value());
}

void write_mbox_file(const std::filesystem::path& file, std::string_view text) {
    std::ofstream out(file, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace

TEST_CASE("the splitter finds the messages of a whole mbox") {
    const SplitResult whole = split_mbox_at(kSplitterMbox, {});
    REQUIRE_FALSE(whole.problem);
    REQUIRE(whole.messages.size() == 3);
    CHECK(whole.messages[0].octets ==
          "Subject: one\r\n\r\nFrom the archives\r\n>From a quoted quote\r\n"
          "From: is a header only at the start\r\n");
    CHECK(format_imap_date_time(whole.messages[0].date) == "15-Jan-2024 09:30:00 +0000");
    CHECK(whole.messages[0].number == 1);
    CHECK(whole.messages[0].line == 2);
    // Only the one blank line before the next From_ line is the separator.
    CHECK(whole.messages[1].octets == "Subject: two\r\n\r\nlone\rCR and a quote > here\r\n\r\n");
    CHECK(whole.messages[1].line == 9);
    CHECK(whole.messages[2].octets == "Subject: three\r\n\r\nlast line without LF\r\n");
    CHECK(whole.messages[2].date == kSplitterFallback);
    CHECK(whole.messages[2].number == 3);
    CHECK(whole.messages[2].line == 15);
}

TEST_CASE("wherever blocks end, the splitter finds the same messages") {
    const SplitResult whole = split_mbox_at(kSplitterMbox, {});
    for (std::size_t cut = 1; cut < kSplitterMbox.size(); ++cut) {
        CAPTURE(cut);
        check_same_split(split_mbox_at(kSplitterMbox, {cut}), whole);
    }
    for (std::size_t block = 1; block <= 9; ++block) {
        CAPTURE(block);
        check_same_split(split_mbox_in_blocks(kSplitterMbox, block), whole);
    }
}

TEST_CASE(
    "an empty mbox has no messages and blank lines before the first are "
    "skipped") {
    CHECK(split_mbox_at("", {}).messages.empty());
    CHECK_FALSE(split_mbox_at("", {}).problem);
    const SplitResult blank = split_mbox_in_blocks("\n\r\n\nFrom a\nx", 1);
    REQUIRE(blank.messages.size() == 1);
    CHECK(blank.messages[0].octets == "x\r\n");
    CHECK(blank.messages[0].line == 4);
}

TEST_CASE("text before any From_ line is no mbox, however it comes in blocks") {
    for (const std::size_t block : {1u, 2u, 3u, 1000u}) {
        CAPTURE(block);
        const SplitResult split = split_mbox_in_blocks("\nSubject: no separator\n\nbody\n", block);
        CHECK(split.messages.empty());
        REQUIRE(split.problem);
        CHECK(split.problem->kind == MboxProblem::Kind::NoFromLine);
        CHECK(split.problem->line == 2);
    }
    // "Fr" may yet become a From_ line, until the mbox ends.
    CHECK(split_mbox_at("Fr", {}).problem.value().line == 1);
    CHECK(split_mbox_at("From x\nbody\n", {2}).messages.size() == 1);
}

TEST_CASE("a message over the limit is refused, naming it and its From_ line") {
    const std::string small = "From a\nsmall\n\n";
    const std::string exact = "From b\n" + std::string(18, 'e') + "\n\n";  // 20 octets
    const std::string large = "From c\n" + std::string(19, 'l') + "\n";    // 21 octets
    const std::string mbox = small + exact + large + "From d\nnever\n";
    for (const std::size_t block : {1u, 4u, 1000u}) {
        CAPTURE(block);
        const SplitResult split = split_mbox_in_blocks(mbox, block, 20);
        REQUIRE(split.messages.size() == 2);
        CHECK(split.messages[1].octets == std::string(18, 'e') + "\r\n");
        REQUIRE(split.problem);
        CHECK(split.problem->kind == MboxProblem::Kind::MessageTooLarge);
        CHECK(split.problem->number == 3);
        CHECK(split.problem->line == 7);
    }
    // Blank lines count, but for the one separating it from the next.
    CHECK(split_mbox_at("From a\n" + std::string(18, 'x') + "\n\n\n", {}, 20).problem);
}

TEST_CASE("a line longer than the limit is refused before it is all read") {
    const std::string line(10000, 'x');
    for (const std::string& mbox : {"From a\n" + line + "\n", "From " + line + "\nbody\n"}) {
        std::size_t fed = 0;
        MboxSplitter splitter(kSplitterFallback, 100, [](MboxMessage&&) { return true; });
        for (std::size_t at = 0; at < mbox.size(); at += 10) {
            fed += 10;
            if (!splitter.feed(std::string_view(mbox).substr(at, 10))) break;
        }
        CHECK(fed <= 120);
        REQUIRE(splitter.problem());
        CHECK(splitter.problem()->kind == MboxProblem::Kind::MessageTooLarge);
        CHECK(splitter.problem()->number == 1);
        CHECK(splitter.problem()->line == 1);
        CHECK_FALSE(splitter.feed("more"));
        CHECK_FALSE(splitter.finish());
    }
}

TEST_CASE("a sink that refuses a message stops the split") {
    int taken = 0;
    MboxSplitter splitter(kSplitterFallback, kMaxMessageSize, [&taken](MboxMessage&&) {
        ++taken;
        return false;
    });
    CHECK_FALSE(splitter.feed(kSplitterMbox));
    CHECK(taken == 1);
    CHECK_FALSE(splitter.problem());
    CHECK_FALSE(splitter.finish());
}

TEST_CASE("an mbox file imports as the same text does, whatever the block size") {
    mailscope::test::ScratchDir dir("mbox-splitter");
    std::filesystem::create_directories(dir.path);
    const auto file = dir.path / "inbox.mbox";
    write_mbox_file(file, kSplitterMbox);

    MailStore from_text;
    REQUIRE(from_text.add_user("alice", "x") == std::nullopt);
    const MailboxId text_inbox = from_text.inbox_of("alice")->id;
    const auto text_uids = import_mbox(from_text, text_inbox, kSplitterMbox, kSplitterFallback);
    REQUIRE(text_uids.ok());
    CHECK(text_uids.value().size() == 3);
    const Mailbox* text_box = from_text.mailbox(text_inbox);

    for (const std::size_t block : {1u, 5u, 64u, 1024u * 1024u}) {
        CAPTURE(block);
        MailStore from_file;
        REQUIRE(from_file.add_user("alice", "x") == std::nullopt);
        const MailboxId inbox = from_file.inbox_of("alice")->id;
        const auto uids = import_mbox_file(from_file, inbox, file, kSplitterFallback,
                                           MboxLimits{block, kMaxMessageSize});
        REQUIRE(uids.ok());
        CHECK(uids.value() == text_uids.value());
        const Mailbox* box = from_file.mailbox(inbox);
        REQUIRE(box->messages.size() == text_box->messages.size());
        for (std::size_t i = 0; i < box->messages.size(); ++i) {
            CHECK(*box->messages[i].octets == *text_box->messages[i].octets);
            CHECK(box->messages[i].internal_date == text_box->messages[i].internal_date);
        }
    }

    write_mbox_file(file, "");
    MailStore empty;
    REQUIRE(empty.add_user("alice", "x") == std::nullopt);
    const auto none = import_mbox_file(empty, empty.inbox_of("alice")->id, file, {});
    REQUIRE(none.ok());
    CHECK(none.value().empty());
}

TEST_CASE(
    "an mbox message over the limit is named with its number, line and "
    "the limit") {
    mailscope::test::ScratchDir dir("mbox-too-large");
    std::filesystem::create_directories(dir.path);
    const auto file = dir.path / "big.mbox";
    const std::string mbox = "From a\nsmall\n\nFrom b\n" + std::string(200, 'x') + "\n";
    write_mbox_file(file, mbox);

    MailStore store;
    REQUIRE(store.add_user("alice", "x") == std::nullopt);
    const MailboxId inbox = store.inbox_of("alice")->id;
    const auto imported = import_mbox_file(store, inbox, file, {}, MboxLimits{16, 100});
    REQUIRE_FALSE(imported.ok());
    const StoreError& error = imported.error();
    CHECK(error.kind == StoreErrorKind::LimitReached);
    CHECK(error.message ==
          "line 4: message 2 of the mbox is larger than 100 "
          "octets, the most the store accepts.");
    CHECK(describe(error, sim::Language::En) ==
          file.string() +
              " line 4: message 2 of the mbox is larger than 100 "
              "octets, the most the store "
              "accepts.");
    const std::string ru = describe(error, sim::Language::Ru);
    CHECK(ru.starts_with(file.string() + ", строка 4: "));
    CHECK(ru.find("100") != std::string::npos);
    CHECK(test::has_cyrillic(ru));
    // The message before it is in.
    CHECK(store.mailbox(inbox)->messages.size() == 1);

    MailStore text_store;
    REQUIRE(text_store.add_user("alice", "x") == std::nullopt);
    const auto from_text =
        import_mbox(text_store, text_store.inbox_of("alice")->id, mbox, {}, MboxLimits{16, 100});
    REQUIRE_FALSE(from_text.ok());
    CHECK(from_text.error().message == error.message);
    CHECK(describe(from_text.error(), sim::Language::En) == error.message);
}

TEST_CASE("an mbox file that is missing or not an mbox says so, naming it") {
    mailscope::test::ScratchDir dir("mbox-not");
    std::filesystem::create_directories(dir.path);
    MailStore store;
    REQUIRE(store.add_user("alice", "x") == std::nullopt);
    const MailboxId inbox = store.inbox_of("alice")->id;

    const auto directory = import_mbox_file(store, inbox, dir.path, {});
    REQUIRE_FALSE(directory.ok());
    CHECK(directory.error().message == "the mbox file " + dir.path.string() + " cannot be read.");

    const auto file = dir.path / "notes.txt";
    write_mbox_file(file, "Subject: no separator\n\nbody\n");
    const auto not_mbox = import_mbox_file(store, inbox, file, {}, MboxLimits{3, 100});
    REQUIRE_FALSE(not_mbox.ok());
    CHECK(not_mbox.error().message ==
          "this is not an mbox file: it does not start with a \"From \" line.");
    CHECK(describe(not_mbox.error(), sim::Language::En) ==
          file.string() +
              ": this is not an mbox file: it does not start with a "
              "\"From \" line.");
    CHECK(store.mailbox(inbox)->messages.empty());
}

TEST_CASE(
    "a Maildir message file over the limit is refused with the limit and "
    "the file") {
    mailscope::test::ScratchDir dir("maildir-too-large");
    std::filesystem::create_directories(dir.path / "cur");
    std::filesystem::create_directories(dir.path / "new");
    const auto file = dir.path / "new" / "1.big";
    write_mbox_file(file, "Subject: big\n\n");
    // A sparse file: its size is over the limit without writing it.
    std::filesystem::resize_file(file, kMaxMessageSize + 1);

    MailStore store;
    REQUIRE(store.add_user("alice", "x") == std::nullopt);
    const auto imported = import_maildir(store, store.inbox_of("alice")->id, dir.path);
    REQUIRE_FALSE(imported.ok());
    const std::string limit = std::to_string(kMaxMessageSize);
    CHECK(describe(imported.error(), sim::Language::En) ==
          file.string() + ": the message file is larger than " + limit +
              " octets, the most the store accepts.");
    const std::string ru = describe(imported.error(), sim::Language::Ru);
    CHECK(ru.starts_with(file.string() + ": "));
    CHECK(ru.find(limit) != std::string::npos);
    CHECK(test::has_cyrillic(ru));
}
