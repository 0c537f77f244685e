// The loaders of mail store fixtures, mbox and Maildir imports and
// assignments say what is wrong with a file in Russian as well as English:
// the same mistake at the same file and line, Russian prose around the names
// and wire words the file holds, English unchanged.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <yaml-cpp/exceptions.h>

#include "server_mock/assignment_loader.hpp"
#include "server_mock/fixture.hpp"
#include "server_mock/maildir_store.hpp"
#include "server_mock/yaml_syntax.hpp"
#include "tests/support/russian_text.hpp"

using namespace mailscope;
using namespace mailscope::server;

namespace {

const std::string kDataFixtures = std::string(MAILSCOPE_TEST_DATA) + "/fixtures/mail_store";

// `text` without what «» or "" quote: names, wire words and the mail store's
// own sentences, which stay English in a Russian one.
std::string outside_quotes(std::string_view text) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.substr(i).starts_with("«")) {
            const auto close = text.find("»", i);
            if (close == std::string_view::npos) break;
            i = close + std::string_view("»").size();
            out += ' ';
            continue;
        }
        if (text[i] == '"') {
            const auto close = text.find('"', i + 1);
            if (close == std::string_view::npos) break;
            i = close + 1;
            out += ' ';
            continue;
        }
        out += text[i++];
    }
    return out;
}

// The sentence in both languages, checked alike: the Russian one is Russian
// and names the same place of the same file.
struct Both {
    std::string en;
    std::string ru;
};

Both check_both(const sim::Said& said) {
    Both both{sim::render(said, sim::Language::En), sim::render(said, sim::Language::Ru)};
    INFO("en: ", both.en);
    INFO("ru: ", both.ru);
    CHECK(test::has_cyrillic(both.ru));
    CHECK(test::english_sentence_word(outside_quotes(both.ru)).empty());
    CHECK_FALSE(test::has_cyrillic(outside_quotes(both.en)));
    REQUIRE(said.args.size() >= 2);
    const std::string file = sim::render(said.args[0], sim::Language::En);
    CHECK(file == sim::render(said.args[0], sim::Language::Ru));
    switch (said.phrase) {
        case sim::Phrase::AtFileLine: {
            const std::string line = sim::render(said.args[1], sim::Language::En);
            CHECK(both.en.starts_with(file + " line " + line + ": "));
            CHECK(both.ru.starts_with(file + ", строка " + line + ": "));
            break;
        }
        case sim::Phrase::AtFileColonLine: {
            const std::string line = sim::render(said.args[1], sim::Language::En);
            CHECK(both.en.starts_with(file + ":" + line + ": "));
            CHECK(both.ru.starts_with(file + ":" + line + ": "));
            break;
        }
        case sim::Phrase::AtFile:
            CHECK(both.en.starts_with(file + ": "));
            CHECK(both.ru.starts_with(file + ": "));
            break;
        default:
            FAIL("the sentence names no file: ", both.en);
    }
    CHECK(both.en.ends_with("."));
    CHECK(both.ru.ends_with("."));
    return both;
}

Both fixture_error(std::string_view yaml) {
    MailStore store;
    const auto loaded = load_fixture_text(store, yaml, "test.yaml", kDataFixtures);
    REQUIRE_FALSE(loaded.ok());
    const StoreError& error = loaded.error();
    CHECK(error.kind == StoreErrorKind::BadInput);
    const Both both = check_both(error.said);
    // What serve prints and what the error carries for clients agree.
    CHECK(describe(error, sim::Language::En) == both.en);
    CHECK(describe(error, sim::Language::Ru) == both.ru);
    CHECK(error.message == both.en);
    return both;
}

Both assignment_error(const std::string& yaml) {
    const auto loaded = load_assignment_text(yaml, "lab.yaml");
    REQUIRE(std::holds_alternative<sim::Said>(loaded));
    return check_both(std::get<sim::Said>(loaded));
}

const std::string kUser = "users:\n  - name: alice\n    password: x\n";
const std::string kMailboxes = kUser + "    mailboxes:\n";
const std::string kAssignmentHead = "title: {ru: \"т\", en: \"t\"}\nsteps:\n";

}  // namespace

TEST_CASE("fixture errors read in Russian at the same line as in English") {
    std::vector<std::string> seen;
    auto add = [&](const Both& both) { seen.push_back(both.en); };

    auto both = fixture_error("uidvalidity_seed: 5\n");
    CHECK(both.en ==
          "test.yaml line 1: the fixture needs a \"users\" list with at least one user.");
    CHECK(both.ru ==
          "test.yaml, строка 1: в фикстуре нужен список «users» хотя бы с одним пользователем.");
    add(both);

    both = fixture_error("default_date: tomorrow\n" + kUser);
    CHECK(both.en ==
          "test.yaml line 1: \"tomorrow\" is not a date; write it as \"15-Jan-2024 09:30:00 "
          "+0100\" or \"2024-01-15T09:30:00+01:00\".");
    add(both);

    both = fixture_error(kUser +
                         "namespaces:\n  shared:\n    - {prefix: \"#x/\", delimiter: "
                         "\"//\"}\n");
    CHECK(both.en == "test.yaml line 6: a delimiter is one character.");
    CHECK(both.ru == "test.yaml, строка 6: разделитель (delimiter) — это один символ.");
    add(both);

    both = fixture_error(kMailboxes + "      - {name: Notes, acl: {zed: lr}}\n");
    CHECK(both.en ==
          "test.yaml line 5: \"zed\" is neither a user of this fixture nor \"anyone\" "
          "or \"anonymous\".");
    add(both);

    both = fixture_error(kMailboxes + "      - name: Notes\n      - name: Notes\n");
    CHECK(both.en == "test.yaml line 6: the mailbox \"Notes\" is listed twice.");
    CHECK(both.ru == "test.yaml, строка 6: почтовый ящик «Notes» указан дважды.");
    add(both);

    both = fixture_error(kMailboxes +
                         "      - name: INBOX\n        messages:\n          - {raw: hi, subject: "
                         "x}\n");
    CHECK(both.en ==
          "test.yaml line 7: a message with \"raw\" text cannot also have \"subject\"; "
          "put the header inside the raw text.");
    add(both);

    both = fixture_error(kMailboxes +
                         "      - name: INBOX\n        messages:\n          - headers: {\"Bad "
                         "Name\": x}\n");
    CHECK(both.en == "test.yaml line 7: \"Bad Name\" is not a header name.");
    add(both);

    both = fixture_error(kMailboxes +
                         "      - name: INBOX\n        messages:\n          - subject: "
                         "\"two\\nlines\"\n");
    CHECK(both.en == "test.yaml line 7: the Subject header must fit on one line.");
    add(both);

    both = fixture_error("userz: []\n");
    CHECK(both.en.starts_with("test.yaml line 1: unknown field \"userz\" in the top level;"));
    add(both);

    add(fixture_error("users: [alice]\n"));
    add(fixture_error("users:\n  - name: alice\n"));
    add(fixture_error("uidvalidity_seed: lots\n" + kUser));
    add(fixture_error(kMailboxes + "      - {name: Notes, acl: {alice: XYZ}}\n"));
    add(fixture_error(kMailboxes + "      - {name: Notes, acl: [alice]}\n"));
    add(fixture_error(kMailboxes + "      - {name: INBOX, uidvalidity: 7}\n"));
    add(fixture_error(kMailboxes + "      - {name: Notes, subscribed: perhaps}\n"));
    add(fixture_error(kMailboxes + "      - {name: Notes, messages: {subject: x}}\n"));
    add(fixture_error(
        kMailboxes +
        "      - name: Notes\n        messages:\n          - {flags: [\"\\\\Bogus\"]}\n"));
    add(fixture_error(kMailboxes + "      - {name: Notes, messages: [{flags: \\Seen}]}\n"));
    add(fixture_error(kUser + "    mailboxes: Notes\n"));

    both = fixture_error(kMailboxes + "      - {name: Notes, mbox: absent.mbox}\n");
    CHECK(both.en ==
          "test.yaml line 5: " + kDataFixtures + "/absent.mbox: the mbox file cannot be read.");
    CHECK(both.ru == "test.yaml, строка 5: " + kDataFixtures +
                         "/absent.mbox: файл mbox не удаётся прочитать.");
    add(both);

    both = fixture_error(kMailboxes + "      - {name: Notes, mbox: bad_field.yaml}\n");
    CHECK(
        both.en.ends_with("/bad_field.yaml: this is not an mbox file: it does not start with a "
                          "\"From \" line."));
    add(both);

    both = fixture_error(kMailboxes + "      - {name: Notes, maildir: .}\n");
    CHECK(both.en.ends_with(": this is not a Maildir: it has neither cur/ nor new/."));
    CHECK(both.ru.ends_with(": это не Maildir: в нём нет ни cur/, ни new/."));
    add(both);

    CHECK(seen.size() >= 20);
    std::sort(seen.begin(), seen.end());
    CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
}

TEST_CASE("text that is not YAML is said in Russian all through") {
    const char* broken[] = {
        "users: [\n",                       // a flow sequence never closed
        "users: {name: alice\n",            // a flow map never closed
        "users: x: y\n",                    // a colon too many
        "users: \"\\q\"\n",                 // an escape YAML does not have
        "users:\n\t- name: alice\n",        // a tab in the indentation
        "users:\n  - name: alice\n - x\n",  // an item out of line
    };
    for (const char* yaml : broken) {
        CAPTURE(yaml);
        const Both both = fixture_error(yaml);
        CHECK(both.en.find(": the YAML cannot be read: ") != std::string::npos);
        CHECK(both.ru.find(": YAML не удаётся прочитать: ") != std::string::npos);
        // yaml-cpp's own reason is translated too.
        const auto reason = both.ru.substr(both.ru.find("прочитать: ") + 20);
        CHECK(test::has_cyrillic(reason));
    }
    CHECK(fixture_error("users: [\n").en ==
          "test.yaml line 2: the YAML cannot be read: end of sequence flow not found.");
    CHECK(fixture_error("users: \"\\q\"\n").ru ==
          "test.yaml, строка 1: YAML не удаётся прочитать: неизвестная escape-последовательность: "
          "q.");
}

TEST_CASE("an unreadable fixture and files that are no mbox or Maildir name the file") {
    MailStore store;
    const auto missing = load_fixture(store, kDataFixtures + "/absent.yaml");
    REQUIRE_FALSE(missing.ok());
    const Both fixture = check_both(missing.error().said);
    const std::string limit = std::to_string(kMaxFixtureFileSize);
    CHECK(missing.error().message == "the fixture " + kDataFixtures +
                                         "/absent.yaml cannot be read (missing, unreadable or "
                                         "larger than " +
                                         limit + " octets).");
    CHECK(fixture.ru == kDataFixtures +
                            "/absent.yaml: фикстуру не удаётся прочитать (файла нет, он недоступен "
                            "или больше " +
                            limit + " октетов).");
    CHECK(describe(missing.error(), sim::Language::Ru) == fixture.ru);

    REQUIRE(store.add_user("alice", "x") == std::nullopt);
    const MailboxId inbox = store.inbox_of("alice")->id;
    const auto no_mbox = import_mbox_file(store, inbox, kDataFixtures + "/absent.mbox", {});
    REQUIRE_FALSE(no_mbox.ok());
    CHECK(no_mbox.error().message ==
          "the mbox file " + kDataFixtures + "/absent.mbox cannot be read.");
    check_both(no_mbox.error().said);

    const auto not_mbox = import_mbox_file(store, inbox, kDataFixtures + "/bad_field.yaml", {});
    REQUIRE_FALSE(not_mbox.ok());
    CHECK(not_mbox.error().message ==
          "this is not an mbox file: it does not start with a \"From \" line.");
    check_both(not_mbox.error().said);

    const auto not_maildir = import_maildir(store, inbox, kDataFixtures);
    REQUIRE_FALSE(not_maildir.ok());
    CHECK(not_maildir.error().message ==
          kDataFixtures + " is not a Maildir: it has neither cur/ nor new/.");
    const Both maildir = check_both(not_maildir.error().said);
    CHECK(describe(not_maildir.error(), sim::Language::Ru) == maildir.ru);

    // A directory of other files is no data directory to write into.
    const auto attached = attach_data_dir(store, kDataFixtures);
    REQUIRE_FALSE(attached.ok());
    CHECK(attached.error().message == kDataFixtures +
                                          " is neither empty nor a mailscope data directory; "
                                          "refusing to write into it.");
    const Both data_dir = check_both(attached.error().said);
    CHECK(data_dir.ru == kDataFixtures +
                             ": каталог не пуст и не является каталогом данных mailscope; писать "
                             "в него нельзя.");
}

TEST_CASE("assignment errors read in Russian at the same line as in English") {
    std::vector<std::string> seen;
    auto add = [&](const Both& both) { seen.push_back(both.en); };

    auto both = assignment_error(kAssignmentHead + "  - {id: \"a b\", command: NOOP}\n");
    CHECK(both.en ==
          "lab.yaml:3: the step id \"a b\" may hold only letters, digits, \".\", \"-\" and \"_\".");
    add(both);

    both = assignment_error(kAssignmentHead + "  - {id: a, command: LOGON}\n");
    CHECK(both.en == "lab.yaml:3: \"LOGON\" is not a command of imap.");
    CHECK(both.ru == "lab.yaml:3: «LOGON» — не команда imap.");
    add(both);

    both = assignment_error(kAssignmentHead + "  - {id: a}\n");
    CHECK(both.en == "lab.yaml:3: a step needs a \"command\": the verb the client sends.");
    add(both);

    both = assignment_error("title: {ru: \"т\", en: \"t\"}\nprotocol: nntp\nsteps: []\n");
    CHECK(both.en ==
          "lab.yaml:2: \"nntp\" is not a protocol of mailscope; write imap, pop3 or "
          "smtp.");
    add(both);

    both = assignment_error("title: {ru: \"т\", en: \"t\"}\nsteps: []\n");
    CHECK(both.en == "lab.yaml:2: an assignment needs a \"steps\" list with at least one step.");
    add(both);

    add(assignment_error("steps: []\n"));
    add(assignment_error("title: t\nsteps: []\n"));
    add(assignment_error("title: {en: t}\nsteps: []\n"));
    add(assignment_error("title: {ru: т}\nsteps: []\n"));
    add(assignment_error("title: {ru: т, en: t, de: x}\nsteps: []\n"));
    add(assignment_error(kAssignmentHead + "  - {command: NOOP}\n"));
    add(assignment_error(kAssignmentHead +
                         "  - {id: a, command: NOOP}\n  - {id: a, command: NOOP}\n"));
    add(
        assignment_error("title: {ru: т, en: t}\nprotocol: pop3\nsteps:\n"
                         "  - {id: a, command: RETR, literal: true}\n"));
    add(assignment_error(kAssignmentHead + "  - {id: a, command: NOOP, contains: \"\"}\n"));
    add(assignment_error(kAssignmentHead + "  - {id: a, command: NOOP, result: YES}\n"));
    add(
        assignment_error("title: {ru: т, en: t}\nprotocol: pop3\nsteps:\n"
                         "  - {id: a, command: STAT, result: OK}\n"));
    add(
        assignment_error("title: {ru: т, en: t}\nprotocol: smtp\nsteps:\n"
                         "  - {id: a, command: MAIL, result: 7xx}\n"));
    add(assignment_error(kAssignmentHead + "  - {id: a, command: NOOP, colour: red}\n"));
    add(assignment_error(kAssignmentHead + "  - {id: a, command: NOOP, text: {ru: т}}\n"));

    both = assignment_error("title: [\n");
    CHECK(both.en.starts_with("lab.yaml:2: this is not valid YAML: "));
    CHECK(both.ru.starts_with("lab.yaml:2: это некорректный YAML: "));
    add(both);

    const auto missing = load_assignment_file("/nonexistent/lab.yaml");
    REQUIRE(std::holds_alternative<sim::Said>(missing));
    both = check_both(std::get<sim::Said>(missing));
    CHECK(both.en ==
          "/nonexistent/lab.yaml: the assignment cannot be read (missing, unreadable or "
          "larger than 1048576 octets).");
    add(both);

    CHECK(seen.size() >= 10);
    std::sort(seen.begin(), seen.end());
    CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
}

TEST_CASE("yaml-cpp's reasons have Russian words, unknown ones are kept") {
    const YAML::Mark mark = YAML::Mark::null_mark();
    const std::string whole[] = {
        YAML::ErrorMsg::END_OF_MAP,         YAML::ErrorMsg::END_OF_MAP_FLOW,
        YAML::ErrorMsg::END_OF_SEQ,         YAML::ErrorMsg::END_OF_SEQ_FLOW,
        YAML::ErrorMsg::MAP_VALUE,          YAML::ErrorMsg::MAP_KEY,
        YAML::ErrorMsg::BLOCK_ENTRY,        YAML::ErrorMsg::TAB_IN_INDENTATION,
        YAML::ErrorMsg::UNEXPECTED_END_SEQ, YAML::ErrorMsg::UNEXPECTED_END_MAP,
        YAML::ErrorMsg::EOF_IN_SCALAR,      YAML::ErrorMsg::UNKNOWN_ANCHOR,
        YAML::ErrorMsg::BAD_CONVERSION,     YAML::ErrorMsg::SINGLE_QUOTED_CHAR,
    };
    for (const auto& reason : whole) {
        const sim::Said said = yaml_syntax_problem(YAML::Exception(mark, reason));
        CHECK(said.phrase != sim::Phrase::Verbatim);
        CHECK(sim::render(said, sim::Language::En) == reason);
        const std::string ru = sim::render(said, sim::Language::Ru);
        CHECK(test::has_cyrillic(ru));
        CHECK(test::english_sentence_word(outside_quotes(ru)).empty());
    }
    const sim::Said escape = yaml_syntax_problem(
        YAML::Exception(mark, std::string(YAML::ErrorMsg::INVALID_ESCAPE) + "q"));
    CHECK(sim::render(escape, sim::Language::En) == "unknown escape character: q");
    CHECK(sim::render(escape, sim::Language::Ru) == "неизвестная escape-последовательность: q");
    CHECK(sim::render(yaml_syntax_problem(YAML::Exception(mark, "illegal map value")),
                      sim::Language::Ru) ==
          "значение отображения (map value) не на месте: лишнее двоеточие или неверный отступ");
    const sim::Said unknown = yaml_syntax_problem(YAML::Exception(mark, "something new"));
    CHECK(unknown == sim::verbatim("something new"));
}
