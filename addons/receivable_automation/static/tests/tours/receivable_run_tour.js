/** @odoo-module **/

import { registry } from "@web/core/registry";

// Started on Receivables > Reminders > Runs.
registry.category("web_tour.tours").add("receivable_run_tour", {
    steps: () => [
        {
            content: "Start a run by hand",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "For the 20th of January 2026",
            trigger: ".o_field_widget[name=date] input",
            run: "edit 01/20/2026",
        },
        {
            content: "Preview it first",
            trigger: "button[name=action_preview]",
            run: "click",
        },
        {
            content: "The preview lists the debtor's reminder, not sent",
            trigger:
                ".o_field_widget[name=action_ids] .o_data_row:contains('Tour Run SARL') td[name=state]:contains('Preview')",
        },
        {
            content: "Run it",
            trigger: "button[name=action_run]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The run is done",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
        {
            content: "and the debtor's reminder was sent",
            trigger: ".o_field_widget[name=action_ids] .o_data_row:contains('Tour Run SARL') td[name=state]:contains('Sent')",
        },
    ],
});
