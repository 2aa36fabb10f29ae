/** @odoo-module **/

import { registry } from "@web/core/registry";

const PDF = "%PDF-1.4\n% order form uploaded by the customer\n";

registry.category("web_tour.tours").add("receivable_client_file_upload_tour", {
    steps: () => [
        {
            content: "The page lists the order form as missing, with its description",
            trigger: ".o_client_file_upload_missing[data-type-code='ut_order']:contains('The order form signed and stamped')",
        },
        {
            content: "Choose the PDF of the order form",
            trigger: ".o_client_file_upload_missing[data-type-code='ut_order'] input[type=file]",
            run() {
                const file = new File([PDF], "order-form.pdf", { type: "application/pdf" });
                const dataTransfer = new DataTransfer();
                dataTransfer.items.add(file);
                this.anchor.files = dataTransfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Send it",
            trigger: ".o_client_file_upload_missing[data-type-code='ut_order'] button[type=submit]",
            run: "click",
        },
        {
            content: "The page thanks the customer",
            trigger: ".o_client_file_upload_success:contains('Order (upload test)')",
        },
        {
            content: "The order form is listed as received, to check",
            trigger: ".o_client_file_upload_received tr[data-state='to_check']:contains('order-form.pdf')",
        },
        {
            content: "Only the registration extract is still asked for",
            trigger: ".o_client_file_upload_page:not(:has([data-type-code='ut_order'])) [data-type-code='ut_kbis']",
        },
    ],
});
