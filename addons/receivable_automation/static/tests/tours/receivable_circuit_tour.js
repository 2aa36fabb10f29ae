/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";
import { inputFiles } from "@web/../tests/utils";

// A one-page PDF small enough to type: the Add Document wizard checks the extension and size.
const ORDER_FORM_PDF = "%PDF-1.4\n% Tour Bakery SAS - order form\n%%EOF\n";

function pickInDialog(field, search, label) {
    return [
        {
            content: `${field}: type ${search}`,
            trigger: `.modal .o_field_widget[name=${field}] input`,
            run: `edit ${search}`,
        },
        {
            content: `${field}: pick ${label}`,
            trigger: `.modal .o-autocomplete--dropdown-item a:contains('${label}')`,
            run: "click",
        },
    ];
}

function openFilesMenu() {
    return [
        ...stepUtils.goToAppSteps("receivable_automation.menu_receivable_root", "Receivables"),
        {
            content: "Client Files menu",
            trigger:
                ".o_menu_sections [data-menu-xmlid='receivable_automation.menu_receivable_client_files']",
            run: "click",
        },
    ];
}

// 1. A credit manager builds a two-step circuit from Configuration > Approval Circuits.
registry.category("web_tour.tours").add("receivable_circuit_build_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("receivable_automation.menu_receivable_root", "Receivables"),
        {
            content: "Configuration menu",
            trigger: ".o_menu_sections [data-menu-xmlid='receivable_automation.menu_receivable_config']",
            run: "click",
        },
        {
            content: "Approval Circuits",
            trigger: ".dropdown-item[data-menu-xmlid='receivable_automation.menu_receivable_circuits']",
            run: "click",
        },
        {
            content: "New circuit",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name of the circuit",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Bakery onboarding",
        },
        {
            content: "What it is for",
            trigger: ".o_form_view .o_field_widget[name=description] textarea",
            run: "edit Order form checked, then approved by the sales manager.",
        },
        {
            content: "Add the first step",
            trigger: ".o_field_widget[name=step_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Step 1: its name",
            trigger: ".modal .o_field_widget[name=name] input",
            run: "edit Order form",
        },
        {
            content: "Step 1 collects documents",
            trigger: ".modal .o_field_widget[name=kind] select",
            run: `select "collect"`,
        },
        ...pickInDialog("document_type_ids", "Order", "Order Form"),
        {
            content: "The order form is needed",
            trigger: ".modal .o_field_widget[name=document_type_ids] .o_tag:contains('Order Form')",
        },
        {
            content: "Verified by a user",
            trigger: ".modal .o_field_widget[name=verifier_type] select",
            run: `select "user"`,
        },
        ...pickInDialog("verifier_user_id", "Victor", "Victor Verifier"),
        {
            content: "Two business days to check it",
            trigger: ".modal .o_field_widget[name=deadline_days] input",
            run: "edit 2",
        },
        {
            content: "Save the step and add the next one",
            trigger: ".modal .o_form_button_save_new",
            run: "click",
        },
        {
            content: "The first step is listed behind the dialog",
            trigger: ".o_field_widget[name=step_ids] .o_data_row:contains('Order form')",
        },
        {
            content: "Step 2: its name, in a new step form",
            trigger: ".modal .o_field_widget[name=name] input",
            run: "edit Manager approval",
        },
        {
            content: "Step 2 is an approval",
            trigger: ".modal .o_field_widget[name=kind] select",
            run: `select "approve"`,
        },
        ...pickInDialog("verifier_user_id", "Sonia", "Sonia Sales"),
        ...pickInDialog("approval_user_ids", "Tours", "Tours Collector"),
        {
            content: "The message on approval",
            trigger: ".modal .o_field_widget[name=approval_message] textarea",
            run: "edit The file is approved: you can issue the first invoice.",
        },
        {
            content: "Save the step",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "Both steps are listed in order",
            trigger:
                ".o_field_widget[name=step_ids] .o_data_row:nth-child(1):contains('Order form'):contains('Victor Verifier')",
        },
        {
            content: "the approval second",
            trigger:
                ".o_field_widget[name=step_ids] .o_data_row:nth-child(2):contains('Manager approval'):contains('Sonia Sales')",
        },
        {
            content: "Save the circuit",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The circuit is saved",
            trigger: ".o_form_saved",
        },
    ],
});

// 2. A salesperson opens his customer's file, adds the order form, and cannot approve it.
registry.category("web_tour.tours").add("receivable_client_file_add_document_tour", {
    steps: () => [
        ...openFilesMenu(),
        {
            content: "Only the files of his own customers are listed",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains('Other Mill SARL'))) .o_data_row:contains('Tour Bakery SAS')",
        },
        {
            content: "Open his customer's file",
            trigger: ".o_list_view .o_data_row:contains('Tour Bakery SAS') td.o_data_cell",
            run: "click",
        },
        {
            content: "The file is at its first step",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Order form')",
        },
        {
            content: "Add a document",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_add_document]",
            run: "click",
        },
        {
            content: "The wizard proposes the missing order form",
            trigger:
                ".modal .o_field_widget[name=document_type_id] input:value('Order Form')",
        },
        {
            content: "Upload the signed order form",
            trigger: ".modal .o_field_widget[name=data]",
            async run() {
                const file = new File([ORDER_FORM_PDF], "order_form.pdf", {
                    type: "application/pdf",
                });
                await inputFiles(".modal .o_field_widget[name=data] .o_input_file", [file]);
            },
        },
        {
            content: "The file is uploaded with its name",
            trigger: ".modal .o_field_widget[name=filename] input:value('order_form.pdf')",
        },
        {
            content: "Add it",
            trigger: ".modal button[name=action_add]",
            run: "click",
        },
        {
            content: "Documents tab",
            trigger: ".o_notebook_headers a:contains('Documents')",
            run: "click",
        },
        {
            content: "The order form waits for its check, without Approve for its uploader",
            trigger:
                ".o_field_widget[name=document_ids] .o_data_row:contains('order_form.pdf'):contains('To Check')" +
                ":not(:has(button[name=action_approve])):not(:has(button[name=action_reject]))",
        },
        {
            content: "Steps tab",
            trigger: ".o_notebook_headers a:contains('Steps')",
            run: "click",
        },
        {
            content: "Nor can he approve the step, from the header or its line",
            trigger:
                ".o_form_view:not(:has(button[name=action_approve_step])) .o_field_widget[name=file_step_ids] .o_data_row:contains('Order form'):not(:has(button[name=action_approve]))",
        },
        {
            content: "The file says who checks it",
            trigger: ".o-mail-Message:contains('Order Form added to step Order form by Sam Sales')",
        },
    ],
});

// 3. The verifier opens his activity and approves the document: the next step starts.
registry.category("web_tour.tours").add("receivable_client_file_verify_tour", {
    steps: () => [
        {
            content: "Open the activities",
            trigger: ".o_menu_systray i[aria-label='Activities']",
            run: "click",
        },
        {
            content: "Client files to check",
            trigger: ".o-mail-ActivityGroup[data-model_name='receivable.client.file']",
            run: "click",
        },
        {
            content: "Open the file (list or kanban, as the activity menu chooses)",
            trigger:
                ".o_data_row:contains('Tour Bakery SAS') td.o_data_cell, .o_kanban_record:contains('Tour Bakery SAS')",
            run: "click",
        },
        {
            content: "Documents tab",
            trigger: ".o_notebook_headers a:contains('Documents')",
            run: "click",
        },
        {
            content: "Approve the order form",
            trigger:
                ".o_field_widget[name=document_ids] .o_data_row:contains('order_form.pdf') button[name=action_approve]",
            run: "click",
        },
        {
            content: "The next step started by itself",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Manager approval')",
        },
        {
            content: "The order form is approved",
            trigger:
                ".o_field_widget[name=document_ids] .o_data_row:contains('order_form.pdf'):contains('Approved')",
        },
        {
            content: "The approval message is on the file",
            trigger: ".o-mail-Message:contains('The order form is checked: prepare the contract.')",
        },
    ],
});

// 4. The sales manager approves the contract: it goes for signature (then signed on /esign).
registry.category("web_tour.tours").add("receivable_client_file_contract_tour", {
    steps: () => [
        {
            content: "The file waits for the contract check",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Contract')",
        },
        {
            content: "Documents tab",
            trigger: ".o_notebook_headers a:contains('Documents')",
            run: "click",
        },
        {
            content: "Approve the contract",
            trigger:
                ".o_field_widget[name=document_ids] .o_data_row:contains('contract.pdf') button[name=action_approve]",
            run: "click",
        },
        {
            content: "The signature step started",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Signature')",
        },
        {
            content: "The file says the contract went for signature",
            trigger: ".o-mail-Message:contains('Contract sent for signature')",
        },
    ],
});

// 5. The verifier rejects the step with a reason: the file goes back to the order form.
registry.category("web_tour.tours").add("receivable_client_file_reject_tour", {
    steps: () => [
        ...openFilesMenu(),
        {
            content: "Files to verify by me",
            trigger: ".o_list_view .o_data_row:contains('Tour Bakery SAS'):contains('Manager approval') td.o_data_cell",
            run: "click",
        },
        {
            content: "The verifier may approve the step from the file's header",
            trigger: ".o_statusbar_buttons button[name=action_approve_step]",
        },
        {
            content: "but rejects it",
            trigger: ".o_statusbar_buttons button[name=action_reject_step]",
            run: "click",
        },
        {
            content: "The wizard is for the approval step",
            trigger: ".modal .o_field_widget[name=file_step_id]:contains('Manager approval')",
        },
        {
            content: "The file goes back to the order form by default",
            trigger: ".modal .o_field_widget[name=back_to_step_id] input:value('Order form')",
        },
        {
            content: "Reject without a reason",
            trigger: ".modal button[name=action_reject]",
            run: "click",
        },
        {
            content: "The reason is asked for",
            trigger: ".modal .o_field_widget[name=reason].o_field_invalid",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit The order form is not signed by the customer.",
        },
        {
            content: "Reject",
            trigger: ".modal button[name=action_reject]",
            run: "click",
        },
        {
            content: "The file is back at the order form",
            trigger:
                "body:not(:has(.modal)) .o_statusbar_status .o_arrow_button_current:contains('Order form')",
        },
        {
            content: "The rejection and its reason are on the file",
            trigger: ".o-mail-Message:contains('The order form is not signed by the customer.')",
        },
    ],
});
