{
    "name": "Receivables Automation - Credit Limit on Sales Orders",
    "summary": "Confirming a sales order above the customer's credit limit warns or is blocked, "
    "with a credit manager's logged override",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/receivables-automation/odoo-receivables",
    "author": "Receivables Automation contributors",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["receivable_automation", "sale"],
    "data": [
        "views/sale_order_views.xml",
    ],
}
