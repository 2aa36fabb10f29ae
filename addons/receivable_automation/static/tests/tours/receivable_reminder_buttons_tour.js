/** @odoo-module **/

import { registry } from "@web/core/registry";

// Started on Receivables > Reminders > All Reminders, with three reminders of the day:
// Tour Reminder A and B to validate, Tour Reminder C sent with a letter to print.
registry.category("web_tour.tours").add("receivable_reminder_buttons_tour", {
    steps: () => [
        {
            content: "Select the reminder of A",
            trigger: ".o_data_row:contains('Tour Reminder A') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Mark it as reminded (the debtor was called)",
            trigger: ".o_list_selection_container button:contains('Mark as Reminded')",
            run: "click",
        },
        {
            content: "A is marked as reminded",
            trigger: ".o_data_row:contains('Tour Reminder A') td[name=state]:contains('Marked as Reminded')",
        },
        {
            content: "Select the reminder of B",
            trigger:
                ".o_list_view:not(:has(.o_list_selection_box)) .o_data_row:contains('Tour Reminder B') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Cancel it",
            trigger: ".o_list_selection_container button:contains('Cancel')",
            run: "click",
        },
        {
            content: "B is cancelled",
            trigger: ".o_data_row:contains('Tour Reminder B') td[name=state]:contains('Cancelled')",
        },
        {
            content: "Open the reminder of C",
            trigger:
                ".o_list_view:not(:has(.o_list_selection_box)) .o_data_row:contains('Tour Reminder C') td[name=partner_id]",
            run: "click",
        },
        {
            content: "Its letter is to print",
            trigger: ".o_form_view .o_field_widget[name=letter_state]:contains('To Print')",
        },
        {
            content: "Print the letter",
            trigger: ".o_form_view button[name=action_print_letter]",
            run: "click",
        },
        {
            content: "Once downloaded, the letter is printed",
            trigger: ".o_form_view .o_field_widget[name=letter_state]:contains('Printed')",
        },
    ],
});
