/** @odoo-module **/

import { registry } from "@web/core/registry";

// Started on Receivables > Reminders > All Reminders, with the reminders of Tour Letter A, B
// and C sent, their letters to print.
registry.category("web_tour.tours").add("receivable_print_letters_tour", {
    steps: () => [
        {
            content: "Search the reminders of the three debtors",
            trigger: ".o_searchview_input",
            run: "edit Tour Letter",
        },
        {
            content: "Search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Keep the letters to print",
            trigger: ".o_filter_menu .dropdown-item:contains('Letters to Print')",
            run: "click",
        },
        {
            content: "The three reminders, and only them",
            trigger:
                ".o_list_view:not(:has(.o_data_row:not(:contains('Tour Letter')))) .o_data_row:eq(2)",
        },
        {
            content: "Select them all",
            trigger: "thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Print their letters",
            trigger: ".o_list_selection_container button:contains('Print Letters')",
            run: "click",
        },
        {
            content: "Once downloaded, no letter is left to print",
            trigger: ".o_list_view:not(:has(.o_data_row)) .o_view_nocontent",
            timeout: 55000,
        },
    ],
});
