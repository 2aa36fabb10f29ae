import io

from dateutil.relativedelta import relativedelta
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from odoo import api, fields, models


def _demo_pdf(title, lines):
    """A one-page PDF standing for a document a customer would scan or send."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(60, 780, title)
    page.setFont("Helvetica", 11)
    for index, line in enumerate(lines):
        page.drawString(60, 745 - 18 * index, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _demo_id_card(name):
    image = Image.new("RGB", (480, 300), (225, 235, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 60, 150, 240), fill=(190, 200, 215))
    draw.text((180, 70), "CARTE NATIONALE D'IDENTITE", fill=(20, 40, 90))
    draw.text((180, 120), name.upper(), fill=(0, 0, 0))
    draw.text((180, 150), "Nee le 14.03.1981 a Lyon", fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    def _receivable_load_demo_client_files(self):
        """The product pages' scenario for a new customer, Horizon Logistique: its onboarding
        file (order form and registration uploaded by the customer on its upload page, ID and
        bank details added by the salesperson, all checked by another user, approved by the
        sales manager, accounting told), then its contract file, whose contract now waits for
        the customer's signature, then the sales manager's. Done through the models' own
        actions by the demo's users, so that four eyes and every rule apply."""
        if self.env.ref(
            "receivable_automation.demo_client_file_onboarding", raise_if_not_found=False
        ):
            return  # already loaded
        company = self.env.ref("base.main_company")
        customer = self.env.ref("receivable_automation.demo_partner_horizon")
        salesperson = self.env.ref("base.user_demo")
        manager = self.env.ref("base.user_admin")
        Files = (
            self.env["receivable.client.file"]
            .with_company(company)
            .with_context(mail_notify_force_send=False)
        )

        onboarding = Files.with_user(salesperson).create(
            {
                "partner_id": customer.id,
                "circuit_id": self.env.ref(
                    "receivable_automation.circuit_new_customer_onboarding"
                ).id,
                "signatory_id": self.env.ref("receivable_automation.demo_contact_horizon_julie").id,
                "company_id": company.id,
            }
        )
        self._receivable_demo_name(onboarding, "demo_client_file_onboarding")
        onboarding.action_start()
        step = onboarding.current_step_id
        # the customer uploads two documents through the link it received by e-mail
        link = step.upload_link_ids[:1]
        ref = self.env.ref
        link._upload(
            ref("receivable_automation.document_type_order_form"),
            "bon_de_commande_BC-2026-118.pdf",
            _demo_pdf(
                "Bon de commande BC-2026-118",
                [
                    "Client : Horizon Logistique SAS, 8 quai Perrache, 69002 Lyon",
                    "Objet : abonnement annuel de maintenance, 12 x 1 450,00 EUR HT",
                    "Conditions de paiement : 30 jours fin de mois",
                    "Bon pour accord, Julie Bernard, gérante",
                ],
            ),
        )
        link._upload(
            ref("receivable_automation.document_type_company_registration"),
            "kbis_horizon_logistique.pdf",
            _demo_pdf(
                "Extrait Kbis",
                [
                    "Horizon Logistique SAS - RCS Lyon 812 345 678",
                    "Siège : 8 quai Perrache, 69002 Lyon",
                    "Présidente : Julie Bernard",
                ],
            ),
        )
        # the salesperson adds the two others from the back office
        step_as_salesperson = step.with_user(salesperson)
        step_as_salesperson._add_document_from_data(
            ref("receivable_automation.document_type_signatory_id"),
            "cni_julie_bernard.png",
            _demo_id_card("Julie Bernard"),
            "back_office",
        )
        step_as_salesperson._add_document_from_data(
            ref("receivable_automation.document_type_bank_details"),
            "rib_horizon_logistique.pdf",
            _demo_pdf(
                "Relevé d'identité bancaire",
                ["Titulaire : Horizon Logistique SAS", "IBAN : FR76 3000 4000 0312 3456 7890 143"],
            ),
            "back_office",
        )
        # the verifier checks them (not the salesperson who added two of them)
        step.document_ids.with_user(step.verifier_user_id).action_approve()
        approval = onboarding.current_step_id
        approval.with_user(approval.verifier_user_id).action_approve()

        contract_file = Files.with_user(salesperson).create(
            {
                "partner_id": customer.id,
                "circuit_id": ref("receivable_automation.circuit_contract_first_invoice").id,
                "signatory_id": ref("receivable_automation.demo_contact_horizon_julie").id,
                "company_id": company.id,
            }
        )
        self._receivable_demo_name(contract_file, "demo_client_file_contract")
        contract_file.action_start()
        document = contract_file.current_step_id.with_user(salesperson)._add_document_from_data(
            ref("receivable_automation.document_type_contract"),
            "contrat_maintenance_horizon.pdf",
            _demo_pdf(
                "Contrat de maintenance",
                [
                    "Entre YourCompany (le Prestataire) et Horizon Logistique SAS (le Client).",
                    "1. Objet : maintenance des équipements décrits en annexe.",
                    "2. Prix : 1 450,00 EUR HT par mois, facturé le 1er de chaque mois.",
                    "3. Paiement : 30 jours fin de mois ; pénalités au taux BCE + 10 points",
                    "   et indemnité forfaitaire de 40 EUR pour frais de recouvrement.",
                    "4. Durée : un an à compter de la dernière signature, renouvelable.",
                    "5. Droit applicable : droit français.",
                ],
            ),
            "back_office",
        )
        # the sales manager checks the contract: it goes out for signature, the customer first
        document.with_user(manager).action_approve()
        # its first invoice, posted today: queued for the archive, archived by its cron
        today = fields.Date.context_today(self)
        self.with_user(manager).with_company(company)._receivable_demo_move(
            "out_invoice",
            customer,
            today,
            today + relativedelta(days=30),
            1450.0,
            "Maintenance subscription, first month",
        )
        return onboarding | contract_file
