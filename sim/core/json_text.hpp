// JsonText: JSON written straight into a string, for the JSON Lines trace.
//
// A server writes one JSON line per event of every session it traces;
// building a JSON document per event first cost more than the whole
// session's IMAP work. The text is what the trace's JSON Lines always held:
// compact, no spaces, and strings as nlohmann::json's dump() writes them
// with error_handler_t::replace: `"`, `\`, and control characters escaped
// (\b \t \n \f \r, else \u00XX), other octets as they are, and each octet
// sequence that is not UTF-8 replaced with U+FFFD, so a line is always valid
// JSON whatever octets the wire carried.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailscope::sim {

void append_json_string(std::string& out, std::string_view text);

class JsonText {
  public:
    explicit JsonText(std::string& out) : m_out(out) {}

    void begin_object();
    void end_object();
    void begin_array();
    void end_array();
    // The name of the next member: a plain ASCII name of the format, written
    // as it is. Readers do not care about the order; the trace writes
    // members in byte order of their names, as it always did.
    void key(std::string_view name);
    void value(std::string_view text);
    void value(const char* text) { value(std::string_view(text)); }
    void value(std::uint64_t number);
    void value(std::int64_t number);
    void value(std::uint32_t number) { value(static_cast<std::uint64_t>(number)); }
    void value(int number) { value(static_cast<std::int64_t>(number)); }
    void value(bool flag);
    void null();
    void value(const std::vector<std::string>& strings);
    // key(name), then value(v).
    template <class Value>
    void member(std::string_view name, const Value& v) {
        key(name);
        value(v);
    }

  private:
    void separate();
    void open(char bracket);
    void close(char bracket);

    std::string& m_out;
    // Bit n-1: whether the open object or array at depth n has a member
    // yet. A trace line nests three deep; deeper than 64 is refused.
    std::uint64_t m_has_member = 0;
    int m_depth = 0;
    bool m_after_key = false;
};

}  // namespace mailscope::sim
