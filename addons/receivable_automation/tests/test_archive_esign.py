from odoo.tests import tagged

from odoo.addons.esign.tests.common import EsignCase

from .archive_common import sha256_hex


@tagged("post_install", "-at_install")
class TestArchiveSignedContract(EsignCase):
    def test_signed_contract_is_archived_for_the_first_signers_company(self):
        """When the last signer signs, the signed PDF is archived as a contract of the
        customer's company (the first signer), with the exact signed bytes."""
        company_partner = self.env["res.partner"].create(
            {"name": "Carla's Company", "is_company": True}
        )
        self.customer.parent_id = company_partner
        request = self._sent_request()
        customer_signer, manager_signer = request.signer_ids.sorted("sequence")
        self.assertFalse(self._sign(customer_signer))
        Archive = self.env["receivable.archive"]
        self.assertFalse(
            Archive.search([("res_model", "=", "esign.request"), ("res_id", "=", request.id)])
        )
        self.assertFalse(self._sign(manager_signer))
        self.assertEqual(request.state, "completed")
        archive = Archive.search([("res_model", "=", "esign.request"), ("res_id", "=", request.id)])
        self.assertEqual(len(archive), 1)
        self.assertEqual(
            archive.document_type_id, self.env.ref("receivable_automation.document_type_contract")
        )
        self.assertEqual(archive.partner_id, company_partner)
        self.assertEqual(archive.company_id, request.company_id)
        signed = request._get_signed_pdf_bytes()
        self.assertEqual(archive.sha256, request.signed_sha256)
        self.assertEqual(archive.sha256, sha256_hex(signed))
        self.assertEqual(archive.attachment_id.raw, signed)
        self.assertEqual(archive.file_name, request.signed_filename)
        self.assertFalse(archive._check_integrity())
