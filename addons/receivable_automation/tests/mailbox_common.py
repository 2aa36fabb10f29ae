"""Raw e-mails for the receivables mailbox, and a base class that feeds them to Odoo's mail
gateway (``mail.thread.message_process``) as the fetchmail server would."""

from odoo.addons.receivable_automation.tests.common import ReceivableCommon

# A plain text e-mail; ``extra`` holds more headers (In-Reply-To, References...), one a line.
MAIL_TEXT = """\
Return-Path: <{email_from}>
From: {email_from}
To: {to}
Subject: {subject}
Date: Mon, 02 Feb 2026 10:12:54 +0100
Message-ID: {msg_id}
{extra}MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""

# Headers of a multipart e-mail; its parts follow, each starting with "--BOUNDARY".
MULTIPART_HEAD = """\
From: {email_from}
To: {to}
Subject: {subject}
Message-ID: {msg_id}
{extra}MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="BOUNDARY"

"""
PART_HTML = """\
--BOUNDARY
Content-Type: text/html; charset="utf-8"

<p>{body}</p>
"""
PART_PDF = """\
--BOUNDARY
Content-Type: application/pdf; name="remittance.pdf"
Content-Disposition: attachment; filename="remittance.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSPj4Kc3RyZWFtCg==
"""
PART_PNG = """\
--BOUNDARY
Content-Type: image/png; name="scan.png"
Content-Disposition: attachment; filename="scan.png"
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==
"""
MULTIPART_END = "--BOUNDARY--\n"

# An HTML e-mail with a PDF attached.
MAIL_WITH_ATTACHMENT = MULTIPART_HEAD + PART_HTML + PART_PDF + MULTIPART_END

# Only an attachment: no text part at all.
MAIL_ATTACHMENT_ONLY = MULTIPART_HEAD + PART_PNG + MULTIPART_END

# Headers that no parser likes: folded garbage, a broken date, an unterminated encoded word.
MAIL_MALFORMED = """\
From: {email_from}
To: {to}
Subject: =?utf-8?q?Unterminated_=E9
Date: yesterday at noon-ish
Message-ID: {msg_id}
Content-Type: text/plain; charset="no-such-charset"
X-Broken:
 : : :
MIME-Version: 1.0

{body}
"""

# Nothing but the headers the gateway needs.
MAIL_EMPTY = """\
From: {email_from}
To: {to}
Message-ID: {msg_id}

"""

# Bytes: latin-1 text declared as UTF-8, and 8-bit text without any charset.
MAIL_LATIN1_AS_UTF8 = (
    b"From: {email_from}\n"
    b"To: {to}\n"
    b"Subject: Facture {invoice}\n"
    b"Message-ID: {msg_id}\n"
    b"MIME-Version: 1.0\n"
    b'Content-Type: text/plain; charset="utf-8"\n'
    b"Content-Transfer-Encoding: 8bit\n"
    b"\n"
    b"Bonjour, la facture {invoice} a \xe9t\xe9 r\xe9gl\xe9e le 3 f\xe9vrier.\n"
)
MAIL_UNDECLARED_8BIT = (
    b"From: {email_from}\n"
    b"To: {to}\n"
    b"Subject: R\xe9clamation {invoice}\n"
    b"Message-ID: {msg_id}\n"
    b"\n"
    b"Le montant de {invoice} est erron\xe9.\n"
)


class MailboxCommon(ReceivableCommon):
    """The test company with a mail domain (so its receivables mailbox receives e-mails)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "company.example.com", "catchall_alias": "catchall", "bounce_alias": "bounce"}
        )
        cls.company.alias_domain_id = cls.alias_domain
        cls.mailbox = cls.company._receivable_get_mailbox_email()
        cls.msg_counter = 0

    @classmethod
    def _msg_id(cls):
        cls.msg_counter += 1
        return f"<mailbox-test-{cls.msg_counter}@customer.example.com>"

    def _receive(
        self,
        template=MAIL_TEXT,
        email_from="Ann <ann@agrolait.example.com>",
        to=None,
        subject="A question",
        body="Hello",
        extra="",
        **kwargs,
    ):
        """Feed one e-mail to the gateway; returns the inquiries it created or updated."""
        values = {
            "email_from": email_from,
            "to": to or self.mailbox,
            "subject": subject,
            "body": body,
            "extra": extra,
            "msg_id": kwargs.pop("msg_id", None) or self._msg_id(),
            **kwargs,
        }
        if isinstance(template, bytes):
            raw = template
            for key, value in values.items():
                raw = raw.replace(b"{%s}" % key.encode(), str(value).encode())
        else:
            raw = template.format(**values)
        before = self.env["receivable.inquiry"].search([]).ids
        # the fetchmail server processes e-mails as the superuser
        with self.mock_mail_gateway():
            self.env["mail.thread"].sudo().message_process(False, raw)
        self.env.invalidate_all()
        return self.env["receivable.inquiry"].search(
            [("id", "not in", before), ("source", "=", "email")]
        ) or self.env["receivable.inquiry"].search(
            [("message_ids.message_id", "=", values["msg_id"])]
        )
