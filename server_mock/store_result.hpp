// StoreResult: what every mail store operation returns, a value or a reason.
//
// g++ 12 has no std::expected; this is the small subset the store needs. The
// error kind lets the IMAP layer choose a response code (RFC 3501 7.1,
// RFC 5530) while the message is a sentence a learner can read.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "sim/core/catalogue.hpp"

namespace mailscope::server {

enum class StoreErrorKind {
    NoSuchMailbox,  // [TRYCREATE] for APPEND/COPY, [NONEXISTENT] otherwise
    AlreadyExists,  // [ALREADYEXISTS]
    InvalidName,    // [CANNOT]
    NotPermitted,   // [CANNOT]: no one may do this (RFC 5530)
    NoPermission,   // [NOPERM]: the ACL does not grant it to this user (RFC 4314)
    HasInferiors,   // DELETE of a \Noselect mailbox with children (RFC 3501 6.3.4)
    NoSuchMessage,  // a UID that is not (or no longer) in the mailbox
    LimitReached,   // [LIMIT]: keywords per mailbox, message size...
    Storage,        // [UNAVAILABLE]: the disk refused a write (an I/O error)
    StorageFull,    // [UNAVAILABLE]: no space left, a quota or the file size limit
    OverQuota,      // [OVERQUOTA]: the quota root's limit (RFC 9208 4.3.1)
    BadInput,       // a fixture, an mbox or a Maildir that cannot be read
};

struct StoreError {
    StoreErrorKind kind = StoreErrorKind::BadInput;
    // For the client: never a file path of the server.
    std::string message;
    // For whoever runs the server (traces, the console): the path and the
    // system's reason. Empty when `message` says it all.
    std::string detail;
    // For whoever wrote the file a loader read (a fixture, an mbox), in the
    // catalogue's words with the file and line. Empty when `message` says it
    // all.
    sim::Said said;
};

// What a person running mailscope reads about `error`, in `language`.
std::string describe(const StoreError& error, sim::Language language);

// The value of an operation that has nothing to return but success.
struct Done {};

template <class T>
class StoreResult {
  public:
    StoreResult(T value) : m_state(std::move(value)) {}
    StoreResult(StoreError error) : m_state(std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(m_state); }
    const T& value() const { return std::get<0>(m_state); }
    const StoreError& error() const { return std::get<1>(m_state); }

  private:
    std::variant<T, StoreError> m_state;
};

inline StoreError store_error(StoreErrorKind kind, std::string message) {
    return StoreError{kind, std::move(message), {}, {}};
}

}  // namespace mailscope::server
