/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("receivable_hold_tour", {
    steps: () => [
        {
            content: "Open the client file's Holds tab",
            trigger: ".o_notebook_headers a:contains('Holds')",
            run: "click",
        },
        {
            content: "Hold the reminders to this debtor",
            trigger: "button[name=action_receivable_hold]",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] input",
            run: "edit Safeguard procedure",
        },
        {
            content: "Until when",
            trigger: ".modal .o_field_widget[name=date_until] input",
            run: "edit 12/31/2099",
        },
        {
            content: "Save the hold",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The hold is listed on the client file",
            trigger: ".o_field_widget[name=receivable_hold_ids] .o_data_row:contains('Safeguard procedure')",
        },
        {
            content: "Release it",
            trigger: ".o_field_widget[name=receivable_hold_ids] .o_data_row button[name=action_release]",
            run: "click",
        },
        {
            content: "No active hold is left",
            trigger: ".o_field_widget[name=receivable_hold_ids]:not(:has(.o_data_row))",
        },
    ],
});
