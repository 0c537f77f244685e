// LabServer: the mock server on a TCP port in the GUI process; connections
// reach the UI thread only through drain().
#include <doctest/doctest.h>

#include <asio.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "gui/lab_server.hpp"

using namespace mailscope;
using namespace mailscope::gui;

namespace {

std::unique_ptr<LabServer> start_lab() {
    auto made = LabServer::start(
        "127.0.0.1:0", std::string(MAILSCOPE_SOURCE_DIR) + "/server_mock/fixtures/classroom.yaml");
    if (auto* error = std::get_if<std::string>(&made)) FAIL(*error);
    return std::move(std::get<std::unique_ptr<LabServer>>(made));
}

std::string read_line(asio::ip::tcp::socket& socket, asio::streambuf& buffer) {
    asio::read_until(socket, buffer, "\r\n");
    std::istream in(&buffer);
    std::string line;
    std::getline(in, line);
    return line;
}

// Drains until `done` holds, for at most five seconds.
template <typename Done>
bool drain_until(LabServer& lab, Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        lab.drain();
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

}  // namespace

TEST_CASE("a TCP client of the lab shows up with its user, state and events") {
    auto lab = start_lab();
    REQUIRE(lab->port() != 0);
    CHECK_FALSE(lab->drain());
    CHECK(lab->sessions().empty());

    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), lab->port()});
    asio::streambuf buffer;
    CHECK(read_line(socket, buffer).starts_with("* OK"));
    asio::write(socket, asio::buffer(std::string("a1 LOGIN alice wonderland\r\n")));
    CHECK(read_line(socket, buffer).starts_with("a1 OK"));

    REQUIRE(drain_until(
        *lab, [&] { return lab->sessions().size() == 1 && lab->sessions()[0].user == "alice"; }));
    const LabSession& session = lab->sessions()[0];
    CHECK(session.state == "Authenticated");
    CHECK(session.peer.starts_with("127.0.0.1:"));
    REQUIRE(session.trace);
    CHECK(session.trace->size() >= 4);
    for (std::size_t i = 0; i < session.trace->size(); ++i) {
        CHECK(session.trace->at(i).seq == i);
    }
    // The password never reaches the UI's copy.
    for (const auto& event : session.trace->events()) {
        CHECK(event.raw.find("wonderland") == std::string::npos);
    }
    CHECK(lab_session_label(session).find("alice") != std::string::npos);

    asio::write(socket, asio::buffer(std::string("a2 LOGOUT\r\n")));
    REQUIRE(drain_until(*lab, [&] { return lab->sessions()[0].closed; }));
    CHECK(lab_session_label(lab->sessions()[0]).find("closed") != std::string::npos);
}

TEST_CASE("a lab that cannot listen says why") {
    auto made = LabServer::start("not-an-address:1", std::string(MAILSCOPE_SOURCE_DIR) +
                                                         "/server_mock/fixtures/classroom.yaml");
    REQUIRE(std::holds_alternative<std::string>(made));
    CHECK(std::get<std::string>(made).find("cannot listen") != std::string::npos);
}
