/** @odoo-module **/

import { registry } from "@web/core/registry";

// A French debtor opens the "Pay online" link of its reminder, without logging in, and pays the
// invoice with Odoo's demo payment provider.
registry.category("web_tour.tours").add("receivable_payment_link_tour", {
    steps: () => [
        {
            content: "The invoice's page is in French and offers to pay it",
            trigger: "a[data-bs-target='#pay_with']:contains('Payer maintenant')",
            run: "click",
        },
        {
            content: "Enter the demo card number",
            trigger: "#pay_with input[name='customer_input']",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "#pay_with button[name='o_payment_submit_button']:not(:disabled)",
            run: "click",
        },
        {
            content: "Back on the invoice, which is paid",
            trigger: ".o_portal_sidebar .badge.text-bg-success .fa-check-circle",
            timeout: 30000,
        },
    ],
});
