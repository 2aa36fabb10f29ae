from odoo.tools import SQL


def post_init_hook(env):
    """Customer invoices that exist before the install start, like new ones, as not contacted;
    existing companies get their receivables mailbox."""
    env["res.company"]._receivable_create_alias_all()
    default = env.ref("receivable_automation.category_nct", raise_if_not_found=False)
    if not default:
        return
    env.cr.execute(
        SQL(
            """
            UPDATE account_move
               SET receivable_category_id = %s
             WHERE move_type IN ('out_invoice', 'out_receipt')
               AND receivable_category_id IS NULL
            """,
            default.id,
        )
    )
