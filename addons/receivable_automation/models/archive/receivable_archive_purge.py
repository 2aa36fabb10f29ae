from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ReceivableArchivePurge(models.Model):
    """A purge of archived documents past their retention date: a credit manager prepares the
    list, reviews it, and approves it; the entries and their files are then deleted and a
    destruction record is kept for each."""

    _name = "receivable.archive.purge"
    _description = "Archive Purge"
    _inherit = ["mail.thread"]
    _mail_post_access = "read"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [("draft", "To Review"), ("approved", "Approved"), ("done", "Done")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    date = fields.Date(
        "Retention Over Before",
        required=True,
        readonly=True,
        default=fields.Date.context_today,
        help="Entries kept until before this date are listed.",
    )
    archive_ids = fields.Many2many(
        "receivable.archive",
        "receivable_archive_purge_rel",
        "purge_id",
        "archive_id",
        "Documents to Delete",
        readonly=True,
        check_company=True,
    )
    archive_count = fields.Integer(compute="_compute_archive_count")
    destruction_ids = fields.One2many(
        "receivable.archive.destruction", "purge_id", "Destruction Records", readonly=True
    )
    destruction_count = fields.Integer(compute="_compute_archive_count")
    prepared_by_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.user)
    approved_by_id = fields.Many2one("res.users", readonly=True)
    approved_on = fields.Datetime(readonly=True)

    @api.depends("archive_ids", "destruction_ids")
    def _compute_archive_count(self):
        for purge in self:
            purge.archive_count = len(purge.archive_ids)
            purge.destruction_count = len(purge.destruction_ids)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            forced = {"state", "archive_ids", "approved_by_id", "approved_on"} & set(vals)
            if forced:
                raise UserError(
                    _(
                        "A purge starts empty and to review: %s are set by its actions.",
                        ", ".join(sorted(forced)),
                    )
                )
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            vals.setdefault(
                "name",
                _(
                    "Purge %(company)s %(date)s",
                    company=company.name,
                    date=fields.Date.context_today(self),
                ),
            )
        return super().create(vals_list)

    def action_prepare(self):
        """List the company's entries whose retention is over and that are not held."""
        self._check_draft()
        for purge in self:
            archives = self.env["receivable.archive"].search(purge._get_purgeable_domain())
            if not archives:
                raise UserError(
                    _(
                        "Nothing to purge: no archived document of %s is past its retention "
                        "date without a legal hold.",
                        purge.company_id.name,
                    )
                )
            # sudo: nobody writes purges; only this action fills the list
            purge.sudo().archive_ids = archives
            purge.message_post(
                body=_("%s archived document(s) listed for deletion.", len(archives))
            )
        return True

    def action_approve(self):
        """Delete the listed entries and their files; a destruction record is kept for each."""
        self._check_draft()
        self.env["receivable.archive"]._check_credit_manager()
        for purge in self:
            if not purge.archive_ids:
                raise UserError(_("Prepare the list of documents to delete first."))
            not_purgeable = purge.archive_ids - purge.archive_ids.filtered_domain(
                purge._get_purgeable_domain()
            )
            if not_purgeable:
                raise UserError(
                    _(
                        "These documents can no longer be deleted (legal hold or retention "
                        "date): %s. Prepare the list again.",
                        ", ".join(not_purgeable.mapped("display_name")),
                    )
                )
            # sudo: the state, approver and deletion are done by this action only (nobody has
            # write or delete access on purges and archived documents)
            purge_sudo = purge.sudo()
            purge_sudo.write(
                {
                    "state": "approved",
                    "approved_by_id": self.env.user.id,
                    "approved_on": fields.Datetime.now(),
                }
            )
            count = len(purge_sudo.archive_ids)
            purge_sudo.archive_ids.unlink()
            purge_sudo.state = "done"
            purge.message_post(
                body=_(
                    "%(count)s archived document(s) deleted, approved by %(user)s.",
                    count=count,
                    user=self.env.user.name,
                )
            )
        return True

    def action_view_destructions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Destruction Records"),
            "res_model": "receivable.archive.destruction",
            "view_mode": "list,form",
            "domain": [("purge_id", "=", self.id)],
        }

    def _check_draft(self):
        self.env["receivable.archive"]._check_credit_manager()
        if any(purge.state != "draft" for purge in self):
            raise UserError(_("This purge is already done."))

    def _get_purgeable_domain(self):
        self.ensure_one()
        return [
            ("company_id", "=", self.company_id.id),
            ("retention_end_date", "<", self.date),
            ("legal_hold", "=", False),
        ]
