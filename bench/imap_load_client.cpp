// The benchmark's client for the single-connection phases of
// bench/server_bench.py: a fixed, cheap reader, so that what is timed is the
// server. A Python client that copies and scans tens of megabytes of
// literals costs as much as the server it measures.
//
//     imap_load_client PORT imap|pop3 < SCRIPT
//
// Connects to 127.0.0.1:PORT and reads the greeting, then runs SCRIPT, one
// step a line: LABEL <TAB> COUNT <TAB> COMMAND. The command is sent COUNT
// times, one at a time, each waiting for its whole response; "%n" in it
// becomes 1, 2 ... COUNT. For each step it prints one line:
//     LABEL <TAB> MICROSECONDS <TAB> OCTETS READ <TAB> UNTAGGED <TAB> CPU
// where UNTAGGED counts IMAP untagged responses (literals skipped) or POP3
// multi-line data lines, and CPU is the microseconds of CPU time (user and
// system) this client spent on the step: the evidence that it is not what
// limits the figure. The connection itself is the first line, labelled
// "connect": from connect() to the end of the greeting.
//
// IMAP: each command gets the tag aN; the response is read a line at a time
// up to the line starting with the tag, and a literal ({N} or {N+} at the end
// of a line) is skipped by its count, never scanned. A tagged response other
// than OK ends the run with status 1. POP3: RETR, TOP, CAPA, and LIST or UIDL
// without an argument are multi-line, read up to the line holding only a dot;
// -ERR ends the run with status 1.
//
// Only libc and the C++ standard library: the script builds it with
// `c++ -O2` when no built target is given.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "imap_load_client: %s\n", why.c_str());
    std::exit(1);
}

class Reader {
  public:
    explicit Reader(int fd) : m_fd(fd), m_buffer(new char[kSize]) {}
    ~Reader() { delete[] m_buffer; }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    std::size_t octets() const { return m_octets; }

    // The next line, CRLF included; valid until the next call.
    std::string_view line() {
        std::size_t searched = m_begin;
        for (;;) {
            const void* lf = std::memchr(m_buffer + searched, '\n', m_end - searched);
            if (lf) {
                const auto stop = static_cast<const char*>(lf) - m_buffer + 1;
                std::string_view result(m_buffer + m_begin, stop - m_begin);
                m_begin = stop;
                return result;
            }
            searched = m_end - m_begin;
            compact();
            if (m_end == kSize) fail("a line longer than the read buffer");
            fill();
        }
    }

    void skip(std::size_t count) {
        for (;;) {
            const std::size_t here = std::min(count, m_end - m_begin);
            m_begin += here;
            count -= here;
            if (count == 0) return;
            m_begin = m_end = 0;
            fill();
        }
    }

  private:
    static constexpr std::size_t kSize = 1 << 20;

    void compact() {
        std::memmove(m_buffer, m_buffer + m_begin, m_end - m_begin);
        m_end -= m_begin;
        m_begin = 0;
    }

    void fill() {
        ssize_t got;
        do {
            got = ::recv(m_fd, m_buffer + m_end, kSize - m_end, 0);
        } while (got < 0 && errno == EINTR);
        if (got < 0) fail(std::string("recv: ") + std::strerror(errno));
        if (got == 0) fail("the server closed the connection");
        m_end += static_cast<std::size_t>(got);
        m_octets += static_cast<std::size_t>(got);
    }

    int m_fd;
    char* m_buffer;
    std::size_t m_begin = 0;
    std::size_t m_end = 0;
    std::size_t m_octets = 0;
};

void send_all(int fd, const std::string& text) {
    std::size_t sent = 0;
    while (sent < text.size()) {
        const ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(std::string("send: ") + std::strerror(errno));
        sent += static_cast<std::size_t>(n);
    }
}

// The literal's size when `line` ends with {N}CRLF or {N+}CRLF, else -1.
long long literal_size(std::string_view line) {
    if (!line.ends_with("}\r\n")) return -1;
    const auto open = line.rfind('{');
    if (open == std::string_view::npos) return -1;
    std::string_view digits = line.substr(open + 1, line.size() - 3 - open - 1);
    if (digits.ends_with('+')) digits.remove_suffix(1);
    if (digits.empty()) return -1;
    long long size = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return -1;
        size = size * 10 + (c - '0');
    }
    return size;
}

// Reads one IMAP response up to the tagged line; returns the untagged count.
long imap_response(Reader& in, const std::string& tag, const std::string& command) {
    long untagged = 0;
    bool continuing = false;  // inside a response that a literal interrupted
    for (;;) {
        const auto line = in.line();
        if (!continuing && line.starts_with(tag)) {
            if (!line.substr(tag.size()).starts_with("OK")) {
                fail(command + ": " + std::string(line.substr(0, 200)));
            }
            return untagged;
        }
        if (!continuing && line.starts_with("* ")) ++untagged;
        const long long literal = literal_size(line);
        continuing = literal >= 0;
        if (continuing) in.skip(static_cast<std::size_t>(literal));
    }
}

bool pop3_multiline(std::string_view command) {
    const auto verb_end = command.find(' ');
    std::string verb(command.substr(0, verb_end));
    for (auto& c : verb)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const bool has_argument = verb_end != std::string_view::npos;
    return verb == "RETR" || verb == "TOP" || verb == "CAPA" ||
           ((verb == "LIST" || verb == "UIDL") && !has_argument);
}

// Reads one POP3 reply; returns the lines of data of a multi-line one.
long pop3_response(Reader& in, const std::string& command) {
    const auto status = in.line();
    if (!status.starts_with("+OK")) fail(command + ": " + std::string(status.substr(0, 200)));
    if (!pop3_multiline(command)) return 0;
    long lines = 0;
    for (;;) {
        const auto line = in.line();
        if (line == ".\r\n") return lines;
        ++lines;
    }
}

std::string substitute(std::string_view pattern, long n) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] == 'n') {
            out += std::to_string(n);
            ++i;
        } else {
            out += pattern[i];
        }
    }
    return out;
}

long long micros_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 start)
        .count();
}

long long cpu_micros() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto micros = [](const timeval& t) {
        return static_cast<long long>(t.tv_sec) * 1000000 + t.tv_usec;
    };
    return micros(usage.ru_utime) + micros(usage.ru_stime);
}

sockaddr_in loopback(const char* port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(std::atoi(port)));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

// One of the concurrent sessions: a command in flight at a time, its
// response read as it comes (these responses hold no literals).
struct Session {
    int fd = -1;
    std::string input;
    std::vector<std::string> commands;  // of the phase under way
    std::size_t next = 0;
    std::string tag;  // of the command in flight; "*" while the greeting is awaited
    std::chrono::steady_clock::time_point sent;
    long serial = 0;
    bool done = true;
};

void send_next(Session& session) {
    session.tag = "c" + std::to_string(++session.serial) + " ";
    send_all(session.fd, session.tag + session.commands[session.next++] + "\r\n");
    session.sent = std::chrono::steady_clock::now();
}

// Runs `commands` on every session at once; the microseconds each command
// took go to `latencies`. A session that gets anything but OK, or loses its
// connection, counts as an error and stops.
void run_phase(std::vector<Session>& sessions, const std::vector<std::string>& commands,
               std::vector<long long>* latencies, long& errors) {
    std::vector<pollfd> polled;
    for (auto& session : sessions) {
        if (session.fd < 0) continue;
        session.commands = commands;
        session.next = 0;
        session.done = commands.empty() && session.tag != "*";
        if (!session.done && session.tag != "*") send_next(session);
    }
    char buffer[65536];
    for (;;) {
        polled.clear();
        std::vector<Session*> owners;
        for (auto& session : sessions) {
            if (session.fd < 0 || session.done) continue;
            polled.push_back({session.fd, POLLIN, 0});
            owners.push_back(&session);
        }
        if (polled.empty()) return;
        if (::poll(polled.data(), polled.size(), 60000) <= 0) fail("no session moved for 60 s");
        for (std::size_t i = 0; i < polled.size(); ++i) {
            if (polled[i].revents == 0) continue;
            Session& session = *owners[i];
            const ssize_t got = ::recv(session.fd, buffer, sizeof buffer, 0);
            if (got <= 0) {
                ++errors;
                ::close(session.fd);
                session.fd = -1;
                continue;
            }
            session.input.append(buffer, static_cast<std::size_t>(got));
            std::size_t line_end;
            while (!session.done && (line_end = session.input.find('\n')) != std::string::npos) {
                const std::string line = session.input.substr(0, line_end + 1);
                session.input.erase(0, line_end + 1);
                const bool greeting = session.tag == "*";
                if (!greeting && !line.starts_with(session.tag)) continue;
                if (!line.substr(greeting ? 2 : session.tag.size()).starts_with("OK")) {
                    ++errors;
                    session.done = true;
                    break;
                }
                if (latencies && !greeting) latencies->push_back(micros_since(session.sent));
                if (session.next < session.commands.size()) {
                    send_next(session);
                } else {
                    session.tag.clear();
                    session.done = true;
                }
            }
        }
    }
}

// imap_load_client PORT concurrent SESSIONS ITERATIONS USER PASSWORD:
// SESSIONS connections each LOGIN and EXAMINE INBOX, all at once; then the
// client prints "ready" and waits for a line on its input (the caller reads
// the server's memory meanwhile); then every session runs ITERATIONS rounds
// of NOOP and FETCH 1 FLAGS, one command in flight per session. Prints
//     concurrent <TAB> COMMANDS <TAB> MICROSECONDS <TAB> P50 <TAB> P99 <TAB> ERRORS <TAB> CPU
// with the percentiles of one command's latency in microseconds.
int run_concurrent(const char* port, long count, long iterations, const std::string& user,
                   const std::string& password) {
    const sockaddr_in address = loopback(port);
    std::vector<Session> sessions(static_cast<std::size_t>(count));
    long errors = 0;
    for (auto& session : sessions) {
        session.fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (session.fd < 0) fail(std::string("socket: ") + std::strerror(errno));
        if (::connect(session.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) !=
            0) {
            fail(std::string("connect: ") + std::strerror(errno));
        }
        const int one = 1;
        ::setsockopt(session.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        session.tag = "*";
        session.done = false;
    }
    run_phase(sessions, {"LOGIN " + user + " \"" + password + "\"", "EXAMINE INBOX"}, nullptr,
              errors);
    std::printf("ready\t%ld\n", errors);
    std::fflush(stdout);
    std::string go;
    std::getline(std::cin, go);

    std::vector<std::string> loop;
    for (long i = 0; i < iterations; ++i) {
        loop.push_back("NOOP");
        loop.push_back("FETCH 1 FLAGS");
    }
    std::vector<long long> latencies;
    const long long cpu_began = cpu_micros();
    const auto began = std::chrono::steady_clock::now();
    run_phase(sessions, loop, &latencies, errors);
    const long long elapsed = micros_since(began);
    std::sort(latencies.begin(), latencies.end());
    const auto percentile = [&latencies](double p) {
        if (latencies.empty()) return 0LL;
        return latencies[std::min(latencies.size() - 1,
                                  static_cast<std::size_t>(latencies.size() * p))];
    };
    std::printf("concurrent\t%zu\t%lld\t%lld\t%lld\t%ld\t%lld\n", latencies.size(), elapsed,
                percentile(0.50), percentile(0.99), errors, cpu_micros() - cpu_began);
    for (auto& session : sessions) {
        if (session.fd >= 0) ::close(session.fd);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 7 && std::strcmp(argv[2], "concurrent") == 0) {
        return run_concurrent(argv[1], std::atol(argv[3]), std::atol(argv[4]), argv[5], argv[6]);
    }
    if (argc != 3 || (std::strcmp(argv[2], "imap") != 0 && std::strcmp(argv[2], "pop3") != 0)) {
        std::fprintf(stderr,
                     "usage: imap_load_client PORT imap|pop3 < SCRIPT\n"
                     "       imap_load_client PORT concurrent SESSIONS ITERATIONS USER PASSWORD\n");
        return 2;
    }
    const bool imap = std::strcmp(argv[2], "imap") == 0;
    const sockaddr_in address = loopback(argv[1]);

    const auto start = std::chrono::steady_clock::now();
    const long long cpu_start = cpu_micros();
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) fail(std::string("socket: ") + std::strerror(errno));
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        fail(std::string("connect: ") + std::strerror(errno));
    }
    // Commands are single small writes waiting for an answer: Nagle would
    // only add delayed-ACK stalls to the server's figures.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Reader in(fd);
    const auto greeting = in.line();
    if (!greeting.starts_with(imap ? "* OK" : "+OK")) {
        fail("greeting: " + std::string(greeting.substr(0, 200)));
    }
    std::printf("connect\t%lld\t%zu\t0\t%lld\n", micros_since(start), in.octets(),
                cpu_micros() - cpu_start);
    std::fflush(stdout);

    long tag = 0;
    std::string step;
    while (std::getline(std::cin, step)) {
        if (step.empty()) continue;
        const auto first = step.find('\t');
        const auto second = step.find('\t', first + 1);
        if (first == std::string::npos || second == std::string::npos) {
            fail("a script line is LABEL<TAB>COUNT<TAB>COMMAND: " + step);
        }
        const std::string label = step.substr(0, first);
        const long count = std::atol(step.c_str() + first + 1);
        const std::string_view pattern = std::string_view(step).substr(second + 1);

        const std::size_t octets_before = in.octets();
        long untagged = 0;
        const long long cpu_began = cpu_micros();
        const auto began = std::chrono::steady_clock::now();
        for (long n = 1; n <= count; ++n) {
            const std::string command = substitute(pattern, n);
            if (imap) {
                const std::string tag_text = "a" + std::to_string(++tag) + " ";
                send_all(fd, tag_text + command + "\r\n");
                untagged += imap_response(in, tag_text, command);
            } else {
                send_all(fd, command + "\r\n");
                untagged += pop3_response(in, command);
            }
        }
        const long long elapsed = micros_since(began);
        std::printf("%s\t%lld\t%zu\t%ld\t%lld\n", label.c_str(), elapsed,
                    in.octets() - octets_before, untagged, cpu_micros() - cpu_began);
        std::fflush(stdout);
    }
    ::close(fd);
    return 0;
}
