// ms_bench_parser: how fast the IMAP response reader goes, against the
// physical limit (a memchr scan for line ends over the same bytes) and
// against libetpan's response parser.
//
// A deterministic 10,000-message mailbox is generated with the test-mail
// builder, and the two response streams a server sends for it are recorded
// once: the FETCH of the summary items a client lists a mailbox with, and
// the FETCH of every whole message. Each reader then goes over the same
// bytes, fed whole and in TCP-segment-sized chunks; ours both with feed()
// and next() and framing in place. Every figure is the median of several runs.
#include <fmt/format.h>
#include <libetpan/libetpan.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "server_mock/imap_envelope.hpp"
#include "sim/imap/framer.hpp"
#include "sim/imap/response.hpp"
#include "sim/mime/builder.hpp"
#include "sim/mime/message.hpp"

// libetpan 1.9.4 exports its response parser but does not install
// mailimap_parser.h; this is the declaration from that header.
extern "C" int mailimap_response_parse(mailstream* fd, MMAPString* buffer,
                                       struct mailimap_parser_context* parser_ctx,
                                       std::size_t* indx, struct mailimap_response** result,
                                       std::size_t progr_rate, progress_function* progr_fun);

namespace {

using namespace mailscope;

constexpr std::size_t message_count = 10000;
constexpr std::size_t segment = 1460;  // a TCP segment on an Ethernet path
constexpr int repeats = 5;

// --- the mailbox ------------------------------------------------------------

// xorshift64*: the same mailbox on every machine and every run.
class Random {
  public:
    explicit Random(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() {
        m_state ^= m_state >> 12;
        m_state ^= m_state << 25;
        m_state ^= m_state >> 27;
        return m_state * 0x2545F4914F6CDD1Dull;
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    template <typename T>
    const T& pick(const std::vector<T>& items) {
        return items[below(items.size())];
    }

  private:
    std::uint64_t m_state;
};

struct Person {
    std::string name;  // UTF-8
    std::string address;
};

const std::vector<Person> people = {
    {"Alice Example", "alice@example.org"},      {"Bob Martin", "bob@mail.example.com"},
    {"Carol Nguyen", "carol@uni.example.edu"},   {"Jürgen Groß", "juergen@example.de"},
    {"Zoë Brontë", "zoe@example.co.uk"},         {"Иван Петров", "ivan@example.ru"},
    {"Мария Смирнова", "maria@example.ru"},      {"山田太郎", "taro@example.jp"},
    {"François Lefèvre", "francois@example.fr"}, {"Dave O'Brien", "dave@example.ie"},
    {"Lists Robot", "noreply@lists.example.net"}};

const std::vector<std::string> subjects = {
    "Meeting notes for Thursday",
    "Re: quarterly report draft",
    "Fwd: conference travel booking",
    "Grüße aus München",
    "Отчёт за неделю",
    "会議の議事録",
    "Your build #4521 passed",
    "Lunch?",
    "Re: Re: Re: the long thread about the release schedule and everything in it",
    "Ça marche, à demain"};

const std::vector<std::string> words = {
    "the",     "mailbox", "server",  "client",   "message", "literal", "protocol", "state",
    "select",  "fetch",   "flags",   "envelope", "октет",   "Straße",  "naïve",    "résumé",
    "reply",   "thread",  "quota",   "folder",   "search",  "draft",   "sent",     "archive",
    "because", "would",   "another", "between",  "during",  "example", "question", "answer"};

std::string make_text(Random& random, std::size_t octets) {
    std::string out;
    std::size_t column = 0;
    while (out.size() < octets) {
        const auto& word = random.pick(words);
        if (column + word.size() > 72) {
            out += "\n";
            column = 0;
        } else if (column > 0) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
    }
    return out + "\n";
}

std::string make_date(std::size_t i) {
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return fmt::format("{:02}-{}-{} {:02}:{:02}:{:02} +0000", 1 + i % 28, months[i / 28 % 12],
                       2000 + i / 336 % 25, i % 24, i * 7 % 60, i * 13 % 60);
}

std::string make_message(Random& random, std::size_t i) {
    const auto& from = random.pick(people);
    const auto& to = random.pick(people);
    mime::MessageHeaders headers;
    headers.from = mime::encode_mailbox(from.name, from.address);
    headers.to = mime::encode_mailbox(to.name, to.address);
    headers.subject = random.pick(subjects);
    headers.date = fmt::format("Mon, {} Mar 2024 {:02}:{:02}:00 +0100", 1 + i % 28, i % 24, i % 60);
    headers.message_id = fmt::format("<bench.{}@example.org>", i);
    if (i % 4 == 1)
        headers.extra.push_back({"In-Reply-To", fmt::format("<bench.{}@example.org>", i - 1)});
    const std::size_t size = 1024 + random.below(19 * 1024);
    auto text = make_text(random, size);
    switch (i % 10) {
        case 3:
            return mime::build_alternative(headers, text, "<p>" + text + "</p>");
        case 7: {
            mime::Attachment attachment;
            attachment.filename = i % 20 == 7 ? "отчёт.pdf" : "report.pdf";
            attachment.data = make_text(random, size / 2);
            return mime::build_mixed(headers, text.substr(0, text.size() / 3), {attachment});
        }
        default:
            return mime::build_plain_text(headers, text);
    }
}

// --- the recorded server streams ---------------------------------------------

std::vector<std::string> flags_of(std::size_t i) {
    std::vector<std::string> flags;
    if (i % 3 != 0) flags.push_back("\\Seen");
    if (i % 11 == 0) flags.push_back("\\Answered");
    if (i % 17 == 0) flags.push_back("\\Flagged");
    if (i % 23 == 0) flags.push_back("$Work");
    return flags;
}

struct Stream {
    std::string name;
    std::string bytes;
    std::size_t responses = 0;
};

std::vector<Stream> record_streams() {
    Random random(20240301);
    Stream summary{"FETCH 1:* (FLAGS UID RFC822.SIZE INTERNALDATE ENVELOPE)", {}, 0};
    Stream bodies{"FETCH 1:* BODY.PEEK[]", {}, 0};
    for (std::size_t i = 0; i < message_count; ++i) {
        const auto raw = make_message(random, i);
        const auto parsed = mime::parse_message(raw);
        const auto seq = static_cast<std::uint32_t>(i + 1);
        summary.bytes += imap::serialize(imap::make_fetch(
            seq, {imap::fetch_flags(flags_of(i)), imap::fetch_uid(seq + 1000),
                  imap::fetch_size(static_cast<std::uint32_t>(parsed.size)),
                  imap::fetch_internal_date(make_date(i)),
                  imap::fetch_envelope(server::to_imap_envelope(parsed.envelope))}));
        bodies.bytes += imap::serialize(imap::make_fetch(seq, {imap::fetch_section({}, raw)}));
    }
    summary.bytes += "a003 OK FETCH completed\r\n";
    bodies.bytes += "a004 OK FETCH completed\r\n";
    summary.responses = bodies.responses = message_count + 1;
    return {std::move(summary), std::move(bodies)};
}

// --- the readers -------------------------------------------------------------

// Each returns the number of responses it read, so that the work cannot be
// optimised away and a reader that stops early is noticed.

std::size_t read_ours(std::string_view bytes, std::size_t chunk) {
    imap::Framer framer;
    framer.set_literal_events(false);
    std::size_t responses = 0;
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
        framer.feed(bytes.substr(at, chunk));
        while (auto event = framer.next()) {
            const auto* frame = std::get_if<imap::Frame>(&*event);
            if (frame && imap::parse_response(*frame).response) ++responses;
        }
    }
    return responses;
}

// The same, framing in place: each message is copied once, from `bytes`
// into its Frame.
std::size_t read_ours_in_place(std::string_view bytes, std::size_t chunk) {
    imap::Framer framer;
    framer.set_literal_events(false);
    std::size_t responses = 0;
    const imap::Framer::EventSink count = [&](imap::FramerEvent&& event) {
        const auto* frame = std::get_if<imap::Frame>(&event);
        if (frame && imap::parse_response(*frame).response) ++responses;
        return true;
    };
    for (std::size_t at = 0; at < bytes.size(); at += chunk)
        framer.feed(bytes.substr(at, chunk), count);
    return responses;
}

std::size_t scan_line_ends(std::string_view bytes, std::size_t chunk) {
    std::size_t lines = 0;
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
        const auto piece = bytes.substr(at, chunk);
        const char* p = piece.data();
        const char* end = p + piece.size();
        while (const void* lf = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
            ++lines;
            p = static_cast<const char*>(lf) + 1;
        }
    }
    return lines;
}

// A libetpan low-level stream reading from memory, `max_read` octets at most
// per read, the way a socket delivers segments.
struct MemorySource {
    std::string_view bytes;
    std::size_t at = 0;
    std::size_t max_read = 0;
};

ssize_t memory_read(mailstream_low* low, void* buffer, std::size_t count) {
    auto* source = static_cast<MemorySource*>(low->data);
    const auto n = std::min({count, source->max_read, source->bytes.size() - source->at});
    std::memcpy(buffer, source->bytes.data() + source->at, n);
    source->at += n;
    return static_cast<ssize_t>(n);
}
ssize_t memory_write(mailstream_low*, const void*, std::size_t count) {
    return static_cast<ssize_t>(count);
}
int memory_close(mailstream_low*) {
    return 0;
}
int memory_get_fd(mailstream_low*) {
    return -1;
}
void memory_free(mailstream_low* low) {
    std::free(low);
}
void memory_cancel(mailstream_low*) {}
struct mailstream_cancel* memory_get_cancel(mailstream_low*) {
    return nullptr;
}

mailstream_low_driver make_memory_driver() {
    mailstream_low_driver driver{};
    driver.mailstream_read = memory_read;
    driver.mailstream_write = memory_write;
    driver.mailstream_close = memory_close;
    driver.mailstream_get_fd = memory_get_fd;
    driver.mailstream_free = memory_free;
    driver.mailstream_cancel = memory_cancel;
    driver.mailstream_get_cancel = memory_get_cancel;
    return driver;
}

std::size_t read_libetpan(std::string_view bytes, std::size_t chunk) {
    static mailstream_low_driver driver = make_memory_driver();
    MemorySource source{bytes, 0, chunk};
    mailstream* stream = mailstream_new(mailstream_low_new(&source, &driver),
                                        std::min<std::size_t>(chunk, 1u << 20));
    mailimap* session = mailimap_new(0, nullptr);
    mailimap_parser_context* context = mailimap_parser_context_new(session);
    MMAPString* buffer = mmap_string_new("");
    std::size_t responses = 0;
    // Like a libetpan client after sending FETCH: read a line, then the parser
    // pulls further lines and literals from the stream up to the completion.
    if (mailstream_read_line_append(stream, buffer) != nullptr) {
        std::size_t index = 0;
        mailimap_response* response = nullptr;
        if (mailimap_response_parse(stream, buffer, context, &index, &response, 0, nullptr) ==
            MAILIMAP_NO_ERROR) {
            responses = clist_count(response->rsp_cont_req_or_resp_data_list) + 1;
            mailimap_response_free(response);
        }
    }
    mmap_string_free(buffer);
    mailimap_parser_context_free(context);
    mailimap_free(session);
    mailstream_close(stream);
    return responses;
}

// --- timing ------------------------------------------------------------------

struct Figure {
    double seconds = 0;
    std::size_t count = 0;
};

Figure median_run(const std::function<std::size_t()>& run) {
    std::vector<double> times;
    std::size_t count = 0;
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        count = run();
        const auto stop = std::chrono::steady_clock::now();
        times.push_back(std::chrono::duration<double>(stop - start).count());
    }
    std::sort(times.begin(), times.end());
    return {times[times.size() / 2], count};
}

}  // namespace

int main() {
    fmt::print("generating {} messages...\n", message_count);
    const auto streams = record_streams();
    bool all_read = true;
    for (const auto& stream : streams) {
        const double mb = static_cast<double>(stream.bytes.size()) / 1e6;
        fmt::print("\n{}: {:.1f} MB, {} responses, median of {} runs\n", stream.name, mb,
                   stream.responses, repeats);
        fmt::print("{:<8} {:>11} {:>10} {:>14} {:>14} {:>13} {:>12} {:>14}\n", "feeding",
                   "memchr MB/s", "ours MB/s", "in place MB/s", "in place resp/s", "libetpan MB/s",
                   "in place/memchr", "in place/libetpan");
        for (std::size_t chunk : {stream.bytes.size(), segment}) {
            const std::string_view bytes = stream.bytes;
            const auto scan = median_run([&] { return scan_line_ends(bytes, chunk); });
            const auto ours = median_run([&] { return read_ours(bytes, chunk); });
            const auto in_place = median_run([&] { return read_ours_in_place(bytes, chunk); });
            const auto etpan = median_run([&] { return read_libetpan(bytes, chunk); });
            if (ours.count != stream.responses || in_place.count != stream.responses ||
                etpan.count != stream.responses) {
                fmt::print(stderr,
                           "a reader stopped early: ours {} in place {} libetpan {} of {}\n",
                           ours.count, in_place.count, etpan.count, stream.responses);
                all_read = false;
            }
            fmt::print(
                "{:<8} {:>11.0f} {:>10.1f} {:>14.1f} {:>14.0f} {:>13.1f} {:>14.3f}x {:>16.2f}x\n",
                chunk == segment ? "1460 B" : "whole", mb / scan.seconds, mb / ours.seconds,
                mb / in_place.seconds, static_cast<double>(in_place.count) / in_place.seconds,
                mb / etpan.seconds, scan.seconds / in_place.seconds,
                etpan.seconds / in_place.seconds);
        }
    }
    return all_read ? 0 : 1;
}
