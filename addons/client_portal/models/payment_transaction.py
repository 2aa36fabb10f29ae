from odoo import _, models

from .receivable_promise import get_portal_responsible


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _post_process(self):
        """A payment started from the statement and now done: the debtor's chatter says so,
        its collector gets an activity and the paid amount is logged on the statement link
        that brought the customer."""
        super()._post_process()
        done = self.filtered(lambda tx: tx.state == "done")
        if not done:
            return
        # sudo: post-processing runs for the public user or the cron; the events read and
        # written are those of these transactions only
        Event = self.env["receivable.portal.event"].sudo()
        started = Event.search(
            [
                ("kind", "=", "pay"),
                ("res_model", "=", self._name),
                ("res_id", "in", done.ids),
            ]
        )
        already = Event.search(
            [("kind", "=", "paid"), ("res_model", "=", self._name), ("res_id", "in", done.ids)]
        )
        for event in started.filtered(lambda event: event.res_id not in already.mapped("res_id")):
            # sudo: post-processing runs for the paying customer; the note and activity it
            # writes are the back office's
            tx = done.filtered(lambda tx, event=event: tx.id == event.res_id).sudo()
            self._receivable_portal_paid(tx, event)

    def _receivable_portal_paid(self, tx, event):
        debtor, company = event.partner_id, event.company_id
        summary = _(
            "Paid online from the portal: %(amount)s for %(invoices)s (transaction %(reference)s).",
            amount=tx.currency_id.format(tx.amount),
            invoices=", ".join(tx.invoice_ids.mapped("name")),
            reference=tx.reference,
        )
        debtor.message_post(
            body=summary,
            author_id=tx.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        responsible = get_portal_responsible(debtor, company)
        if responsible:
            debtor.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Paid online from the portal"),
                note=summary,
                user_id=responsible.id,
            )
        event.create(
            {
                "partner_id": debtor.id,
                "company_id": company.id,
                "kind": "paid",
                "link_id": event.link_id.id,
                "user_id": event.user_id.id,
                "amount": tx.amount,
                "currency_id": tx.currency_id.id,
                "res_model": tx._name,
                "res_id": tx.id,
            }
        )
