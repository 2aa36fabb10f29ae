import re

from odoo import _, api, models
from odoo.tools import SQL, email_domain_extract, email_normalize, html2plaintext
from odoo.tools.mail import unfold_references

# Domains of public mail providers: a sender's domain there says nothing about its company.
PUBLIC_EMAIL_DOMAINS = {
    "aol.com",
    "bbox.fr",
    "free.fr",
    "gmail.com",
    "googlemail.com",
    "icloud.com",
    "laposte.net",
    "mac.com",
    "me.com",
    "msn.com",
    "neuf.fr",
    "orange.fr",
    "proton.me",
    "protonmail.com",
    "sfr.fr",
    "wanadoo.fr",
}
# Providers with one domain per country (hotmail.fr, yahoo.co.uk, gmx.de...): the first label.
PUBLIC_EMAIL_PROVIDERS = {"gmx", "hotmail", "live", "outlook", "yahoo", "yandex", "ymail", "zoho"}
# Only the start of a huge e-mail is read for numbers; a reference is near the top.
MATCH_TEXT_LIMIT = 200_000
# Never more tokens than this in one search, whatever the e-mail holds.
MATCH_TOKEN_LIMIT = 500
# Invoice numbers and payment references: a word with a digit, made of letters, digits and / - _ .
DOCUMENT_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.\-]*[0-9][A-Za-z0-9/_.\-]*")
# VAT numbers (two letters then digits, spaces allowed) and registration numbers (9-14 digits)
VAT_TOKEN_RE = re.compile(r"\b[A-Za-z]{2}(?:[ .]?[0-9A-Za-z]){8,13}\b")
REGISTRY_TOKEN_RE = re.compile(r"\b[0-9](?:[ .]?[0-9]){8,13}\b")


class ReceivableMailboxMatch(models.AbstractModel):
    """Which debtor an incoming e-mail is about, and why.

    The rules run in the order of ``_get_match_rules()``; the first that finds exactly one
    debtor wins. Each rule ``_match_by_<rule>(company, msg_dict, text)`` returns None (nothing
    found) or {"partners": commercial partners, "note": explanation, "move": invoice (optional),
    "record": the reminder or invoice replied to (optional)}."""

    _name = "receivable.mailbox.match"
    _description = "Receivables Mailbox Matching"

    @api.model
    def _get_match_rules(self):
        return ["reply", "document", "sender", "domain", "registry"]

    @api.model
    def _match(self, company, msg_dict):
        """{"partner", "candidates", "note", "move", "record"} for an e-mail to ``company``."""
        text = self._get_match_text(msg_dict)
        Partner = self.env["res.partner"]
        candidates, ambiguous = Partner, []
        for rule in self._get_match_rules():
            found = getattr(self, f"_match_by_{rule}")(company, msg_dict, text)
            if not found or not found["partners"]:
                continue
            if len(found["partners"]) == 1:
                return self._match_found(company, msg_dict, found)
            candidates |= found["partners"]
            ambiguous.append(found["note"])
        if candidates:
            note = _("Ambiguous: %s", "; ".join(ambiguous))
        else:
            note = _("No debtor recognised")
        return {"partner": Partner, "candidates": candidates, "note": note}

    @api.model
    def _match_found(self, company, msg_dict, found):
        partner, note = found["partners"], found["note"]
        if found.get("move"):
            # an invoice of another debtor than the sender's: the invoice wins, the collector checks
            senders = self._get_sender_partners(company, msg_dict)
            if senders and partner not in senders:
                note = _(
                    "%(note)s; the sender's address belongs to %(sender)s: check",
                    note=note,
                    sender=", ".join(senders.mapped("display_name")),
                )
        return {
            "partner": partner,
            "candidates": self.env["res.partner"],
            "note": note,
            "move": found.get("move") or self.env["account.move"],
            "record": found.get("record"),
        }

    @api.model
    def _get_match_text(self, msg_dict):
        body = (msg_dict.get("body") or "")[:MATCH_TEXT_LIMIT]
        return "\n".join([msg_dict.get("subject") or "", html2plaintext(body) if body else ""])

    # ------------------------------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------------------------------

    @api.model
    def _match_by_reply(self, company, msg_dict, text):
        """A reply to one of our reminders or invoices (its References / In-Reply-To)."""
        references = unfold_references(
            msg_dict.get("references") or msg_dict.get("in_reply_to") or ""
        )
        references = [ref.strip() for ref in references if ref.strip()][-32:]
        if not references:
            return None
        # sudo: the message replied to may be on any thread; only its model and id are used
        message = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("message_id", "in", references),
                    ("model", "in", ("receivable.dunning.action", "account.move")),
                ],
                order="id desc",
                limit=1,
            )
        )
        if not message:
            return None
        return self._match_reply_record(company, self.env[message.model].browse(message.res_id))

    @api.model
    def _match_reply_record(self, company, record):
        """The debtor of a reminder or customer invoice of ``company`` that an e-mail answers."""
        record = record.exists()
        if not record or record.company_id != company:
            return None
        if record._name == "account.move":
            if not record.is_sale_document(include_receipts=True):
                return None
            return {
                "partners": record.commercial_partner_id,
                "note": _("reply to invoice %s", record.name),
                "move": record,
                "record": record,
            }
        return {
            "partners": record.partner_id.commercial_partner_id,
            "note": _("reply to reminder %s", record.display_name),
            "move": record.line_ids.move_id[:1] if len(record.line_ids.move_id) == 1 else None,
            "record": record,
        }

    @api.model
    def _match_by_document(self, company, msg_dict, text):
        """Invoice numbers and payment references in the subject or body, in one search."""
        tokens = self._extract_tokens(DOCUMENT_TOKEN_RE, text, lambda token: token.strip("./-_"))
        tokens |= {token.upper() for token in tokens}
        if not tokens:
            return None
        moves = self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund", "out_receipt")),
                "|",
                ("name", "in", list(tokens)),
                ("payment_reference", "in", list(tokens)),
            ],
            order="id",
        )
        if not moves:
            return None
        labels = []
        for move in moves:
            if move.name in tokens:
                labels.append(_("invoice number %s", move.name))
            else:
                labels.append(_("payment reference %s", move.payment_reference))
        return {
            "partners": moves.commercial_partner_id,
            "note": _("matched by %s", ", ".join(dict.fromkeys(labels))),
            "move": moves if len(moves) == 1 else None,
        }

    @api.model
    def _match_by_sender(self, company, msg_dict, text):
        """The sender's address is one of a debtor's contacts (not verified: anyone can write
        any From)."""
        partners = self._get_sender_partners(company, msg_dict)
        if not partners:
            return None
        return {
            "partners": partners,
            "note": _(
                "matched by the sender's address %s (not verified)",
                email_normalize(msg_dict.get("email_from") or ""),
            ),
        }

    @api.model
    def _match_by_domain(self, company, msg_dict, text):
        """The sender's domain is that of the contacts of one debtor only."""
        email = email_normalize(msg_dict.get("email_from") or "")
        domain = email and email_domain_extract(email)
        if not domain or self._is_public_domain(domain):
            return None
        escaped = domain.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        partners = self._search_partners(
            company, [("email_normalized", "=like", f"%@{escaped}")]
        ).commercial_partner_id
        if len(partners) != 1:
            return None
        return {
            "partners": partners,
            "note": _("matched by the sender's domain %s (not verified)", domain),
        }

    @api.model
    def _match_by_registry(self, company, msg_dict, text):
        """A VAT number or company registration number in the text (spaces and dots ignored)."""

        def normalize(token):
            return re.sub(r"[^0-9A-Za-z]", "", token).upper()

        tokens = self._extract_tokens(VAT_TOKEN_RE, text, normalize)
        tokens |= self._extract_tokens(REGISTRY_TOKEN_RE, text, normalize)
        if not tokens:
            return None
        self.env["res.partner"].flush_model(["vat", "company_registry", "company_id", "active"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id, COALESCE(
                           NULLIF(UPPER(REGEXP_REPLACE(vat, '[^0-9A-Za-z]', '', 'g')), ''), '-'),
                       COALESCE(
                           NULLIF(UPPER(REGEXP_REPLACE(company_registry, '[^0-9A-Za-z]', '', 'g')),
                                  ''), '-')
                  FROM res_partner
                 WHERE parent_id IS NULL
                   AND active
                   AND (company_id IS NULL OR company_id = %(company)s)
                   AND (UPPER(REGEXP_REPLACE(vat, '[^0-9A-Za-z]', '', 'g')) IN %(tokens)s
                        OR UPPER(REGEXP_REPLACE(company_registry, '[^0-9A-Za-z]', '', 'g'))
                           IN %(tokens)s)
                """,
                company=company.id,
                tokens=tuple(tokens),
            )
        )
        if not rows:
            return None
        numbers = sorted({number for row in rows for number in row[1:] if number in tokens})
        return {
            "partners": self.env["res.partner"].browse([row[0] for row in rows]),
            "note": _("matched by VAT / registration number %s", ", ".join(numbers)),
        }

    # ------------------------------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------------------------------

    @api.model
    def _extract_tokens(self, regex, text, normalize):
        tokens = set()
        for found in regex.finditer(text):
            token = normalize(found.group(0))
            if len(token) >= 4:
                tokens.add(token)
            if len(tokens) >= MATCH_TOKEN_LIMIT:
                break
        return tokens

    @api.model
    def _get_sender_partners(self, company, msg_dict):
        """The debtors (commercial partners) one of whose contacts has the sender's address."""
        email = email_normalize(msg_dict.get("email_from") or "")
        if not email:
            return self.env["res.partner"]
        return self._search_partners(
            company, [("email_normalized", "=", email)]
        ).commercial_partner_id

    @api.model
    def _search_partners(self, company, domain):
        """Partners of ``company`` (or shared), never the company itself nor its employees:
        a colleague's address says nothing about a debtor."""
        return self.env["res.partner"].search(
            [
                ("company_id", "in", (company.id, False)),
                ("commercial_partner_id", "!=", company.partner_id.id),
                "|",
                ("user_ids", "=", False),
                ("user_ids.share", "=", True),
                *domain,
            ],
            limit=MATCH_TOKEN_LIMIT,
        )

    @api.model
    def _is_public_domain(self, domain):
        domain = domain.lower()
        return domain in PUBLIC_EMAIL_DOMAINS or domain.split(".")[0] in PUBLIC_EMAIL_PROVIDERS
