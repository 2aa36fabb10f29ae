/** @odoo-module **/

import { registry } from "@web/core/registry";

// Started on Receivables > Debtors as a collector: filter one's own debtors, open one.
registry.category("web_tour.tours").add("receivable_debtor_worklist_tour", {
    steps: () => [
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Keep my debtors",
            trigger: ".o_filter_menu .dropdown-item:contains('My Debtors')",
            run: "click",
        },
        {
            content: "Only my debtor is left, with what it owes and its next reminder",
            trigger:
                ".o_list_view:not(:has(.o_data_row:nth-child(2))) .o_data_row:has(td[name=partner_id]:contains('Worklist Debtor SA')):has(td[name=next_level_id]:contains('Worklist reminder'))",
        },
        {
            content: "A row opens the debtor's client file",
            trigger: ".o_data_row td[name=partner_id]:contains('Worklist Debtor SA')",
            run: "click",
        },
        {
            content: "The client file, with its open items",
            trigger: ".o_form_view .oe_title:contains('Worklist Debtor SA')",
        },
        {
            content: "The open items tab",
            trigger: ".o_notebook_headers a:contains('Open Items')",
        },
    ],
});
