from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

DEMO_EMAIL = """\
From: {sender}
To: receivables@company.example.com
Subject: {subject}
Date: {date}
Message-Id: <{message_id}@demo.example.com>
{headers}MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    def _receivable_load_demo_mailbox(self):
        """E-mails of the demo's customers, received by the receivables mailbox through Odoo's
        mail gateway as a mail server would hand them over: a promise, a remittance advice, an
        out-of-office reply, a dispute and an unknown sender left to triage."""
        martin = self.env.ref("receivable_automation.demo_invoice_martin_2", False)
        if not martin or self.env["receivable.inquiry"].search_count([("source", "=", "email")]):
            return
        company = self.env.ref("base.main_company")
        today = fields.Date.context_today(self)
        Thread = self.env["mail.thread"].with_context(mail_notify_force_send=False)
        for values in self._receivable_demo_emails(today):
            raw = DEMO_EMAIL.format(
                date=fields.Datetime.now().strftime("%a, %d %b %Y %H:%M:%S +0000"), **values
            )
            Thread.message_process(
                "receivable.inquiry", raw, custom_values={"company_id": company.id}
            )

    def _receivable_demo_emails(self, today):
        def invoice(name):
            return self.env.ref(f"receivable_automation.demo_invoice_{name}").name

        def day(days):
            return (today + relativedelta(days=days)).strftime("%d/%m/%Y")

        return [
            {
                "sender": "Claire Martin <claire.martin@boulangerie-martin.example.com>",
                "subject": f"RE: Relance facture {invoice('martin_2')}",
                "message_id": "demo-promise",
                "headers": "",
                "body": f"Bonjour,\n\nJe vous confirme le règlement de la facture "
                f"{invoice('martin_2')} le {day(6)} pour un montant de 560,00 €.\n\n"
                "Cordialement,\nClaire Martin",
            },
            {
                "sender": "Sarah Collins <sarah.collins@northwind.example.com>",
                "subject": "Remittance advice",
                "message_id": "demo-remittance",
                "headers": "",
                "body": "Hello,\n\nPlease find our remittance advice: EUR 1,250.00 was "
                f"transferred on {(today - relativedelta(days=1)).isoformat()} for "
                f"{invoice('northwind_2')}.\n\nKind regards,\nSarah Collins",
            },
            {
                "sender": "Atelier Dupont <compta@atelier-dupont.example.com>",
                "subject": "Absence",
                "message_id": "demo-out-of-office",
                "headers": "Auto-Submitted: auto-replied\n",
                "body": f"Bonjour, je suis absent du bureau et serai de retour le {day(7)}.",
            },
            {
                "sender": "Comptabilité Batisud <compta@batisud.example.com>",
                "subject": f"Facture {invoice('batisud_2')} contestée",
                "message_id": "demo-dispute",
                "headers": "",
                "body": f"Bonjour,\n\nNous contestons la facture {invoice('batisud_2')} : "
                "les quantités facturées ne correspondent pas à la livraison.\n\n"
                "Service comptable",
            },
            {
                "sender": "Paul Lefèvre <paul.lefevre78@gmail.com>",
                "subject": "Question sur une facture",
                "message_id": "demo-triage",
                "headers": "",
                "body": "Bonjour,\n\nPourriez-vous me renvoyer la dernière facture de mon "
                "entreprise ? Je ne la retrouve pas.\n\nPaul Lefèvre",
            },
        ]
