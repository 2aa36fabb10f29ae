/** @odoo-module **/

import { registry } from "@web/core/registry";

function currentStatus(label) {
    return `.o_statusbar_status .o_arrow_button_current:contains('${label}')`;
}

function confirmDialog() {
    return {
        content: "Confirm",
        trigger: ".modal .modal-footer .btn-primary",
        run: "click",
    };
}

// Started on a draft payment plan of Tour Sign SAS whose two instalments are computed.
registry.category("web_tour.tours").add("receivable_plan_signature_tour", {
    steps: () => [
        {
            content: "The plan is a draft",
            trigger: currentStatus("Draft"),
        },
        {
            content: "The customer asked for it",
            trigger: ".o_form_view button[name=action_request]",
            run: "click",
        },
        {
            content: "Requested",
            trigger: currentStatus("Requested"),
        },
        {
            content: "Back to draft, to rework it",
            trigger: ".o_form_view button[name=action_draft]",
            run: "click",
        },
        {
            content: "Draft again, nothing to reset any more",
            trigger: `.o_form_view:not(:has(button[name=action_draft])) ${currentStatus("Draft")}`,
        },
        {
            content: "Approve",
            trigger: ".o_form_view button[name=action_approve]",
            run: "click",
        },
        {
            content: "Approved",
            trigger: currentStatus("Approved"),
        },
        {
            content: "Have it signed by the customer",
            trigger: ".o_form_view button[name=action_send_for_signature]",
            run: "click",
        },
        {
            content: "A signature request of the plan opens",
            trigger: ".o_form_view .o_field_widget[name=subject] input:value(Payment plan)",
        },
        {
            content: "The customer signs first, then the collector",
            trigger:
                ".o_field_widget[name=signer_ids] .o_data_row:eq(0):contains('Tour Sign SAS') ~ .o_data_row:contains('Tours Collector')",
        },
        {
            content: "Send it to the signers",
            trigger: ".o_form_view button[name=action_send]",
            run: "click",
        },
        {
            content: "Waiting for the signatures",
            trigger: currentStatus("Waiting for Signatures"),
        },
        {
            content: "Back to the plan",
            trigger: ".o_form_view button[name=action_view_linked_record]",
            run: "click",
        },
        {
            content: "The plan shows its signature request",
            trigger: ".o_form_view button[name=action_esign_view_requests]:contains('1')",
        },
        {
            content: "and waits for it, approved",
            trigger: currentStatus("Approved"),
        },
    ],
});

// Started on the active payment plan of Tour Sign SAS.
registry.category("web_tour.tours").add("receivable_plan_cancel_tour", {
    steps: () => [
        {
            content: "The signed plan is active",
            trigger: currentStatus("Active"),
        },
        {
            content: "The customer gave up the plan: cancel it",
            trigger: ".o_form_view button[name=action_cancel]",
            run: "click",
        },
        {
            content: "Cancelled, and it can be reworked from draft",
            trigger: `.o_form_view:has(button[name=action_draft]) ${currentStatus("Cancelled")}`,
        },
    ],
});

// Started on the hand-off of Tour Handoff SARL to Tour Counsel, handed over.
registry.category("web_tour.tours").add("receivable_handoff_buttons_tour", {
    steps: () => [
        {
            content: "The dossier went to the lawyer once",
            trigger: ".o-mail-Message:contains('We hand over to you')",
        },
        {
            content: "The lawyer lost it: send the dossier again",
            trigger: ".o_form_view button[name=action_send_dossier]",
            run: "click",
        },
        {
            content: "Sent a second time",
            trigger: ".o-mail-Message:contains('We hand over to you'):eq(1)",
        },
        {
            content: "The lawyer recovered the debt",
            trigger: ".o_form_view button[name=action_recovered]",
            run: "click",
        },
        confirmDialog(),
        {
            content: "Recovered: no dossier to send any more",
            trigger: `.o_form_view:not(:has(button[name=action_send_dossier])) ${currentStatus("Recovered")}`,
        },
        {
            content: "Close the file",
            trigger: ".o_form_view button[name=action_close]",
            run: "click",
        },
        confirmDialog(),
        {
            content: "Closed",
            trigger: `.o_form_view:not(:has(button[name=action_close])) ${currentStatus("Closed")}`,
        },
    ],
});

// Started on Receivables > Follow-up > Disputes with two new disputes, of Tour Dispute A SARL
// and of Tour Dispute B SARL.
registry.category("web_tour.tours").add("receivable_dispute_buttons_tour", {
    steps: () => [
        {
            content: "Open the dispute of A",
            trigger: ".o_data_row td[name=partner_id]:contains('Tour Dispute A SARL')",
            run: "click",
        },
        {
            content: "Start working on it",
            trigger: ".o_form_view button[name=action_start]",
            run: "click",
        },
        {
            content: "In progress",
            trigger: `.o_form_view:not(:has(button[name=action_start])) ${currentStatus("In Progress")}`,
        },
        {
            content: "Part of the claim is accepted",
            trigger: ".o_field_widget[name=accepted_amount] input",
            run: "edit 200",
        },
        {
            content: "Credit the accepted amount",
            trigger: ".o_form_view button[name=action_resolve_with_credit_note]",
            run: "click",
        },
        confirmDialog(),
        {
            content: "Resolved",
            trigger: currentStatus("Resolved"),
        },
        {
            content: "by a credit note",
            trigger: ".o_field_widget[name=credit_note_id]:contains('RINV/')",
        },
        {
            content: "Back to the disputes",
            trigger: ".breadcrumb-item.o_back_button a:contains('Disputes')",
            run: "click",
        },
        {
            content: "Open the dispute of B",
            trigger: ".o_data_row td[name=partner_id]:contains('Tour Dispute B SARL')",
            run: "click",
        },
        {
            content: "Reject it without saying why",
            trigger: ".o_form_view button[name=action_reject]",
            run: "click",
        },
        {
            content: "Refused: the reason is sent to the customer",
            trigger: ".modal:contains('Give the reason of the rejection')",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Still new",
            trigger: `body:not(:has(.modal)) ${currentStatus("New")}`,
        },
        {
            content: "Why it is rejected",
            trigger: ".o_field_widget[name=rejection_reason] textarea",
            run: "edit The goods were delivered and signed for on 2 January.",
        },
        {
            content: "Reject",
            trigger: ".o_form_view button[name=action_reject]",
            run: "click",
        },
        {
            content: "Rejected",
            trigger: `.o_form_view:not(:has(button[name=action_reject])) ${currentStatus("Rejected")}`,
        },
    ],
});
