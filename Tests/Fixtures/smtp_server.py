"""An SMTP server on 127.0.0.1 for the alert tests: aiosmtpd keeping each message in a maildir.

    python smtp_server.py PORT MAILDIR [LOGIN]

With LOGIN, AUTH is required (over plain SMTP, as on a relay of this machine) and the password
is read from the SMTP_PASSWORD environment variable.
"""
import os
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

port, maildir = int(sys.argv[1]), sys.argv[2]
login = sys.argv[3] if len(sys.argv) > 3 else None
password = os.environ.get("SMTP_PASSWORD", "")


def authenticator(server, session, envelope, mechanism, data):
    good = isinstance(data, LoginPassword) and data.login == login.encode() and data.password == password.encode()
    return AuthResult(success=good)


options = {"authenticator": authenticator, "auth_required": True, "auth_require_tls": False} if login else {}
controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=port, **options)
controller.start()
threading.Event().wait()
