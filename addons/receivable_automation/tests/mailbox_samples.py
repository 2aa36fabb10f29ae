"""Raw e-mails as they reach the receivables mailbox, for the classification tests (and, after
the intake is merged, end to end through the alias). Placeholders: ``{to}`` the mailbox address,
``{message_id}`` the Message-Id of the reminder a delivery report quotes."""

_HEADERS = """From: Ann Accountant <ann@agrolait.example.com>
To: {to}
Date: Mon, 02 Mar 2026 09:00:00 +0100
MIME-Version: 1.0
"""
_TEXT = """Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
"""

PROMISE_FR = (
    _HEADERS
    + """Subject: RE: Relance facture
Message-Id: <promise-fr@agrolait.example.com>
"""
    + _TEXT
    + """
Bonjour,

Je vous confirme le règlement le 15/03 pour un montant de 1 234,56 €.

Cordialement,
Ann

Le lun. 23 févr. 2026 à 10:00, Credit <credit@company.example.com> a écrit :
> Montant dû : 2 000,00 € à régler avant le 01/02/2026.
"""
)

PROMISE_EN = (
    _HEADERS
    + """Subject: RE: Payment reminder
Message-Id: <promise-en@agrolait.example.com>
"""
    + _TEXT
    + """
Hello,

We will pay EUR 1,234.56 on the 15th of March.

Best regards,
Ann

On Mon, Feb 23, 2026 at 10:00 AM Credit <credit@company.example.com> wrote:
> Amount due: EUR 2,000.00, due on 2026-02-01.
"""
)

PROMISE_BAD_VALUES = (
    _HEADERS
    + """Subject: RE: Relance
Message-Id: <promise-bad@agrolait.example.com>
"""
    + _TEXT
    + """
Nous réglerons la facture le 31/02, comme convenu le 15/01/2026.
"""
)

DISPUTE_FR = (
    _HEADERS
    + """Subject: Facture erronée
Message-Id: <dispute-fr@agrolait.example.com>
"""
    + _TEXT
    + """
Bonjour,

Nous contestons cette facture : les quantités facturées ne correspondent pas à la livraison.
"""
)

DISPUTE_EN = (
    _HEADERS
    + """Subject: Your invoice
Message-Id: <dispute-en@agrolait.example.com>
"""
    + _TEXT
    + """
Hello,

We dispute this invoice: half of the goods arrived damaged.
"""
)

PAID_FR = (
    _HEADERS
    + """Subject: Avis de paiement
Message-Id: <paid-fr@agrolait.example.com>
"""
    + _TEXT
    + """
Bonjour,

Le virement a été effectué le 27/02/2026 pour un montant de 1 000,00 EUR.
"""
)

PAID_EN = (
    _HEADERS
    + """Subject: Remittance advice
Message-Id: <paid-en@agrolait.example.com>
"""
    + """Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

<p>Hello,</p><p>Please find our remittance advice: <b>EUR 1,000.00</b> was transferred on
2026-02-27.</p>
"""
)

QUESTION_FR = (
    _HEADERS
    + """Subject: Copie de facture
Message-Id: <question-fr@agrolait.example.com>
"""
    + _TEXT
    + """
Bonjour,

Pourriez-vous nous renvoyer la facture avec notre numéro de commande ?
"""
)

QUESTION_EN = (
    _HEADERS
    + """Subject: Invoice copy
Message-Id: <question-en@agrolait.example.com>
"""
    + _TEXT
    + """
Hello,

Could you send us a copy of the invoice with our purchase order number?
"""
)

OTHER_FR = (
    _HEADERS
    + """Subject: RE: Relance
Message-Id: <other-fr@agrolait.example.com>
"""
    + _TEXT
    + """
Bien reçu, merci.
"""
)

OUT_OF_OFFICE_HEADER = (
    _HEADERS
    + """Subject: Absence
Message-Id: <ooo-header@agrolait.example.com>
Auto-Submitted: auto-replied
"""
    + _TEXT
    + """
Bonjour, je serai de retour le 16 mars 2026.
"""
)

OUT_OF_OFFICE_EN = (
    _HEADERS
    + """Subject: Automatic reply: Payment reminder
Message-Id: <ooo-en@agrolait.example.com>
"""
    + _TEXT
    + """
I am out of the office until March 20 with limited access to e-mail.
"""
)

OUT_OF_OFFICE_FR_NO_DATE = (
    _HEADERS
    + """Subject: Absent du bureau
Message-Id: <ooo-fr@agrolait.example.com>
X-Autoreply: yes
"""
    + _TEXT
    + """
Je suis absente. Pour toute urgence, contactez l'accueil.
"""
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
