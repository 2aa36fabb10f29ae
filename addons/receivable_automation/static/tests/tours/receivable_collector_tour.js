/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("receivable_collector_tour", {
    steps: () => [
        {
            content: "The reminders to validate are grouped by level, opened",
            trigger: ".o_group_header:contains('Tour formal notice')",
        },
        {
            content: "Open the debtor's reminder",
            trigger: ".o_data_row td:contains('Tour Debtor SA')",
            run: "click",
        },
        {
            content: "The reminder lists the overdue invoice",
            trigger: ".o_field_widget[name=line_ids] .o_data_row",
        },
        {
            content: "See what the debtor will get before sending",
            trigger: ".o_notebook a[name=preview]",
            run: "click",
        },
        {
            content: "The recipients, per channel",
            trigger: ".o_field_widget[name=preview_recipients]:contains('E-mail'):contains('pay@tour-debtor.example.com')",
        },
        {
            content: "The e-mail as it will go out, with its amount",
            trigger: ".o_field_widget[name=preview_email_subject]:contains('formal notice')",
        },
        {
            content: "The letter can be looked at as PDF",
            trigger: "button[name=action_preview_letter]",
        },
        {
            content: "Validate and send it",
            trigger: "button[name=action_validate]",
            run: "click",
        },
        {
            content: "The reminder is sent",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Sent')",
        },
        {
            content: "It went out by e-mail",
            trigger: ".o_field_widget[name=channels]:contains('e-mail')",
        },
    ],
});
