/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("receivable_promise_from_menu_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("receivable_automation.menu_receivable_root", "Receivables"),
        {
            content: "Follow-up menu",
            trigger: ".o_menu_sections [data-menu-xmlid='receivable_automation.menu_receivable_followup']",
            run: "click",
        },
        {
            content: "Promises to Pay",
            trigger: ".dropdown-item[data-menu-xmlid='receivable_automation.menu_receivable_promises']",
            run: "click",
        },
        {
            content: "New promise",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "The empty form opens, with nothing to cancel yet",
            trigger:
                ".o_form_view:not(:has(button[name=action_cancel])) .o_field_widget[name=name]:contains('New Promise to Pay')",
        },
        {
            content: "Saving an empty promise is refused field by field, without a crash",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The debtor is required",
            trigger: ".o_field_widget.o_field_invalid[name=partner_id]",
        },
        {
            content: "Debtor",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Promise",
        },
        {
            content: "Pick the debtor",
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Promise SA')",
            run: "click",
        },
        {
            content: "Amount promised",
            trigger: ".o_field_widget[name=amount] input",
            run: "edit 250",
        },
        {
            content: "Promised date",
            trigger: ".o_field_widget[name=date] input",
            run: "edit 12/31/2099",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved on the debtor's open invoices",
            trigger:
                ".o_form_saved .o_field_widget[name=move_ids] .o_data_row:nth-child(2)",
        },
        {
            content: "Named after the debtor",
            trigger: ".o_field_widget[name=name]:contains('Tour Promise SA')",
        },
        {
            content: "The customer calls back: the promise is off",
            trigger: ".o_form_view button[name=action_cancel]",
            run: "click",
        },
        {
            content: "Cancelled",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Cancelled')",
        },
    ],
});
