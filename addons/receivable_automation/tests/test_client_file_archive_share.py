import hashlib

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .test_client_file_circuit import PDF, ClientFileCommon, ClientFileSignatureCommon


def sha256(raw):
    return hashlib.sha256(raw).hexdigest()


@tagged("post_install", "-at_install")
class TestClientFileArchive(ClientFileCommon):
    """Approved documents of a client file land in the sealed archive, once."""

    def _archives(self, client_file):
        return self.env["receivable.archive"].search(
            [
                ("res_model", "=", "receivable.client.file.document"),
                ("res_id", "in", client_file.with_context(active_test=False).document_ids.ids),
            ]
        )

    def test_approved_document_is_archived_with_its_bytes(self):
        client_file = self._started_file()
        order = self._add(client_file, self.order_form, "order.pdf")
        self.assertFalse(self._archives(client_file), "a document to check is not archived")
        self._approve(order)
        archive = self._archives(client_file)
        self.assertEqual(len(archive), 1)
        self.assertEqual(archive.document_type_id, self.order_form)
        self.assertEqual(archive.partner_id, self.debtor)
        self.assertEqual(archive.sha256, sha256(PDF))
        self.assertEqual(archive.attachment_id.raw, PDF)
        self.assertNotEqual(archive.attachment_id, order.attachment_id, "its own sealed copy")

    def test_rejected_document_is_not_archived(self):
        client_file = self._started_file()
        order = self._add(client_file, self.order_form)
        with self.mock_mail_gateway():
            order.with_user(self.sales_manager)._reject("Unsigned order form")
        self.assertFalse(self._archives(client_file))

    def test_changed_document_is_archived_again_when_approved_again(self):
        client_file = self._started_file()
        order = self._add(client_file, self.order_form)
        self._approve(order)
        order.attachment_id.sudo().raw = b"%PDF-1.4\n% corrected order\n"
        self.assertEqual(order.state, "to_check", "the change re-opened the document")
        self._approve(order)
        archives = self._archives(client_file)
        self.assertEqual(len(archives), 2, "both versions are kept")
        self.assertEqual(
            set(archives.mapped("sha256")),
            {sha256(PDF), sha256(b"%PDF-1.4\n% corrected order\n")},
        )


@tagged("post_install", "-at_install")
class TestClientFileArchiveStep(ClientFileSignatureCommon):
    """The contract circuit's archive step: the signed contract once, the invoices queued."""

    def test_signed_contract_archived_once_and_invoices_queued(self):
        invoice = self._invoice(self.debtor, 1200.0)
        self.env["receivable.archive.queue"].sudo().search([("move_id", "=", invoice.id)]).unlink()
        client_file = self._file_at_signature()
        request = client_file.current_step_id.esign_request_id.sudo()
        customer, manager = request.signer_ids.sorted("sequence")
        self._sign(customer)
        self._sign(manager)
        self.assertEqual(client_file.state, "done", "the archive step approved itself")
        signed_bytes = request._get_signed_pdf_bytes()
        contracts = self.env["receivable.archive"].search(
            [("partner_id", "=", self.debtor.id), ("sha256", "=", sha256(signed_bytes))]
        )
        self.assertEqual(len(contracts), 1, "the signed contract is archived once")
        self.assertEqual(contracts.document_type_id, self.contract_type)
        self.assertTrue(
            self.env["receivable.archive.queue"].search([("move_id", "=", invoice.id)]),
            "the customer's invoice waits for the archive's cron",
        )


@tagged("post_install", "-at_install")
class TestClientFileSharing(ClientFileCommon):
    """A client file's documents are shared with colleagues and by link."""

    def test_share_documents_by_link_from_the_file(self):
        client_file = self._started_file()
        order = self._add(client_file, self.order_form, "order.pdf")
        action = client_file.with_user(self.salesperson).action_share_documents_by_link()
        wizard_form = Form(
            self.env[action["res_model"]]
            .with_user(self.salesperson)
            .with_context(action["context"])
        )
        wizard_form.recipient_name = "Maître Leroy"
        wizard_form.recipient_email = "leroy@lawyers.example.com"
        wizard = wizard_form.save()
        self.assertEqual(wizard.attachment_ids, order.attachment_id)
        with self.mock_mail_gateway():
            wizard.action_share()
        link = self.env["receivable.share.link"].search([("res_id", "=", client_file.id)])
        self.assertEqual(link.attachment_ids, order.attachment_id)
        mails = self._new_mails.filtered(lambda mail: "leroy@lawyers" in (mail.email_to or ""))
        self.assertEqual(len(mails), 1, "the lawyer got the link")

    def test_share_file_with_a_colleague(self):
        client_file = self._started_file()
        action = client_file.with_user(self.salesperson).action_share_with_colleagues()
        wizard_form = Form(
            self.env[action["res_model"]]
            .with_user(self.salesperson)
            .with_context(action["context"])
        )
        wizard_form.user_ids.add(self.sales_manager)
        wizard_form.note = "Technical details of the order for the workshop"
        wizard = wizard_form.save()
        wizard.action_share()
        self.assertIn(self.sales_manager.partner_id, client_file.message_partner_ids)
        activity = client_file.activity_ids.filtered(
            lambda a: a.user_id == self.sales_manager and "workshop" in (a.note or "")
        )
        self.assertTrue(activity)

    def test_salesperson_cannot_share_another_salespersons_file(self):
        client_file = self._started_file()
        self._add(client_file, self.order_form)
        with self.assertRaises(AccessError):
            client_file.with_user(self.other_salesperson).action_share_documents_by_link()

    def test_archive_entries_shared_with_an_auditor(self):
        client_file = self._started_file()
        self._approve(self._add(client_file, self.order_form))
        archive = self.env["receivable.archive"].search(
            [("res_model", "=", "receivable.client.file.document")]
        )
        action = archive.with_user(self.collector).action_share_by_link()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.collector)
            .with_context(action["context"])
            .create({"recipient_name": "Audit", "recipient_email": "audit@example.com"})
        )
        self.assertEqual(wizard.attachment_ids, archive.attachment_id)
        self.assertEqual(wizard.res_model, "receivable.archive")


@tagged("post_install", "-at_install")
class TestClientFileSignedOnThePublicPage(ClientFileSignatureCommon):
    def test_signing_on_the_public_page_is_not_authored_by_the_public_user(self):
        client_file = self._file_at_signature()
        request = client_file.current_step_id.esign_request_id.sudo()
        customer, manager = request.signer_ids.sorted("sequence")
        public = self.env.ref("base.public_user").sudo()
        for signer in (customer, manager):
            # as the public signing page does: the public user, elevated for the signer only
            self._sign(signer.with_user(public).sudo())
        self.assertEqual(request.state, "completed")
        client_file = client_file.sudo()
        messages = client_file.message_ids.filtered(lambda m: m.date >= request.date_sent)
        self.assertTrue(messages)
        self.assertNotIn(public.partner_id, messages.author_id)
        self.assertNotIn(public, client_file.activity_ids.create_uid)
        archive = self.env["receivable.archive"].search(
            [("res_model", "=", "esign.request"), ("res_id", "=", request.id)]
        )
        self.assertEqual(archive.archived_by_id, self.env.ref("base.user_root"))
