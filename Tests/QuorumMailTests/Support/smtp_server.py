#!/usr/bin/python3
"""A real SMTP server for Quorum's mail tests (aiosmtpd), on a free loopback port.

Prints the port on its first line, then serves until killed. Each accepted
message is written to DIR/NNNN.eml, with its envelope in DIR/NNNN.json.

  --temporary-failures N   answer the first N messages with 451 (then 250)
  --reject                 answer every message with 554
  --delay SECONDS          wait this long before answering DATA (a slow server)
  --user U --password P    require AUTH with these credentials
  --starttls CERT KEY      offer STARTTLS with this certificate, and require it
  --implicit-tls CERT KEY  speak TLS from the first byte (smtps)
"""
import argparse
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--temporary-failures", type=int, default=0)
    parser.add_argument("--reject", action="store_true")
    parser.add_argument("--delay", type=float, default=0)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--starttls", nargs=2)
    parser.add_argument("--implicit-tls", nargs=2)
    options = parser.parse_args()

    state = {"data_commands": 0, "stored": 0}

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            state["data_commands"] += 1
            with open(os.path.join(options.dir, "data.log"), "a") as log:
                log.write("DATA %d\n" % state["data_commands"])
            if options.delay:
                await asyncio.sleep(options.delay)
            if options.reject:
                return "554 5.7.1 message refused"
            if state["data_commands"] <= options.temporary_failures:
                return "451 4.3.0 try again later"
            state["stored"] += 1
            base = os.path.join(options.dir, "%04d" % state["stored"])
            with open(base + ".eml.tmp", "wb") as f:
                f.write(envelope.original_content)
            with open(base + ".json", "w") as f:
                json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                           "login": session.auth_data.login.decode() if session.auth_data else None}, f)
            os.rename(base + ".eml.tmp", base + ".eml")
            return "250 2.0.0 stored"

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == options.user and auth_data.password.decode() == options.password
        # handled=False: aiosmtpd answers 535 itself when the credentials are wrong.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    def context(pair):
        if not pair:
            return None
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(*pair)
        return tls

    starttls = context(options.starttls)
    implicit = context(options.implicit_tls)

    def factory():
        arguments = {}
        if options.user:
            arguments.update(authenticator=authenticate, auth_require_tls=False, auth_required=True)
        if starttls:
            arguments.update(tls_context=starttls, require_starttls=True)
        return SMTP(Handler(), **arguments)

    async def serve():
        server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0, ssl=implicit)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
