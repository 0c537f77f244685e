// Node's imapflow, a client many mail applications are built on, against
// `mailscope serve` on 127.0.0.1:PORT with the classroom store: CONDSTORE
// and QRESYNC (a laptop that was away resynchronises while a phone changed
// the mailbox), ESEARCH, LIST-STATUS and BINARY. Prints one line per check
// and exits 1 when any fails.
//
// Usage: node imapflow_session.mjs PORT
import { ImapFlow } from 'imapflow';

const port = Number(process.argv[2]);
let failures = 0;

// JSON for the failure details; mod-sequences are BigInts.
function show(value) {
    return JSON.stringify(value, (key, item) => (typeof item === 'bigint' ? item.toString() : item));
}

function check(what, ok, detail = '') {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? `: ${detail}` : ''}`);
    if (!ok) failures++;
}

function client(extra = {}) {
    return new ImapFlow({
        host: '127.0.0.1',
        port,
        secure: false,
        // Loopback and a certificate of the server's own: the session stays plain.
        doSTARTTLS: false,
        auth: { user: 'alice', pass: 'wonderland' },
        logger: false,
        connectionTimeout: 10000,
        greetingTimeout: 10000,
        socketTimeout: 20000,
        ...extra
    });
}

async function main() {
    const laptop = client({ qresync: true });
    await laptop.connect();
    check('ENABLE turned QRESYNC on', laptop.enabled.has('QRESYNC'), [...laptop.enabled].join(' '));
    check('and CONDSTORE with it', laptop.enabled.has('CONDSTORE'));

    const opened = await laptop.mailboxOpen('INBOX');
    const validity = opened.uidValidity;
    const highest = opened.highestModseq;
    check('SELECT tells HIGHESTMODSEQ', typeof highest === 'bigint' && highest > 0n, String(highest));

    const flagged = await laptop.fetchOne('3', { flags: true, modseq: true }, { uid: true });
    check('FETCH MODSEQ of UID 3', typeof flagged.modseq === 'bigint', show(flagged));
    const before = flagged.modseq;

    const found = await laptop.search({ seen: false }, { uid: true, returnOptions: ['MIN', 'MAX', 'COUNT'] });
    check('ESEARCH answers SEARCH RETURN (MIN MAX COUNT)',
        found && found.count === 4 && found.min === 3 && found.max === 6, show(found));

    const listed = await laptop.list({ statusQuery: { messages: true, unseen: true } });
    const inbox = listed.find(entry => entry.path === 'INBOX');
    check('LIST-STATUS gives INBOX its STATUS', inbox && inbox.status && inbox.status.messages === 6 &&
        inbox.status.unseen === 4, show(inbox && inbox.status));
    const sent = listed.find(entry => entry.path === 'Sent');
    check('SPECIAL-USE marks Sent', sent && sent.specialUse === '\\Sent', show(sent));

    const part = await laptop.download('5', '2', { uid: true, binary: true });
    const chunks = [];
    for await (const chunk of part.content) chunks.push(chunk);
    const csv = Buffer.concat(chunks).toString('latin1');
    check('BINARY undoes the base64 of the attachment', csv.startsWith('day,time,room,topic\r\n'), csv.slice(0, 40));

    await laptop.logout();

    // The phone changes the mailbox while the laptop is away.
    const phone = client();
    await phone.connect();
    await phone.mailboxOpen('INBOX');
    await phone.messageFlagsAdd('3', ['\\Seen'], { uid: true });
    await phone.messageDelete('6', { uid: true });

    const back = client({ qresync: true });
    const expunged = [];
    back.on('expunge', event => expunged.push(event));
    const flagChanges = [];
    back.on('flags', event => flagChanges.push(event));
    await back.connect();
    const reopened = await back.mailboxOpen('INBOX', { changedSince: highest, uidValidity: validity });
    check('SELECT (QRESYNC ...) was used and accepted', reopened.qresync === true);
    check('VANISHED (EARLIER) names UID 6', expunged.some(e => e.uid === 6 && e.vanished && e.earlier),
        show(expunged));
    check('the changed flags of UID 3 arrive during SELECT',
        flagChanges.some(e => e.uid === 3 && e.flags.has('\\Seen')), show(flagChanges.map(e => [e.uid, [...e.flags]])));
    check('EXISTS counts what is left', reopened.exists === 5, String(reopened.exists));

    const changed = await back.fetchAll('1:*', { flags: true }, { uid: true, changedSince: highest });
    check('UID FETCH (CHANGEDSINCE ...) returns only UID 3', changed.length === 1 && changed[0].uid === 3,
        show(changed.map(m => m.uid)));

    // The laptop's offline change, made on the state it saw: refused, named in MODIFIED.
    const stored = await back.messageFlagsRemove('3', ['\\Flagged'], { uid: true, unchangedSince: before });
    const after = await back.fetchOne('3', { flags: true }, { uid: true });
    check('a conditional STORE leaves the message another client changed', after.flags.has('\\Flagged'),
        `${stored} ${show([...after.flags])}`);

    // Removed while the laptop is looking: a VANISHED without EARLIER.
    expunged.length = 0;
    await phone.messageDelete('1', { uid: true });
    await back.noop();
    check('VANISHED tells a removal as it happens', expunged.some(e => e.uid === 1 && e.vanished && !e.earlier),
        show(expunged));
    check('and the message count follows', back.mailbox.exists === 4, String(back.mailbox.exists));

    await phone.logout();
    await back.logout();
}

const timer = setTimeout(() => {
    console.log('FAIL the session did not finish in 60 s');
    process.exit(1);
}, 60000);
main().then(
    () => {
        clearTimeout(timer);
        process.exit(failures ? 1 : 0);
    },
    error => {
        clearTimeout(timer);
        console.log(`FAIL ${error.stack || error}`);
        process.exit(1);
    }
);
