{
    "name": "Receivables Client Portal",
    "summary": "Debtor self-service on Odoo's portal: the account statement, reachable from any "
    "reminder through an expiring link, without a password",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/receivables-automation/odoo-receivables",
    "author": "Receivables Automation contributors",
    "license": "LGPL-3",
    "depends": ["receivable_automation", "esign", "account_payment", "portal"],
    "data": [
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "data/mail_template_data.xml",
        "views/receivable_portal_link_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/portal_templates.xml",
    ],
    "installable": True,
}
