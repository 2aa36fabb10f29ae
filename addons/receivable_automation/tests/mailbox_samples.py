"""Raw e-mails as they reach the receivables mailbox, for the classification tests (and, after
the intake is merged, end to end through the alias). Placeholders: ``{to}`` the mailbox address,
``{message_id}`` the Message-Id of the reminder a delivery report quotes."""


def _customer_email(subject, message_id, body, content_type="text/plain", headers=""):
    """An e-mail of Ann, Agrolait's accountant, to the mailbox."""
    extra = f"{headers}\n" if headers else ""
    return f"""From: Ann Accountant <ann@agrolait.example.com>
To: {{to}}
Date: Mon, 02 Mar 2026 09:00:00 +0100
MIME-Version: 1.0
Subject: {subject}
Message-Id: <{message_id}>
{extra}Content-Type: {content_type}; charset=utf-8
Content-Transfer-Encoding: 8bit

{body}"""


PROMISE_FR = _customer_email(
    "RE: Relance facture",
    "promise-fr@agrolait.example.com",
    """Bonjour,

Je vous confirme le règlement le 15/03 pour un montant de 1 234,56 €.

Cordialement,
Ann

Le lun. 23 févr. 2026 à 10:00, Credit <credit@company.example.com> a écrit :
> Montant dû : 2 000,00 € à régler avant le 01/02/2026.
""",
)

PROMISE_EN = _customer_email(
    "RE: Payment reminder",
    "promise-en@agrolait.example.com",
    """Hello,

We will pay EUR 1,234.56 on the 15th of March.

Best regards,
Ann

On Mon, Feb 23, 2026 at 10:00 AM Credit <credit@company.example.com> wrote:
> Amount due: EUR 2,000.00, due on 2026-02-01.
""",
)

PROMISE_BAD_VALUES = _customer_email(
    "RE: Relance",
    "promise-bad@agrolait.example.com",
    """Nous réglerons la facture le 31/02, comme convenu le 15/01/2026.
""",
)

DISPUTE_FR = _customer_email(
    "Facture erronée",
    "dispute-fr@agrolait.example.com",
    """Bonjour,

Nous contestons cette facture : les quantités facturées ne correspondent pas à la livraison.
""",
)

DISPUTE_EN = _customer_email(
    "Your invoice",
    "dispute-en@agrolait.example.com",
    """Hello,

We dispute this invoice: half of the goods arrived damaged.
""",
)

PAID_FR = _customer_email(
    "Avis de paiement",
    "paid-fr@agrolait.example.com",
    """Bonjour,

Le virement a été effectué le 27/02/2026 pour un montant de 1 000,00 EUR.
""",
)

PAID_EN = _customer_email(
    "Remittance advice",
    "paid-en@agrolait.example.com",
    """<p>Hello,</p><p>Please find our remittance advice: <b>EUR 1,000.00</b> was transferred on
2026-02-27.</p>
""",
    content_type="text/html",
)

QUESTION_FR = _customer_email(
    "Copie de facture",
    "question-fr@agrolait.example.com",
    """Bonjour,

Pourriez-vous nous renvoyer la facture avec notre numéro de commande ?
""",
)

QUESTION_EN = _customer_email(
    "Invoice copy",
    "question-en@agrolait.example.com",
    """Hello,

Could you send us a copy of the invoice with our purchase order number?
""",
)

OTHER_FR = _customer_email(
    "RE: Relance",
    "other-fr@agrolait.example.com",
    """Bien reçu, merci.
""",
)

OUT_OF_OFFICE_HEADER = _customer_email(
    "Absence",
    "ooo-header@agrolait.example.com",
    """Bonjour, je serai de retour le 16 mars 2026.
""",
    headers="Auto-Submitted: auto-replied",
)

OUT_OF_OFFICE_EN = _customer_email(
    "Automatic reply: Payment reminder",
    "ooo-en@agrolait.example.com",
    """I am out of the office until March 20 with limited access to e-mail.
""",
)

OUT_OF_OFFICE_FR_NO_DATE = _customer_email(
    "Absent du bureau",
    "ooo-fr@agrolait.example.com",
    """Je suis absente. Pour toute urgence, contactez l'accueil.
""",
    headers="X-Autoreply: yes",
)

BOUNCE_DSN = """From: Mail Delivery System <MAILER-DAEMON@mx.company.example.com>
To: {to}
Date: Mon, 12 Jan 2026 09:00:00 +0100
Subject: Undelivered Mail Returned to Sender
Message-Id: <dsn-1@mx.company.example.com>
MIME-Version: 1.0
Auto-Submitted: auto-replied
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.company.example.com.
I'm sorry to have to inform you that your message could not be delivered.

<ann@agrolait.example.com>: host mx.agrolait.example.com said: 550 5.1.1 User unknown

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.company.example.com

Final-Recipient: rfc822; ann@agrolait.example.com
Action: failed
Status: 5.1.1

--BOUNDARY
Content-Type: text/rfc822-headers

From: credit@company.example.com
To: ann@agrolait.example.com
Subject: Payment reminder
Message-Id: {message_id}

--BOUNDARY--
"""

BOUNCE_PLAIN = """From: Exchange Online <no-reply@mx.agrolait.example.com>
To: {to}
Date: Mon, 12 Jan 2026 09:00:00 +0100
Subject: Undeliverable: Payment reminder
Message-Id: <ndr-1@mx.agrolait.example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Your message to ann@agrolait.example.com couldn't be delivered.
ann wasn't found at agrolait.example.com.
"""
