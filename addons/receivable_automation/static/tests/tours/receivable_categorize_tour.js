/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("receivable_categorize_tour", {
    steps: () => [
        {
            content: "Search the customer's invoices",
            trigger: ".o_searchview_input",
            run: "edit Tour Category SARL",
        },
        {
            content: "Search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Only this customer's two invoices are listed",
            trigger:
                ".o_list_view:not(:has(.o_data_row:not(:contains('Tour Category SARL')))) .o_data_row:nth-child(2)",
        },
        {
            content: "Select them all",
            trigger: "thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Actions",
            trigger: ".o_list_selection_box:contains('2')",
        },
        {
            content: "Open the Actions menu",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Categorize",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains('Categorize')",
            run: "click",
        },
        {
            content: "The wizard lists the two invoices",
            trigger: ".modal .o_field_widget[name=move_ids] .o_tag:nth-child(2)",
        },
        {
            content: "Category",
            trigger: ".modal .o_field_widget[name=category_id] input",
            run: "edit Payment promise",
        },
        {
            content: "Pick it",
            trigger: ".modal .o-autocomplete--dropdown-item a:contains('Payment promise')",
            run: "click",
        },
        {
            content: "A payment promise asks for its date",
            trigger: ".modal .o_field_widget[name=promise_date] input",
            run: "edit 12/31/2099",
        },
        {
            content: "What the customer said",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Will pay both at the end of the month.",
        },
        {
            content: "Apply",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "The list shows the new category",
            trigger:
                "body:not(:has(.modal)) .o_data_row:contains('Tour Category SARL') td[name=receivable_category_id]:contains('Payment promise')",
        },
    ],
});
