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
