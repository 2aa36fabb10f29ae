/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("receivable_dispute_tour", {
    steps: () => [
        {
            content: "Open the invoice's Dunning tab",
            trigger: ".o_notebook_headers a:contains('Dunning')",
            run: "click",
        },
        {
            content: "Open a dispute on this invoice",
            trigger: "button[name=action_receivable_new_dispute]",
            run: "click",
        },
        {
            content: "The invoice is proposed with what is left to pay",
            trigger: ".o_field_widget[name=line_ids] .o_data_row",
        },
        {
            content: "Dispute part of it only",
            trigger: ".o_field_widget[name=line_ids] .o_data_row td[name=amount]",
            run: "click",
        },
        {
            content: "Disputed amount",
            trigger: ".o_field_widget[name=line_ids] .o_data_row td[name=amount] input",
            run: "edit 120",
        },
        {
            content: "Reason",
            trigger: ".o_field_widget[name=reason_id] input",
            run: "edit Quality",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item a:contains('Quality')",
            run: "click",
        },
        {
            content: "Deadline",
            trigger: ".o_field_widget[name=deadline] input",
            run: "edit 01/31/2099",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved with its number",
            trigger: ".o_field_widget[name=name]:contains('DISP/')",
        },
    ],
});
