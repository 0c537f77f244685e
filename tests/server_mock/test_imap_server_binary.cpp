// BINARY (RFC 3516): FETCH BINARY[part] undoes the part's transfer encoding,
// BINARY.SIZE[part] is the decoded size, an encoding the server cannot undo
// is refused with UNKNOWN-CTE, and APPEND takes a literal8.
#include <doctest/doctest.h>

#include <string>

#include "tests/server_mock/imap_server_harness.hpp"

using namespace mailscope;
using namespace mailscope::server;
using namespace mailscope::server::testing;
using namespace std::string_literals;

namespace {

// Part 1: "Hi!\0" as base64 ("SGkhAA=="); part 2: quoted-printable text;
// part 3: an encoding nobody knows.
const std::string kMultipart =
    "From: bob@example.org\r\n"
    "Subject: parts\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=b\r\n"
    "\r\n"
    "--b\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "SGkhAA==\r\n"
    "--b\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: Quoted-Printable\r\n"
    "\r\n"
    "caf=C3=A9 =3D ok\r\n"
    "--b\r\n"
    "Content-Type: application/x-thing\r\n"
    "Content-Transfer-Encoding: x-uuencode\r\n"
    "\r\n"
    "begin 644 x\r\n"
    "--b--\r\n";

struct MultipartClient : LoggedInClient {
    MultipartClient() {
        const std::string header = fmt::format("A APPEND Archive {{{}+}}\r\n", kMultipart.size());
        REQUIRE(c.send(header + kMultipart + "\r\n").find("A OK") != std::string::npos);
        c.select("Archive");
    }
};

}  // namespace

TEST_CASE_FIXTURE(MultipartClient, "BINARY[part] is the decoded part, sent as literal8 with NUL") {
    CHECK(c.greeting.find(" BINARY") != std::string::npos);
    CHECK(c.send("a FETCH 1 BINARY.PEEK[1]\r\n") ==
          "* 1 FETCH (BINARY[1] ~{4}\r\nHi!\0)\r\na OK FETCH completed\r\n"s);
    CHECK(c.send("b FETCH 1 (BINARY.SIZE[1] BINARY.SIZE[2])\r\n") ==
          "* 1 FETCH (BINARY.SIZE[1] 4 BINARY.SIZE[2] 10)\r\nb OK FETCH completed\r\n");
    CHECK(c.send("c FETCH 1 BINARY.PEEK[2]<3.5>\r\n") ==
          "* 1 FETCH (BINARY[2]<3> {5}\r\n\xC3\xA9 = )\r\nc OK FETCH completed\r\n");
    // A part that does not exist is empty, as with BODY[].
    CHECK(c.send("d FETCH 1 BINARY.PEEK[7]\r\n") ==
          "* 1 FETCH (BINARY[7] {0}\r\n)\r\nd OK FETCH completed\r\n");
    CHECK(c.send("e FETCH 1 FLAGS\r\n").find("\\Seen") == std::string::npos);
    // Without PEEK, \Seen is set and reported, as BODY[] does.
    const std::string seen = c.send("f FETCH 1 BINARY[1]\r\n");
    CHECK(seen.find("FLAGS (\\Seen") != std::string::npos);
    CHECK(seen.ends_with("f OK FETCH completed\r\n"));
}

TEST_CASE_FIXTURE(MultipartClient, "an encoding the server cannot undo is NO [UNKNOWN-CTE]") {
    CHECK(c.send("a FETCH 1 BINARY[3]\r\n") ==
          "a NO [UNKNOWN-CTE] cannot decode the Content-Transfer-Encoding x-uuencode (RFC 3516 "
          "4.3)\r\n");
    CHECK(c.send("b FETCH 1 BINARY.SIZE[3]\r\n").starts_with("b NO [UNKNOWN-CTE]"));
    // Nothing was read: \Seen stays off.
    CHECK(c.send("c FETCH 1 FLAGS\r\n").find("\\Seen") == std::string::npos);
    // BODY[3] still gives the encoded octets.
    CHECK(c.send("d FETCH 1 BODY.PEEK[3]\r\n").find("begin 644 x") != std::string::npos);
}

TEST_CASE_FIXTURE(LoggedInClient,
                  "APPEND with a literal8 stores NUL octets, BINARY[] gives them back") {
    const std::string message = "Subject: n\r\n\r\na\0b\r\n"s;
    CHECK(c.send("a APPEND Archive ~{" + std::to_string(message.size()) + "}\r\n") ==
          "+ Ready for literal data\r\n");
    CHECK(c.send(message + "\r\n").starts_with("a OK [APPENDUID"));
    c.select("Archive");
    CHECK(c.send("b FETCH 1 BINARY.PEEK[]\r\n") == "* 1 FETCH (BINARY[] ~{" +
                                                       std::to_string(message.size()) + "}\r\n" +
                                                       message + ")\r\nb OK FETCH completed\r\n");
}

TEST_CASE_FIXTURE(FilledStore, "with BINARY switched off, its forms get BAD naming it") {
    Client c(store, config_with([](auto& config) { config.capabilities.binary = false; }));
    CHECK(c.greeting.find("BINARY") == std::string::npos);
    c.login();
    // The NUL a literal8 may carry does not end the session either.
    CHECK(c.send("a APPEND Archive ~{3+}\r\na\0b\r\n"s)
              .starts_with("a BAD APPEND with a literal8 ~{n} message needs BINARY"));
    CHECK(store.find("alice", "Archive")->messages.empty());
    c.select();
    const std::string refused = c.send("b FETCH 1 BINARY[1]\r\n");
    CHECK(refused.starts_with("b BAD"));
    CHECK(refused.find("BINARY") != std::string::npos);
}
