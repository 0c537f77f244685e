#include "server_mock/internal_date.hpp"
#include "sim/core/ascii.hpp"

#include <array>
#include <cctype>
#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

namespace mailscope::server {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Thu", "Fri", "Sat", "Sun",
                                                       "Mon", "Tue", "Wed"};

// Days since 1970-01-01 of a proleptic Gregorian date, by counting eras of
// 400 years (146097 days) from 0000-03-01 so February comes last in a year.
std::int64_t days_from_civil(std::int64_t year, int month, int day) {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const std::int64_t year_of_era = year - era * 400;
    const int shifted_month = month > 2 ? month - 3 : month + 9;
    const std::int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    const std::int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

struct Civil {
    std::int64_t year;
    int month;
    int day;
};

Civil civil_from_days(std::int64_t days) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t day_of_era = days - era * 146097;
    const std::int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const std::int64_t day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const std::int64_t shifted_month = (5 * day_of_year + 2) / 153;
    const int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
    const int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
    return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

bool is_leap(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
    static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

struct LocalTime {
    Civil civil;
    int hour;
    int minute;
    int second;
    std::int64_t days;
};

LocalTime to_local(const InternalDate& date) {
    const std::int64_t local = date.utc_seconds + std::int64_t{date.zone_minutes} * 60;
    std::int64_t days = local / 86400;
    std::int64_t rest = local % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    return {civil_from_days(days), static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60),
            static_cast<int>(rest % 60), days};
}

std::string format_zone(int zone_minutes) {
    const char sign = zone_minutes < 0 ? '-' : '+';
    const int magnitude = std::abs(zone_minutes);
    return fmt::format("{}{:02}{:02}", sign, magnitude / 60, magnitude % 60);
}

// A tiny cursor over the text being parsed; every read is bounds-checked.
class Scanner {
  public:
    explicit Scanner(std::string_view text) : m_text(text) {}

    bool done() const { return m_pos >= m_text.size(); }
    char peek() const { return done() ? '\0' : m_text[m_pos]; }
    bool eat(char c) {
        if (peek() != c || done()) return false;
        ++m_pos;
        return true;
    }
    void skip_spaces() {
        while (peek() == ' ')
            ++m_pos;
    }
    // Between `min` and `max` digits.
    std::optional<int> number(std::size_t min, std::size_t max) {
        std::size_t count = 0;
        int value = 0;
        while (count < max && std::isdigit(static_cast<unsigned char>(peek()))) {
            value = value * 10 + (peek() - '0');
            ++m_pos;
            ++count;
        }
        if (count < min) return std::nullopt;
        return value;
    }
    std::optional<int> month_name() {
        if (m_pos + 3 > m_text.size()) return std::nullopt;
        const std::string_view word = m_text.substr(m_pos, 3);
        for (std::size_t i = 0; i < kMonths.size(); ++i) {
            if (ascii::iequals(word, kMonths[i])) {
                m_pos += 3;
                return static_cast<int>(i) + 1;
            }
        }
        return std::nullopt;
    }
    std::optional<int> zone() {
        const char sign = peek();
        if (sign != '+' && sign != '-') return std::nullopt;
        ++m_pos;
        const auto hours = number(2, 2);
        eat(':');
        const auto minutes = number(2, 2);
        if (!hours || !minutes || *minutes > 59) return std::nullopt;
        const int total = *hours * 60 + *minutes;
        return sign == '-' ? -total : total;
    }
    std::optional<std::array<int, 3>> clock() {
        const auto hour = number(2, 2);
        if (!hour || !eat(':')) return std::nullopt;
        const auto minute = number(2, 2);
        if (!minute || !eat(':')) return std::nullopt;
        const auto second = number(2, 2);
        if (!second) return std::nullopt;
        return std::array<int, 3>{*hour, *minute, *second};
    }

  private:
    std::string_view m_text;
    std::size_t m_pos = 0;
};

std::optional<InternalDate> parse_imap_form(std::string_view text) {
    Scanner in(text);
    in.skip_spaces();
    const auto day = in.number(1, 2);
    if (!day || !in.eat('-')) return std::nullopt;
    const auto month = in.month_name();
    if (!month || !in.eat('-')) return std::nullopt;
    const auto year = in.number(4, 4);
    if (!year || !in.eat(' ')) return std::nullopt;
    const auto time = in.clock();
    if (!time || !in.eat(' ')) return std::nullopt;
    const auto zone = in.zone();
    if (!zone || !in.done()) return std::nullopt;
    return make_internal_date(*year, *month, *day, (*time)[0], (*time)[1], (*time)[2], *zone);
}

std::optional<InternalDate> parse_iso_form(std::string_view text) {
    Scanner in(text);
    const auto year = in.number(4, 4);
    if (!year || !in.eat('-')) return std::nullopt;
    const auto month = in.number(2, 2);
    if (!month || !in.eat('-')) return std::nullopt;
    const auto day = in.number(2, 2);
    if (!day || !(in.eat('T') || in.eat(' '))) return std::nullopt;
    const auto time = in.clock();
    if (!time) return std::nullopt;
    std::optional<int> zone = in.eat('Z') ? std::optional<int>(0) : in.zone();
    if (!zone || !in.done()) return std::nullopt;
    return make_internal_date(*year, *month, *day, (*time)[0], (*time)[1], (*time)[2], *zone);
}

}  // namespace

std::optional<InternalDate> make_internal_date(int year, int month, int day, int hour, int minute,
                                               int second, int zone_minutes) {
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 60 || hour < 0 ||
        minute < 0 || second < 0 || zone_minutes < -1439 || zone_minutes > 1439) {
        return std::nullopt;
    }
    const std::int64_t local =
        days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    return InternalDate{local - std::int64_t{zone_minutes} * 60, zone_minutes};
}

std::string format_imap_date_time(const InternalDate& date) {
    const LocalTime t = to_local(date);
    return fmt::format("{:>2}-{}-{:04} {:02}:{:02}:{:02} {}", t.civil.day,
                       kMonths[static_cast<std::size_t>(t.civil.month - 1)], t.civil.year, t.hour,
                       t.minute, t.second, format_zone(date.zone_minutes));
}

std::string format_rfc5322_date(const InternalDate& date) {
    const LocalTime t = to_local(date);
    const std::int64_t weekday = ((t.days % 7) + 7) % 7;
    return fmt::format("{}, {} {} {:04} {:02}:{:02}:{:02} {}",
                       kWeekdays[static_cast<std::size_t>(weekday)], t.civil.day,
                       kMonths[static_cast<std::size_t>(t.civil.month - 1)], t.civil.year, t.hour,
                       t.minute, t.second, format_zone(date.zone_minutes));
}

std::optional<InternalDate> parse_date_time(std::string_view text) {
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
        text = text.substr(1, text.size() - 2);
    }
    if (text.size() > 64) return std::nullopt;
    if (auto imap = parse_imap_form(text)) return imap;
    return parse_iso_form(text);
}

std::optional<InternalDate> parse_asctime(std::string_view text) {
    if (text.size() > 64) return std::nullopt;
    Scanner in(text);
    for (int i = 0; i < 3; ++i) {
        if (in.done()) return std::nullopt;
        in.eat(in.peek());
    }
    in.skip_spaces();
    const auto month = in.month_name();
    in.skip_spaces();
    const auto day = in.number(1, 2);
    in.skip_spaces();
    const auto time = in.clock();
    in.skip_spaces();
    const auto year = in.number(4, 4);
    in.skip_spaces();
    if (!month || !day || !time || !year || !in.done()) return std::nullopt;
    return make_internal_date(*year, *month, *day, (*time)[0], (*time)[1], (*time)[2], 0);
}

InternalDate file_write_date(std::filesystem::file_time_type written) {
#ifdef _LIBCPP_VERSION
    // libc++ (the browser build's) has no file_clock::to_sys; its file_clock
    // counts from 1970 as system_clock does.
    const auto since_1970 = written.time_since_epoch();
#else
    const auto since_1970 = std::chrono::file_clock::to_sys(written).time_since_epoch();
#endif
    return {std::chrono::duration_cast<std::chrono::seconds>(since_1970).count(), 0};
}

}  // namespace mailscope::server
