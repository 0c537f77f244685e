"""The messages both servers are loaded with at the start of each test.

Each entry is (flags, internal date, message bytes). Dates are explicit and
in +0000 so INTERNALDATE compares directly; the messages cover a plain text
body, multipart/mixed with an attachment, multipart/alternative with
quoted-printable, encoded words in headers, a message/rfc822 attachment and
a body long enough for partial fetches.
"""

import base64


def _crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


PLAIN = _crlf(
    """Date: Thu, 01 Feb 2024 10:00:00 +0000
From: Alice Liddell <alice@example.org>
To: Bob Builder <bob@example.org>, carol@example.net
Cc: "Dee, Dum" <dee@example.org>
Subject: Hello world
Message-ID: <plain-1@example.org>

Hello Bob,
this is the first message of the lab.
"""
)

ATTACHMENT = base64.encodebytes(bytes(range(256)) * 4).decode()

MIXED = _crlf(
    f"""Date: Fri, 02 Feb 2024 11:30:00 +0100
From: bob@example.org
To: alice@example.org
Subject: Report with attachment
Message-ID: <mixed-2@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

This is a multi-part message.
--outer
Content-Type: text/plain; charset=us-ascii

See the attached data.
--outer
Content-Type: application/octet-stream; name="data.bin"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="data.bin"

{ATTACHMENT}--outer--
"""
)

ALTERNATIVE = _crlf(
    """Date: Sat, 03 Feb 2024 09:15:00 -0500
From: Carol <carol@example.net>
To: alice@example.org
Reply-To: list@example.net
Subject: Menu for Saturday
Message-ID: <alt-3@example.net>
In-Reply-To: <plain-1@example.org>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary=alt

--alt
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Caf=C3=A9 at noon, cr=C3=A8me br=C3=BBl=C3=A9e for dessert.
--alt
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<p>Caf=C3=A9 at noon</p>
--alt--
"""
)

ENCODED = _crlf(
    """Date: Sun, 04 Feb 2024 18:45:00 +0000
From: =?UTF-8?Q?J=C3=BCrgen?= <juergen@example.de>
Sender: secretary@example.de
To: undisclosed-recipients:;
Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgQmVybGlu?=
Message-ID: <enc-4@example.de>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Gr\u00fc\u00dfe aus Berlin.
"""
)

LONG_LINES = "".join(f"Line {n:03d} of the long report, padded to a readable width.\n"
                     for n in range(60))

FORWARDED = _crlf(
    f"""Date: Mon, 05 Feb 2024 08:00:00 +0000
From: Alice Liddell <alice@example.org>
To: bob@example.org
Subject: Fwd: Hello world
Message-ID: <fwd-5@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="fwd"

--fwd
Content-Type: text/plain

{LONG_LINES}--fwd
Content-Type: message/rfc822

Date: Thu, 01 Feb 2024 10:00:00 +0000
From: Alice Liddell <alice@example.org>
To: Bob Builder <bob@example.org>
Subject: Hello world

Hello Bob.
--fwd--
"""
)

MESSAGES = [
    ("(\\Seen)", "01-Feb-2024 10:00:00 +0000", PLAIN),
    ("()", "02-Feb-2024 10:30:00 +0000", MIXED),
    ("(\\Flagged)", "03-Feb-2024 14:15:00 +0000", ALTERNATIVE),
    ("(\\Answered \\Seen)", "04-Feb-2024 18:45:00 +0000", ENCODED),
    ("(\\Draft)", "05-Feb-2024 08:00:00 +0000", FORWARDED),
]
