/** @odoo-module **/

import { registry } from "@web/core/registry";

// On a phone, from the statement a reminder's link opens: ask about the oldest invoice, then
// propose who should receive the reminders.
registry.category("web_tour.tours").add("client_portal_message_tour", {
    steps: () => [
        {
            content: "Ask about the oldest invoice, from its card",
            trigger: ".o_receivable_invoice_card:eq(0) .o_receivable_ask_invoice:visible",
            run: "click",
        },
        {
            content: "Write the question",
            trigger: ".o_receivable_question_form textarea[name=body]",
            run: "edit Please send it again with our new delivery address.",
        },
        {
            content: "Send it",
            trigger: ".o_receivable_question_submit",
            run: "click",
        },
        {
            content: "Back on the statement, the message is sent",
            trigger: ".o_receivable_notice:contains('your message was sent')",
        },
        {
            content: "The question waits for our answer",
            trigger: ".o_receivable_inquiry_card .o_receivable_inquiry_status:contains('Waiting for our answer')",
        },
        {
            content: "Who receives our reminders",
            trigger: ".o_receivable_contact_button:visible",
            run: "click",
        },
        {
            content: "Name",
            trigger: ".o_receivable_contact_form input[name=name]",
            run: "edit Paul Payables",
        },
        {
            content: "E-mail",
            trigger: ".o_receivable_contact_form input[name=email]",
            run: "edit paul@agrolait.example.com",
        },
        {
            content: "Send the confirmation e-mail",
            trigger: ".o_receivable_contact_submit",
            run: "click",
        },
        {
            content: "Nothing changes until the new address confirms",
            trigger: ".o_receivable_notice:contains('Nothing changes until it is confirmed')",
        },
    ],
});
