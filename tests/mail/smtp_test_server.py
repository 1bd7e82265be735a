#!/usr/bin/python3
"""A real SMTP server for the mail tests, on 127.0.0.1 only (Debian's python3-aiosmtpd).

Prints "PORT <n>" on stdout once listening (port 0 = the kernel picks a free one), then
serves until SIGTERM. Every accepted message is saved in --spool as <n>.eml (the DATA bytes
as received, dot-unstuffed) with <n>.json (envelope: from, recipients). Each new connection
appends a line to <spool>/connections.log, so a test can check that a batch used one.

Options:
  --tls-cert/--tls-key   offer STARTTLS (and require it with --require-starttls)
  --implicit-tls         TLS from the first byte (smtps://) with the same certificate
  --user/--password      require AUTH (PLAIN or LOGIN) with these credentials
  --reject ADDR          answer 550 to RCPT TO:<ADDR> (repeatable)
  --defer ADDR           answer 451 to RCPT TO:<ADDR> (repeatable)
  --discard              keep nothing (benchmarks: measure the sending, not the disk)
  --data-delay S         wait S seconds after saving a message before answering 250,
  --delay-count N        ... for the first N messages only (default: all)
"""
import argparse
import logging
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--spool", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--require-starttls", action="store_true")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--defer", action="append", default=[])
    p.add_argument("--discard", action="store_true")
    p.add_argument("--data-delay", type=float, default=0.0)
    p.add_argument("--delay-count", type=int, default=-1)
    return p.parse_args()


class Handler:
    def __init__(self, args):
        self.args = args
        self.count = 0
        self.delayed = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.args.reject:
            return "550 5.1.1 <%s>: Recipient address rejected: unknown user" % address
        if address in self.args.defer:
            return "451 4.3.0 <%s>: Temporary failure, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        if self.args.discard:
            return "250 2.0.0 Ok: queued as T%d" % self.count
        base = os.path.join(self.args.spool, str(self.count))
        # Written to a temporary name, then renamed: a test polling the folder never sees
        # half a message.
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.content)
        with open(base + ".json.tmp", "w") as f:
            json.dump({"from": envelope.mail_from, "rcpt": envelope.rcpt_tos}, f)
        os.rename(base + ".json.tmp", base + ".json")
        os.rename(base + ".eml.tmp", base + ".eml")
        if self.args.data_delay > 0 and (self.args.delay_count < 0 or self.delayed < self.args.delay_count):
            self.delayed += 1
            await asyncio.sleep(self.args.data_delay)
        return "250 2.0.0 Ok: queued as T%d" % self.count


def main():
    # aiosmtpd 1.4 logs a warning about its own legacy attribute on every login.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    args = parse_args()
    os.makedirs(args.spool, exist_ok=True)
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == (args.user or "").encode()
              and auth_data.password == (args.password or "").encode())
        # handled=False: let aiosmtpd answer 535 itself on a failure.
        return AuthResult(success=ok, handled=False)

    handler = Handler(args)
    log_path = os.path.join(args.spool, "connections.log")

    class CountingSMTP(SMTP):
        def connection_made(self, transport):
            # aiosmtpd calls this again on the same connection after STARTTLS.
            if getattr(self, "_original_transport", None) is None:
                with open(log_path, "a") as f:
                    f.write("connection\n")
            super().connection_made(transport)

    def factory():
        return CountingSMTP(
            handler,
            hostname="ipt-test.local",
            tls_context=None if args.implicit_tls else tls,
            require_starttls=args.require_starttls and not args.implicit_tls,
            auth_required=bool(args.user),
            # Login over plain text only matters on loopback; implicit TLS counts as TLS.
            auth_require_tls=not args.implicit_tls and tls is not None,
            authenticator=authenticator if args.user else None,
        )

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(factory, "127.0.0.1", args.port, ssl=tls if args.implicit_tls else None))
    port = server.sockets[0].getsockname()[1]
    print("PORT %d" % port, flush=True)
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.add_signal_handler(signal.SIGINT, loop.stop)

    # A test killed by a timeout cannot stop us: leave when our parent is gone.
    parent = os.getppid()

    def watch_parent():
        if os.getppid() != parent:
            loop.stop()
        else:
            loop.call_later(0.5, watch_parent)

    loop.call_later(0.5, watch_parent)
    try:
        loop.run_forever()
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
