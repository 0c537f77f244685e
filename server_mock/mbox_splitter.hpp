// Splits an mbox into messages as its bytes come, so that an mbox of any size
// is imported holding one message and one block of it at a time.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "server_mock/internal_date.hpp"
#include "server_mock/mail_store.hpp"

namespace mailscope::server {

struct MboxLimits {
    std::size_t block_size = 1024 * 1024;  // read from a file at a time
    std::size_t max_message_size = kMaxMessageSize;
};

struct MboxMessage {
    std::string octets;  // CRLF lines, mboxrd quoting undone
    InternalDate date;   // from the From_ line, else the fallback
    std::size_t number = 0;
    std::size_t line = 0;  // its From_ line's, counted from 1
};

struct MboxProblem {
    enum class Kind {
        NoFromLine,       // text before the first From_ line
        MessageTooLarge,  // message `number`, from `line`, has more than the limit
    };
    Kind kind = Kind::NoFromLine;
    std::size_t number = 0;
    std::size_t line = 0;
};

// Lines end at LF; a CR before it goes. "From " at a line's start begins a
// message and ">From ", ">>From "... lose one ">" (mboxrd); the blank line
// before a From_ line, and at the end, separates messages and is not theirs.
// Messages are handed to the sink as soon as they are complete; a sink that
// returns false stops the split.
class MboxSplitter {
  public:
    using Sink = std::function<bool(MboxMessage&&)>;

    MboxSplitter(InternalDate fallback, std::size_t max_message_size, Sink sink);

    // False once the split has stopped: problem() says why, unless the sink
    // stopped it.
    bool feed(std::string_view bytes);
    // The end of the mbox: its last line need not end in LF.
    bool finish();

    const std::optional<MboxProblem>& problem() const { return m_problem; }

  private:
    bool take_line(std::string_view line);
    bool check_unended_line();
    bool deliver();
    bool fail(MboxProblem::Kind kind, std::size_t number, std::size_t line);
    std::size_t message_size() const;

    InternalDate m_fallback;
    std::size_t m_max_message_size;
    Sink m_sink;
    std::string m_unended;  // the start of a line whose LF is in a later block
    std::size_t m_lines = 0;
    std::size_t m_messages = 0;
    bool m_in_message = false;
    bool m_stopped = false;
    MboxMessage m_message;  // its octets are a buffer kept from message to message
    std::optional<MboxProblem> m_problem;
};

}  // namespace mailscope::server
