/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Started on the debtor's partner form: its "Client File" button opens the collector's file.
function openClientFile() {
    return [
        stepUtils.autoExpandMoreButtons(),
        {
            content: "Open the debtor's client file",
            trigger: "button[name=action_open_receivable_file]",
            run: "click",
        },
        {
            content: "The client file shows the debtor's open items",
            trigger: ".o_field_widget[name=receivable_open_line_ids] .o_data_row",
        },
    ];
}

registry.category("web_tour.tours").add("receivable_client_file_promise_handoff_tour", {
    steps: () => [
        ...openClientFile(),
        {
            content: "Open the Promises tab",
            trigger: ".o_notebook_headers a:contains('Promises')",
            run: "click",
        },
        {
            content: "Note a promise to pay",
            trigger: "button[name=action_receivable_new_promise]",
            run: "click",
        },
        {
            content: "The promise is for this debtor, with nothing to cancel yet",
            trigger:
                ".modal:not(:has(button[name=action_cancel])) .o_field_widget[name=partner_id] input:value(Tour Client SARL)",
        },
        {
            content: "Amount promised",
            trigger: ".modal .o_field_widget[name=amount] input",
            run: "edit 600",
        },
        {
            content: "Promised date",
            trigger: ".modal .o_field_widget[name=date] input",
            run: "edit 12/31/2099",
        },
        {
            content: "Save the promise",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The promise is listed on the client file, open",
            trigger:
                ".o_field_widget[name=receivable_promise_ids] .o_data_row:contains('600.00'):contains('Open')",
        },
        stepUtils.autoExpandMoreButtons(),
        {
            content: "Hand the file over to a lawyer",
            trigger: "button[name=action_receivable_hand_off]",
            run: "click",
        },
        {
            content: "The wizard shows what the debtor owes",
            trigger: ".modal .o_field_widget[name=amount_due]:contains('1,500.00')",
        },
        {
            content: "Lawyer",
            trigger: ".modal .o_field_widget[name=lawyer_id] input",
            run: "edit Tour Lawyer",
        },
        {
            content: "Pick the lawyer",
            trigger: ".modal .o-autocomplete--dropdown-item a:contains('Tour Lawyer')",
            run: "click",
        },
        {
            content: "Instructions",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Please start with a formal notice.",
        },
        {
            content: "Hand over",
            trigger: ".modal button[name=action_hand_over]",
            run: "click",
        },
        {
            content: "The hand-off is created and handed over",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Handed Over')",
        },
        {
            content: "with the lawyer",
            trigger: ".o_field_widget[name=lawyer_id] input:value(Tour Lawyer)",
        },
        {
            content: "The lawyer started recovering",
            trigger: ".o_form_view button[name=action_in_recovery]",
            run: "click",
        },
        {
            content: "In recovery",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('In Recovery')",
        },
        stepUtils.autoExpandMoreButtons(),
        {
            content: "Back to the debtor's client file",
            trigger: "button[name=action_open_debtor]",
            run: "click",
        },
        stepUtils.autoExpandMoreButtons(),
        {
            content: "Its hand-offs",
            trigger: "button[name=action_open_receivable_handoffs]:contains('1')",
            run: "click",
        },
        {
            content: "The hand-off to the lawyer is listed",
            trigger: ".o_list_view .o_data_row:contains('Tour Lawyer'):contains('In Recovery')",
        },
    ],
});

registry.category("web_tour.tours").add("receivable_client_file_plan_tour", {
    steps: () => [
        ...openClientFile(),
        stepUtils.autoExpandMoreButtons(),
        {
            content: "The debtor's dunning history",
            trigger: "button[name=action_open_receivable_actions]",
            run: "click",
        },
        {
            content: "No reminder yet",
            trigger: ".o_list_view .o_view_nocontent",
        },
        {
            content: "Back to the client file",
            trigger: ".breadcrumb-item.o_back_button:contains('Tour Plan SAS')",
            run: "click",
        },
        stepUtils.autoExpandMoreButtons(),
        {
            content: "Agree a payment plan",
            trigger: ".oe_stat_button:contains('Payment Plan')",
            run: "click",
        },
        {
            content: "The plan takes what is left to pay on the debtor's open invoices",
            trigger: ".o_field_widget[name=amount_total]:contains('1,200.00')",
        },
        {
            content: "for this debtor",
            trigger: ".o_field_widget[name=partner_id] input:value(Tour Plan SAS)",
        },
        {
            content: "In two instalments",
            trigger: ".o_field_widget[name=instalment_count] input",
            run: "edit 2",
        },
        {
            content: "Compute the instalments",
            trigger: "button[name=action_compute_instalments]",
            run: "click",
        },
        {
            content: "Two instalments",
            trigger: ".o_field_widget[name=instalment_ids] .o_data_row:nth-child(2)",
        },
        {
            content: "The plan is saved with its number",
            trigger: ".o_form_saved .o_field_widget[name=name]:contains('/')",
        },
        {
            content: "Approve",
            trigger: "button[name=action_approve]",
            run: "click",
        },
        {
            content: "Approved",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Approved')",
        },
        {
            content: "Start it without a signature",
            trigger: "button[name=action_activate]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The plan is active",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Active')",
        },
    ],
});
