// The parsed MIME model (sim/mime) in the shapes IMAP sends: ENVELOPE,
// BODY and BODYSTRUCTURE (RFC 3501 7.4.2).
#pragma once

#include "sim/imap/response.hpp"
#include "sim/mime/address.hpp"
#include "sim/mime/envelope.hpp"
#include "sim/mime/message.hpp"

namespace mailscope::server {

imap::Address to_imap_address(const mime::AddressData& address);

// Absent fields become NIL; sender and reply-to already default to from in
// mime::build_envelope.
imap::Envelope to_imap_envelope(const mime::EnvelopeData& envelope);

// `extensible` false gives the BODY form (no extension data); true gives
// BODYSTRUCTURE with all four extension fields written, as Dovecot does.
// Type, subtype, parameter names and encoding are upper-cased the way the
// RFC 3501 examples show them; parameter values stay as sent.
imap::BodyStructure to_imap_body_structure(const mime::MimePart& part, bool extensible);

}  // namespace mailscope::server
