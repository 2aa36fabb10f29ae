/** @odoo-module **/

import { registry } from "@web/core/registry";

// On a phone, from the statement a reminder's link opens: promise to pay the overdue
// invoices, then ask for a plan in three monthly instalments after seeing its schedule.
registry.category("web_tour.tours").add("client_portal_promise_plan_tour", {
    steps: () => [
        {
            content: "Promise to pay, from the statement",
            trigger: ".o_receivable_promise_button",
            run: "click",
        },
        {
            content: "The overdue invoices are ticked",
            trigger: ".o_receivable_promise_form input[name='invoice_ids']:checked",
        },
        {
            content: "Promise part of what is due",
            trigger: ".o_receivable_promise_amount",
            run: "edit 1000",
        },
        {
            content: "Send the promise",
            trigger: ".o_receivable_promise_submit",
            run: "click",
        },
        {
            content: "Back on the statement, the promise is noted",
            trigger: ".o_receivable_notice:contains('your promise is noted')",
        },
        {
            content: "The statement shows the promise",
            trigger: ".o_receivable_promise_line",
        },
        {
            content: "Ask for a payment plan",
            trigger: ".o_receivable_plan_button",
            run: "click",
        },
        {
            content: "Three instalments",
            trigger: ".o_receivable_plan_count",
            run: "select 3",
        },
        {
            content: "See the schedule and the fee",
            trigger: ".o_receivable_plan_preview_button",
            run: "click",
        },
        {
            content: "The schedule has three instalments",
            trigger: ".o_receivable_plan_preview_schedule tbody tr:nth-child(3)",
        },
        {
            content: "Confirm the request",
            trigger: ".o_receivable_plan_confirm",
            run: "click",
        },
        {
            content: "The plan waits for the company's approval",
            trigger: ".o_receivable_plan_status:contains('Waiting for our approval')",
        },
    ],
});

// Once the plan is approved: sign it from the statement with the code received by SMS.
registry.category("web_tour.tours").add("client_portal_plan_sign_tour", {
    steps: () => [
        {
            content: "Sign the approved plan, from the statement",
            trigger: ".o_receivable_plan_sign",
            run: "click",
        },
        {
            content: "Start signing",
            trigger: ".o_esign_start",
            run: "click",
        },
        {
            content: "Type the signature",
            trigger: ".o_esign_mode[data-mode='type']",
            run: "click",
        },
        {
            content: "The name",
            trigger: ".o_esign_typed:not(.d-none)",
            run: "edit Ann Accountant",
        },
        {
            content: "Ask for the code by SMS",
            trigger: ".o_esign_send_code",
            run: "click",
        },
        {
            content: "Type the code received",
            trigger: ".o_esign_code_block:not(.d-none) .o_esign_code",
            run: "edit 135790",
        },
        {
            content: "Sign",
            trigger: ".o_esign_confirm",
            run: "click",
        },
        {
            content: "Signed",
            trigger: ".o_esign_signed",
        },
    ],
});
