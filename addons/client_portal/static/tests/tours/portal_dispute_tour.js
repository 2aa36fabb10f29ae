/** @odoo-module **/

import { registry } from "@web/core/registry";

// a delivery note as the customer's phone would attach it: PDF by its content
const DELIVERY_NOTE = "%PDF-1.4\n% delivery note signed with reserves\n";

// On a phone, from the statement a reminder's link opens: dispute part of the oldest invoice
// with a document, then say the next one is already paid.
registry.category("web_tour.tours").add("client_portal_dispute_tour", {
    steps: () => [
        {
            content: "Dispute the oldest invoice, from its card",
            trigger: ".o_receivable_invoice_card:eq(0) .o_receivable_dispute:visible",
            run: "click",
        },
        {
            content: "The form proposes what is left to pay",
            trigger: ".o_receivable_dispute_form input[name=amount][value='1000.00']",
        },
        {
            content: "Reason, from the back office's list",
            trigger: ".o_receivable_dispute_form select[name=reason_id]",
            run: "selectByLabel Quality",
        },
        {
            content: "Dispute part of it only",
            trigger: ".o_receivable_dispute_form input[name=amount]",
            run: "edit 120",
        },
        {
            content: "Say what is wrong",
            trigger: ".o_receivable_dispute_form textarea[name=description]",
            run: "edit Two pallets arrived broken.",
        },
        {
            content: "Attach the delivery note",
            trigger: ".o_receivable_dispute_form input[name=attachments]",
            run() {
                const files = new DataTransfer();
                files.items.add(
                    new File([DELIVERY_NOTE], "delivery-note.pdf", { type: "application/pdf" })
                );
                this.anchor.files = files.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Send the dispute",
            trigger: ".o_receivable_dispute_submit",
            run: "click",
        },
        {
            content: "Back on the statement, the dispute is received",
            trigger: ".o_receivable_notice:contains('your dispute was sent')",
        },
        {
            content: "It shows under review",
            trigger: ".o_receivable_dispute_card .o_receivable_dispute_status:contains('Received, under review')",
        },
        {
            content: "The next invoice is already paid",
            trigger: ".o_receivable_invoice_card:eq(1) .o_receivable_paid_claim:visible",
            run: "click",
        },
        {
            content: "Bank reference of the transfer",
            trigger: ".o_receivable_paid_form input[name=bank_reference]",
            run: "edit VIR 2026-0042",
        },
        {
            content: "Send",
            trigger: ".o_receivable_paid_submit",
            run: "click",
        },
        {
            content: "Back on the statement, the payment is being looked for",
            trigger: ".o_receivable_notice:contains('we are looking for your payment')",
        },
        {
            content: "The invoice says so",
            trigger: ".o_receivable_invoice_card:eq(1):contains('Payment announced, being checked')",
        },
    ],
});
