// InternalDate: the moment a message entered the store (RFC 3501 2.3.3).
//
// It keeps the zone the date was given in, because INTERNALDATE responses
// show it ("17-Jul-1996 02:44:25 -0700"). The store never reads a clock:
// callers pass dates in, which keeps every run reproducible.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mailscope::server {

struct InternalDate {
    std::int64_t utc_seconds = 0;   // seconds since 1970-01-01T00:00:00Z
    std::int32_t zone_minutes = 0;  // offset east of UTC, -1439..1439

    bool operator==(const InternalDate&) const = default;
};

// date-time of RFC 3501 9: "dd-Mon-yyyy hh:mm:ss +zzzz", day space-padded.
std::string format_imap_date_time(const InternalDate& date);

// RFC 5322 3.3 date-time: "Mon, 15 Jan 2024 09:30:00 +0100".
std::string format_rfc5322_date(const InternalDate& date);

// Accepts the IMAP form (day padded or not, with or without the surrounding
// quotes) and ISO 8601 "2024-01-15T09:30:00+01:00" / "...Z". Returns nothing
// for anything else, including impossible dates such as 31-Feb.
std::optional<InternalDate> parse_date_time(std::string_view text);

// The asctime form of an mbox "From " line: "Mon Jan 15 09:30:00 2024" (UTC).
std::optional<InternalDate> parse_asctime(std::string_view text);

// Civil date and time in a zone to an InternalDate; nothing if out of range.
std::optional<InternalDate> make_internal_date(int year, int month, int day, int hour, int minute,
                                               int second, int zone_minutes);

// A file's last write as an arrival date in UTC: a Maildir file's delivery time.
InternalDate file_write_date(std::filesystem::file_time_type written);

}  // namespace mailscope::server
