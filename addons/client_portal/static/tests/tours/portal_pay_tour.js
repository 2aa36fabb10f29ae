/** @odoo-module **/

import { registry } from "@web/core/registry";

// On a phone, from the statement a reminder's link opens: tick the first and the third invoice
// and pay both at once with Odoo's demo payment provider.
registry.category("web_tour.tours").add("client_portal_pay_tour", {
    steps: () => [
        {
            content: "Tick the oldest invoice, on its card",
            trigger: ".o_receivable_invoice_card:eq(0) .o_receivable_pay_check:visible",
            run: "click",
        },
        {
            content: "Tick the third one",
            trigger: ".o_receivable_invoice_card:eq(2) .o_receivable_pay_check:visible",
            run: "click",
        },
        {
            content: "Pay them",
            trigger: ".o_receivable_pay_selected:visible",
            run: "click",
        },
        {
            content: "The two invoices, in one payment",
            trigger: ".o_receivable_pay_invoices:has(li:eq(1)):not(:has(li:eq(2)))",
        },
        {
            content: "Enter the demo card number",
            trigger: "#o_payment_form input[name='customer_input']",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "#o_payment_form button[name='o_payment_submit_button']:not(:disabled)",
            run: "click",
        },
        {
            content: "Back on the statement, thanked",
            trigger: ".o_receivable_notice:contains('Thank you for your payment')",
            timeout: 30000,
        },
    ],
});
