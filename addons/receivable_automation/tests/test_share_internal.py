from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import ReceivableCommon


@tagged("post_install", "-at_install")
class TestShareInternal(ReceivableCommon):
    """Sharing a record or one of its documents with colleagues: followers, activities with
    the note, and a line in the record's chatter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls.debtor, 900)
        cls.technician = new_test_user(
            cls.env,
            login="ra_technician",
            name="Tina Technician",
            groups="receivable_automation.group_receivable_user",
            company_id=cls.company.id,
        )
        cls.order_detail = cls.env["ir.attachment"].create(
            {
                "name": "order-detail.pdf",
                "raw": b"%PDF-1.4 order detail",
                "res_model": "account.move",
                "res_id": cls.invoice.id,
            }
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Technical Department",
                "company_id": cls.company.id,
                "member_ids": [Command.set((cls.technician | cls.manager).ids)],
            }
        )

    def _form(self, user, model, record_id):
        wizard_model = self.env["receivable.share.internal.wizard"].with_user(user)
        return Form(wizard_model.with_context(active_model=model, active_id=record_id))

    def _activities(self, record, user):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("user_id", "=", user.id),
            ]
        )

    def test_share_invoice_with_colleagues_from_the_form(self):
        form = self._form(self.collector, "account.move", self.invoice.id)
        self.assertEqual(form.record_name, self.invoice.display_name)
        form.user_ids.add(self.technician)
        form.user_ids.add(self.manager)
        form.note = "Pass this order detail to the technical department."
        action = form.save().action_share()
        self.assertEqual(action["params"]["next"]["type"], "ir.actions.act_window_close")
        followers = self.invoice.message_partner_ids
        self.assertIn(self.technician.partner_id, followers)
        self.assertIn(self.manager.partner_id, followers)
        for user in (self.technician, self.manager):
            activity = self._activities(self.invoice, user)
            self.assertEqual(len(activity), 1)
            self.assertIn("technical department", activity.note)
            todo = self.env.ref("mail.mail_activity_data_todo")
            self.assertEqual(activity.activity_type_id, todo)
            self.assertEqual(activity.create_uid, self.collector)
        message = self.invoice.message_ids[0]
        self.assertIn("Colin Collector shared this with", message.body)
        self.assertIn("Tina Technician", message.body)
        self.assertIn("Mona Manager", message.body)
        self.assertIn("technical department", message.body)
        self.assertEqual(message.author_id, self.collector.partner_id)

    def test_share_with_a_sales_team(self):
        form = self._form(self.collector, "account.move", self.invoice.id)
        form.team_id = self.team
        form.note = "Check the delivery."
        form.save().action_share()
        self.assertTrue(self._activities(self.invoice, self.technician))
        self.assertTrue(self._activities(self.invoice, self.manager))

    def test_share_a_document_names_it(self):
        form = self._form(self.collector, "ir.attachment", self.order_detail.id)
        self.assertIn("order-detail.pdf", form.record_name)
        form.user_ids.add(self.technician)
        form.save().action_share()
        activity = self._activities(self.invoice, self.technician)
        self.assertIn("order-detail.pdf", activity.summary)
        self.assertIn("order-detail.pdf", self.invoice.message_ids[0].body)

    def test_nobody_chosen_is_refused(self):
        wizard = self._form(self.collector, "account.move", self.invoice.id).save()
        with self.assertRaisesRegex(UserError, "at least one colleague"):
            wizard.action_share()

    def test_colleague_of_another_company_is_refused_clearly(self):
        other_company = self.env["res.company"].create({"name": "Other Internal Co"})
        outsider = new_test_user(
            self.env,
            login="ra_internal_outsider",
            name="Otto Outsider",
            groups="receivable_automation.group_receivable_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        form = self._form(self.collector, "account.move", self.invoice.id)
        form.user_ids.add(outsider)
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "Otto Outsider cannot open"):
            wizard.action_share()
        self.assertFalse(self._activities(self.invoice, outsider))

    def test_team_members_without_access_are_left_out(self):
        self.team.member_ids = [Command.link(self.salesperson.id)]  # no accounting rights
        form = self._form(self.collector, "account.move", self.invoice.id)
        form.team_id = self.team
        form.save().action_share()
        self.assertFalse(self._activities(self.invoice, self.salesperson))
        self.assertTrue(self._activities(self.invoice, self.technician))
        self.assertNotIn("Sally Sales", self.invoice.message_ids[0].body)

    def test_user_who_cannot_read_the_record_cannot_share_it(self):
        wizard = (
            self.env["receivable.share.internal.wizard"]
            .with_user(self.salesperson)
            .create(
                {
                    "res_model": "account.move",
                    "res_id": self.invoice.id,
                    "user_ids": [Command.set(self.technician.ids)],
                }
            )
        )
        with self.assertRaises(AccessError):
            wizard.action_share()
        self.assertFalse(self._activities(self.invoice, self.technician))

    def test_document_without_record_is_refused(self):
        loose = (
            self.env["ir.attachment"]
            .with_user(self.collector)
            .create({"name": "loose.txt", "raw": b"loose"})
        )
        form = self._form(self.collector, "ir.attachment", loose.id)
        form.user_ids.add(self.technician)
        with self.assertRaisesRegex(UserError, "Share it by link instead"):
            form.save().action_share()
