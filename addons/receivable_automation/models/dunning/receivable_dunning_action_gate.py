from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount


class ReceivableDunningAction(models.Model):
    """The safety gate a reminder passes before it goes out: shown on the reminder while it
    waits (preview, to send, to validate) and checked again when it is sent. Something that
    may mean the debtor owes less, or is being dealt with, holds the reminder; the rest warns.
    """

    _inherit = "receivable.dunning.action"

    gate_warning = fields.Text(
        "Before Sending",
        compute="_compute_gate",
        help="What was found since the reminder was prepared; a line starting with a stop "
        "sign holds it until someone looks.",
    )
    gate_blocking = fields.Boolean("Held by the Safety Gate", compute="_compute_gate")

    @api.depends_context("uid")
    def _compute_gate(self):
        waiting = self.filtered(
            lambda action: action.state in ("preview", "pending", "to_validate", "failed")
        )
        findings = waiting._check_gate() if waiting else {}
        for action in self:
            found = findings.get(action.id, [])
            action.gate_blocking = any(blocking for blocking, _sentence in found)
            action.gate_warning = (
                "\n".join(("⛔ " if blocking else "⚠ ") + sentence for blocking, sentence in found)
                or False
            )

    def _check_gate(self):
        """{reminder id: [(blocking, sentence)]}, in a few queries for the whole batch."""
        findings = defaultdict(list)
        for check in (
            self._gate_new_holds,
            self._gate_unmatched_payments,
            self._gate_bank_lines,
            self._gate_unreachable_contacts,
            self._gate_failed_reminders,
            self._gate_online_payment,
        ):
            for action_id, blocking, sentence in check():
                findings[action_id].append((blocking, sentence))
        return findings

    def _gate_new_holds(self):
        """A hold that the reminder did not take into account when it was prepared: on the
        debtor or one of its invoices, or a larger amount held on an invoice (a dispute opened
        or grown since). The debtor is being dealt with."""
        holds = self.env["receivable.dunning.hold"].search(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("is_effective", "=", True),
            ]
        )
        for action in self:
            action_holds = holds.filtered(
                lambda hold, action=action: hold.partner_id == action.partner_id
                and hold.company_id == action.company_id
                and (not hold.move_id or hold.move_id in action.line_ids.move_id)
            )
            for hold in action_holds.filtered(lambda hold: not hold.amount):
                yield action.id, True, _("Reminders held: %s.", hold.display_name)
            for move, amount_holds in action_holds.filtered("amount").grouped("move_id").items():
                deducted = sum(
                    action.line_ids.filtered(lambda line, move=move: line.move_id == move).mapped(
                        "amount_disputed"
                    )
                )
                if (
                    move.currency_id.compare_amounts(sum(amount_holds.mapped("amount")), deducted)
                    > 0
                ):
                    yield (
                        action.id,
                        True,
                        _("More of %s is held than when it was prepared.", move.display_name),
                    )

    def _gate_unmatched_payments(self):
        """The debtor has more to its credit (payments, credit notes not matched yet) than when
        the reminder was prepared."""
        credits = self.env["account.move.line"]._read_group(
            [
                ("partner_id", "child_of", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "<", 0),
            ],
            ["partner_id", "company_id"],
            ["amount_residual:sum"],
        )
        credit_by_debtor = defaultdict(float)
        for partner, company, amount in credits:
            credit_by_debtor[partner.commercial_partner_id, company] -= amount
        for action in self:
            credit = credit_by_debtor[action.partner_id, action.company_id]
            if action.currency_id.compare_amounts(credit, action.debtor_credit) > 0:
                yield (
                    action.id,
                    True,
                    _(
                        "The debtor has %(credit)s to its credit (payments or credit notes not "
                        "matched yet), %(counted)s when the reminder was prepared: match them "
                        "with the invoices first.",
                        credit=format_amount(self.env, credit, action.currency_id),
                        counted=format_amount(self.env, action.debtor_credit, action.currency_id),
                    ),
                )

    def _gate_bank_lines(self):
        """Money received on the bank and not matched yet that looks like the debtor's: from
        it, or of the amount left on one of the reminder's invoices."""
        lines = self.env["account.bank.statement.line"].search(
            [
                ("company_id", "in", self.company_id.ids),
                ("is_reconciled", "=", False),
                ("amount", ">", 0),
            ]
        )
        for action in self:
            residuals = {
                round(residual, 2) for residual in action.line_ids.move_id.mapped("amount_residual")
            }
            for line in lines.filtered(
                lambda line, action=action: line.company_id == action.company_id
            ):
                from_debtor = line.partner_id.commercial_partner_id == action.partner_id
                if from_debtor or round(line.amount, 2) in residuals:
                    yield (
                        action.id,
                        from_debtor,
                        _(
                            "A bank receipt of %(amount)s (%(label)s) is not matched yet and may "
                            "be this debtor's.",
                            amount=format_amount(self.env, line.amount, line.currency_id),
                            label=line.payment_ref or line.partner_id.display_name or "",
                        ),
                    )

    def _gate_unreachable_contacts(self):
        """Channels the level asks for that cannot reach anyone, and bounced addresses."""
        for action in self:
            level = action.level_id
            contacts = action.partner_id._get_dunning_contacts()
            names = ", ".join(contacts.mapped("name"))
            if level.send_email:
                with_email = contacts.filtered("email_normalized")
                if not with_email:
                    yield action.id, False, _("No e-mail address for %s.", names)
                for contact in with_email.filtered("message_bounce"):
                    yield (
                        action.id,
                        False,
                        _(
                            "E-mails to %(contact)s bounced %(count)s time(s).",
                            contact=contact.email,
                            count=contact.message_bounce,
                        ),
                    )
            if level.send_sms and not contacts.filtered(lambda c: c.mobile or c.phone):
                yield action.id, False, _("No mobile number for %s.", names)

    def _gate_failed_reminders(self):
        failed = self.search(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("state", "=", "failed"),
                ("id", "not in", self.ids),
            ]
        )
        for action in self:
            for other in failed.filtered(
                lambda other, action=action: other.partner_id == action.partner_id
            ):
                yield (
                    action.id,
                    False,
                    _(
                        "An earlier reminder to this debtor failed (%(name)s): %(error)s",
                        name=other.name,
                        error=other.error_message or "",
                    ),
                )

    def _gate_online_payment(self):
        """The company takes no payment online: the reminder's links only show the invoices
        (the debtor reads "View invoice", never a "Pay online" that leads nowhere)."""
        for action in self.filtered(lambda action: not action.online_payment):
            level = action.level_id
            if level.send_email or level.send_sms or level.send_letter or level.send_post:
                yield (
                    action.id,
                    False,
                    _(
                        "%s takes no payment online: the reminder's links let the debtor see "
                        "its invoices, not pay them. Enable a payment provider in Invoicing > "
                        "Configuration > Online Payments > Payment Providers.",
                        action.company_id.name,
                    ),
                )

    # ------------------------------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------------------------------

    def action_validate(self):
        blocked = self.filtered(
            lambda action: action.state in ("to_validate", "failed") and action.gate_blocking
        )
        if blocked:
            raise UserError(
                _(
                    "%(reminder)s is held by the safety gate:\n%(reasons)s\nDeal with it first, "
                    "or cancel the reminder.",
                    reminder=blocked[0].name,
                    reasons=blocked[0].gate_warning,
                )
            )
        super().action_validate()
        return self._notify_not_sent()

    def _notify_not_sent(self):
        """Say what happened to the reminders that did not go out, right where they were
        validated; they stay in To Validate with the reason."""
        not_sent = self.filtered(lambda action: action.state in ("failed", "to_validate"))
        if not not_sent:
            return True
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("%s reminder(s) not sent", len(not_sent)),
                "message": "\n".join(
                    f"{action.name}: {action.error_message or ''}" for action in not_sent
                ),
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _send(self):
        """Reminders that the gate holds wait for a collector instead of going out."""
        pending = self.filtered(lambda action: action.state == "pending")
        findings = pending._check_gate() if pending else {}
        held = pending.filtered(
            lambda action: any(blocking for blocking, _sentence in findings.get(action.id, []))
        )
        for action in held:
            action.write(
                {
                    "state": "to_validate",
                    "error_message": _(
                        "Held before sending:\n%s",
                        "\n".join(
                            sentence for blocking, sentence in findings[action.id] if blocking
                        ),
                    ),
                }
            )
        return super(ReceivableDunningAction, self - held)._send()
